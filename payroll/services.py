"""Writes of the payroll app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from payroll.models import LegalParameter, PayrollSettings
from payroll.parameter_files import PARAMETERS_DIR, parameter_rows_read
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id


@dataclass(frozen=True)
class LoadReport:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def legal_parameters_load(*, directory: Path = PARAMETERS_DIR) -> LoadReport:
    """Upsert every dated parameter of the files into the reference table. Rows are never deleted:
    a payslip already issued keeps pointing at the values it used."""
    created = updated = unchanged = 0
    existing = {(row.key, row.valid_from): row for row in LegalParameter.objects.all()}
    for row in parameter_rows_read(directory):
        current = existing.get((row.key, row.valid_from))
        if current is None:
            LegalParameter.objects.create(
                key=row.key,
                valid_from=row.valid_from,
                value=row.value,
                reference=row.reference,
                source=row.source,
            )
            created += 1
        elif (current.value, current.reference, current.source) != (
            row.value,
            row.reference,
            row.source,
        ):
            current.value, current.reference, current.source = row.value, row.reference, row.source
            current.save(update_fields=["value", "reference", "source"])
            updated += 1
        else:
            unchanged += 1
    return LoadReport(created=created, updated=updated, unchanged=unchanged)


@transaction.atomic
def payroll_settings_set(
    *,
    valid_from: dt.date,
    headcount: int,
    at_rate: Decimal,
    collective_agreement: str = "",
    mutuelle_employee: Decimal = Decimal(0),
    mutuelle_employer: Decimal = Decimal(0),
    prevoyance_employee_rate: Decimal = Decimal(0),
    prevoyance_employer_rate: Decimal = Decimal(0),
    mobility_rate: Decimal = Decimal(0),
    alsace_moselle: bool = False,
) -> PayrollSettings:
    """Record the active cooperative's payroll settings from `valid_from` (one row per date)."""
    if headcount < 1:
        raise ApplicationError("L'effectif doit compter au moins une personne.")
    if not Decimal(0) <= at_rate <= Decimal(20):
        raise ApplicationError("Le taux accident du travail doit être compris entre 0 et 20 %.")
    settings: PayrollSettings
    settings, _created = PayrollSettings.objects.update_or_create(
        cooperative_id=require_cooperative_id(),
        valid_from=valid_from,
        defaults={
            "headcount": headcount,
            "at_rate": at_rate,
            "collective_agreement": collective_agreement,
            "mutuelle_employee": mutuelle_employee,
            "mutuelle_employer": mutuelle_employer,
            "prevoyance_employee_rate": prevoyance_employee_rate,
            "prevoyance_employer_rate": prevoyance_employer_rate,
            "mobility_rate": mobility_rate,
            "alsace_moselle": alsace_moselle,
        },
    )
    return settings
