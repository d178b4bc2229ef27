from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "shouhou.visits"
    label = "visits"
    verbose_name = "Return visits"

    def ready(self):
        from shouhou.core import object_tabs
        from shouhou.workorders import flow, order_facts, policy

        from . import actions, handlers, menu, performers, permissions, queries, settings_decl, tabs  # noqa: F401  (registrations)

        flow.register_performer("visit", performers.apply_visit)  # 回访: sets 已回访
        flow.register_performer("auto_visit", performers.send_survey_on_finish)  # 自动回访: the SMS survey
        policy.register_rule("visit", performers.visit_rule)
        order_facts.register("survey_url", queries.survey_urls)
        actions.register()  # 回访 on the order's pages while the flow allows it (core.object_actions)
        object_tabs.register_tab("workorder", "visits", url=tabs.order_tab_url)
        object_tabs.register_tab("customer", "visits", url=tabs.customer_tab_url, count=tabs.customer_count)
        object_tabs.register_tab("user", "visits", url=tabs.user_tab_url)  # 服务评价 on an engineer's page
