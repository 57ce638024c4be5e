from __future__ import annotations

from django.apps import AppConfig


class EntrepreneursConfig(AppConfig):
    name = "entrepreneurs"
    verbose_name = "Entrepreneur·es"

    def ready(self) -> None:
        from entrepreneurs.services.people import entrepreneur_link_account
        from perspectives.tenancy.services import MEMBERSHIP_JOINED_HOOKS

        if entrepreneur_link_account not in MEMBERSHIP_JOINED_HOOKS:
            MEMBERSHIP_JOINED_HOOKS.append(entrepreneur_link_account)
