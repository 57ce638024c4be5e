"""The support staff's agenda: their appointments and workshops by week and month, planned from
the portfolio, and the same as an iCalendar feed behind a token."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client

from entrepreneurs.models import Entrepreneur
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World, travel_to
from tests.factories.entrepreneurs import AppointmentFactory, WorkshopFactory

PARIS = dt.timezone(dt.timedelta(hours=1))  # Paris in winter


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, 0, tzinfo=PARIS)


def _seed(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        alice = Entrepreneur.objects.get(user=world.alice)
        AppointmentFactory.create(entrepreneur=alice, staff=world.bob, starts_at=_at(8, 10))
        AppointmentFactory.create(
            entrepreneur=alice, staff=world.bob, starts_at=_at(9, 14), cancelled=True
        )
        AppointmentFactory.create(entrepreneur=alice, staff=world.bob, starts_at=_at(22, 9))
        AppointmentFactory.create(entrepreneur=alice, staff=world.carl, starts_at=_at(8, 11))
        WorkshopFactory.create(
            cooperative=world.coop_a,
            created_by=world.bob,
            title="Fixer ses prix",
            starts_at=_at(10, 9),
            ends_at=_at(10, 12),
            place="Salle Canigou",
        )


def test_the_week_and_the_month_of_my_agenda(world: World, client: Client) -> None:
    _seed(world)
    client.force_login(world.bob)
    with travel_to("2026-12-08T08:00"):
        week = client.get("/c/coop-a/agenda/")
        month = client.get("/c/coop-a/agenda/?view=month&day=2026-12-01")
    assert week.status_code == 200
    text = week.text
    assert "Du 7\u00a0déc. 2026 au 13\u00a0déc. 2026" in text
    assert text.count('class="agenda-day') == 7  # every day of the week, empty ones too
    assert "Alice Arnaud · Suivi individuel" in text
    assert "Fixer ses prix" in text
    assert "annulé" in text
    assert "22\u00a0déc." not in text  # another week
    assert "?rdv=1" not in text  # planning starts from the portfolio
    assert 'href="/c/coop-a/dashboard/portfolio/"' in text
    assert "3 rendez-vous et ateliers." in text
    # Carl's appointment is his, not Bob's.
    assert text.count("agenda-item appointment") == 2
    assert month.status_code == 200
    assert "4 rendez-vous et ateliers." in month.text
    assert "Décembre 2026" in month.text


def test_only_accompaniment_roles_have_an_agenda(world: World, client: Client) -> None:
    client.force_login(world.alice)
    assert client.get("/c/coop-a/agenda/").status_code == 403
    client.force_login(world.charlie)
    assert client.get("/c/coop-a/agenda/").status_code == 404


def test_the_feed_gives_the_agenda_to_a_calendar_application(world: World, client: Client) -> None:
    _seed(world)
    client.force_login(world.bob)
    with travel_to("2026-12-08T08:00"):
        page = client.get("/c/coop-a/agenda/")
        feed_url = re.search(r'value="http://testserver(/agenda/[^"]+\.ics)"', page.text)
        assert feed_url is not None
        client.logout()
        feed = client.get(feed_url.group(1))
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    body = feed.content.decode()
    assert body.count("BEGIN:VEVENT") == 4
    assert "SUMMARY:Fixer ses prix" in body
    assert "STATUS:CANCELLED" in body
    assert "DTSTART;TZID=Europe/Paris:20261208T100000" in body or "20261208T090000Z" in body
    # A forged token, or one whose owner changed password, gets a 404.
    forged = feed_url.group(1).replace(".ics", "0.ics")
    assert client.get(forged).status_code == 404
    world.bob.set_password("un autre mot de passe 2026")
    world.bob.save()
    assert client.get(feed_url.group(1)).status_code == 404


def test_charlie_s_token_never_opens_cooperative_a(world: World, client: Client) -> None:
    from entrepreneurs.agenda import feed_token

    _seed(world)
    token = feed_token(user=world.charlie, cooperative_id=world.coop_a.pk)
    assert client.get(f"/agenda/{token}.ics").status_code == 404
    token = feed_token(user=world.charlie, cooperative_id=world.coop_b.pk)
    response = client.get(f"/agenda/{token}.ics")
    assert response.status_code == 200
    assert b"BEGIN:VEVENT" not in response.content
