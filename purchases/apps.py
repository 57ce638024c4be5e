from __future__ import annotations

from django.apps import AppConfig


class PurchasesConfig(AppConfig):
    verbose_name = "Achats"
    name = "purchases"
