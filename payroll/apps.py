from __future__ import annotations

from django.apps import AppConfig


class PayrollConfig(AppConfig):
    verbose_name = "Paie"
    name = "payroll"
