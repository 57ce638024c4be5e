from __future__ import annotations

from django.apps import AppConfig


class SalesConfig(AppConfig):
    verbose_name = "Ventes"
    name = "sales"
