from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "top.demo"
    label = "demo"
    verbose_name = "Démo"
