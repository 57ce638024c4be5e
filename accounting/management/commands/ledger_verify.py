"""`ledger_verify --cooperative <slug>`: re-check every rule and the hash chain; exit status 0
only when all hold."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from accounting.integrity import ledger_verify
from accounting.management.commands._common import add_cooperative_and_year, cooperative_from
from perspectives.tenancy.context import cooperative_context


class Command(BaseCommand):
    help = "Contrôle les règles du grand livre et sa chaîne d'empreintes."

    def add_arguments(self, parser: Any) -> None:
        add_cooperative_and_year(parser, year=False)

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = cooperative_from(options)
        with cooperative_context(cooperative.pk):
            report = ledger_verify()
        if report.ok:
            self.stdout.write(
                f"{cooperative.slug} : intègre ({report.entries} écritures validées, "
                f"{report.years} exercice(s))."
            )
            return
        for problem in report.problems:
            self.stderr.write(problem)
        sys.exit(1)
