from __future__ import annotations

import datetime as dt
import os
import tempfile
import threading
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import celery.contrib.testing.tasks  # noqa: F401 - registers celery.ping, which workers answer
import pytest
import time_machine
from django.db import connection
from django.test.utils import override_settings

from perspectives.accounts.models import User
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.db import as_owner
from perspectives.tenancy.models import Cooperative, Membership, Role
from tests.factories import (
    CooperativeFactory,
    EntrepreneurFactory,
    MembershipFactory,
    SectorFactory,
    UserFactory,
)

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def travel_to(moment: str) -> time_machine.travel:
    """The clock moved to ``moment`` (``YYYY-MM-DD``, noon in Paris, or ``YYYY-MM-DDTHH:MM``, Paris
    time), still ticking. Use as a decorator, a context manager or in a fixture."""
    when = dt.datetime.fromisoformat(moment)
    if len(moment) == 10:
        when = when.replace(hour=12)
    return time_machine.travel(when.replace(tzinfo=PARIS), tick=True)


# `make test DATE=2028-02-29` runs the whole suite as if on that day (see the Makefile): a test
# whose result depends on today's date pins its own clock with travel_to, and every other test must
# pass on any day. The travel starts before collection, so module-level dates see it too.
_suite_clock: time_machine.travel | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _suite_clock
    moment = os.environ.get("PERSPECTIVES_TEST_DATE", "").strip()
    if moment and _suite_clock is None:
        _suite_clock = travel_to(moment)
        _suite_clock.start()


# Slow tests, run by `make test` and left out by `make test-fast`: a real browser, worker or
# fault, and the tests that commit (each truncates the database after it); the demo tests mark
# themselves.
_SLOW_MARKERS = {"browser", "celery_worker", "faults"}
_SLOW_FIXTURES = {"transactional_db", "live_server", "worker"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    slow = pytest.mark.slow
    for item in items:
        names = {mark.name for mark in item.iter_markers()}
        commits = any(
            mark.kwargs.get("transaction") for mark in item.iter_markers(name="django_db")
        )
        fixtures = set(getattr(item, "fixturenames", ()))
        if names & _SLOW_MARKERS or commits or fixtures & _SLOW_FIXTURES:
            item.add_marker(slow)


def pytest_report_header(config: pytest.Config) -> str:
    moment = os.environ.get("PERSPECTIVES_TEST_DATE", "").strip()
    return f"clock: {moment} (Europe/Paris)" if moment else "clock: today"


PASSWORD = "correct-horse-battery"


def _worker_index() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw") or 0)


def _redis_url(db: int) -> str:
    from django.conf import settings

    from perspectives.settings import _redis_db_url

    return _redis_db_url(settings.REDIS_URL, db)


# Each xdist worker gets its own Redis databases (cache: 2+i, Celery: 8+i), so flushing them
# between tests never touches another worker's keys.
_test_settings = override_settings(
    CACHES={
        "default": {
            "BACKEND": "perspectives.core.cache.FailoverCache",
            "OPTIONS": {"PRIMARY": "redis", "FALLBACK": "database"},
        },
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url(2 + _worker_index()),
            "KEY_PREFIX": "test",
        },
        "database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "core_cache",
            "KEY_PREFIX": "test",
        },
    },
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    SECURE_SSL_REDIRECT=False,
    SESSION_COOKIE_SECURE=False,
    CSRF_COOKIE_SECURE=False,
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    MEDIA_ROOT=tempfile.mkdtemp(prefix="perspectives-media-"),
)
_test_settings.enable()


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """Create and migrate the test database as the owner role; tests then run as the
    application role, so row-level security is really exercised."""
    from django.test.utils import setup_databases, teardown_databases

    # Threads (Celery worker, live server) open their own connections: close them after each
    # task or request, so the test database can be dropped at the end.
    connection.settings_dict["CONN_MAX_AGE"] = 0
    with django_db_blocker.unblock(), as_owner():
        db_cfg = setup_databases(
            verbosity=0,
            interactive=False,
            aliases={"default"},  # type: ignore[arg-type]  # any collection of aliases works
            serialized_aliases=set(),
        )
        with connection.cursor() as cursor:
            # Test-only: transactional tests empty the tables with TRUNCATE between tests.
            role = connection.ops.quote_name(_app_role())
            cursor.execute(f"GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {role}")
            # Test-only: no autovacuum ANALYZE between tests. Statistics taken while a table held
            # a handful of rows make the planner pick quadratic plans for the demo's bulk
            # posting later in the run; without them every test plans like a fresh database.
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            for (table,) in cursor.fetchall():
                cursor.execute(
                    f"ALTER TABLE {connection.ops.quote_name(table)} SET (autovacuum_enabled = off)"
                )
    yield
    with django_db_blocker.unblock():
        # A thread that outlived its test (a live server's request thread) may still hold an
        # idle session of the application role: end those (a role may end its own sessions)
        # so that the test database can be dropped.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND usename = current_user"
                " AND pid <> pg_backend_pid()"
            )
        connection.close()
    with django_db_blocker.unblock(), as_owner():
        teardown_databases(db_cfg, verbosity=0)


