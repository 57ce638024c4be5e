"""Reads of the payroll app."""

from __future__ import annotations

import datetime as dt

from payroll.engine import Company, ParameterRow, Parameters
from payroll.models import LegalParameter, PayrollSettings
from perspectives.core.exceptions import ApplicationError


def parameters_at(date: dt.date) -> Parameters:
    """The legal parameters in force on `date`: for each key, its latest value dated on or before
    `date`. Raises a French ApplicationError when the table is empty for that date."""
    rows = [
        ParameterRow(row.key, row.valid_from, row.value, row.reference, row.source)
        for row in LegalParameter.objects.filter(valid_from__lte=date).order_by("key", "valid_from")
    ]
    if not rows:
        raise ApplicationError(
            f"Aucun paramètre légal de paie au {date:%d/%m/%Y} : chargez-les avec "
            "« manage.py payroll_parameters_load »."
        )
    return Parameters.from_rows(date, rows)


def payroll_settings_at(date: dt.date) -> PayrollSettings | None:
    """The active cooperative's settings in force on `date`."""
    return PayrollSettings.objects.filter(valid_from__lte=date).order_by("-valid_from").first()


def company_at(date: dt.date) -> Company:
    settings = payroll_settings_at(date)
    if settings is None:
        raise ApplicationError(
            f"Les paramètres de paie de la coopérative ne sont pas renseignés au {date:%d/%m/%Y} "
            "(effectif, taux accident du travail)."
        )
    return Company(
        headcount=settings.headcount,
        at_rate=settings.at_rate,
        mutuelle_employee=settings.mutuelle_employee,
        mutuelle_employer=settings.mutuelle_employer,
        prevoyance_employee_rate=settings.prevoyance_employee_rate,
        prevoyance_employer_rate=settings.prevoyance_employer_rate,
        mobility_rate=settings.mobility_rate,
        alsace_moselle=settings.alsace_moselle,
    )
