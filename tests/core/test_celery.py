"""A real Celery worker, on real Redis, runs tenant tasks for A then B."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.db import connection, transaction

from entrepreneurs.models import Sector
from perspectives.celery import app as celery_app
from perspectives.tenancy.context import current_cooperative_id
from perspectives.tenancy.tasks import TenantTask
from tests.conftest import World


def _db_setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.cooperative_id', true)")
        return str(cursor.fetchone()[0] or "")


@celery_app.task(base=TenantTask, name="tests.sector_names")
def sector_names(*, cooperative_id: int) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT cooperative_id FROM entrepreneurs_sector")
        raw = sorted(row[0] for row in cursor.fetchall())
    return {
        "names": sorted(Sector.objects.values_list("name", flat=True)),
        "raw_cooperative_ids": raw,
        "setting": _db_setting(),
    }


@celery_app.task(name="tests.context_probe")
def context_probe() -> dict[str, Any]:
    with transaction.atomic():
        return {"cooperative_id": current_cooperative_id(), "setting": _db_setting()}


def _sectors(world: World) -> None:
    from perspectives.tenancy.context import cooperative_context
    from tests.factories import SectorFactory

    for cooperative, name in ((world.coop_a, "Bâtiment A"), (world.coop_b, "Bâtiment B")):
        with cooperative_context(cooperative.pk):
            SectorFactory.create(cooperative=cooperative, name=name)


@pytest.mark.celery_worker
def test_worker_runs_tenant_tasks_each_in_its_own_cooperative(world: World, worker: None) -> None:
    _sectors(world)
    a = sector_names.delay(cooperative_id=world.coop_a.pk).get(timeout=20)
    b = sector_names.delay(cooperative_id=world.coop_b.pk).get(timeout=20)
    after = context_probe.delay().get(timeout=20)
    assert a == {
        "names": ["Bâtiment A", "Communication"],
        "raw_cooperative_ids": [world.coop_a.pk],
        "setting": str(world.coop_a.pk),
    }
    assert b == {
        "names": ["Bâtiment B", "Communication"],
        "raw_cooperative_ids": [world.coop_b.pk],
        "setting": str(world.coop_b.pk),
    }
    assert after == {"cooperative_id": None, "setting": ""}


@pytest.mark.celery_worker
def test_task_without_cooperative_fails_loudly(world: World, worker: None) -> None:
    # Refused at enqueue time by the task's signature...
    with pytest.raises(TypeError, match="cooperative_id"):
        sector_names.delay()
    # ...and by the worker when the message comes from elsewhere, before any query runs.
    result = celery_app.send_task("tests.sector_names", kwargs={})
    with pytest.raises(TypeError, match="integer cooperative_id"):
        result.get(timeout=20)
    with pytest.raises(TypeError, match="integer cooperative_id"):
        celery_app.send_task("tests.sector_names", kwargs={"cooperative_id": "1"}).get(timeout=20)
    assert context_probe.delay().get(timeout=20) == {"cooperative_id": None, "setting": ""}


def test_delay_on_commit_enqueues_with_the_cooperative_id(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(
        sector_names, "apply_async", lambda args=None, kwargs=None, **o: sent.append(kwargs)
    )
    with django_capture_on_commit_callbacks(execute=True):
        sector_names.delay_on_commit(cooperative_id=world.coop_a.pk)
        assert sent == []
    assert sent == [{"cooperative_id": world.coop_a.pk}]


def test_each_test_worker_has_its_own_broker_database() -> None:
    """Over a unix socket, kombu reads the database from `virtual_host` and ignores `db`: the
    brokers of two test workers (and of two deployments sharing a Redis) would meet in db 0."""
    from kombu.connection import Connection

    from tests.conftest import celery_test_broker_url

    index = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    with Connection(celery_test_broker_url()) as connection:
        pool = connection.default_channel.client.connection_pool
        assert pool.connection_kwargs["db"] == 8 + index
