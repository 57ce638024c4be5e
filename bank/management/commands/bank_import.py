"""`bank_import --cooperative <slug> --account <IBAN> --file <path>`: import a statement file
(camt.053, OFX, CFONB 120, or CSV with the account's saved mapping), all or nothing; a refused
file exits non-zero with the reason and writes nothing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bank import selectors, services
from bank.management.commands._common import cooperative_from
from bank.models import Statement
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context


class Command(BaseCommand):
    help = "Importe un relevé bancaire (camt.053, OFX, CFONB 120, CSV), tout ou rien."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cooperative", required=True, help="Identifiant (slug).")
        parser.add_argument("--account", required=True, help="IBAN du compte.")
        parser.add_argument("--file", required=True, help="Chemin du relevé.")
        parser.add_argument(
            "--format", choices=Statement.Format.values, help="Format (deviné sinon)."
        )
        parser.add_argument(
            "--closing-balance", help="Solde final, pour un CSV qui n'en donne pas."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = cooperative_from(options)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        closing = None
        if options.get("closing_balance"):
            try:
                closing = Decimal(options["closing_balance"].replace(",", "."))
            except InvalidOperation:
                raise CommandError("Solde final illisible.") from None
        try:
            with cooperative_context(cooperative.pk):
                account = selectors.bank_account_by_iban(iban=options["account"])
                result = services.statement_import(
                    bank_account=account,
                    data=path.read_bytes(),
                    file_name=path.name,
                    file_format=options.get("format"),
                    closing_balance=closing,
                )
        except ApplicationError as error:
            raise CommandError(f"Relevé refusé, rien n'a été importé : {error.message}") from None
        self.stdout.write(f"{path.name} : {result.message}")
