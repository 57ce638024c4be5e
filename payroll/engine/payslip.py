"""One monthly payslip: gross → contribution lines → reduction → CSG/CRDS → nets → PAS → cost.

Pure functions on Decimal. Every rate and ceiling comes from `Parameters`; the cooperative's own
settings (accident-at-work rate, headcount, contracts) from `Company`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from payroll.engine.money import CENT, HUNDRED, ZERO, cents, clamp, of_percent
from payroll.engine.parameters import GROUP_LABELS, ContributionRule, Parameters
from perspectives.core.exceptions import ApplicationError

NON_CADRE = "non-cadre"
CADRE = "cadre"
STATUSES = (NON_CADRE, CADRE)
# Above this a monthly gross is a typing error, not a salary.
ABSURD_GROSS = Decimal("1000000")
COEFFICIENT = Decimal("0.0001")


@dataclass(frozen=True)
class Company:
    """What the law leaves to the cooperative (its settings on the payslip's date)."""

    headcount: int
    at_rate: Decimal  # accident-at-work rate, in %
    mutuelle_employee: Decimal = ZERO  # complémentaire santé, € per month
    mutuelle_employer: Decimal = ZERO
    prevoyance_employee_rate: Decimal = ZERO  # % of tranche 1
    prevoyance_employer_rate: Decimal = ZERO
    mobility_rate: Decimal = ZERO  # versement mobilité, % of gross
    alsace_moselle: bool = False


@dataclass(frozen=True)
class YearToDate:
    """Cumulatives of the previous payslips of the same calendar year (progressive reduction)."""

    gross: Decimal = ZERO
    smic: Decimal = ZERO
    reduction: Decimal = ZERO
    net_social: Decimal = ZERO
    taxable: Decimal = ZERO
    employer_cost: Decimal = ZERO


def year_to_date_from_json(data: dict[str, str]) -> YearToDate:
    return YearToDate(**{key: Decimal(value) for key, value in data.items()})


@dataclass(frozen=True)
class PayslipInput:
    period: dt.date
    gross: Decimal
    company: Company
    status: str = NON_CADRE
    pas_rate: Decimal | None = None  # personal withholding rate in %; None: the neutral grid
    hours: Decimal | None = None  # paid hours; None: pay without working time (CESA)
    ytd: YearToDate = field(default_factory=YearToDate)
    # Other gross items: (label, amount); absence deductions are negative, indemnities positive.
    extras: tuple[tuple[str, Decimal], ...] = ()
    base_label: str = ""  # the label of `gross` on the payslip; empty: BASE_SALARY_LABEL
    # IJSS the cooperative receives in subrogation and pays on: no contributions, but CSG/CRDS
    # on replacement income (withheld by the health insurance) and income tax.
    ijss_subrogation: Decimal = ZERO

    @property
    def total_gross(self) -> Decimal:
        return self.gross + sum((amount for _label, amount in self.extras), ZERO)


@dataclass(frozen=True)
class Line:
    code: str
    label: str
    group: str
    family: str
    base: Decimal | None
    employee_rate: Decimal | None
    employee_amount: Decimal
    employer_rate: Decimal | None
    employer_amount: Decimal

    def as_json(self) -> dict[str, Any]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "code": self.code,
            "group": self.group,
            "group_label": GROUP_LABELS.get(self.group, ""),
            "label": self.label,
            "base": text(self.base),
            "employee_rate": text(self.employee_rate),
            "employee_amount": str(self.employee_amount),
            "employer_rate": text(self.employer_rate),
            "employer_amount": str(self.employer_amount),
        }