def _app_role() -> str:
    from django.conf import settings

    return settings.DATABASE_APP_ROLE


@pytest.fixture(autouse=True)
def _clean_cache_and_language() -> Iterator[None]:
    """Each test starts with an empty cache and in French (a request may activate English)."""
    from django.core.cache import caches
    from django.utils import translation

    # Redis only: the database fallback lives in the test database, emptied with it.
    caches["redis"].clear()
    with translation.override("fr"):
        yield


@dataclass
class World:
    """Two cooperatives with the same shape. A: alice (entrepreneur), bob (support),
    carl (manager and admin, with TOTP). B: charlie (every role, with TOTP)."""

    coop_a: Cooperative
    coop_b: Cooperative
    alice: User
    bob: User
    carl: User
    charlie: User
    alice_membership: Membership
    bob_membership: Membership
    carl_membership: Membership
    charlie_membership: Membership


def activate_totp(user: User) -> None:
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, TOTP_SECRET)


def _populate(cooperative: Cooperative, entrepreneur_user: User, referent: User) -> None:
    with cooperative_context(cooperative.pk):
        sector = SectorFactory.create(cooperative=cooperative, name="Communication")
        EntrepreneurFactory.create(
            sector=sector,
            user=entrepreneur_user,
            first_name=entrepreneur_user.first_name,
            last_name=entrepreneur_user.last_name,
            referent=referent,
        )


@pytest.fixture
def world(db: None) -> World:
    coop_a = CooperativeFactory.create(name="Coopérative A", slug="coop-a")
    coop_b = CooperativeFactory.create(name="Coopérative B", slug="coop-b")
    alice = UserFactory.create(email="alice@a.example", first_name="Alice", last_name="Arnaud")
    bob = UserFactory.create(email="bob@a.example", first_name="Bob", last_name="Bertin")
    carl = UserFactory.create(email="carl@a.example", first_name="Carl", last_name="Cazals")
    charlie = UserFactory.create(email="charlie@b.example", first_name="Charlie", last_name="Cruz")
    activate_totp(carl)
    activate_totp(charlie)
    world = World(
        coop_a=coop_a,
        coop_b=coop_b,
        alice=alice,
        bob=bob,
        carl=carl,
        charlie=charlie,
        alice_membership=MembershipFactory.create(
            cooperative=coop_a, user=alice, roles=[Role.ENTREPRENEUR]
        ),
        bob_membership=MembershipFactory.create(cooperative=coop_a, user=bob, roles=[Role.SUPPORT]),
        carl_membership=MembershipFactory.create(
            cooperative=coop_a, user=carl, roles=[Role.MANAGER, Role.ADMIN]
        ),
        charlie_membership=MembershipFactory.create(
            cooperative=coop_b, user=charlie, roles=[role.value for role in Role]
        ),
    )
    # Cooperative B has the same shape as A, so a leak would show as an extra row.
    charlie_entrepreneur = UserFactory.create(
        email="dora@b.example", first_name="Dora", last_name="Dumas"
    )
    MembershipFactory.create(
        cooperative=coop_b, user=charlie_entrepreneur, roles=[Role.ENTREPRENEUR]
    )
    _populate(coop_a, alice, bob)
    _populate(coop_b, charlie_entrepreneur, charlie)
    return world


def celery_test_broker_url() -> str:
    """This test worker's own Redis database for Celery (its cache has another one)."""
    from perspectives.settings import _celery_url

    return _celery_url(_redis_url(8 + _worker_index()), broker=True)


def celery_forget_connections() -> None:
    """After the broker or result backend changed: Celery keeps its producer pool and backend,
    which would still talk to the previous database."""
    from perspectives.celery import app as celery_app

    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._local.__dict__.pop("backend", None)


def celery_test_backend_url() -> str:
    """The same database for Celery's results (the backend names it differently)."""
    from perspectives.settings import _celery_url

    return _celery_url(_redis_url(8 + _worker_index()))


def cache_test_url() -> str:
    return _redis_url(2 + _worker_index())


@pytest.fixture
def worker(transactional_db: None) -> Iterator[None]:
    """A real Celery worker (in a thread of this process) on this test worker's Redis database."""
    from celery.contrib.testing.worker import start_worker

    from perspectives.celery import app as celery_app

    celery_app.conf.update(
        broker_url=celery_test_broker_url(),
        result_backend=celery_test_backend_url(),
        task_always_eager=False,
    )
    celery_forget_connections()
    # Messages earlier tests' jobs left behind belong to rows that are gone: the worker starts
    # on an empty queue instead of working through them before its ping.
    with celery_app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()
    with start_worker(celery_app, pool="solo", loglevel="WARNING", perform_ping_check=True):
        yield


def at_once(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start every job at the same instant, each in its own thread (so its own database
    connection, closed at the end); the results, or the exceptions raised, in order."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
