"""Payroll opening balances: for each person whose payroll moves here during a year, the
year-to-date figures of their last payslip elsewhere and their paid-leave counters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from entrepreneurs.models import Entrepreneur
from payroll.models import OpeningBalance
from payroll.services import opening_balance_set
from perspectives.core.exceptions import ApplicationError
from top.onboarding.imports.base import Column, Context, Kind, Values, email
from top.onboarding.imports.tabular import CellError, decimal, integer

_AMOUNTS = (
    ("hours", "Heures cumulées"),
    ("smic", "SMIC de référence cumulé"),
    ("reduction", "Réduction générale cumulée"),
    ("net_social", "Net social cumulé"),
    ("employer_cost", "Coût employeur cumulé"),
    ("leave_acquired", "Congés acquis (jours)"),
    ("leave_taken", "Congés pris (jours)"),
)

OPENING_COLUMNS = (
    Column("email", "E-mail", email, required=True, aliases=("Adresse e-mail", "Email")),
    Column("year", "Année", integer, required=True),
    Column("gross", "Brut cumulé", decimal, required=True, aliases=("Cumul brut",)),
    Column(
        "taxable",
        "Net imposable cumulé",
        decimal,
        required=True,
        aliases=("Cumul net imposable", "Base PAS cumulée"),
    ),
    Column("hours", "Heures cumulées", decimal, aliases=("Cumul heures",)),
    Column("smic", "SMIC de référence cumulé", decimal, aliases=("Base SMIC RGDU cumulée",)),
    Column("reduction", "Réduction générale cumulée", decimal, aliases=("Cumul RGDU",)),
    Column("net_social", "Net social cumulé", decimal),
    Column("employer_cost", "Coût employeur cumulé", decimal),
    Column("leave_acquired", "Congés acquis (jours)", decimal, aliases=("CP acquis",)),
    Column("leave_taken", "Congés pris (jours)", decimal, aliases=("CP pris",)),
)


def _check(values: Values) -> None:
    for key in ("gross", "taxable", *(key for key, _header in _AMOUNTS)):
        if values.get(key) is not None and values[key] < 0:
            raise CellError(_("les cumuls ne peuvent pas être négatifs."))


def _key(values: Values) -> tuple[object, ...]:
    return (values["email"], values["year"])


def _existing() -> dict[tuple[object, ...], Any]:
    return {
        (balance.entrepreneur.email.lower(), balance.year): balance
        for balance in OpeningBalance.objects.select_related("entrepreneur")
    }


def _write(values: Values, existing: OpeningBalance | None, context: Context) -> bool:
    if "people" not in context.cache:
        context.cache["people"] = {
            p.email.lower(): p for p in Entrepreneur.objects.exclude(email="")
        }
    person = context.cache["people"].get(values["email"])
    if person is None:
        raise ApplicationError(
            _("aucun dossier d'entrepreneur·e pour %(email)s.") % {"email": values["email"]}
        )
    amounts: dict[str, Decimal] = {
        key: values[key] for key, _header in _AMOUNTS if values.get(key) is not None
    }
    _balance, changed = opening_balance_set(
        entrepreneur=person,
        year=values["year"],
        gross=values["gross"],
        taxable=values["taxable"],
        by=context.by,
        **amounts,
    )
    return changed


def _export() -> list[list[object]]:
    return [
        [
            b.entrepreneur.email,
            b.year,
            b.gross,
            b.taxable,
            b.hours,
            b.smic,
            b.reduction,
            b.net_social,
            b.employer_cost,
            b.leave_acquired,
            b.leave_taken,
        ]
        for b in OpeningBalance.objects.select_related("entrepreneur").order_by(
            "year", "entrepreneur__last_name", "entrepreneur__first_name", "pk"
        )
    ]


PAYROLL_OPENING = Kind(
    key="payroll_opening",
    label=_lazy("Cumuls de paie de reprise"),
    columns=OPENING_COLUMNS,
    natural_key=_key,
    existing=_existing,
    write=_write,
    check=_check,
    export=_export,
)
