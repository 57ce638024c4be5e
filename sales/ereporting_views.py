"""Pages of what the platform was sent and said outside one invoice: the e-reporting reports
(flux 10) with a retry for a failed one, and the statuses that name no invoice."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.permissions import role_required
from sales import selectors
from sales.permissions import PLATFORM_FOLLOW_ROLES
from sales.services.ereporting import ereport_retry


@role_required(*PLATFORM_FOLLOW_ROLES)
def ereport_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    return render(request, "sales/ereports.html", {"reports": selectors.ereport_list()})


def parse_period_start(start: str) -> dt.date:
    try:
        return dt.date.fromisoformat(start)
    except ValueError:
        raise Http404 from None


@require_POST
@role_required(*PLATFORM_FOLLOW_ROLES)
def ereport_retry_view(
    request: HttpRequest, cooperative_slug: str, kind: str, start: str
) -> HttpResponse:
    """Asked twice (a double click), the same job: no `@submitted_once` needed."""
    row = selectors.ereport_get(kind=kind, start=parse_period_start(start))
    try:
        ereport_retry(kind=row.kind, start=row.start)
        messages.info(request, _("Nouvelle transmission demandée : elle apparaît dans un instant."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("sales_ereports", cooperative_slug)


@role_required(*PLATFORM_FOLLOW_ROLES)
def unmatched_status_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    return render(
        request, "sales/unmatched_statuses.html", {"statuses": selectors.unmatched_status_list()}
    )
