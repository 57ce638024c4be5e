"""Weekly alert digests for referents and managers: associate deadlines (L.7331-3), expiring
documents, overdue actions. Idempotent per person and ISO week."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from entrepreneurs import selectors
from entrepreneurs.models import AlertNotice, Entrepreneur, Stage
from perspectives.accounts.models import User
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.models import Cooperative, Membership, Role


def _digest_rows(today: dt.date) -> list[tuple[Entrepreneur, list[selectors.Alert]]]:
    settings = selectors.settings_get()
    rows = selectors.portfolio(filters=selectors.PortfolioFilters(), today=today).exclude(
        stage=Stage.EXITED
    )
    result = []
    for row in rows:
        alerts = selectors.entrepreneur_alerts(entrepreneur=row, today=today, settings=settings)
        if alerts:
            result.append((row, alerts))
    return result


def accompaniment_alerts_send(*, today: dt.date) -> int:
    """Send this week's digest to each referent (their people) and each manager (everyone);
    returns the number of e-mails sent. Running it twice in a week sends nothing more."""
    cooperative = Cooperative.objects.get(pk=require_cooperative_id())
    rows = _digest_rows(today)
    if not rows:
        return 0
    by_referent: dict[int, list[tuple[Entrepreneur, list[selectors.Alert]]]] = defaultdict(list)
    for row in rows:
        if row[0].referent_id:
            by_referent[row[0].referent_id].append(row)
    recipients: dict[int, list[tuple[Entrepreneur, list[selectors.Alert]]]] = dict(by_referent)
    for membership in Membership.objects.filter(cooperative=cooperative).select_related("user"):
        if membership.has_role(Role.MANAGER):
            recipients[membership.user_id] = rows
    year, week, _weekday = today.isocalendar()
    period = f"{year}-W{week:02d}"
    sent = 0
    for user in User.objects.filter(pk__in=recipients, is_active=True):
        try:
            with transaction.atomic():
                AlertNotice.objects.create(
                    cooperative=cooperative,
                    user=user,
                    kind=AlertNotice.Kind.WEEKLY_DIGEST,
                    period=period,
                )
                body = render_to_string(
                    "entrepreneurs/email/alert_digest.txt",
                    {"cooperative": cooperative, "rows": recipients[user.pk], "user": user},
                )
                send_mail(
                    _("%(cooperative)s : %(n)s dossier(s) demandent votre attention")
                    % {"cooperative": cooperative.name, "n": len(recipients[user.pk])},
                    body,
                    None,
                    [user.email],
                )
        except IntegrityError:
            continue  # already sent this week
        sent += 1
    return sent
