"""The console is Chinese by default, whatever the browser asks for; English is a choice."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings

CATALOGUE = Path(django_settings.BASE_DIR) / "shouhou/locale/zh_Hans/LC_MESSAGES/django.mo"


@pytest.mark.skipif(not CATALOGUE.exists(), reason="zh-hans catalogue not compiled (no gettext)")
def test_chinese_by_default_and_english_on_request(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in page and 'lang="zh-CN"' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Log in" in client.get("/accounts/login/").content.decode()


def test_catalogue_is_complete():
    po = CATALOGUE.with_suffix(".po")
    text = po.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    untranslated = [e for e in entries if 'msgstr ""' in e and e.rstrip().endswith('msgstr ""')]
    assert not untranslated, f"{len(untranslated)} untranslated msgids, e.g. {untranslated[:3]}"
