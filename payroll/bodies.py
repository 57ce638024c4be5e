"""Who collects what a payslip withholds and owes, and on which ledger account it is due.

Each contribution rule of the legal parameters names its collecting body (`body` in the TOML
files); the lines that come from the cooperative's own contracts or from the CSG/CRDS are mapped
here. URSSAF collects the social security contributions, the CSG/CRDS, unemployment insurance and
AGS (since 2011 and 2022) and the training and apprenticeship levies; AGIRC-ARRCO its own
contributions and APEC's; the health and welfare contracts are paid to their insurers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from payroll.engine.money import cents
from payroll.engine.parameters import Parameters
from perspectives.core.exceptions import ApplicationError

URSSAF = "urssaf"
AGIRC_ARRCO = "agirc_arrco"
PREVOYANCE = "prevoyance"
MUTUELLE = "mutuelle"
ACTION_LOGEMENT = "action_logement"
TAX = "dgfip"


@dataclass(frozen=True)
class Body:
    code: str
    label: Any  # a lazy translation
    account: str  # the third-party account of the PCG where the amount is due


# In the order of the summaries. The 437x sub-accounts are in the chart the ledger seeds.
BODIES: tuple[Body, ...] = (
    Body(URSSAF, _("URSSAF"), "431"),
    Body(AGIRC_ARRCO, _("AGIRC-ARRCO (retraite complémentaire)"), "4371"),
    Body(MUTUELLE, _("Organisme de complémentaire santé"), "4372"),
    Body(PREVOYANCE, _("Organisme de prévoyance"), "4373"),
    Body(ACTION_LOGEMENT, _("Action Logement (effort de construction)"), "4378"),
    Body(TAX, _("DGFiP (prélèvement à la source)"), "4421"),
)
BODY_BY_CODE = {body.code: body for body in BODIES}

# Lines that are not contribution rules of the legal parameters.
COMPANY_LINE_BODIES = {
    "prevoyance": PREVOYANCE,
    "mutuelle": MUTUELLE,
    "forfait_social": URSSAF,
    "versement_mobilite": URSSAF,
    "csg_deductible": URSSAF,
    "csg_crds_non_deductible": URSSAF,
}


@dataclass(frozen=True)
class BodyRules:
    """What splits a month's payslips between the bodies: the line → body map and the share of
    the RGDU imputed on AGIRC-ARRCO."""

    bodies: Mapping[str, str]
    retirement_share: Decimal

    def amounts(self, data: Mapping[str, Any]) -> dict[str, tuple[Decimal, Decimal]]:
        return amounts_by_body(data, self.bodies, retirement_share=self.retirement_share)


def body_rules_at(period: dt.date) -> BodyRules:
    """The active cooperative's rules for the payslips of `period`."""
    from payroll.selectors import company_at, parameters_at

    params = parameters_at(period)
    return BodyRules(
        bodies=line_bodies(params),
        retirement_share=reduction_retirement_share(params, headcount=company_at(period).headcount),
    )


def line_bodies(params: Parameters) -> dict[str, str]:
    """Line code → collecting body code, for the parameters of a payslip's month."""
    bodies = dict(COMPANY_LINE_BODIES)
    bodies.update({rule.code: rule.body for rule in params.contributions()})
    return bodies


def reduction_retirement_share(params: Parameters, *, headcount: int) -> Decimal:
    """The share of the réduction générale imputed on the AGIRC-ARRCO contributions: their
    employer rate counted in T over T itself (URSSAF's imputation key); the rest is imputed on
    what URSSAF collects."""
    if not params.has("reduction.retirement_rate"):
        return Decimal(0)
    large = headcount >= int(params.decimal("headcount.threshold_fnal"))
    if params.text("reduction.formula") == "rgdu":
        t_max = params.decimal("reduction.rgdu.t_min") + params.decimal(
            "reduction.rgdu.t_delta_50_and_more" if large else "reduction.rgdu.t_delta_under_50"
        )
    else:
        t_max = params.decimal(
            "reduction.fillon.t_50_and_more" if large else "reduction.fillon.t_under_50"
        )
    return params.decimal("reduction.retirement_rate") / t_max


def amounts_by_body(
    data: Mapping[str, Any], bodies: Mapping[str, str], *, retirement_share: Decimal = Decimal(0)
) -> dict[str, tuple[Decimal, Decimal]]:
    """(employee, employer) amounts due to each body for one payslip's data. The RGDU is shared
    between AGIRC-ARRCO (`retirement_share` of it, to the cent) and URSSAF, which gets what the
    other bodies do not (its own lines, the CSG/CRDS, less the rest of the RGDU), so the amounts
    always add up to the payslip's totals, to the cent."""
    others: dict[str, list[Decimal]] = {}
    for line in data["lines"]:
        body = bodies.get(line["code"], URSSAF)
        if body == URSSAF:
            continue
        if body not in BODY_BY_CODE:
            raise ApplicationError(
                _("Organisme collecteur inconnu « %(body)s » pour la ligne « %(line)s ».")
                % {"body": body, "line": line["label"]}
            )
        amounts = others.setdefault(body, [Decimal(0), Decimal(0)])
        amounts[0] += Decimal(line["employee_amount"])
        amounts[1] += Decimal(line["employer_amount"])
    if AGIRC_ARRCO in others:
        others[AGIRC_ARRCO][1] -= cents(Decimal(data["rgdu"]) * retirement_share)
    # The IJSS received in subrogation are paid on with the net: nothing withheld.
    employee_total = (
        Decimal(data["gross"]) - Decimal(data["net_before_tax"]) + ijss_subrogation_net(data)
    )
    employer_total = Decimal(data["employer_contributions"])
    result = {
        URSSAF: (
            employee_total - sum((a[0] for a in others.values()), Decimal(0)),
            employer_total - sum((a[1] for a in others.values()), Decimal(0)),
        )
    }
    result.update({body: (a[0], a[1]) for body, a in others.items()})
    result[TAX] = (Decimal(data["pas_amount"]), Decimal(0))
    return result


def ijss_subrogation_net(data: Mapping[str, Any]) -> Decimal:
    """The daily sickness benefits the cooperative advances with the net and recovers from the
    CPAM (net of the CSG/CRDS the CPAM withholds)."""
    return Decimal(data.get("ijss_subrogation", {}).get("net", "0"))