@dataclass(frozen=True)
class Payslip:
    period: dt.date
    status: str
    gross: Decimal
    lines: tuple[Line, ...]
    employee_contributions: Decimal  # excluding CSG/CRDS
    csg_base: Decimal
    csg_deductible: Decimal
    csg_crds_non_deductible: Decimal
    net_social: Decimal
    net_before_tax: Decimal
    taxable: Decimal
    pas_rate: Decimal
    pas_amount: Decimal
    net_paid: Decimal
    employer_contributions_before_reduction: Decimal
    reduction_coefficient: Decimal
    reduction: Decimal  # RGDU (2026) or réduction générale (before), positive amount
    employer_contributions: Decimal  # after the reduction
    employer_cost: Decimal
    smic_reference: Decimal
    equivalent_hours: Decimal
    ytd: YearToDate  # cumulatives including this payslip
    gross_items: tuple[tuple[str, Decimal], ...] = ()
    ijss_gross: Decimal = ZERO
    ijss_csg_crds: Decimal = ZERO
    ijss_net: Decimal = ZERO

    def family_totals(self) -> dict[str, tuple[Decimal, Decimal]]:
        """(employee, employer) amounts per contribution family, for cross-checks."""
        totals: dict[str, tuple[Decimal, Decimal]] = {}
        for line in self.lines:
            employee, employer = totals.get(line.family, (ZERO, ZERO))
            totals[line.family] = (employee + line.employee_amount, employer + line.employer_amount)
        return totals

    def as_json(self) -> dict[str, Any]:
        return {
            "period": f"{self.period:%Y-%m}",
            "status": self.status,
            "gross": str(self.gross),
            "gross_items": [
                {"label": label, "amount": str(amount)} for label, amount in self.gross_items
            ],
            "employee_contributions": str(self.employee_contributions),
            "csg_deductible": str(self.csg_deductible),
            "csg_crds_non_deductible": str(self.csg_crds_non_deductible),
            "net_social": str(self.net_social),
            "net_before_tax": str(self.net_before_tax),
            "taxable": str(self.taxable),
            "pas_rate": str(self.pas_rate),
            "pas_amount": str(self.pas_amount),
            "net_paid": str(self.net_paid),
            "rgdu": str(self.reduction),
            "rgdu_coefficient": str(self.reduction_coefficient),
            "employer_contributions_before_rgdu": str(self.employer_contributions_before_reduction),
            "employer_contributions": str(self.employer_contributions),
            "employer_cost": str(self.employer_cost),
            "equivalent_hours": str(self.equivalent_hours),
            "lines": [line.as_json() for line in self.lines],
            **(
                {
                    "ijss_subrogation": {
                        "gross": str(self.ijss_gross),
                        "csg_crds": str(self.ijss_csg_crds),
                        "net": str(self.ijss_net),
                    }
                }
                if self.ijss_gross
                else {}
            ),
            "ytd": {
                "gross": str(self.ytd.gross),
                "smic": str(self.ytd.smic),
                "reduction": str(self.ytd.reduction),
                "net_social": str(self.ytd.net_social),
                "taxable": str(self.ytd.taxable),
                "employer_cost": str(self.ytd.employer_cost),
            },
        }


def _bases(gross: Decimal, pmss: Decimal) -> dict[str, Decimal]:
    return {
        "gross": gross,
        "t1": min(gross, pmss),
        "t2": clamp(gross - pmss, ZERO, 7 * pmss),
        "capped_4pmss": min(gross, 4 * pmss),
        "t1_t2_if_above_pmss": min(gross, 8 * pmss) if gross > pmss else ZERO,
    }


def _employer_rate(
    rule: ContributionRule, *, gross: Decimal, smic_month: Decimal, company: Company
) -> Decimal:
    if rule.employer_rate is None:
        return company.at_rate
    if (
        rule.reduced_employer_rate is not None
        and rule.reduced_below_smic is not None
        and gross <= rule.reduced_below_smic * smic_month
    ):
        return rule.reduced_employer_rate
    return rule.employer_rate


def _line(
    code: str,
    label: str,
    group: str,
    base: Decimal,
    employee_rate: Decimal,
    employer_rate: Decimal,
    family: str | None = None,
) -> Line:
    return Line(
        code=code,
        label=label,
        group=group,
        family=family or code,
        base=cents(base),
        employee_rate=employee_rate,
        employee_amount=of_percent(base, employee_rate),
        employer_rate=employer_rate,
        employer_amount=of_percent(base, employer_rate),
    )


def smic_month(params: Parameters, *, hourly_key: str = "smic.hourly") -> Decimal:
    """The full-time monthly SMIC (hourly × 1,820 h / 12), unrounded."""
    with localcontext() as ctx:
        ctx.prec = 34
        return params.decimal(hourly_key) * params.decimal("smic.annual_hours") / 12


