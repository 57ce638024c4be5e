"""Benchmark of the support staff's pages: the portfolio and an entrepreneur's timeline, with 150
entrepreneurs and five years of history. Builds its own cooperative (slug `bench-accompaniment`)
once, then measures server time through Django's test client (no network), median of 15 runs."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.test import Client
from django.utils import timezone

from entrepreneurs.models import Appointment, Entrepreneur, Note, PathStep, Stage
from entrepreneurs.services import sector_seed_defaults
from perspectives.accounts.models import User
from perspectives.core.bench import time_get
from perspectives.tenancy import services as tenancy_services
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative, Role

SLUG = "bench-accompaniment"
PEOPLE = 150
YEARS = 5


def _build() -> tuple[Cooperative, User, int]:
    cooperative = Cooperative.objects.filter(slug=SLUG).first()
    staff = User.objects.filter(email="bench.support@perspectives.example").first()
    if cooperative is None:
        cooperative = tenancy_services.cooperative_create(
            name="Bench", slug=SLUG, siren="732829320"
        )
    if staff is None:
        staff = User.objects.create_user("bench.support@perspectives.example", "bench-password")
    tenancy_services.membership_set(cooperative=cooperative, user=staff, roles=[Role.SUPPORT])
    rng = random.Random(5)
    with cooperative_context(cooperative.pk):
        if not Entrepreneur.objects.exists():
            sectors = sector_seed_defaults()
            people = Entrepreneur.objects.bulk_create(
                Entrepreneur(
                    cooperative=cooperative,
                    first_name=f"P{i}",
                    last_name=f"Bench{i:03d}",
                    sector=rng.choice(sectors),
                    referent=staff,
                    stage=Stage.CESA,
                    cesa_start=dt.date(2022, 1, 3),
                )
                for i in range(PEOPLE)
            )
            now = timezone.now()
            appointments = Appointment.objects.bulk_create(
                Appointment(
                    cooperative=cooperative,
                    entrepreneur=person,
                    staff=staff,
                    starts_at=now - dt.timedelta(days=30 * month),
                    duration_minutes=60,
                    mode="video",
                    kind="follow_up",
                )
                for person in people
                for month in range(12 * YEARS)
            )
            Note.objects.bulk_create(
                Note(
                    cooperative=cooperative,
                    entrepreneur=a.entrepreneur,
                    appointment=a,
                    author=staff,
                    visibility=rng.choice(("shared", "staff")),
                    body="Point mensuel.",
                    created_at=a.starts_at,
                )
                for a in appointments
            )
            PathStep.objects.bulk_create(
                PathStep(
                    cooperative=cooperative,
                    entrepreneur=person,
                    kind="cesa_start",
                    date=dt.date(2022, 1, 3),
                )
                for person in people
            )
        first_id = Entrepreneur.objects.order_by("pk").values_list("pk", flat=True)[0]
    return cooperative, staff, first_id


def run(stdout: Any) -> None:
    cooperative, staff, first_id = _build()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(staff)
    base = f"/c/{cooperative.slug}"
    for label, url in (
        ("portfolio page (150 files, page of 50)", f"{base}/entrepreneurs/"),
        ("portfolio CSV export (150 files)", f"{base}/entrepreneurs/?format=csv"),
        ("support home (150 files, alerts)", f"{base}/"),
        (
            f"entrepreneur file + timeline ({12 * YEARS} appointments, notes)",
            f"{base}/entrepreneurs/{first_id}/",
        ),
    ):
        median, _p95, queries = time_get(client, url, 15)
        stdout.write(f"{label:<60} {median:8.1f} ms median  {queries:3d} queries")
