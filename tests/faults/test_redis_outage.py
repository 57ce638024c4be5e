"""Redis stopped while people use the platform: pages answer, logins work and stay rate-limited,
a job asked for meanwhile waits in PostgreSQL and runs once Redis is back. No 500, no hang."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client
from django.test.utils import override_settings

from perspectives.celery import app as celery_app
from perspectives.tenancy import jobs
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Job
from tests.conftest import PASSWORD, World
from tests.faults.conftest import RedisProcess, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.celery_worker]


@pytest.fixture
def on_own_redis(redis_process: RedisProcess, transactional_db: None) -> Iterator[RedisProcess]:
    """The cache and the broker on the test's own Redis server."""
    url = redis_process.url
    caches = {
        "default": {
            "BACKEND": "perspectives.core.cache.FailoverCache",
            "OPTIONS": {"PRIMARY": "redis", "FALLBACK": "database"},
        },
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "outage",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        },
        "database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "core_cache",
            "KEY_PREFIX": "outage",
        },
    }
    broker = url.replace("unix://", "redis+socket://")
    before = {key: celery_app.conf[key] for key in ("broker_url", "result_backend")}
    celery_app.conf.update(broker_url=broker, result_backend=broker, task_always_eager=False)
    _forget_connections()  # connect to this broker, not to one an earlier test used
    jobs.broker_available_again()
    try:
        with override_settings(CACHES=caches):
            yield redis_process
    finally:
        celery_app.conf.update(before)
        _forget_connections()


def _forget_connections() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._local.__dict__.pop("backend", None)


def _timed(call):
    start = time.monotonic()
    response = call()
    return response, time.monotonic() - start


def test_pages_logins_and_jobs_survive_a_redis_outage(
    world: World, on_own_redis: RedisProcess, client: Client
) -> None:
    client.force_login(world.alice)
    assert client.get("/c/coop-a/").status_code == 200  # warms the cache on Redis

    on_own_redis.stop()

    home, seconds = _timed(lambda: client.get("/c/coop-a/"))
    assert home.status_code == 200
    assert seconds < 8
    health = client.get("/healthz")
    assert (health.status_code, health.json()) == (
        503,
        {"status": "error", "database": "ok", "redis": "error"},
    )

    # Logins work, and their rate limit still counts (in the database meanwhile).
    visitor = Client()
    ok = visitor.post("/accounts/login/", {"login": "bob@a.example", "password": PASSWORD})
    assert (ok.status_code, ok["Location"]) == (302, "/")
    for _attempt in range(5):
        failed = Client().post("/accounts/login/", {"login": "alice@a.example", "password": "x"})
        assert "sont incorrects" in failed.text
    blocked = Client().post("/accounts/login/", {"login": "alice@a.example", "password": PASSWORD})
    assert "Trop de tentatives de connexion échouées." in blocked.text

    # A job asked for meanwhile: the page answers at once, the job waits in PostgreSQL.
    client.force_login(world.carl)
    asked, seconds = _timed(
        lambda: client.post("/c/coop-a/dashboard/reports/?month=2026-10", {"month": "2026-10"})
    )
    assert asked.status_code == 302
    assert seconds < 8
    with cooperative_context(world.coop_a.pk):
        job = Job.objects.get(task="top.dashboards.tasks.monthly_reports_start_task")
    assert (job.state, job.sent_at, job.kwargs) == ("pending", None, {"month": "2026-10-01"})

    on_own_redis.start()
    with start_worker(celery_app, pool="solo", loglevel="WARNING", perform_ping_check=False):
        jobs.broker_available_again()  # what the sweeper's own start says
        later = job.created_at + dt.timedelta(seconds=30)
        assert jobs.jobs_sweep(cooperative_id=world.coop_a.pk, now=later) == jobs.SweepReport(
            sent=1
        )

        def done() -> bool:
            with cooperative_context(world.coop_a.pk):
                return Job.objects.get(pk=job.pk).state == Job.State.DONE

        wait_for(done, seconds=30)
    assert client.get("/healthz").status_code == 200
