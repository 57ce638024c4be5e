"""`trial_balance --cooperative <slug> --year <YYYY> [--format csv|text]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounting import selectors
from accounting.management.commands._common import (
    add_cooperative_and_year,
    cooperative_from,
    fiscal_year_from,
)
from perspectives.core.csvexport import CsvWriter
from perspectives.tenancy.context import cooperative_context


class Command(BaseCommand):
    help = "Affiche la balance générale d'un exercice (compte, débit, crédit, solde)."

    def add_arguments(self, parser: Any) -> None:
        add_cooperative_and_year(parser)
        parser.add_argument("--format", choices=("csv", "text"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = cooperative_from(options)
        with cooperative_context(cooperative.pk):
            year = fiscal_year_from(options)
            balance = selectors.trial_balance(date_from=year.start_date, date_to=year.end_date)
        if options["format"] == "csv":
            writer = CsvWriter(self.stdout, delimiter=",", decimal_comma=False, lineterminator="\n")
            writer.writerow(["account", "label", "debit", "credit", "balance"])
            for row in balance.rows:
                writer.writerow([row.code, row.label, row.debit, row.credit, row.balance])
            return
        for row in balance.rows:
            self.stdout.write(
                f"{row.code:<10} {row.label[:40]:<40} {row.debit:>16} {row.credit:>16} "
                f"{row.balance:>16}"
            )
        self.stdout.write(
            f"{'':<10} {'Totaux':<40} {balance.total_debit:>16} {balance.total_credit:>16}"
        )
