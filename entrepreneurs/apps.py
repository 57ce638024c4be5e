from __future__ import annotations

from django.apps import AppConfig


class EntrepreneursConfig(AppConfig):
    name = "entrepreneurs"
    verbose_name = "Entrepreneur·es"