def reduction_coefficient(
    params: Parameters, *, remuneration: Decimal, smic: Decimal, headcount: int
) -> Decimal:
    """The réduction générale coefficient for a (cumulative) pay and its reference SMIC,
    rounded to 4 decimals as CSS D241-7 says."""
    if remuneration <= ZERO or smic <= ZERO:
        return ZERO
    large = headcount >= int(params.decimal("headcount.threshold_fnal"))
    formula = params.text("reduction.formula")
    with localcontext() as ctx:
        ctx.prec = 34
        if formula == "rgdu":
            multiple = params.decimal("reduction.rgdu.smic_multiple")
            if remuneration >= multiple * smic:
                return ZERO
            t_min = params.decimal("reduction.rgdu.t_min")
            t_delta = params.decimal(
                "reduction.rgdu.t_delta_50_and_more" if large else "reduction.rgdu.t_delta_under_50"
            )
            bracket = (multiple * smic / remuneration - 1) / 2
            value = t_min + t_delta * bracket ** params.decimal("reduction.rgdu.exponent")
            value = min(value, t_min + t_delta)
        elif formula == "fillon":
            multiple = params.decimal("reduction.fillon.smic_multiple")
            if remuneration >= multiple * smic:
                return ZERO
            t = params.decimal(
                "reduction.fillon.t_50_and_more" if large else "reduction.fillon.t_under_50"
            )
            value = min(t, t / Decimal("0.6") * (multiple * smic / remuneration - 1))
        else:
            raise ApplicationError(f"Formule de réduction générale inconnue : « {formula} ».")
    return value.quantize(COEFFICIENT, rounding=ROUND_HALF_UP)


def pas_neutral_rate(params: Parameters, taxable: Decimal) -> Decimal:
    rate = ZERO
    for threshold, grid_rate in params.raw("pas.neutral_grid"):
        if taxable >= Decimal(threshold):
            rate = Decimal(grid_rate)
    return rate


BASE_SALARY_LABEL = "Salaire de base (part fixe et avance sur la part variable)"


