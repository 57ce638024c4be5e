from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from entrepreneurs.models import Entrepreneur, PathStep, Stage
from entrepreneurs.services import (
    associate_deadline,
    entrepreneur_become_associate,
    path_step_record,
)
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World

Kind = PathStep.Kind
D = dt.date


@pytest.fixture
def lea(world: World):
    with cooperative_context(world.coop_a.pk):
        yield Entrepreneur.objects.get(user=world.alice)


def _record(entrepreneur: Entrepreneur, kind: str, date: dt.date, **kwargs):
    return path_step_record(
        entrepreneur=entrepreneur, kind=kind, date=date, recorded_by=None, **kwargs
    )


def test_full_path_keeps_every_step_and_the_position(lea: Entrepreneur) -> None:
    _record(lea, Kind.INFO_SESSION, D(2023, 1, 10))
    _record(lea, Kind.DIAGNOSTIC, D(2023, 1, 20))
    _record(lea, Kind.CAPE_START, D(2023, 2, 1), planned_end=D(2024, 1, 31))
    _record(lea, Kind.CAPE_RENEWAL, D(2024, 1, 15), planned_end=D(2024, 7, 31))
    _record(lea, Kind.CAPE_END, D(2024, 6, 30))
    _record(lea, Kind.CESA_START, D(2024, 7, 1), weekly_hours=None, fixed_pay=Decimal("900.00"))
    lea.refresh_from_db()
    assert (lea.stage, lea.cesa_start, lea.cape_days, lea.version) == (
        Stage.CESA,
        D(2024, 7, 1),
        515,
        7,
    )
    # L.7331-3: three years after the CESA, minus the 515 days of CAPE.
    assert associate_deadline(cesa_start=lea.cesa_start, cape_days=lea.cape_days) == D(2026, 2, 1)
    entrepreneur_become_associate(entrepreneur=lea, date=D(2025, 9, 1), recorded_by=None)
    _record(lea, Kind.EXIT, D(2026, 3, 31), exit_reason=PathStep.ExitReason.OWN_COMPANY)
    lea.refresh_from_db()
    assert (lea.stage, lea.associate_since, lea.exited_on) == (
        Stage.EXITED,
        D(2025, 9, 1),
        D(2026, 3, 31),
    )
    assert list(PathStep.objects.filter(entrepreneur=lea).values_list("kind", flat=True)) == [
        "info_session",
        "diagnostic",
        "cape_start",
        "cape_renewal",
        "cape_end",
        "cesa_start",
        "associate",
        "exit",
    ]


def test_deadline_without_cape_and_on_29_february() -> None:
    assert associate_deadline(cesa_start=D(2024, 2, 29), cape_days=0) == D(2027, 2, 28)
    assert associate_deadline(cesa_start=None, cape_days=10) is None


@pytest.mark.parametrize(
    ("steps", "kind", "date", "kwargs", "message"),
    [
        ([], Kind.CAPE_END, D(2024, 1, 1), {}, "pas de CAPE en cours"),
        ([], Kind.ASSOCIATE, D(2024, 1, 1), {}, "titulaire d'un CESA"),
        (
            [],
            Kind.CAPE_START,
            D(2024, 1, 1),
            {"planned_end": D(2023, 12, 1)},
            "doit suivre son début",
        ),
        ([], Kind.CAPE_START, D(2024, 1, 1), {"planned_end": D(2025, 6, 1)}, "un an au plus"),
        (
            [(Kind.CAPE_START, D(2024, 1, 1), {"planned_end": D(2024, 12, 31)})],
            Kind.CESA_START,
            D(2024, 6, 1),
            {},
            "Terminez d'abord le CAPE",
        ),
        (
            [(Kind.CESA_START, D(2024, 1, 1), {})],
            Kind.CAPE_START,
            D(2024, 6, 1),
            {"planned_end": D(2024, 12, 1)},
            "avant le CESA",
        ),
        (
            [(Kind.CESA_START, D(2024, 1, 1), {})],
            Kind.CESA_START,
            D(2024, 6, 1),
            {},
            "déjà en cours",
        ),
        (
            [(Kind.DIAGNOSTIC, D(2024, 3, 1), {})],
            Kind.CESA_START,
            D(2024, 2, 1),
            {},
            "doit suivre la dernière étape",
        ),
        ([], Kind.EXIT, D(2024, 1, 1), {}, "motif de sortie"),
        (
            [(Kind.EXIT, D(2024, 1, 1), {"exit_reason": "stop"})],
            Kind.EXIT,
            D(2024, 2, 1),
            {"exit_reason": "stop"},
            "parcours est terminé",
        ),
        (
            [],
            Kind.CESA_START,
            D(2024, 1, 1),
            {"weekly_hours": Decimal("60")},
            "entre 0 et 48 heures",
        ),
        ([], Kind.CESA_START, D(2024, 1, 1), {"fixed_pay": Decimal("-1")}, "négative"),
    ],
    ids=[
        "cape-end-without-cape",
        "associate-without-cesa",
        "cape-end-before-start",
        "cape-too-long",
        "cesa-during-cape",
        "cape-after-cesa",
        "cesa-twice",
        "date-before-last-step",
        "exit-without-reason",
        "exit-twice",
        "too-many-hours",
        "negative-fixed-pay",
    ],
)
def test_forbidden_transitions_change_nothing(
    lea: Entrepreneur,
    steps: list[Any],
    kind: str,
    date: dt.date,
    kwargs: dict[str, Any],
    message: str,
) -> None:
    for step_kind, step_date, step_kwargs in steps:
        _record(lea, step_kind, step_date, **step_kwargs)
    lea.refresh_from_db()
    before = (lea.stage, lea.version, PathStep.objects.filter(entrepreneur=lea).count())
    with pytest.raises(ApplicationError, match=message):
        _record(lea, kind, date, **kwargs)
    lea.refresh_from_db()
    assert (lea.stage, lea.version, PathStep.objects.filter(entrepreneur=lea).count()) == before


def test_a_cape_is_renewed_twice_at_most(lea: Entrepreneur) -> None:
    _record(lea, Kind.CAPE_START, D(2023, 1, 1), planned_end=D(2023, 12, 31))
    _record(lea, Kind.CAPE_RENEWAL, D(2023, 12, 1), planned_end=D(2024, 12, 31))
    _record(lea, Kind.CAPE_RENEWAL, D(2024, 12, 1), planned_end=D(2025, 12, 31))
    with pytest.raises(ApplicationError, match="renouvelé que deux fois"):
        _record(lea, Kind.CAPE_RENEWAL, D(2025, 12, 1), planned_end=D(2026, 6, 30))


def test_the_database_refuses_a_second_exit(lea: Entrepreneur) -> None:
    from django.db import IntegrityError, transaction

    _record(lea, Kind.EXIT, D(2024, 1, 1), exit_reason="stop")
    with pytest.raises(IntegrityError), transaction.atomic():
        PathStep.objects.create(
            cooperative_id=lea.cooperative_id,
            entrepreneur=lea,
            kind=Kind.EXIT,
            date=D(2024, 2, 1),
            exit_reason="stop",
        )
