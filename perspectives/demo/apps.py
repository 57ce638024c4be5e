from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "perspectives.demo"
    label = "demo"
    verbose_name = "Démo"
