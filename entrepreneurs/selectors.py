"""Reads of the entrepreneurs app. Every list has a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    DateField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from entrepreneurs.models import (
    AccompanimentSettings,
    Action,
    Activity,
    Appointment,
    Document,
    Entrepreneur,
    Note,
    PathStep,
    Sector,
    SkillOffer,
    Stage,
    Workshop,
    WorkshopRegistration,
)
from entrepreneurs.permissions import sees_accompaniment, sees_all_files
from entrepreneurs.services.path import associate_deadline
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.models import Membership

OPEN_ACTION = (Action.Status.TODO, Action.Status.DOING)

# The L.7331-3 deadline in SQL, the same as services.path.associate_deadline.
DEADLINE_SQL = RawSQL(
    '("entrepreneurs_entrepreneur"."cesa_start" + interval \'3 years\''
    ' - "entrepreneurs_entrepreneur"."cape_days" * interval \'1 day\')::date',
    [],
    output_field=DateField(),
)


def settings_get() -> AccompanimentSettings:
    settings, _created = AccompanimentSettings.objects.get_or_create(
        cooperative_id=require_cooperative_id()
    )
    return settings


def sector_list() -> QuerySet[Sector]:
    sectors: QuerySet[Sector] = Sector.objects.annotate(
        entrepreneur_count=Count("entrepreneurs", filter=~Q(entrepreneurs__stage=Stage.EXITED))
    ).order_by("position", "name")
    return sectors


def sector_get(*, sector_id: int) -> Sector:
    return get_object_or_404(Sector.objects.all(), pk=sector_id)


def _count(queryset: QuerySet[Any], field: str = "entrepreneur") -> Coalesce:
    """A correlated COUNT per entrepreneur (no join fan-out in the outer query)."""
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def entrepreneur_list(*, sector_id: int | None = None, search: str = "") -> QuerySet[Entrepreneur]:
    queryset = Entrepreneur.objects.select_related("sector", "referent")
    if sector_id is not None:
        queryset = queryset.filter(sector_id=sector_id)
    for word in search.split():
        queryset = queryset.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word))
    return queryset.order_by("last_name", "first_name")


def entrepreneur_list_visible(*, membership: Membership) -> QuerySet[Entrepreneur]:
    """Staff see every file of the cooperative; an entrepreneur only their own."""
    queryset = entrepreneur_list()
    if sees_all_files(membership):
        return queryset
    return queryset.filter(user_id=membership.user_id)


def entrepreneur_get_for_member(*, membership: Membership, entrepreneur_id: int) -> Entrepreneur:
    """The same 404 for a missing file, another cooperative's, and one the member may not see."""
    return get_object_or_404(entrepreneur_list_visible(membership=membership), pk=entrepreneur_id)


def entrepreneur_get_for_user(*, membership: Membership) -> Entrepreneur | None:
    return entrepreneur_list().filter(user_id=membership.user_id).first()


@dataclass(frozen=True)
class PortfolioFilters:
    sector_id: int | None = None
    stage: str = ""
    referent_id: int | None = None
    search: str = ""
    deadline_months: int | None = None  # CESA holders whose associate deadline is this close
    overdue_only: bool = False
    archived: bool = False


def portfolio(*, filters: PortfolioFilters, today: dt.date | None = None) -> QuerySet[Entrepreneur]:
    """Files with what support staff scan: next appointment, overdue actions, follow-up interviews
    this year, documents expiring soon. One query, whatever the number of files."""
    today = today or timezone.localdate()
    settings = settings_get()
    year_start = dt.datetime(today.year, 1, 1, tzinfo=timezone.get_current_timezone())
    queryset = entrepreneur_list(sector_id=filters.sector_id, search=filters.search).annotate(
        next_appointment=Subquery(
            Appointment.objects.filter(
                entrepreneur=OuterRef("pk"), starts_at__gte=timezone.now(), cancelled=False
            )
            .order_by("starts_at")
            .values("starts_at")[:1]
        ),
        overdue_actions=_count(
            Action.objects.filter(status__in=OPEN_ACTION, due_date__lt=today),
            "goal__entrepreneur",
        ),
        interviews_this_year=_count(
            Appointment.objects.filter(
                kind=Appointment.Kind.FOLLOW_UP,
                cancelled=False,
                starts_at__gte=year_start,
                starts_at__lt=timezone.now(),
            )
        ),
        expiring_documents=_count(
            Document.objects.filter(
                expires_on__lte=today + dt.timedelta(days=settings.document_alert_days)
            )
        ),
    )
    queryset = queryset.filter(archived_at__isnull=not filters.archived)
    if filters.stage:
        queryset = queryset.filter(stage=filters.stage)
    if filters.referent_id is not None:
        queryset = queryset.filter(referent_id=filters.referent_id)
    if filters.overdue_only:
        queryset = queryset.filter(overdue_actions__gt=0)
    if filters.deadline_months is not None:
        # deadline = cesa_start + 3 years - cape_days ≤ today + N months
        horizon = today + dt.timedelta(days=round(filters.deadline_months * 30.44))
        queryset = (
            queryset.filter(stage=Stage.CESA, associate_since__isnull=True)
            .alias(deadline=DEADLINE_SQL)
            .filter(deadline__lte=horizon)
        )
    return queryset


