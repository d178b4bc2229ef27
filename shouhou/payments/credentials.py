"""Merchant credentials of the online providers.

The company's payment settings hold what identifies its merchant account (WeChat Pay 商户号, app ID,
certificate serial number, public-key ID; Alipay app ID). Secret keys never live in the database and are
never logged: they come from the environment, named after the merchant —

    PAYMENTS_WECHAT_<mchid>_PRIVATE_KEY   the merchant's API private key (PEM)
    PAYMENTS_WECHAT_<mchid>_APIV3_KEY     the APIv3 key (32 characters)
    PAYMENTS_WECHAT_<mchid>_PUBLIC_KEY    WeChat Pay's platform public key (PEM)
    PAYMENTS_ALIPAY_<appid>_PRIVATE_KEY   the app's private key (PEM)
    PAYMENTS_ALIPAY_<appid>_PUBLIC_KEY    Alipay's public key (PEM)

A value that starts with "file:" names a file holding the key. `PAYMENTS_SANDBOX` (on by default only with
DEBUG) serves every online method with the local sandbox provider instead; the demo company always uses it.
"""

import os
import re
from dataclasses import dataclass, field

from django.conf import settings

from shouhou.core import company_settings

_IDENT = re.compile(r"^[A-Za-z0-9_]{1,40}$")


class NotConfigured(Exception):
    """The company's merchant account for a provider is incomplete."""


def sandbox(tenant):
    return bool(getattr(settings, "PAYMENTS_SANDBOX", False)) or bool(getattr(tenant, "is_demo", False))


def secret(provider, ident, name):
    """A key from the environment, or "" (an identifier that could not name a variable gives "")."""
    if not _IDENT.match(ident or ""):
        return ""
    value = os.environ.get(f"PAYMENTS_{provider.upper()}_{ident}_{name}", "")
    if value.startswith("file:"):
        try:
            with open(value[5:], encoding="utf-8") as handle:
                return handle.read()
        except OSError:
            return ""
    return value


@dataclass(frozen=True)
class WechatMerchant:
    mchid: str
    appid: str
    serial_no: str
    public_key_id: str
    private_key: str = field(repr=False)
    apiv3_key: str = field(repr=False)
    public_key: str = field(repr=False)


@dataclass(frozen=True)
class AlipayMerchant:
    appid: str
    private_key: str = field(repr=False)
    public_key: str = field(repr=False)


def wechat(tenant):
    get = lambda key: str(company_settings.get(f"payments.wechat_{key}", tenant) or "")  # noqa: E731
    mchid = get("mchid")
    merchant = WechatMerchant(
        mchid=mchid, appid=get("appid"), serial_no=get("serial_no"), public_key_id=get("public_key_id"),
        private_key=secret("wechat", mchid, "PRIVATE_KEY"), apiv3_key=secret("wechat", mchid, "APIV3_KEY"),
        public_key=secret("wechat", mchid, "PUBLIC_KEY"))
    if not all([merchant.mchid, merchant.appid, merchant.serial_no, merchant.public_key_id, merchant.private_key,
                merchant.apiv3_key, merchant.public_key]):
        raise NotConfigured("wechat")
    return merchant


def alipay(tenant):
    appid = str(company_settings.get("payments.alipay_appid", tenant) or "")
    merchant = AlipayMerchant(appid=appid, private_key=secret("alipay", appid, "PRIVATE_KEY"),
                              public_key=secret("alipay", appid, "PUBLIC_KEY"))
    if not all([merchant.appid, merchant.private_key, merchant.public_key]):
        raise NotConfigured("alipay")
    return merchant
