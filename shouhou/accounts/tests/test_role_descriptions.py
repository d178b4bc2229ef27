"""System roles are described by the modules that exist (issue 15): no 服务台事件, 费用 or 运营分析
promised before their modules land; a module that lands adds its own words; a company's own text is kept."""

from django.utils import translation

from shouhou.accounts import roles
from shouhou.accounts.models import Role
from shouhou.accounts.services import sync_system_roles
from shouhou.core import permissions

UNBUILT = ("服务台事件", "费用", "运营分析", "事件")  # 备件 landed with the parts module (issue 11)


def test_a_company_is_promised_only_modules_that_exist(tenant, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the company's language, as stored (the tests run in English)
    Role.objects.exclude(system_key="").update(description="运营分析、信息管理、备件管理、客户信息、费用管理、工单中心")
    sync_system_roles()  # as after the upgrade: the descriptions it was given are rebuilt
    described = dict(Role.objects.exclude(system_key="").values_list("system_key", "description"))
    assert set(described) == set(roles.SYSTEM_ROLE_KEYS)
    for key, text in described.items():
        assert text and not any(word in text for word in UNBUILT), (key, text)
    assert described["admin"] == "全部权限"
    with translation.override("zh-hans"):
        labels = {str(m.label) for m in permissions.MODULES.values()}
    engineer = described["engineer"].replace("；可查看", "、").split("、")
    assert set(engineer) <= labels, engineer


def test_a_module_that_lands_adds_its_words_and_an_edited_text_is_kept(tenant, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    Role.objects.filter(system_key="finance").update(description="费用管理")  # as created before issue 15
    Role.objects.filter(system_key="visitor").update(description="我们自己写的说明")
    permissions.register_module("fee_demo", "费用演示", actions={"view": "查看", "settle": "结算"},
                                defaults={"finance": "*"})
    try:
        sync_system_roles()
        finance = Role.objects.get(system_key="finance")
        assert "费用演示" in finance.description.split("；")[0].split("、") and "fee_demo.settle" in finance.permissions
        assert Role.objects.get(system_key="visitor").description == "我们自己写的说明"
    finally:
        permissions.MODULES.pop("fee_demo")


def test_every_system_role_description_fits_its_column_with_every_module():
    """PostgreSQL refuses a value longer than the column (SQLite stores it): the descriptions built from all
    the modules, in either language, must fit (the administrator's was 201 characters in English)."""
    limit = Role._meta.get_field("description").max_length
    for language in ("en", "zh-hans"):
        with translation.override(language):
            longest = max(len(roles.describe(key)) for key in roles.SYSTEM_ROLE_KEYS)
        assert longest <= limit * 0.6, (language, longest)  # room for the modules still to come
