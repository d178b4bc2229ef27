"""The company lists of service items (SVC-02): their units and categories, kept in the company's settings
(core.company_settings) and edited on 服务项目单位和分类; the service-item form picks from them."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.company_settings import declare

declare("parts.service_item_units", [], _("Service-item units"), group="parts")
declare("parts.service_item_categories", [], _("Service-item categories"), group="parts")
