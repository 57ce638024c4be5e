from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from entrepreneurs.models import Entrepreneur
from entrepreneurs.services import path_step_record
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World


@pytest.fixture
def in_a(world: World) -> Iterator[World]:
    """The test body runs inside cooperative A."""
    with cooperative_context(world.coop_a.pk):
        yield world


def alice_file(world: World) -> Entrepreneur:
    return Entrepreneur.objects.get(user=world.alice)


def start_cesa(entrepreneur: Entrepreneur, day: dt.date = dt.date(2024, 1, 8)) -> Entrepreneur:
    path_step_record(entrepreneur=entrepreneur, kind="cesa_start", date=day, recorded_by=None)
    entrepreneur.refresh_from_db()
    return entrepreneur
