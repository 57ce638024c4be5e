from __future__ import annotations

from django.apps import AppConfig


class BankConfig(AppConfig):
    verbose_name = "Banque"
    name = "bank"
