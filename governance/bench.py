"""Load benchmark of online voting (`make bench`, or `manage.py run_benchmarks governance`).

2,000 associates vote within one minute through the real web stack, on loopback only: gunicorn
(sync workers, DEBUG off) on a free port of 127.0.0.1, Django's session, CSRF and tenancy
middleware, the vote views and PostgreSQL. Built once in the development database: one
cooperative (slug `bench-governance`) whose 2,000 associates each have an account and a
membership. Every run then:

1. creates, convenes (voter roll frozen) and opens an assembly with two resolutions;
2. logs the 2,000 associates in: one session each, written in the session store (the login form
   is rate limited per IP address, and the password check is not what is measured), with a CSRF
   cookie and token issued by Django's own `get_token`;
3. has a pool of concurrent clients cast every associate's vote on resolution 1 through the
   page's form (POST with the CSRF token, answered by a redirect whose message carries the
   receipt), then on resolution 2 through the JSON API (session + X-CSRFToken header);
4. replays some of those requests (each must be refused: nothing counted twice);
5. closes the assembly and checks exactly 2,000 participations and ballots per resolution, the
   expected tally, every receipt in the published list, and `governance_verify`.

It prints a table with each phase's wall time, throughput, errors, p50/p99/max latency and the CPU
time the server (gunicorn workers and their PostgreSQL backends) spent per request, with the
machine's load average: on a busy shared machine wall times say little, the CPU per vote tells
how many votes per second the CPUs serve when nothing else runs. Whether the one-minute window
was met is printed; a failed check of correctness (an error, a lost or double ballot, a receipt
missing, a replay accepted, governance_verify) raises.

Environment: GOVERNANCE_BENCH_ASSOCIATES (2000), GOVERNANCE_BENCH_WORKERS (gunicorn sync workers,
2 × CPUs + 1), GOVERNANCE_BENCH_CLIENTS (concurrent clients, 16), GOVERNANCE_BENCH_PAGES
(assembly page loads measured after the vote, 50).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.db.models import Count
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone

from governance.models import (
    Assembly,
    Associate,
    AssociateCategory,
    Ballot,
    Choice,
    ConvocationDispatch,
    Participation,
    Resolution,
    RollEntry,
    StatuteProfile,
)
from governance.selectors import resolution_trackers
from governance.services import (
    assembly_close,
    assembly_convene,
    assembly_create,
    assembly_open,
    assembly_remote_session_record,
    convocation_letters_record,
    resolution_add,
    resolution_open,
    statute_profile_create_from_preset,
    statute_profile_sign_off,
    statute_rule_update,
)
from governance.services.verify import governance_verify
from perspectives.accounts.models import User
from perspectives.tenancy import services as tenancy_services
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative, Membership, Role

SLUG = "bench-governance"
ASSOCIATES = int(os.environ.get("GOVERNANCE_BENCH_ASSOCIATES", "2000"))
# gunicorn's own advice for sync workers: two per core, plus one.
WORKERS = int(os.environ.get("GOVERNANCE_BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
CLIENTS = int(os.environ.get("GOVERNANCE_BENCH_CLIENTS", "16"))
PAGES = int(os.environ.get("GOVERNANCE_BENCH_PAGES", "50"))
REPLAYS = 100
WINDOW_SECONDS = 60.0
CHOICES = (Choice.FOR, Choice.AGAINST, Choice.ABSTAIN)
RECEIPT = re.compile(r"reçu : ([0-9a-f]{16})")


def _email(index: int) -> str:
    return f"bench.vote.{index:05d}@perspectives.example"


# --------------------------------------------------------------------------- data


def _build() -> Cooperative:
    """The cooperative, its 2,000 accounts, memberships and associates (bulk, once)."""
    cooperative = Cooperative.objects.filter(slug=SLUG).first()
    if cooperative is None:
        cooperative = tenancy_services.cooperative_create(
            name="Banc d'essai des votes", slug=SLUG, siren="552100554"
        )
    emails = [_email(index) for index in range(ASSOCIATES)]
    known = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    # One unusable password for all: these accounts log in through the session store.
    password = make_password(None)
    User.objects.bulk_create(
        User(email=email, first_name="Associé·e", last_name=email[11:16], password=password)
        for email in emails
        if email not in known
    )
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    Membership.objects.bulk_create(
        (
            Membership(cooperative=cooperative, user=user, roles=[Role.ENTREPRENEUR])
            for user in users
        ),
        ignore_conflicts=True,
    )
    with cooperative_context(cooperative.pk):
        _statutes(_manager(cooperative))
        registered = set(
            Associate.objects.filter(exited_on__isnull=True).values_list("user_id", flat=True)
        )
        Associate.objects.bulk_create(
            Associate(
                cooperative=cooperative,
                user=user,
                full_name=user.get_full_name(),
                category=AssociateCategory.EMPLOYEE,
                admitted_on=dt.date(2024, 1, 8),
            )
            for user in users
            if user.pk not in registered
        )
    return cooperative


def _manager(cooperative: Cooperative) -> User:
    """The bench cooperative's manager, who signs the statutes off and posts the letters."""
    user, _created = User.objects.get_or_create(
        email="bench.manager@perspectives.example",
        defaults={"first_name": "Gérance", "last_name": "Banc d'essai"},
    )
    Membership.objects.get_or_create(
        cooperative=cooperative, user=user, defaults={"roles": [Role.MANAGER]}
    )
    return user


