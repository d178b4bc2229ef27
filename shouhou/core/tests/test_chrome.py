"""One chrome (issue 15): breadcrumbs with one separator everywhere, one empty state, form buttons in one place."""

import re
from pathlib import Path

from django.urls import reverse

from shouhou.core.testing import client_for

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [path for path in ROOT.rglob("templates/**/*.html") if ".venv" not in path.parts]


def test_every_breadcrumb_uses_the_one_separator():
    crumbs = [path for path in TEMPLATES if 'class="crumbs"' in path.read_text(encoding="utf-8")]
    assert len(crumbs) > 15
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        assert "breadcrumb-item" not in text, path  # Bootstrap's "/" separator
        for nav in re.findall(r'<nav class="crumbs".*?</nav>', text, re.S):
            separators = set(re.findall(r'<i class="bi (bi-[a-z-]+)"></i>', nav))
            assert separators <= {"bi-chevron-right"}, (path, separators)


def test_a_settings_page_has_the_crumbs_and_the_buttons_of_every_page(tenant, owner):
    html = client_for(owner).get(reverse("system:company")).content.decode()
    assert '<nav class="crumbs"' in html and "bi-chevron-right" in html
    assert 'class="form-actions"' in html


def test_no_app_redefines_the_kit_chrome():
    for path in (ROOT / "shouhou" / "static").rglob("*.css"):
        if path.parts[-2] == "core":
            continue
        text = path.read_text(encoding="utf-8")
        for rule in (".crumbs {", ".form-actions {", ".list-table td {"):
            assert rule not in text, (path, rule)
