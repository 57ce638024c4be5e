"""`manage.py payslip_simulate`: compute one payslip from a gross or a budget, store nothing."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from payroll.engine import CADRE, NON_CADRE, Company, Payslip, PayslipInput
from payroll.engine.payslip import gross_from_budget, payslip_compute
from payroll.selectors import parameters_at
from perspectives.core.exceptions import ApplicationError


def _period(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007 (a month, no time)
    except ValueError:
        raise CommandError(f"Période invalide « {value} » : attendu AAAA-MM.") from None


def _optional_decimal(name: str, value: str | None) -> Decimal | None:
    return None if value is None else _decimal(name, value)


def _decimal(name: str, value: str) -> Decimal:
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise CommandError(f"--{name} : « {value} » n'est pas un nombre décimal.") from None
    if not result.is_finite():
        raise CommandError(f"--{name} : « {value} » n'est pas un nombre décimal.")
    return result


class Command(BaseCommand):
    help = (
        "Calcule un bulletin de paie (brut → net → coût employeur, ou budget → brut) sans rien "
        "enregistrer. Régime métropolitain, sans mutuelle, prévoyance ni versement mobilité."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="mois de paie, AAAA-MM")
        amount = parser.add_mutually_exclusive_group(required=True)
        amount.add_argument("--gross", help="salaire brut mensuel en euros")
        amount.add_argument("--budget", help="coût employeur total à ne pas dépasser")
        parser.add_argument("--status", choices=[NON_CADRE, CADRE], default=NON_CADRE)
        parser.add_argument("--headcount", type=int, required=True, help="effectif")
        parser.add_argument("--at-rate", required=True, help="taux accident du travail en %%")
        parser.add_argument("--pas-rate", help="taux personnalisé de PAS en %% (sinon grille)")
        parser.add_argument("--json", action="store_true", help="un objet JSON sur stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        period = _period(options["period"])
        at_rate = _decimal("at-rate", options["at_rate"])
        template = PayslipInput(
            period=period,
            gross=Decimal(0),
            status=options["status"],
            company=Company(headcount=options["headcount"], at_rate=at_rate),
            pas_rate=_optional_decimal("pas-rate", options["pas_rate"]),
        )
        try:
            params = parameters_at(period)
            if options["budget"] is not None:
                budget = _decimal("budget", options["budget"])
                slip = gross_from_budget(params, budget=budget, template=template)
            else:
                gross = _decimal("gross", options["gross"])
                slip = payslip_compute(params, replace(template, gross=gross))
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps(slip.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_text(slip))


def _text(slip: Payslip) -> str:
    rows = [f"Bulletin {slip.period:%m/%Y} ({slip.status})", ""]
    for line in slip.lines:
        rows.append(
            f"{line.label[:52]:52} {line.base or '':>10} {line.employee_amount:>10} "
            f"{line.employer_amount:>10}"
        )
    rows += [
        "",
        f"{'Salaire brut':52} {slip.gross:>10}",
        f"{'Allègement RGDU':52} {-slip.reduction:>32}",
        f"{'Net social':52} {slip.net_social:>10}",
        f"{'Net à payer avant impôt':52} {slip.net_before_tax:>10}",
        f"{'Impôt sur le revenu prélevé à la source':52} {slip.pas_amount:>10}",
        f"{'Net payé':52} {slip.net_paid:>10}",
        f"{'Coût total employeur':52} {slip.employer_cost:>10}",
    ]
    return "\n".join(rows)
