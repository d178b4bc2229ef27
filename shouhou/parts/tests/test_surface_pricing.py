"""Surface tests of the pricing rules (收费标准) and the service records (服务记录), issue 11, by
declaration (core/testing/views.py, api.py): list, create, edit, delete, denied, other company 404,
bad input."""

from shouhou.core.testing import api, views
from shouhou.parts.models import PricingRule


class TestPricingRulePages(views.ListPage, views.CreatePage, views.EditPage, views.DeletePage):
    model = PricingRule
    refused = ("service_item.",)
    htmx = True
    list_url, create_url = "parts:pricing", "parts:pricing_create"
    edit_url, delete_url = "parts:pricing_edit", "parts:pricing_delete"

    def make(self, f):
        return f.parts.pricing_rule(name=self.unique("表面规则"))

    def form_data(self, f):
        return {"name": self.unique("新建规则"), "priority": "10", "applies_to": "parts", "warranty": "in",
                "customers": "any", "effect": "free", "enabled": "on"}

    def bad_form_data(self, f):
        return {"name": "", "priority": "10", "applies_to": "parts", "warranty": "in", "customers": "any",
                "effect": "free"}

    def edit_data(self, f, obj):
        return {"name": "改名规则", "priority": "5", "applies_to": "parts", "warranty": "in", "customers": "any",
                "effect": "discount", "value": "10", "enabled": "on"}

    def bad_edit_data(self, f, obj):
        return {"name": "改名规则", "priority": "5", "applies_to": "parts", "warranty": "in", "customers": "tag",
                "customer_tag": "", "effect": "free"}

    def edited(self, obj):
        return obj.name == "改名规则" and obj.effect == "discount"


class TestPricingRuleAPI(api.ListEndpoint, api.GetEndpoint, api.CreateEndpoint, api.UpdateEndpoint,
                         api.DeleteEndpoint):
    model = PricingRule
    endpoint = "/api/v1/pricing-rules"
    refused = ("service_item.",)

    def make(self, f):
        return f.parts.pricing_rule()

    def create_data(self, f):
        return {"name": self.unique("接口规则"), "effect": "percent", "value": 80}

    def bad_create_data(self, f):
        return {"name": "", "effect": "free"}

    def update_data(self, f, obj):
        return {"name": "接口改名规则"}

    def bad_update_data(self, f, obj):
        return {"value": -5}

    def updated(self, obj):
        return obj.name == "接口改名规则"