@dataclass(frozen=True)
class Alert:
    level: str  # "danger" or "warning"
    message: str


def entrepreneur_alerts(
    *, entrepreneur: Any, today: dt.date, settings: AccompanimentSettings
) -> list[Alert]:
    """Plain-French alerts for one portfolio row (annotated by `portfolio`)."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    alerts = []
    deadline = associate_deadline(
        cesa_start=entrepreneur.cesa_start, cape_days=entrepreneur.cape_days
    )
    if deadline and entrepreneur.associate_since is None and entrepreneur.stage == Stage.CESA:
        months_left = (deadline - today).days / 30.44
        if months_left < 0:
            alerts.append(
                Alert(
                    "danger",
                    _("Échéance du sociétariat dépassée (%(date)s)")
                    % {"date": date_format(deadline, "SHORT_DATE_FORMAT")},
                )
            )
        elif months_left <= settings.associate_alert_months:
            alerts.append(
                Alert(
                    "warning",
                    _("Doit devenir associé·e avant le %(date)s")
                    % {"date": date_format(deadline, "SHORT_DATE_FORMAT")},
                )
            )
    overdue = getattr(entrepreneur, "overdue_actions", 0)
    if overdue:
        alerts.append(Alert("warning", _("%(n)s action(s) en retard") % {"n": overdue}))
    expiring = getattr(entrepreneur, "expiring_documents", 0)
    if expiring:
        alerts.append(
            Alert("warning", _("%(n)s document(s) expiré(s) ou bientôt") % {"n": expiring})
        )
    interviews = getattr(entrepreneur, "interviews_this_year", None)
    if (
        interviews is not None
        and entrepreneur.stage in (Stage.CAPE, Stage.CESA)
        and interviews < settings.yearly_interviews_required
        and today.month >= 7
    ):
        alerts.append(
            Alert(
                "warning",
                _("%(n)s entretien(s) individuel(s) cette année sur %(required)s")
                % {"n": interviews, "required": settings.yearly_interviews_required},
            )
        )
    return alerts


@dataclass(frozen=True)
class TimelineEvent:
    when: dt.datetime
    kind: str
    title: str
    detail: str = ""
    staff_only: bool = False
    appointment_id: int | None = None  # an appointment, or the appointment a note belongs to


@dataclass(frozen=True)
class TimelineEntry:
    """An event of the page's history; an appointment carries the notes typed with it."""

    event: TimelineEvent
    notes: tuple[TimelineEvent, ...] = ()


def timeline_grouped(events: list[TimelineEvent]) -> list[TimelineEntry]:
    """Notes written with an appointment are shown with it, on the appointment's day, not as
    separate items on the day they were typed."""
    notes: dict[int, list[TimelineEvent]] = {}
    for event in events:
        if event.kind == "note" and event.appointment_id is not None:
            notes.setdefault(event.appointment_id, []).append(event)
    return [
        TimelineEntry(
            event,
            tuple(sorted(notes.get(event.appointment_id or 0, ()), key=lambda n: n.when))
            if event.kind == "appointment"
            else (),
        )
        for event in events
        if not (event.kind == "note" and event.appointment_id is not None)
    ]


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))