# Long on purpose: the payslip's lines in the order of the legal model (gross, contributions by
# body, reductions, net, tax), each computed from the ones above it.
def payslip_compute(params: Parameters, data: PayslipInput) -> Payslip:
    if data.gross < ZERO or data.ijss_subrogation < ZERO:
        raise ApplicationError("Le salaire brut ne peut pas être négatif.")
    gross = data.total_gross
    if gross < ZERO:
        raise ApplicationError("Le salaire brut ne peut pas être négatif.")
    if gross > ABSURD_GROSS:
        raise ApplicationError("Salaire brut invraisemblable (plus d'un million d'euros par mois).")
    if gross != gross.quantize(CENT):
        raise ApplicationError("Le salaire brut s'exprime au centime près.")
    gross = gross.quantize(CENT)
    if data.status not in STATUSES:
        raise ApplicationError(f"Statut inconnu « {data.status} » (cadre ou non-cadre).")
    company = data.company
    if company.headcount < 1:
        raise ApplicationError("L'effectif doit compter au moins une personne.")
    if not ZERO <= company.at_rate <= Decimal("20"):
        raise ApplicationError("Le taux accident du travail doit être compris entre 0 et 20 %.")
    if data.pas_rate is not None and not ZERO <= data.pas_rate <= Decimal("43"):
        raise ApplicationError(
            "Le taux de prélèvement à la source doit être compris entre 0 et 43 %."
        )

    pmss = params.decimal("pmss")
    bases = _bases(gross, pmss)
    full_smic = smic_month(params)
    lines: list[Line] = []

    for rule in params.contributions():
        if not rule.applies(status=data.status, headcount=company.headcount):
            continue
        base = bases[rule.base]
        employee_rate = rule.employee_rate
        if rule.family == "maladie" and company.alsace_moselle:
            employee_rate = params.decimal("alsace_moselle.employee_rate")
        employer_rate = _employer_rate(rule, gross=gross, smic_month=full_smic, company=company)
        if base == ZERO and rule.base != "gross":
            continue
        lines.append(
            _line(
                rule.code, rule.label, rule.group, base, employee_rate, employer_rate, rule.family
            )
        )
    # The cooperative's health and welfare contracts close the Santé group, as the bulletin
    # clarifié orders it.
    end_of_health = sum(1 for line in lines if line.group == "sante")
    lines[end_of_health:end_of_health] = _company_health_lines(company, bases)
    welfare_employer = sum(
        (line.employer_amount for line in lines if line.code in ("prevoyance", "mutuelle")), ZERO
    )
    if welfare_employer and company.headcount >= int(
        params.decimal("headcount.threshold_forfait_social")
    ):
        lines.append(
            _line(
                "forfait_social",
                "Forfait social",
                "autres",
                welfare_employer,
                ZERO,
                params.decimal("forfait_social.welfare_rate"),
            )
        )
    if company.mobility_rate > ZERO:
        lines.append(
            _line(
                "versement_mobilite",
                "Versement mobilité",
                "autres",
                gross,
                ZERO,
                company.mobility_rate,
            )
        )

    employee_contributions = sum((line.employee_amount for line in lines), ZERO)
    employer_before = sum((line.employer_amount for line in lines), ZERO)

    # CSG/CRDS: 98.25 % of the pay up to 4 PMSS, all of it above, plus the employer's share of
    # the supplementary health and welfare contracts.
    ceiling = params.decimal("csg.allowance_ceiling_pmss") * pmss
    ratio = params.decimal("csg.base_ratio") / HUNDRED
    csg_base = cents(min(gross, ceiling) * ratio + max(gross - ceiling, ZERO) + welfare_employer)
    csg_ded_rate = params.decimal("csg.deductible_rate")
    csg_nd_rate = params.decimal("csg.non_deductible_rate")
    crds_rate = params.decimal("crds.rate")
    csg_nd_total_rate = csg_nd_rate + crds_rate
    # The bulletin clarifié shows the non-deductible CSG and the CRDS as one line.
    csg_lines = (
        Line(
            "csg_deductible",
            "CSG déductible de l'impôt sur le revenu",
            "csg_deductible",
            "csg_deductible",
            csg_base,
            csg_ded_rate,
            of_percent(csg_base, csg_ded_rate),
            None,
            ZERO,
        ),
        Line(
            "csg_crds_non_deductible",
            "CSG/CRDS non déductible de l'impôt sur le revenu",
            "csg_crds_non_deductible",
            "csg_crds_non_deductible",
            csg_base,
            csg_nd_total_rate,
            of_percent(csg_base, csg_nd_total_rate),
            None,
            ZERO,
        ),
    )
    csg_deductible = csg_lines[0].employee_amount
    csg_crds_nd = csg_lines[1].employee_amount
    lines.extend(csg_lines)

    # Réduction générale, computed on the year's cumulatives (progressive regularisation).
    reference_hourly_key = (
        "reduction.smic_reference_hourly"
        if params.has("reduction.smic_reference_hourly")
        and data.period.year == params.rows["reduction.smic_reference_hourly"].valid_from.year
        else "smic.hourly"
    )
    reference_smic_full = smic_month(params, hourly_key=reference_hourly_key)
    annual_hours_month = params.decimal("smic.annual_hours") / 12
    if data.hours is not None:
        equivalent_hours = data.hours
        smic_reference = params.decimal(reference_hourly_key) * data.hours
    else:
        # Pay without working time: équivalent heures = pay / SMIC, at most a full month.
        smic_reference = min(reference_smic_full, gross)
        equivalent_hours = annual_hours_month * smic_reference / reference_smic_full
    cumulative_gross = data.ytd.gross + gross
    cumulative_smic = data.ytd.smic + smic_reference
    coefficient = reduction_coefficient(
        params, remuneration=cumulative_gross, smic=cumulative_smic, headcount=company.headcount
    )
    reduction = cents(coefficient * cumulative_gross) - data.ytd.reduction
    employer_contributions = employer_before - reduction
    employer_cost = gross + employer_contributions

    net_before_tax = gross - employee_contributions - csg_deductible - csg_crds_nd
    net_social = net_before_tax + company.mutuelle_employer
    taxable = net_before_tax + csg_crds_nd + company.mutuelle_employer
    # IJSS in subrogation arrive net of CSG/CRDS on replacement income; the non-deductible part
    # of those is taxable, like the net.
    ijss = data.ijss_subrogation
    ijss_csg_crds = ijss_net = ZERO
    if ijss:
        deductible = of_percent(ijss, params.decimal("csg.replacement_income_deductible_rate"))
        non_deductible = of_percent(
            ijss,
            params.decimal("csg.replacement_income_rate")
            - params.decimal("csg.replacement_income_deductible_rate")
            + crds_rate,
        )
        ijss_csg_crds = deductible + non_deductible
        ijss_net = ijss - ijss_csg_crds
        net_before_tax += ijss_net
        taxable += ijss_net + non_deductible
    pas_rate = data.pas_rate if data.pas_rate is not None else pas_neutral_rate(params, taxable)
    pas_amount = of_percent(taxable, pas_rate)
    net_paid = net_before_tax - pas_amount

    ytd = replace(
        data.ytd,
        gross=cumulative_gross,
        smic=cumulative_smic,
        reduction=data.ytd.reduction + reduction,
        net_social=data.ytd.net_social + net_social,
        taxable=data.ytd.taxable + taxable,
        employer_cost=data.ytd.employer_cost + employer_cost,
    )
    return Payslip(
        period=data.period,
        status=data.status,
        gross=gross,
        lines=tuple(lines),
        employee_contributions=employee_contributions,
        csg_base=csg_base,
        csg_deductible=csg_deductible,
        csg_crds_non_deductible=csg_crds_nd,
        net_social=net_social,
        net_before_tax=net_before_tax,
        taxable=taxable,
        pas_rate=pas_rate,
        pas_amount=pas_amount,
        net_paid=net_paid,
        employer_contributions_before_reduction=employer_before,
        reduction_coefficient=coefficient,
        reduction=reduction,
        employer_contributions=employer_contributions,
        employer_cost=employer_cost,
        smic_reference=cents(smic_reference),
        equivalent_hours=equivalent_hours.quantize(CENT, rounding=ROUND_HALF_UP),
        ytd=ytd,
        gross_items=((data.base_label or BASE_SALARY_LABEL, cents(data.gross)), *data.extras),
        ijss_gross=ijss,
        ijss_csg_crds=ijss_csg_crds,
        ijss_net=ijss_net,
    )


