"""The legal parameters in force on one date, as the engine reads them (no database here).

`payroll.selectors.parameters_at(date)` builds a `Parameters` from the reference table; tests and
benchmarks may build one straight from the TOML files with `payroll.parameter_files`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from perspectives.core.exceptions import ApplicationError

CONTRIBUTION_PREFIX = "contribution."

# Risk groups of the "bulletin clarifié" (arrêté du 25 février 2016 modifié), in the imposed order.
GROUPS: tuple[tuple[str, str], ...] = (
    ("sante", "Santé"),
    ("at_mp", "Accidents du travail - Maladies professionnelles"),
    ("retraite", "Retraite"),
    ("famille", "Famille"),
    ("chomage", "Assurance chômage"),
    ("conventionnelles", "Cotisations statutaires ou prévues par la convention collective"),
    ("autres", "Autres contributions dues par l'employeur"),
    ("csg_deductible", "CSG déductible de l'impôt sur le revenu"),
    ("csg_crds_non_deductible", "CSG/CRDS non déductible de l'impôt sur le revenu"),
)
GROUP_ORDER = {code: index for index, (code, _label) in enumerate(GROUPS)}
GROUP_LABELS = dict(GROUPS)
BASES = frozenset({"gross", "t1", "t2", "capped_4pmss", "t1_t2_if_above_pmss"})
# Collecting bodies a contribution rule may name (payroll.bodies maps them to ledger accounts).
BODY_CODES = frozenset({"urssaf", "agirc_arrco", "action_logement", "prevoyance", "mutuelle"})
# The employer rate of these lines comes from the cooperative's settings, not from the law.
COMPANY_AT_RATE = "company_at_rate"


@dataclass(frozen=True)
class ParameterRow:
    key: str
    valid_from: dt.date
    value: Any
    reference: str
    source: str = ""


@dataclass(frozen=True)
class ContributionRule:
    code: str
    label: str
    group: str
    family: str
    order: int
    base: str
    employee_rate: Decimal
    employer_rate: Decimal | None  # None: the cooperative's accident-at-work rate
    body: str = "urssaf"  # who collects it (BODY_CODES)
    status: str = "all"
    headcount_min: int | None = None
    headcount_max: int | None = None
    reduced_employer_rate: Decimal | None = None
    reduced_below_smic: Decimal | None = None
    reference: str = ""
    valid_from: dt.date | None = None

    def applies(self, *, status: str, headcount: int) -> bool:
        if self.status != "all" and self.status != status:
            return False
        if self.headcount_min is not None and headcount < self.headcount_min:
            return False
        return self.headcount_max is None or headcount <= self.headcount_max


def _decimal(key: str, raw: Any) -> Decimal:
    try:
        return Decimal(str(raw))
    except (InvalidOperation, ValueError) as exc:
        raise ApplicationError(
            f"Paramètre de paie « {key} » : valeur non décimale {raw!r}."
        ) from exc


def _rule(row: ParameterRow) -> ContributionRule | None:
    data = dict(row.value)
    if data.get("active") is False:
        return None
    code = row.key.removeprefix(CONTRIBUTION_PREFIX)
    if data["group"] not in GROUP_ORDER or data["base"] not in BASES:
        raise ApplicationError(f"Cotisation « {code} » : groupe ou assiette inconnus.")
    if data.get("body") not in BODY_CODES:
        raise ApplicationError(
            f"Cotisation « {code} » : organisme collecteur absent ou inconnu "
            f"({data.get('body')!r}) ; rechargez les paramètres (payroll_parameters_load)."
        )
    employer = data["employer_rate"]
    return ContributionRule(
        code=code,
        label=data["label"],
        group=data["group"],
        family=data.get("family", code),
        order=int(data["order"]),
        base=data["base"],
        employee_rate=_decimal(row.key, data["employee_rate"]),
        employer_rate=None if employer == COMPANY_AT_RATE else _decimal(row.key, employer),
        body=data["body"],
        status=data.get("status", "all"),
        headcount_min=data.get("headcount_min"),
        headcount_max=data.get("headcount_max"),
        reduced_employer_rate=(
            _decimal(row.key, data["reduced_employer_rate"])
            if "reduced_employer_rate" in data
            else None
        ),
        reduced_below_smic=(
            _decimal(row.key, data["reduced_below_smic"]) if "reduced_below_smic" in data else None
        ),
        reference=row.reference,
        valid_from=row.valid_from,
    )


@dataclass(frozen=True)
class Parameters:
    """Every parameter's latest value on `date` (a value applies from its `valid_from`)."""

    date: dt.date
    rows: Mapping[str, ParameterRow] = field(repr=False)

    @classmethod
    def from_rows(cls, date: dt.date, rows: Iterable[ParameterRow]) -> Parameters:
        latest: dict[str, ParameterRow] = {}
        for row in rows:
            if row.valid_from > date:
                continue
            current = latest.get(row.key)
            if current is None or row.valid_from > current.valid_from:
                latest[row.key] = row
        return cls(date=date, rows=latest)

    def _row(self, key: str) -> ParameterRow:
        try:
            return self.rows[key]
        except KeyError:
            raise ApplicationError(
                f"Paramètre de paie manquant au {self.date:%d/%m/%Y} : « {key} ».",
                extra={"key": key, "date": self.date.isoformat()},
            ) from None

    def has(self, key: str) -> bool:
        return key in self.rows

    def decimal(self, key: str) -> Decimal:
        return _decimal(key, self._row(key).value)

    def decimal_or(self, key: str, default: Decimal) -> Decimal:
        return self.decimal(key) if key in self.rows else default

    def text(self, key: str) -> str:
        return str(self._row(key).value)

    def raw(self, key: str) -> Any:
        return self._row(key).value

    def reference(self, key: str) -> str:
        return self._row(key).reference

    def contributions(self) -> list[ContributionRule]:
        rules = [
            _rule(row) for key, row in self.rows.items() if key.startswith(CONTRIBUTION_PREFIX)
        ]
        return sorted(
            (rule for rule in rules if rule is not None),
            key=lambda rule: (GROUP_ORDER[rule.group], rule.order, rule.code),
        )
