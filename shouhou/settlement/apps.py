from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class SettlementConfig(AppConfig):
    """结算 (WO-15/16, MOB-07): performs the work-order flow's 结算 node."""

    name = "shouhou.settlement"
    label = "settlement"
    verbose_name = "Settlement"

    def ready(self):
        from shouhou.core.designer_targets import register_designable
        from shouhou.core.forms_engine import register_target
        from shouhou.messaging import subscriptions
        from shouhou.workorders import flow, policy

        from . import actions, handlers, menu, permissions, services  # noqa: F401  (permissions, navigation, events)
        from . import policy as settle_policy
        from .models import FORM_TARGET
        from .views import TOPIC

        flow.register_performer("settle", services.apply_settle)  # a type may now switch 结算 on
        policy.register_rule("settle", settle_policy.settle_rule)
        actions.register()  # 结算 on the work order's page
        # 工单结算设置 (WO-16): the company designs its settlement form's extra fields
        register_target(FORM_TARGET, label=gettext_lazy("Settlement form"))
        register_designable(FORM_TARGET, permission="workorder_settings.manage", read_permission="settlement.view",
                            back=("settlement:list",))
        subscriptions.register_topic(TOPIC, gettext_lazy("Settlement review"), perm="settlement.view")