def _company_health_lines(company: Company, bases: dict[str, Decimal]) -> list[Line]:
    lines: list[Line] = []
    if company.prevoyance_employee_rate or company.prevoyance_employer_rate:
        lines.append(
            _line(
                "prevoyance",
                "Complémentaire Incapacité Invalidité Décès",
                "sante",
                bases["t1"],
                company.prevoyance_employee_rate,
                company.prevoyance_employer_rate,
            )
        )
    if company.mutuelle_employee or company.mutuelle_employer:
        lines.append(
            Line(
                "mutuelle",
                "Complémentaire santé",
                "sante",
                "mutuelle",
                None,
                None,
                company.mutuelle_employee,
                None,
                company.mutuelle_employer,
            )
        )
    return lines


def gross_from_budget(params: Parameters, *, budget: Decimal, template: PayslipInput) -> Payslip:
    """The payslip with the largest gross whose total employer cost fits in `budget`, to the
    cent. The cost is non-decreasing in the gross (each line is rounded from a growing base and
    the reduction's coefficient only falls), so a search on cents finds it exactly."""
    if budget <= ZERO:
        raise ApplicationError("Le budget (coût employeur total) doit être positif.")
    if budget > ABSURD_GROSS * 2:
        raise ApplicationError("Budget invraisemblable (plus de deux millions d'euros par mois).")
    budget = cents(budget)

    def cost(gross_cents: int) -> Payslip:
        return payslip_compute(params, replace(template, gross=Decimal(gross_cents) / 100))

    low, high = 0, int(budget * 100)
    best = cost(low)
    if best.employer_cost > budget:
        raise ApplicationError("Ce budget ne couvre pas les cotisations fixes du contrat.")
    top = cost(high)
    # The cost is usually above the gross, but a month whose reduction gives back what earlier
    # months lacked (progressive regularisation) can cost less than its gross: look higher.
    limit = int(ABSURD_GROSS * 100)
    while top.employer_cost <= budget and high < limit:
        low, best = high, top
        high = min(high * 2, limit)
        top = cost(high)
    if top.employer_cost <= budget:
        return top
    # cost(low) ≤ budget < cost(high). The cost is nearly linear in the gross, so a false
    # position (Illinois variant: the end kept twice has its excess halved) lands next to the
    # answer in about 8 payslips instead of 20 for a bisection; a bisection step follows two
    # tries that did not halve a wide interval, which keeps the worst case logarithmic.
    low_excess, high_excess = best.employer_cost - budget, top.employer_cost - budget
    kept, stalls = "", 0
    while high - low > 1:
        width = high - low
        middle = (low + high) // 2
        if stalls < 2:
            middle = low + int(-low_excess * width / (high_excess - low_excess))
            middle = min(max(middle, low + 1), high - 1)
        slip = cost(middle)
        excess = slip.employer_cost - budget
        if excess <= 0:
            low, low_excess, best = middle, excess, slip
            if kept == "low":
                high_excess /= 2
            kept = "low"
        else:
            high, high_excess = middle, excess
            if kept == "high":
                low_excess /= 2
            kept = "high"
        halved = (high - low) * 2 <= width or high - low <= 16
        stalls = 0 if halved or stalls >= 2 else stalls + 1
    return best