def entrepreneur_timeline(
    *, entrepreneur: Entrepreneur, membership: Membership
) -> list[TimelineEvent]:
    """Every event of a file, newest first, filtered for the reader: staff-only notes never reach
    the entrepreneur, and accountants see no accompaniment. Five queries at most."""
    accompaniment = sees_accompaniment(membership)
    own = entrepreneur.user_id == membership.user_id
    events: list[TimelineEvent] = []
    for step in PathStep.objects.filter(entrepreneur=entrepreneur):
        detail = step.comment
        if step.kind == PathStep.Kind.EXIT:
            detail = f"{step.get_exit_reason_display()} {detail}".strip()
        events.append(TimelineEvent(_at(step.date), "path", step.get_kind_display(), detail))
    if accompaniment or own:
        notes = notes_visible(membership=membership, entrepreneur=entrepreneur)
        for appointment in (
            Appointment.objects.filter(entrepreneur=entrepreneur)
            .select_related("staff")
            .prefetch_related(Prefetch("notes", queryset=notes, to_attr="visible_notes"))
        ):
            title = f"{appointment.get_kind_display()} · {appointment.get_mode_display()}"
            if appointment.cancelled:
                title += " (annulé)"
            events.append(
                TimelineEvent(
                    appointment.starts_at,
                    "appointment",
                    title,
                    str(appointment.staff or ""),
                    appointment_id=appointment.pk,
                )
            )
            for note in appointment.visible_notes:
                events.append(
                    TimelineEvent(
                        note.created_at,
                        "note",
                        note.get_visibility_display(),
                        note.body,
                        note.visibility == Note.Visibility.STAFF,
                        appointment_id=appointment.pk,
                    )
                )
        for note in notes.filter(appointment__isnull=True):
            events.append(
                TimelineEvent(
                    note.created_at,
                    "note",
                    note.get_visibility_display(),
                    note.body,
                    note.visibility == Note.Visibility.STAFF,
                )
            )
    for document in Document.objects.filter(entrepreneur=entrepreneur):
        events.append(
            TimelineEvent(
                document.uploaded_at, "document", document.title, document.get_kind_display()
            )
        )
    for registration in WorkshopRegistration.objects.filter(
        entrepreneur=entrepreneur
    ).select_related("workshop"):
        events.append(
            TimelineEvent(registration.workshop.starts_at, "workshop", registration.workshop.title)
        )
    events.sort(key=lambda event: event.when, reverse=True)
    return events


def notes_visible(*, membership: Membership, entrepreneur: Entrepreneur) -> QuerySet[Note]:
    notes = Note.objects.filter(entrepreneur=entrepreneur).select_related("author")
    if sees_accompaniment(membership):
        return notes
    if entrepreneur.user_id == membership.user_id:
        return notes.filter(visibility=Note.Visibility.SHARED)
    return notes.none()


def appointments_visible(
    *, membership: Membership, entrepreneur: Entrepreneur
) -> QuerySet[Appointment]:
    appointments = Appointment.objects.filter(entrepreneur=entrepreneur).select_related("staff")
    if sees_accompaniment(membership) or entrepreneur.user_id == membership.user_id:
        return appointments
    return appointments.none()


def actions_for(*, entrepreneur: Entrepreneur) -> QuerySet[Action]:
    return Action.objects.filter(goal__entrepreneur=entrepreneur).select_related("goal", "owner")


def actions_overdue_for_referent(*, user_id: int, today: dt.date) -> QuerySet[Action]:
    return (
        Action.objects.filter(
            goal__entrepreneur__referent_id=user_id, status__in=OPEN_ACTION, due_date__lt=today
        )
        .select_related("goal__entrepreneur", "owner")
        .order_by("due_date")
    )


def activity_list(*, membership: Membership) -> QuerySet[Activity]:
    activities = Activity.objects.select_related("sector", "establishment").prefetch_related(
        "members__entrepreneur"
    )
    if sees_all_files(membership):
        return activities
    return activities.filter(members__entrepreneur__user_id=membership.user_id).distinct()


def activity_get_for_member(*, membership: Membership, activity_id: int) -> Activity:
    return get_object_or_404(activity_list(membership=membership), pk=activity_id)


def workshop_list(*, upcoming_only: bool = False) -> QuerySet[Workshop]:
    workshops = Workshop.objects.annotate(registered=Count("registrations"))
    if upcoming_only:
        workshops = workshops.filter(ends_at__gte=timezone.now())
    return workshops.order_by("starts_at")


def workshop_get(*, workshop_id: int) -> Workshop:
    return get_object_or_404(workshop_list(), pk=workshop_id)


def document_get_for_member(*, membership: Membership, document_id: int) -> Document:
    documents = Document.objects.select_related("entrepreneur")
    if not sees_all_files(membership):
        documents = documents.filter(entrepreneur__user_id=membership.user_id)
    return get_object_or_404(documents, pk=document_id)


def skill_directory(*, search: str = "") -> QuerySet[SkillOffer]:
    offers = (
        SkillOffer.objects.filter(is_published=True)
        .select_related("entrepreneur__sector")
        .exclude(entrepreneur__stage=Stage.EXITED)
    )
    for word in search.split():
        offers = offers.filter(
            Q(title__icontains=word) | Q(description__icontains=word) | Q(keywords__icontains=word)
        )
    return offers.order_by("title")
