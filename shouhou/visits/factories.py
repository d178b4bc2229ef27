"""Test data of return visits, built through shouhou/visits/services.py."""

ANSWER = {"level": "good", "scores": {"服务态度": 5, "服务效率": 4, "服务质量": 5}, "tags": ["速度快"], "note": "很好"}


class VisitsFactory:
    def __init__(self, actor):
        self.actor = actor

    def visit_type(self, *, visit=True, auto_visit=True, **values):
        """A work-order type with the 回访 and 自动回访 nodes as asked."""
        from shouhou.workorders import flow
        from shouhou.workorders.factories import WorkordersFactory

        config = flow.default_flow()
        config["visit"]["enabled"] = visit
        config["auto_visit"]["enabled"] = auto_visit
        return WorkordersFactory(self.actor).order_type(flow=config, **values)

    def finished(self, *, order_type=None, **values):
        """A finished order of a type with both visit nodes on (its survey made when the event is delivered)."""
        from shouhou.workorders.factories import WorkordersFactory

        return WorkordersFactory(self.actor).finished(order_type=order_type or self.visit_type(), **values)

    def visit(self, *, order=None, answer=None):
        from shouhou.visits import services

        order = order or self.finished()
        return services.record_visit(actor=self.actor, order=order, answer=dict(answer or ANSWER))

    def survey(self, *, order=None):
        """The sent survey of a finished order: made directly, as the workorder.finished handler does, or the
        one the handler made already (when the test delivers events on commit)."""
        from shouhou.visits import services
        from shouhou.visits.models import Survey

        order = order or self.finished()
        return services.send_survey_for_finished(order) or Survey.objects.get(order=order)
