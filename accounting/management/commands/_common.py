"""Shared argument handling of the ledger's commands."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from accounting.models import FiscalYear
from perspectives.tenancy.models import Cooperative


def add_cooperative_and_year(parser: Any, *, year: bool = True) -> None:
    parser.add_argument("cooperative_slug", nargs="?", help="Identifiant de la coopérative.")
    if year:
        parser.add_argument("year_arg", nargs="?", type=int, metavar="year")
    parser.add_argument("--cooperative", dest="cooperative_opt", help="Identifiant (slug).")
    if year:
        parser.add_argument(
            "--year", dest="year_opt", type=int, help="Année de clôture de l'exercice."
        )


def cooperative_from(options: dict[str, Any]) -> Cooperative:
    slug = options.get("cooperative_opt") or options.get("cooperative_slug")
    if not slug:
        raise CommandError("Indiquez la coopérative (--cooperative <slug>).")
    cooperative = Cooperative.objects.filter(slug=slug).first()
    if cooperative is None:
        raise CommandError(f"Coopérative « {slug} » inconnue.")
    return cooperative


def fiscal_year_from(options: dict[str, Any]) -> FiscalYear:
    """Run inside the cooperative's context: the fiscal year that closes in the given year."""
    year = options.get("year_opt") or options.get("year_arg")
    if not year:
        raise CommandError("Indiquez l'exercice (--year AAAA, année de clôture).")
    fiscal_year: FiscalYear | None = FiscalYear.objects.filter(end_date__year=year).first()
    if fiscal_year is None:
        raise CommandError(f"Aucun exercice ne se clôt en {year}.")
    return fiscal_year
