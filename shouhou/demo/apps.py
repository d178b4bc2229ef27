from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo company's seeder (`seed_demo`, `demo_logins`). It sits on top of every app and builds
    their data through their services; no app imports it (the layers contract in pyproject.toml)."""

    name = "shouhou.demo"
    label = "demo"
    verbose_name = "Demo data"