def _statutes(manager: User) -> StatuteProfile:
    """The SCOP SARL profile, its statutes admitting remote participation (the associates vote
    from a distance), signed off."""
    profile = statute_profile_create_from_preset(preset="scop_sarl")
    if profile.signed_off:
        return profile
    for rule in profile.rules.exclude(decision_class="accounts"):
        statute_rule_update(
            rule=rule, by=manager, remote_participation_allowed=True, statutes_article="art. 20"
        )
    return statute_profile_sign_off(profile=profile, by=manager)


@dataclass
class Voter:
    index: int
    session_key: str
    csrf_cookie: str
    csrf_token: str

    @property
    def cookie(self) -> str:
        return (
            f"{settings.SESSION_COOKIE_NAME}={self.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={self.csrf_cookie}"
        )


def _assembly(cooperative: Cooperative) -> tuple[Assembly, list[Resolution]]:
    """A new assembly each run (the roll is frozen at convocation), convened, open, two votes
    open. Committed before the server reads it."""
    with cooperative_context(cooperative.pk):
        manager = _manager(cooperative)
        profile = _statutes(manager)
        now = timezone.now()
        assembly = assembly_create(
            title=f"Banc d'essai {timezone.localtime(now):%d/%m/%Y %H:%M:%S}",
            kind=Assembly.Kind.ORDINARY,
            mode=Assembly.Mode.REMOTE,
            scheduled_at=now + dt.timedelta(days=profile.convocation_delay_days + 1),
            place="En ligne",
        )
        resolutions = [
            resolution_add(assembly=assembly, title=title, text=f"{title} de l'exercice 2026.")
            for title in ("Approbation des comptes", "Affectation du résultat")
        ]
        assembly = assembly_convene(assembly=assembly)
        # No associate consented to e-mail convocation: every one gets a registered letter,
        # posted today; the session is remote with voice and a continuous retransmission.
        convocation_letters_record(
            assembly=assembly,
            posted_on=timezone.localdate(),
            numbers={
                pk: f"1A{pk:011d}"
                for pk in ConvocationDispatch.objects.filter(assembly=assembly).values_list(
                    "pk", flat=True
                )
            },
            by=manager,
        )
        assembly_remote_session_record(
            assembly=assembly,
            means="Visioconférence (son et image)",
            voice=True,
            continuous=True,
            by=manager,
        )
        assembly = assembly_open(assembly=assembly, now=assembly.scheduled_at)
        resolutions = [resolution_open(resolution=r) for r in resolutions]
    return assembly, resolutions


def _login(cooperative: Cooperative) -> list[Voter]:
    """One session per associate on the roll, as `django.contrib.auth.login` would write it."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    users = list(
        User.objects.filter(memberships__cooperative=cooperative, email__startswith="bench.vote.")
        .order_by("email")
        .only("pk", "password")
    )
    voters = []
    with transaction.atomic():
        for index, user in enumerate(users):
            session = store_class()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            request = HttpRequest()
            token = get_token(request)
            voters.append(
                Voter(
                    index=index,
                    session_key=str(session.session_key),
                    csrf_cookie=request.META["CSRF_COOKIE"],
                    csrf_token=token,
                )
            )
    return voters


def _logout(voters: list[Voter]) -> None:
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    with transaction.atomic():
        for voter in voters:
            store_class(session_key=voter.session_key).delete()


# --------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(parent: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                pids.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return pids


@dataclass
class Server:
    port: int
    pid: int

    def cpu(self) -> dict[tuple[str, int], float]:
        """CPU seconds so far of the gunicorn workers and of their PostgreSQL backends (this
        database's other client backends: the benchmark's own connection is closed meanwhile)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
            backends = [int(row[0]) for row in cursor.fetchall()]
        connection.close()
        seconds = {("app", pid): _cpu_seconds(pid) for pid in _children(self.pid)}
        seconds |= {("db", pid): _cpu_seconds(pid) for pid in backends}
        return {key: value for key, value in seconds.items() if value is not None}


