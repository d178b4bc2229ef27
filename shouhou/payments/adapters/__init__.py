"""The online payment providers behind one interface (architecture §2: external services are adapters with
a real and a local implementation): WeChat Pay native (wechatpayv3), Alipay 当面付 (python-alipay-sdk) and
the sandbox, which runs in the process and stands in for both locally, in tests and in the demo company.

`for_payment(tenant, provider)` builds the adapter that creates and refunds a company's payments;
`for_notification(provider, headers, body)` the candidates that may have signed a notification (the
company is not known before the signature is checked: WeChat Pay names its key by serial number, Alipay
its app in the body).
"""

from .base import Adapter, BadNotification, Notice, ProviderError  # noqa: F401


def _classes():
    from .alipay import AlipayAdapter
    from .sandbox import SandboxAdapter
    from .wechat import WechatAdapter

    return {"wechat": WechatAdapter, "alipay": AlipayAdapter, "sandbox": SandboxAdapter}


PROVIDERS = ("wechat", "alipay", "sandbox")


def for_payment(tenant, provider):
    """Raises credentials.NotConfigured when the company's merchant account is incomplete."""
    return _classes()[provider].for_tenant(tenant)


def for_notification(provider, headers, body):
    """[(tenant, adapter)] whose keys may verify this notification; [] for an unknown provider."""
    cls = _classes().get(provider)
    return [] if cls is None else cls.candidates(headers, body)
