"""The support staff's agenda: their appointments and the workshops they run, by week or month,
and the same as an iCalendar feed a calendar application subscribes to.

The feed's address carries a token instead of a session (calendar applications do not log in):
an HMAC of the member, the cooperative and the person's password hash, so changing one's
password revokes every address given out before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from entrepreneurs.models import Appointment, Workshop
from perspectives.accounts.models import User

FEED_SALT = "perspectives.entrepreneurs.agenda-feed"


@dataclass(frozen=True)
class AgendaItem:
    kind: str  # "appointment" or "workshop"
    pk: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    title: str
    where: str
    entrepreneur_id: int | None = None
    cancelled: bool = False


def agenda_items(*, user_id: int, start: dt.date, end: dt.date) -> list[AgendaItem]:
    """The person's appointments and the workshops they created, from `start` (included) to
    `end` (excluded) in the cooperative's time zone, in time order."""
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time(0, 0), tzinfo=zone)
    until = dt.datetime.combine(end, dt.time(0, 0), tzinfo=zone)
    items = [
        AgendaItem(
            "appointment",
            appointment.pk,
            appointment.starts_at,
            appointment.starts_at + dt.timedelta(minutes=appointment.duration_minutes),
            f"{appointment.entrepreneur} · {appointment.get_kind_display()}",
            appointment.get_mode_display(),
            entrepreneur_id=appointment.entrepreneur_id,
            cancelled=appointment.cancelled,
        )
        for appointment in Appointment.objects.filter(
            staff_id=user_id, starts_at__gte=since, starts_at__lt=until
        ).select_related("entrepreneur")
    ]
    items += [
        AgendaItem(
            "workshop",
            workshop.pk,
            workshop.starts_at,
            workshop.ends_at,
            workshop.title,
            workshop.place or workshop.link,
        )
        for workshop in Workshop.objects.filter(
            created_by_id=user_id, starts_at__gte=since, starts_at__lt=until
        )
    ]
    return sorted(items, key=lambda item: (item.starts_at, item.kind, item.pk))


def agenda_days(
    items: list[AgendaItem], start: dt.date, end: dt.date
) -> list[tuple[dt.date, list[AgendaItem]]]:
    """Every day of the period with its items (empty days included: a week reads as a week)."""
    by_day: dict[dt.date, list[AgendaItem]] = {}
    for item in items:
        by_day.setdefault(timezone.localtime(item.starts_at).date(), []).append(item)
    days = []
    day = start
    while day < end:
        days.append((day, by_day.get(day, [])))
        day += dt.timedelta(days=1)
    return days


def period_bounds(*, view: str, day: dt.date) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """(start, end, previous start, next start) of the week (Monday first) or month of `day`."""
    if view == "month":
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
        previous = (start - dt.timedelta(days=1)).replace(day=1)
        return start, end, previous, end
    start = day - dt.timedelta(days=day.weekday())
    return (
        start,
        start + dt.timedelta(days=7),
        start - dt.timedelta(days=7),
        start + dt.timedelta(7),
    )


def feed_token(*, user: User, cooperative_id: int) -> str:
    digest = salted_hmac(
        FEED_SALT, f"{user.pk}:{cooperative_id}:{user.password}", algorithm="sha256"
    ).hexdigest()[:40]
    return f"{user.pk}-{cooperative_id}-{digest}"


def feed_token_check(token: str) -> tuple[User, int] | None:
    """The person and cooperative a token was made for, or None (forged, or password changed)."""
    parts = token.split("-")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    user = User.objects.filter(pk=int(parts[0]), is_active=True).first()
    if user is None:
        return None
    expected = feed_token(user=user, cooperative_id=int(parts[1]))
    return (user, int(parts[1])) if constant_time_compare(expected, token) else None


def feed_ics(*, items: list[AgendaItem], cooperative_name: str, site_url: str) -> bytes:
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Perspectives//Agenda//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Perspectives · {cooperative_name}")
    stamp = timezone.now()
    host = site_url.split("//")[-1].rstrip("/") or "perspectives"
    for item in items:
        event = Event()
        event.add("uid", f"{item.kind}-{item.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.starts_at)
        event.add("dtend", item.ends_at)
        event.add("summary", item.title)
        if item.where:
            event.add("location", item.where)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body