@contextmanager
def _gunicorn() -> Iterator[Server]:
    """gunicorn on a free loopback port, production settings except plain-HTTP cookies, and
    database connections kept for the whole run (so their CPU time can be read)."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "perspectives.settings",
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "SECURE_COOKIES": "false",
        "STATIC_MANIFEST": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "3600",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--preload",
        "--log-level",
        "warning",
        "--timeout",
        "120",
        "perspectives.wsgi:application",
    ]
    server = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {server.returncode}")
            try:
                status, _body, _headers = _request(port, "GET", "/accounts/login/")
            except OSError:
                status = 0
            if status == 200:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within 60 s")
            time.sleep(0.2)
        yield Server(port=port, pid=server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes, list[tuple[str, str]]]:
    """One request on a new connection (gunicorn's sync workers close after each answer)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), response.getheaders()
    finally:
        conn.close()


# --------------------------------------------------------------------------- clients


@dataclass
class Phase:
    label: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    receipts: dict[int, str] = field(default_factory=dict)
    wall: float = 0.0
    app_cpu: float = 0.0  # seconds, gunicorn workers
    db_cpu: float = 0.0  # seconds, their PostgreSQL backends

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


Outcome = tuple[bool, str]  # (as expected, receipt or error)


def _run_phase(
    server: Server,
    label: str,
    voters: list[Voter],
    send: Callable[[Voter], tuple[int, bytes, Any]],
    check: Any,
) -> Phase:
    phase = Phase(label)
    before = server.cpu()

    def one(voter: Voter) -> tuple[int, float, Outcome]:
        start = time.perf_counter()
        try:
            answer = send(voter)
        except OSError as error:
            return voter.index, (time.perf_counter() - start) * 1000, (False, repr(error))
        elapsed = (time.perf_counter() - start) * 1000
        return voter.index, elapsed, check(*answer)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for index, elapsed, (ok, detail) in pool.map(one, voters):
            phase.latencies.append(elapsed)
            if ok:
                phase.receipts[index] = detail
            else:
                phase.errors.append(f"associate {index}: {detail}")
    phase.wall = time.perf_counter() - start
    for (kind, pid), seconds in server.cpu().items():
        used = seconds - before.get((kind, pid), 0.0)
        if kind == "app":
            phase.app_cpu += used
        else:
            phase.db_cpu += used
    return phase


def _message_texts(headers: list[tuple[str, str]]) -> list[str]:
    """The flash messages the server put in the `messages` cookie of a redirect."""
    jar: SimpleCookie = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    morsel = jar.get(CookieStorage.cookie_name)
    if morsel is None or not morsel.value:
        return []
    # As the next request would read it: signed with the project's SECRET_KEY.
    request = HttpRequest()
    request.COOKIES[CookieStorage.cookie_name] = morsel.value
    return [str(message) for message in CookieStorage(request)]


def _post_sender(
    port: int, path: str, encode: Callable[[Voter], tuple[bytes, dict[str, str]]]
) -> Callable[[Voter], tuple[int, bytes, Any]]:
    """POST as the voter's browser would: session and CSRF cookies, same-origin header."""

    def send(voter: Voter) -> tuple[int, bytes, Any]:
        body, headers = encode(voter)
        return _request(
            port,
            "POST",
            path,
            body,
            {
                "Cookie": voter.cookie,
                "Origin": f"http://127.0.0.1:{port}",
                "Accept-Language": "fr",
                **headers,
            },
        )

    return send


def _form_sender(port: int, assembly: Assembly, resolution: Resolution) -> Any:
    """The page's vote form: the CSRF token in the body, answered by a redirect."""
    path = f"/c/{SLUG}/governance/assemblies/{assembly.pk}/resolutions/{resolution.pk}/vote/"

    def encode(voter: Voter) -> tuple[bytes, dict[str, str]]:
        fields = {"csrfmiddlewaretoken": voter.csrf_token, "choice": CHOICES[voter.index % 3]}
        return urllib.parse.urlencode(fields).encode(), {
            "Content-Type": "application/x-www-form-urlencoded"
        }

    return _post_sender(port, path, encode)


def _form_accepted(status: int, _body: bytes, headers: Any) -> Outcome:
    texts = _message_texts(headers)
    found = [m.group(1) for text in texts if (m := RECEIPT.search(text))]
    if status == 302 and len(found) == 1:
        return True, found[0]
    return False, f"HTTP {status} {texts}"


def _form_refused(status: int, _body: bytes, headers: Any) -> Outcome:
    texts = _message_texts(headers)
    refused = status == 302 and any("déjà enregistré" in text for text in texts)
    return refused, f"HTTP {status} {texts}"


def _api_sender(port: int, assembly: Assembly, resolution: Resolution) -> Any:
    """The JSON API with the browser's session: the CSRF token in a header."""
    path = (
        f"/api/v1/c/{SLUG}/governance/assemblies/{assembly.pk}/resolutions/{resolution.pk}/votes/"
    )

    def encode(voter: Voter) -> tuple[bytes, dict[str, str]]:
        body = json.dumps({"choice": CHOICES[(voter.index + 1) % 3]}).encode()
        return body, {"Content-Type": "application/json", "X-CSRFToken": voter.csrf_token}

    return _post_sender(port, path, encode)


def _api_accepted(status: int, body: bytes, _headers: Any) -> Outcome:
    if status == 201:
        return True, str(json.loads(body)["tracker"])
    return False, f"HTTP {status} {body[:200]!r}"


def _api_refused(status: int, body: bytes, _headers: Any) -> Outcome:
    return status == 400 and "déjà enregistré" in body.decode(), f"HTTP {status} {body[:200]!r}"


def _page_sender(port: int, path: str) -> Any:
    def send(voter: Voter) -> tuple[int, bytes, Any]:
        return _request(port, "GET", path, None, {"Cookie": voter.cookie, "Accept-Language": "fr"})

    return send


def _ok(status: int, _body: bytes, _headers: Any) -> Outcome:
    return status == 200, f"HTTP {status}"


def _page_shown(status: int, body: bytes, _headers: Any) -> Outcome:
    return status == 200 and b"Vote enregistr" in body, f"HTTP {status}"


# --------------------------------------------------------------------------- checks


def _expected(offset: int, voters: int) -> tuple[int, int, int]:
    counts = dict.fromkeys(CHOICES, 0)
    for index in range(voters):
        counts[CHOICES[(index + offset) % 3]] += 1
    return counts[Choice.FOR], counts[Choice.AGAINST], counts[Choice.ABSTAIN]


def _verify(
    resolution: Resolution, receipts: dict[int, str], offset: int, voters: int
) -> list[str]:
    problems = []
    resolution.refresh_from_db()
    participations = Participation.objects.filter(resolution=resolution)
    distinct = participations.aggregate(n=Count("voter", distinct=True))["n"]
    counts = (
        participations.count(),
        distinct,
        Ballot.objects.filter(resolution=resolution).count(),
    )
    if counts != (voters, voters, voters):
        problems.append(f"{resolution}: participations, voters, ballots = {counts}, not {voters}")
    tally = (resolution.votes_for, resolution.votes_against, resolution.votes_abstain)
    if tally != _expected(offset, voters):
        problems.append(f"{resolution}: tally {tally}, expected {_expected(offset, voters)}")
    if sorted(receipts.values()) != resolution_trackers(resolution=resolution):
        problems.append(f"{resolution}: the receipts differ from the published tracker list")
    return problems


# --------------------------------------------------------------------------- run


# Long on purpose: a benchmark script, read top to bottom.
def run(stdout: Any) -> None:
    started = time.perf_counter()
    cooperative = _build()
    assembly, resolutions = _assembly(cooperative)
    with cooperative_context(cooperative.pk):
        roll = RollEntry.objects.filter(assembly=assembly).count()
    voters = _login(cooperative)
    setup = time.perf_counter() - started
    load_before = os.getloadavg()[0]
    stdout.write(
        f"{roll} associates on the roll, {len(voters)} sessions; setup {setup:.1f} s; "
        f"gunicorn {WORKERS} sync workers, {CLIENTS} concurrent clients, loopback; "
        f"{os.cpu_count()} CPUs, load average {load_before:.1f} before"
    )
    connection.close()  # the server's workers, not this process, hold the connections now
    try:
        with _gunicorn() as server:
            port = server.port
            # Each worker connects to PostgreSQL and loads its translations on first use.
            _run_phase(
                server,
                "warm-up",
                voters[: 4 * WORKERS],
                _page_sender(port, f"/c/{SLUG}/governance/me/"),
                _ok,
            )
            form = _form_sender(port, assembly, resolutions[0])
            api = _api_sender(port, assembly, resolutions[1])
            page = _page_sender(port, f"/c/{SLUG}/governance/assemblies/{assembly.pk}/")
            sample = voters[:: max(1, len(voters) // max(1, PAGES))][:PAGES]
            phases = [
                _run_phase(server, "vote, page form (resolution 1)", voters, form, _form_accepted),
                _run_phase(server, "vote, JSON API (resolution 2)", voters, api, _api_accepted),
                _run_phase(server, "replayed form votes", voters[:REPLAYS], form, _form_refused),
                _run_phase(server, "replayed API votes", voters[-REPLAYS:], api, _api_refused),
                _run_phase(server, "assembly page after voting", sample, page, _page_shown),
            ]
    finally:
        _logout(voters)
    # The figures only mean something next to the machine's other load (shared CI runners).
    stdout.write(f"load average {os.getloadavg()[0]:.1f} after the requests")
    with cooperative_context(cooperative.pk):
        start = time.perf_counter()
        assembly_close(assembly=assembly, now=assembly.scheduled_at + dt.timedelta(hours=2))
        close_ms = (time.perf_counter() - start) * 1000
        problems = _verify(resolutions[0], phases[0].receipts, 0, len(voters))
        problems += _verify(resolutions[1], phases[1].receipts, 1, len(voters))
        start = time.perf_counter()
        problems += governance_verify()
        verify_ms = (time.perf_counter() - start) * 1000

    stdout.write(
        f"{'phase':<32} {'requests':>8} {'errors':>6} {'wall s':>6} {'req/s':>5} "
        f"{'p50 ms':>6} {'p99 ms':>6} {'max ms':>6} {'CPU ms/req app + db':>19}"
    )
    for phase in phases:
        count = len(phase.latencies)
        stdout.write(
            f"{phase.label:<32} {count:>8} {len(phase.errors):>6} {phase.wall:>6.1f} "
            f"{count / phase.wall:>5.0f} {phase.percentile(0.5):>6.0f} "
            f"{phase.percentile(0.99):>6.0f} {max(phase.latencies):>6.0f} "
            f"{1000 * phase.app_cpu / count:>11.1f} + {1000 * phase.db_cpu / count:>5.1f}"
        )
    cpus = os.cpu_count() or 1
    for phase in phases[:2]:
        per_vote = (phase.app_cpu + phase.db_cpu) / len(phase.latencies)
        stdout.write(
            f"{phase.label}: {1000 * per_vote:.1f} ms of CPU per vote, so {cpus} CPUs serve about "
            f"{cpus / per_vote:.0f} votes/s when nothing else runs: {len(voters)} votes in "
            f"{len(voters) * per_vote / cpus:.0f} s"
        )
    stdout.write(f"close (count 2 x {len(voters)} ballots, shuffle, audit): {close_ms:.0f} ms")
    stdout.write(f"governance_verify (chain, rolls, recount of every tally): {verify_ms:.0f} ms")
    for phase in phases[:2]:
        verdict = "met" if phase.wall <= WINDOW_SECONDS else "NOT MET on this machine now"
        stdout.write(
            f"one-minute window, {phase.label}: {verdict} ({phase.wall:.1f} s wall time, "
            f"load average {load_before:.1f} before on {cpus} CPUs)"
        )
    for phase in phases:
        problems.extend(f"{phase.label}: {error}" for error in phase.errors[:5])
    if problems:
        for problem in problems:
            stdout.write(f"FAILED {problem}")
        raise RuntimeError(f"governance benchmark: {len(problems)} check(s) failed")
    stdout.write(
        f"checks: {len(voters)} participations and ballots per resolution, tallies "
        f"{_expected(0, len(voters))} and {_expected(1, len(voters))}, every receipt published, "
        f"{2 * REPLAYS} replays refused, governance_verify clean"
    )
