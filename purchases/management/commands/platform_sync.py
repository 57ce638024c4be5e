"""`manage.py platform_sync --cooperative <slug>`: register the routing addresses, receive the
new invoices and send the pending statuses with the cooperative's accredited platform."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative
from purchases.services import platform_sync


class Command(BaseCommand):
    help = "Échange avec la plateforme agréée : adresses, factures reçues, statuts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cooperative", required=True, help="l'identifiant de la coopérative")

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = Cooperative.objects.filter(slug=options["cooperative"]).first()
        if cooperative is None:
            raise CommandError(f"Aucune coopérative « {options['cooperative']} ».")
        with cooperative_context(cooperative.pk):
            try:
                report = platform_sync()
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{len(report.received)} facture(s) reçue(s), {len(report.refused)} refusée(s), "
            f"{report.statuses_sent} statut(s) envoyé(s), "
            f"{report.addresses_registered} adresse(s) inscrite(s)."
        )
