"""`bank_account_create --cooperative <slug> --iban <IBAN> [--name <name>]`: add a bank account;
does nothing (exit status 0) when the cooperative already has one with this IBAN."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounting import services as ledger
from accounting.models import Journal
from bank import services
from bank.management.commands._common import cooperative_from
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context


class Command(BaseCommand):
    help = "Crée un compte bancaire de la coopérative (rien si l'IBAN existe déjà)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cooperative", required=True, help="Identifiant (slug).")
        parser.add_argument("--iban", required=True)
        parser.add_argument("--name", default="", help="Nom du compte.")
        parser.add_argument("--bic", default="", help="BIC (déduit de l'IBAN sinon).")

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = cooperative_from(options)
        try:
            with cooperative_context(cooperative.pk):
                if not Journal.objects.filter(kind=Journal.Kind.BANK).exists():
                    ledger.chart_seed_defaults()
                account, created = services.bank_account_ensure(
                    iban=options["iban"], name=options["name"], bic=options["bic"]
                )
        except ApplicationError as error:
            raise CommandError(error.message) from None
        if created:
            self.stdout.write(
                f"Compte bancaire créé : {account.name} {account.iban} "
                f"(compte {account.account.code}, journal {account.journal.code})."
            )
        else:
            self.stdout.write(f"Le compte bancaire {account.iban} existe déjà : rien à faire.")
