"""Monthly reports: figures frozen in a snapshot, a PDF rendered by a worker, sent by e-mail.

Idempotent by construction: one snapshot per (kind, month, subject) in the database; a snapshot
already sent is never rendered nor sent again, so a re-run for the same month duplicates nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepreneurs.models import Entrepreneur, Stage
from perspectives.core.charts import Chart, Series
from perspectives.core.pdf import render_pdf
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.models import Cooperative, Membership, Role
from top.dashboards import figures as fig
from top.dashboards import selectors
from top.dashboards.models import ReportSnapshot

Kind = ReportSnapshot.Kind
Status = ReportSnapshot.Status


def month_end(month: dt.date) -> dt.date:
    return fig.add_months(month, 1) - dt.timedelta(days=1)


def _entrepreneur_figures(entrepreneur: Entrepreneur, month: dt.date) -> dict[str, Any]:
    activities = selectors.entrepreneur_activities(entrepreneur=entrepreneur)
    dashboard = selectors.activity_dashboard(
        activities=activities, today=month_end(month), entrepreneur=entrepreneur
    )
    return {
        "name": str(entrepreneur),
        "key_figures": [
            [
                k.label,
                str(k.month),
                str(k.month_last_year),
                str(k.year_to_date),
                str(k.year_to_date_last_year),
            ]
            for k in dashboard.key_figures
        ],
        "months": [
            [f.month.isoformat(), str(f.revenue), str(f.margin), str(f.cash_end)]
            for f in dashboard.months[-12:]
        ],
        "treasury_reference": str(dashboard.treasury.reference),
        "treasury_future": str(dashboard.treasury.future),
        "reserve_target": str(dashboard.reserve_target),
        "sustainable_budget": str(dashboard.projection.sustainable_budget),
        "alerts": [a.message for a in dashboard.alerts],
    }


def _support_figures(user_id: int, month: dt.date) -> dict[str, Any]:
    from entrepreneurs import selectors as people

    today = month_end(month)
    entrepreneurs = list(
        people.portfolio(filters=people.PortfolioFilters(referent_id=user_id), today=today).exclude(
            stage=Stage.EXITED
        )
    )
    rows = selectors.support_dashboard(entrepreneurs=entrepreneurs, today=today)
    rows.sort(key=lambda row: (-row.risk, row.treasury))
    return {
        "rows": [
            [str(r.entrepreneur), str(r.treasury), [a.message for a in r.alerts]] for r in rows
        ],
    }


def _cooperative_figures(month: dt.date) -> dict[str, Any]:
    dashboard = selectors.cooperative_dashboard(today=month_end(month))
    return {
        "sectors": [
            [s, str(current), str(before), None if change is None else str(change)]
            for s, current, before, change in dashboard.sector_changes()
        ],
        "stages": [[label, n] for label, n in dashboard.stages],
        "associates": dashboard.associates,
        "reserves": str(dashboard.reserves),
        "payroll": str(dashboard.payroll_total),
        "contribution": str(dashboard.contribution_total),
    }


def _freeze(snapshot: ReportSnapshot) -> None:
    if snapshot.kind == Kind.ENTREPRENEUR and snapshot.entrepreneur is not None:
        snapshot.figures = _entrepreneur_figures(snapshot.entrepreneur, snapshot.month)
    elif snapshot.kind == Kind.SUPPORT and snapshot.recipient_id is not None:
        snapshot.figures = _support_figures(snapshot.recipient_id, snapshot.month)
    else:
        snapshot.figures = _cooperative_figures(snapshot.month)


@transaction.atomic
def monthly_reports_prepare(*, month: dt.date) -> list[int]:
    """Create (or complete) the month's snapshots with their frozen figures; returns the ids
    still to render and send."""
    cooperative_id = require_cooperative_id()
    month = month.replace(day=1)
    wanted: list[dict[str, Any]] = [
        {"kind": Kind.ENTREPRENEUR, "entrepreneur": e, "recipient": None}
        for e in Entrepreneur.objects.exclude(stage=Stage.EXITED)
        .filter(activity_shares__isnull=False)
        .distinct()
    ]
    memberships = Membership.objects.filter(cooperative_id=cooperative_id).select_related("user")
    wanted += [
        {"kind": Kind.SUPPORT, "entrepreneur": None, "recipient": m.user}
        for m in memberships
        if m.has_role(Role.SUPPORT)
    ]
    wanted.append({"kind": Kind.COOPERATIVE, "entrepreneur": None, "recipient": None})
    pending = []
    for subject in wanted:
        snapshot, created = ReportSnapshot.objects.select_for_update().get_or_create(
            cooperative_id=cooperative_id, month=month, **subject
        )
        if snapshot.status == Status.SENT:
            continue
        if created or not snapshot.figures:
            _freeze(snapshot)
            snapshot.save(update_fields=["figures"])
        pending.append(snapshot.pk)
    return pending


def _chart(snapshot: ReportSnapshot) -> Chart | None:
    months = snapshot.figures.get("months")
    if not months:
        return None
    return Chart(
        title=_("Chiffre d'affaires et marge, douze mois"),
        categories=tuple(dt.date.fromisoformat(m[0]).strftime("%m/%y") for m in months),
        series=(
            Series(_("Chiffre d'affaires"), tuple(Decimal(m[1]) for m in months)),
            Series(_("Marge"), tuple(Decimal(m[2]) for m in months), kind="line"),
        ),
        unit="€",
    )


def _recipients(snapshot: ReportSnapshot) -> list[str]:
    if snapshot.kind == Kind.ENTREPRENEUR and snapshot.entrepreneur is not None:
        return [snapshot.entrepreneur.email] if snapshot.entrepreneur.email else []
    if snapshot.kind == Kind.SUPPORT and snapshot.recipient is not None:
        return [snapshot.recipient.email]
    managers = Membership.objects.filter(cooperative_id=snapshot.cooperative_id).select_related(
        "user"
    )
    return sorted(m.user.email for m in managers if m.has_role(Role.MANAGER))


def report_render_and_send(*, snapshot_id: int) -> ReportSnapshot:
    """Render the PDF (if not yet) and e-mail it (if not yet). Safe to run again."""
    with transaction.atomic():
        snapshot = (
            ReportSnapshot.objects.select_for_update(of=("self",))
            .select_related("entrepreneur", "recipient")
            .get(pk=snapshot_id)
        )
        if snapshot.status == Status.SENT:
            return snapshot
        cooperative = Cooperative.objects.get(pk=snapshot.cooperative_id)
        if not snapshot.pdf:
            from django.utils.safestring import mark_safe

            from perspectives.core.charts import render_svg

            chart = _chart(snapshot)
            html = render_to_string(
                "dashboards/pdf/report.html",
                {
                    "snapshot": snapshot,
                    "cooperative": cooperative,
                    "figures": snapshot.figures,
                    "chart": mark_safe(render_svg(chart, ident="report")) if chart else "",  # noqa: S308 - escaped by render_svg
                },
            )
            subject = snapshot.entrepreneur_id or snapshot.recipient_id or "cooperative"
            folder = f"cooperatives/{cooperative.pk}/reports/{snapshot.month:%Y-%m}"
            name = f"{folder}/{snapshot.kind}-{subject}.pdf"
            snapshot.pdf.save(name, ContentFile(render_pdf(html)), save=False)
            snapshot.status = Status.RENDERED
            snapshot.save(update_fields=["pdf", "status"])
    with transaction.atomic():
        snapshot = (
            ReportSnapshot.objects.select_for_update(of=("self",))
            .select_related("entrepreneur", "recipient")
            .get(pk=snapshot_id)
        )
        if snapshot.status == Status.SENT:
            return snapshot
        recipients = _recipients(snapshot)
        if recipients:
            message = EmailMessage(
                subject=_("%(cooperative)s · rapport de %(month)s")
                % {"cooperative": cooperative.name, "month": snapshot.month.strftime("%m/%Y")},
                body=_(
                    "Bonjour,\n\nVoici le rapport mensuel de %(month)s, en pièce jointe."
                    "\n\n%(cooperative)s"
                )
                % {"month": snapshot.month.strftime("%m/%Y"), "cooperative": cooperative.name},
                to=recipients,
            )
            with snapshot.pdf.open("rb") as pdf:
                message.attach(f"rapport-{snapshot.month:%Y-%m}.pdf", pdf.read(), "application/pdf")
            message.send()
        snapshot.status = Status.SENT
        snapshot.sent_at = timezone.now()
        snapshot.error = ""
        snapshot.save(update_fields=["status", "sent_at", "error"])
        return snapshot


@transaction.atomic
def report_failed(*, snapshot_id: int, error: str) -> None:
    snapshot = ReportSnapshot.objects.select_for_update().get(pk=snapshot_id)
    if snapshot.status != Status.SENT:
        snapshot.status = Status.FAILED
        snapshot.attempts += 1
        snapshot.error = error[:2000]
        snapshot.save(update_fields=["status", "attempts", "error"])


def report_progress(*, month: dt.date) -> dict[str, int]:
    counts = dict.fromkeys(Status.values, 0)
    for status in ReportSnapshot.objects.filter(month=month.replace(day=1)).values_list(
        "status", flat=True
    ):
        counts[status] += 1
    return counts
