"""`bank_lines --cooperative <slug> --account <IBAN> --format csv`: the account's lines, oldest
first. Columns: booking_date, value_date (ISO dates), amount (signed, decimal point), currency,
counterparty, label, reference; comma-separated, quoted where needed, UTF-8."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bank import selectors
from bank.management.commands._common import cooperative_from
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context

HEADER = ("booking_date", "value_date", "amount", "currency", "counterparty", "label", "reference")


class Command(BaseCommand):
    help = "Liste les lignes de relevé d'un compte bancaire (CSV)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cooperative", required=True, help="Identifiant (slug).")
        parser.add_argument("--account", required=True, help="IBAN du compte.")
        parser.add_argument("--format", default="csv", choices=["csv"])

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = cooperative_from(options)
        writer = csv.writer(self.stdout, lineterminator="\n")
        try:
            with cooperative_context(cooperative.pk):
                account = selectors.bank_account_by_iban(iban=options["account"])
                writer.writerow(HEADER)
                for line in selectors.bank_line_list(bank_account=account).iterator():
                    writer.writerow(
                        (
                            line.booking_date.isoformat(),
                            line.value_date.isoformat() if line.value_date else "",
                            f"{line.amount:.2f}",
                            line.currency,
                            line.counterparty,
                            line.label,
                            line.reference,
                        )
                    )
        except ApplicationError as error:
            raise CommandError(error.message) from None
