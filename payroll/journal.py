"""The payroll journal of a run and its contributions summed per collecting body (reads)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from payroll.models import PayrollRun, Payslip

# Who collects each contribution family (URSSAF collects unemployment insurance and the training
# and apprenticeship levies since 2022; AGIRC-ARRCO its own and APEC's).
BODIES = {
    "agirc_arrco": "AGIRC-ARRCO",
    "ceg": "AGIRC-ARRCO",
    "cet": "AGIRC-ARRCO",
    "apec": "AGIRC-ARRCO",
    "chomage": "URSSAF (assurance chômage)",
    "ags": "URSSAF (AGS)",
    "peec": "Action Logement",
    "prevoyance": "Organisme de prévoyance",
    "mutuelle": "Organisme de complémentaire santé",
}
DEFAULT_BODY = "URSSAF"
TAX_BODY = "DGFiP (prélèvement à la source)"

JOURNAL_HEADER = [
    "Entrepreneur·e",
    "Brut",
    "Cotisations salariales",
    "CSG déductible",
    "CSG/CRDS non déductible",
    "Net social",
    "Net avant impôt",
    "Prélèvement à la source",
    "Net payé",
    "Cotisations patronales",
    "RGDU",
    "Coût employeur",
]


def payroll_journal_rows(*, run: PayrollRun) -> list[list[str]]:
    rows = []
    for payslip in run.payslips.select_related("entrepreneur").order_by(
        "entrepreneur__last_name", "entrepreneur__first_name", "version"
    ):
        data = payslip.data
        rows.append(
            [
                str(payslip.entrepreneur),
                data["gross"],
                data["employee_contributions"],
                data["csg_deductible"],
                data["csg_crds_non_deductible"],
                data["net_social"],
                data["net_before_tax"],
                data["pas_amount"],
                data["net_paid"],
                data["employer_contributions"],
                data["rgdu"],
                data["employer_cost"],
            ]
        )
    return rows


def contribution_summary(*, run: PayrollRun) -> list[tuple[str, Decimal, Decimal]]:
    """(body, employee amount, employer amount) for the month, from the latest version of each
    payslip; the RGDU is deducted from what is due to URSSAF, the withholding tax goes to the
    DGFiP."""
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    replaced = Payslip.objects.filter(replaces__isnull=False).values("replaces_id")
    for data in run.payslips.exclude(pk__in=replaced).values_list("data", flat=True):
        for line in data["lines"]:
            body = _body(line)
            totals[body][0] += Decimal(line["employee_amount"])
            totals[body][1] += Decimal(line["employer_amount"])
        totals[DEFAULT_BODY][1] -= Decimal(data["rgdu"])
        totals[TAX_BODY][0] += Decimal(data["pas_amount"])
    return sorted((body, values[0], values[1]) for body, values in totals.items())


def _body(line: dict[str, str]) -> str:
    code = line["code"]
    for family, body in BODIES.items():
        if code == family or code.startswith(f"{family}_"):
            return body
    return DEFAULT_BODY
