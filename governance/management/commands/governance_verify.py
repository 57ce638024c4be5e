"""`manage.py governance_verify --cooperative <slug>`: exit status 0 only when the audit chain,
the voter roll hashes, every published tally (recounted from the ballots) and the minutes (their
seal recomputed, the PDF's hash) all hold."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance.services.verify import governance_verify
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative


class Command(BaseCommand):
    help = "Re-check the governance audit chain, roll hashes, tallies and minutes of a cooperative."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cooperative", required=True, help="the cooperative's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = Cooperative.objects.filter(slug=options["cooperative"]).first()
        if cooperative is None:
            raise CommandError(f"No cooperative {options['cooperative']!r}.")
        with cooperative_context(cooperative.pk):
            problems = governance_verify()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found.")
        self.stdout.write("OK: audit chain, voter rolls, tallies and minutes verified.")
