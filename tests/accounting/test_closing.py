"""Closing a fiscal year end to end: seal, result per activity, opening entries (à-nouveaux) of
the next year, and the statements of the next year that start from them."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from decimal import Decimal

import pytest
from django.test import Client

from accounting import fec, selectors, services
from accounting.integrity import ledger_verify
from accounting.models import Entry, FiscalYear
from accounting.services import LineInput
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.jobs import JOB_KWARG, job_enqueue
from perspectives.tenancy.models import Job
from tests.accounting.conftest import Books, Ledger
from tests.conftest import World

D = Decimal
JAN_2026 = dt.date(2026, 1, 1)


def _post_2025(ledger: Ledger) -> Entry:
    a1, a2 = ledger.a1, ledger.a2
    ledger.sale("1200.00", date=dt.date(2025, 1, 15))  # a1: 411 D 1 200, 706 C 1 000, 44571 C 200
    ledger.post(
        [
            LineInput("604", debit="300.00", activity=a1),
            LineInput("44566", debit="60.00", activity=a1),
            LineInput("401", credit="360.00", activity=a1, third_party=ledger.supplier),
        ],
        journal="AC",
        date=dt.date(2025, 1, 20),
    )
    ledger.post(
        [
            LineInput("512", debit="1000.00", activity=a1),
            LineInput("411", credit="1000.00", activity=a1, third_party=ledger.customer),
        ],
        journal="BQ",
        date=dt.date(2025, 2, 5),
    )
    ledger.post(  # a2 makes a loss of 250
        [
            LineInput("604", debit="250.00", activity=a2),
            LineInput("512", credit="250.00", activity=a2),
        ],
        journal="BQ",
        date=dt.date(2025, 3, 1),
    )
    return ledger.post(  # the cooperative's own section: capital paid in
        [LineInput("512", debit="5000.00"), LineInput("1013", credit="5000.00")],
        journal="BQ",
        date=dt.date(2025, 4, 1),
    )


def _opening_lines(year_start: dt.date) -> list[tuple[str, str, str, str, str, str]]:
    """(entry, section, account, third party, debit, credit) of the opening entries."""
    entries = Entry.objects.filter(journal__code="AN", date=year_start).order_by("number")
    return [
        (
            entry.reference,
            line.activity.analytic_code if line.activity else "STRUCTURE",
            line.account.code,
            line.third_party.code if line.third_party else "",
            str(line.debit),
            str(line.credit),
        )
        for entry in entries.select_related("journal")
        for line in entry.lines.select_related("account", "activity", "third_party").order_by(
            "line_no"
        )
    ]


def _balances(balance: selectors.TrialBalance) -> dict[str, Decimal]:
    return {row.code: row.balance for row in balance.rows}


def test_closing_carries_the_balance_sheet_and_the_results_into_opening_entries(
    ledger: Ledger,
) -> None:
    last_of_2025 = _post_2025(ledger)
    services.fiscal_year_create(start_date=JAN_2026)
    # Already posted in 2026 before the closing: the opening entries still come first in its FEC.
    ledger.sale("120.00", date=dt.date(2026, 1, 10))
    year = ledger.fiscal_year
    expected_fec = hashlib.sha256(
        "".join(fec.fec_lines(ledger.cooperative, year)).encode("utf-8")
    ).hexdigest()

    services.fiscal_year_start_closing(fiscal_year=year)
    closed = services.fiscal_year_close(fiscal_year=year)

    assert (closed.status, closed.chain_head, closed.chain_length) == (
        "closed",
        last_of_2025.hash,
        5,
    )
    assert closed.fec_sha256 == expected_fec
    assert _opening_lines(JAN_2026) == [
        ("AN000001", "STRUCTURE", "1013", "", "0.00", "5000.00"),
        ("AN000001", "STRUCTURE", "512", "", "5000.00", "0.00"),
        ("AN000002", "A1", "401", "FOURN1", "0.00", "360.00"),
        ("AN000002", "A1", "411", "CLIENT1", "200.00", "0.00"),
        ("AN000002", "A1", "44566", "", "60.00", "0.00"),
        ("AN000002", "A1", "44571", "", "0.00", "200.00"),
        ("AN000002", "A1", "512", "", "1000.00", "0.00"),
        ("AN000002", "A1", "120", "", "0.00", "700.00"),  # 1 000 income − 300 expenses
        ("AN000003", "A2", "512", "", "0.00", "250.00"),
        ("AN000003", "A2", "129", "", "250.00", "0.00"),  # the loss
    ]
    openings = Entry.objects.filter(journal__code="AN")
    assert {e.status for e in openings} == {"validated"}
    assert {e.fiscal_year.start_date for e in openings} == {JAN_2026}

    # The trial balance of 2026's first day is the closing balance sheet of 2025, the results
    # moved to 120/129; classes 6 and 7 are not carried.
    closing_sheet = {
        code: amount
        for code, amount in _balances(
            selectors.trial_balance(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31))
        ).items()
        if code[0] in "12345"
    }
    assert closing_sheet == {
        "1013": D("-5000.00"),
        "401": D("-360.00"),
        "411": D("200.00"),
        "44566": D("60.00"),
        "44571": D("-200.00"),
        "512": D("5750.00"),
    }
    opening_day = _balances(selectors.trial_balance(date_from=JAN_2026, date_to=JAN_2026))
    assert opening_day == {**closing_sheet, "120": D("-700.00"), "129": D("250.00")}

    # Balances in 2026 start from the opening entries, never counting 2025 twice.
    cash = selectors.treasury_statement(scope=frozenset({ledger.a1.pk}), as_of=dt.date(2026, 1, 31))
    assert (cash.cash, cash.customers_due) == (D("1000.00"), D("320.00"))
    [bank] = selectors.general_ledger(
        date_from=JAN_2026, date_to=dt.date(2026, 12, 31), account_ids=[_account_id("512")]
    )
    assert (bank.opening, bank.total_debit, bank.total_credit, bank.closing) == (
        D("0.00"),
        D("6000.00"),
        D("250.00"),
        D("5750.00"),
    )
    [bank] = selectors.general_ledger(
        date_from=dt.date(2026, 2, 1),
        date_to=dt.date(2026, 2, 28),
        account_ids=[_account_id("512")],
    )
    assert bank.opening == D("5750.00")
    movements = selectors.sums(
        group_by=["account_id"],
        date_from=dt.date(2025, 1, 1),
        date_to=dt.date(2026, 12, 31),
        account_ids=[_account_id("512")],
    )
    assert movements == {(_account_id("512"),): (D("6000.00"), D("250.00"))}

    # The FEC of 2026 starts with the opening entries and conforms; every rule and both chains hold.
    records = list(fec.fec_lines(ledger.cooperative, FiscalYear.objects.get(start_date=JAN_2026)))
    assert [r.split("|")[2] for r in records[1:12]] == ["AN000001"] * 2 + ["AN000002"] * 6 + [
        "AN000003"
    ] * 2 + ["VT000001"]
    data = "".join(records).encode("utf-8")
    assert fec.fec_validate(data, filename=f"{ledger.cooperative.siren}FEC20261231.txt") == []
    report = ledger_verify()
    assert (report.problems, report.entries, report.years) == ([], 9, 2)

    # Closing again posts nothing more.
    again = services.fiscal_year_close(fiscal_year=closed)
    assert again.chain_head == closed.chain_head
    assert services.opening_entries_generate(fiscal_year=closed) == []
    assert openings.count() == 3


def _account_id(code: str) -> int:
    account = selectors.account_by_code(code=code)
    assert account is not None
    return int(account.pk)


def test_the_next_closing_carries_from_the_opening_entries(ledger: Ledger) -> None:
    _post_2025(ledger)
    services.fiscal_year_create(start_date=JAN_2026)
    ledger.sale("120.00", date=dt.date(2026, 1, 10))  # a1: 100 of income in 2026
    year_2026 = FiscalYear.objects.get(start_date=JAN_2026)
    services.fiscal_year_start_closing(fiscal_year=year_2026)
    with pytest.raises(ApplicationError, match="antérieur, doit être clôturé d'abord"):
        services.fiscal_year_close(fiscal_year=year_2026)
    assert not Entry.objects.filter(journal__code="AN").exists()

    services.fiscal_year_start_closing(fiscal_year=ledger.fiscal_year)
    services.fiscal_year_close(fiscal_year=ledger.fiscal_year)
    services.fiscal_year_close(fiscal_year=year_2026)

    a1_2027 = [line for line in _opening_lines(dt.date(2027, 1, 1)) if line[1] == "A1"]
    assert [line[2:] for line in a1_2027] == [
        ("120", "", "0.00", "700.00"),  # 2025's result, still to be allocated
        ("401", "FOURN1", "0.00", "360.00"),
        ("411", "CLIENT1", "320.00", "0.00"),
        ("44566", "", "60.00", "0.00"),
        ("44571", "", "0.00", "220.00"),
        ("512", "", "1000.00", "0.00"),
        ("120", "", "0.00", "100.00"),  # 2026's result
    ]
    assert ledger_verify().ok


CLOSING = "/c/coop-a/accounting/closing/"


@pytest.mark.celery_worker
def test_the_closing_page_closes_a_year_and_shows_results_and_opening_entries(
    books: Books, world: World, client: Client, worker: None
) -> None:
    year = books.ledger.fiscal_year
    client.force_login(world.carl)  # manager
    assert f'href="{CLOSING}"' in client.get("/c/coop-a/accounting/").content.decode()
    page = client.get(CLOSING + f"?year={year.pk}").content.decode()
    assert "Résultat par activité" in page
    assert "Les à-nouveaux seront générés à la clôture." in page

    # Closing an open year straight away: refused with the reason, nothing changed.
    response = client.post(CLOSING, {"year": year.pk, "action": "close"}, follow=True)
    assert "L&#x27;exercice doit d&#x27;abord passer en clôture." in response.content.decode()
    assert _status(world, year) == "open"
    client.post(CLOSING, {"year": year.pk, "action": "bogus"})
    assert _status(world, year) == "open"

    client.post(CLOSING, {"year": year.pk, "action": "start"})
    assert _status(world, year) == "closing"
    response = client.post(CLOSING, {"year": year.pk, "action": "close"})
    assert response.status_code == 302
    # A Celery worker seals the year and posts the opening entries.
    deadline = time.monotonic() + 30
    while _status(world, year) != "closed" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _status(world, year) == "closed"

    page = " ".join(client.get(CLOSING + f"?year={year.pk}").content.decode().split())
    # a1: 1 000 of income, 1 000 of expenses; a2: 500 of income.
    assert '<td>A1</td><td>Graphisme</td><td class="num">1 000,00</td>' in page
    assert 'Résultat de la coopérative</th><td class="num">500,00</td>' in page
    assert "AN000001" in page
    assert "AN000002" in page
    with cooperative_context(world.coop_a.pk):
        sealed = FiscalYear.objects.get(pk=year.pk)
        a2_opening = Entry.objects.get(journal__code="AN", number=2)
        assert [
            (line.account.code, line.debit, line.credit) for line in a2_opening.lines.all()
        ] == [
            ("411", D("600.00"), D("0.00")),
            ("44571", D("0.00"), D("100.00")),
            ("120", D("0.00"), D("500.00")),
        ]
    assert sealed.fec_sha256 in page


def _status(world: World, year: FiscalYear) -> str:
    with cooperative_context(world.coop_a.pk):
        return str(FiscalYear.objects.get(pk=year.pk).status)


def test_only_accountants_and_managers_close_and_others_see_nothing(
    books: Books, world: World, client: Client
) -> None:
    year = books.ledger.fiscal_year
    client.force_login(world.alice)  # entrepreneur
    assert client.get(CLOSING).status_code == 403
    assert client.post(CLOSING, {"year": year.pk, "action": "start"}).status_code == 403
    client.force_login(world.charlie)  # another cooperative
    assert client.get(CLOSING + f"?year={year.pk}").status_code == 404
    assert client.post(CLOSING, {"year": year.pk, "action": "start"}).status_code == 404
    own = "/c/coop-b/accounting/closing/"
    assert client.get(own + f"?year={year.pk}").status_code == 404
    assert client.post(own, {"year": year.pk, "action": "start"}).status_code == 404
    assert client.get(own + "?year=abc").status_code == 404
    assert _status(world, year) == "open"


def _closing_job(world: World) -> Job:
    with cooperative_context(world.coop_a.pk):
        return Job.objects.get(task="accounting.tasks.fiscal_year_close_task")


def _run_as_a_worker(job: Job) -> None:
    """What a worker does with the job's message (the task, its job id included)."""
    from accounting.tasks import fiscal_year_close_task

    fiscal_year_close_task.apply(
        kwargs={**job.kwargs, "cooperative_id": job.cooperative_id, JOB_KWARG: job.pk}
    )


def test_a_closing_request_hands_the_year_to_one_job_and_the_page_follows_it(
    books: Books, world: World, client: Client
) -> None:
    year = books.ledger.fiscal_year
    with cooperative_context(world.coop_a.pk):
        year = services.fiscal_year_start_closing(fiscal_year=year)
        services.fiscal_year_close_request(fiscal_year=year, user=world.carl)
        services.fiscal_year_close_request(fiscal_year=year, user=world.carl)  # ignored
    job = _closing_job(world)
    assert (job.state, job.kwargs) == (
        "pending",
        {"fiscal_year_id": year.pk, "user_id": world.carl.pk},
    )
    client.force_login(world.carl)
    page = client.get(CLOSING + f"?year={year.pk}").content.decode()
    assert "Clôture en cours" in page
    assert 'hx-trigger="every 3s"' in page
    assert 'value="close"' not in page  # no second request while it runs

    _run_as_a_worker(job)
    job = _closing_job(world)
    assert (job.state, job.attempts, job.error) == ("done", 1, "")
    page = client.get(CLOSING + f"?year={year.pk}").content.decode()
    assert "Clôture en cours" not in page
    assert 'hx-trigger="every 3s"' not in page
    assert _status(world, year) == "closed"
    _run_as_a_worker(job)  # delivered twice: the done job does nothing
    job = _closing_job(world)
    assert (job.state, job.attempts) == ("done", 1)


def test_a_closing_refused_in_the_worker_shows_its_reason(
    books: Books, world: World, client: Client
) -> None:
    from accounting.tasks import fiscal_year_close_task

    year = books.ledger.fiscal_year  # still open: the worker refuses it
    with cooperative_context(world.coop_a.pk):
        job_enqueue(fiscal_year_close_task, fiscal_year_id=year.pk, user_id=None)
    _run_as_a_worker(_closing_job(world))
    with cooperative_context(world.coop_a.pk):
        assert services.closing_state(fiscal_year=year) == {
            "state": "refused",
            "message": "L'exercice doit d'abord passer en clôture.",
        }
    client.force_login(world.carl)
    page = client.get(CLOSING + f"?year={year.pk}").content.decode()
    assert "La clôture a été refusée : L&#x27;exercice doit d&#x27;abord passer en clôture." in page
    assert _status(world, year) == "open"


def test_the_closing_task_of_another_cooperative_finds_no_year(books: Books, world: World) -> None:
    from accounting.tasks import fiscal_year_close_task

    year = books.ledger.fiscal_year
    with cooperative_context(world.coop_a.pk):
        services.fiscal_year_start_closing(fiscal_year=year)
    result = fiscal_year_close_task.apply(
        kwargs={"cooperative_id": world.coop_b.pk, "fiscal_year_id": year.pk}
    )
    assert isinstance(result.result, FiscalYear.DoesNotExist)
    assert _status(world, year) == "closing"


def test_a_closing_that_fails_in_the_worker_can_be_asked_again(
    books: Books, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounting.services import closing

    def crash(**kwargs: object) -> None:
        raise RuntimeError("disk full")

    with cooperative_context(world.coop_a.pk):
        year = services.fiscal_year_start_closing(fiscal_year=books.ledger.fiscal_year)
        services.fiscal_year_close_request(fiscal_year=year, user=None)
        assert services.closing_state(fiscal_year=year) == {"state": "running"}
    monkeypatch.setattr(closing, "fiscal_year_close", crash)
    _run_as_a_worker(_closing_job(world))
    with cooperative_context(world.coop_a.pk):
        assert services.closing_state(fiscal_year=year) == {
            "state": "refused",
            "message": "RuntimeError: disk full",
        }
        services.fiscal_year_close_request(fiscal_year=year, user=None)
        assert services.closing_state(fiscal_year=year) == {"state": "running"}
        states = list(Job.objects.order_by("pk").values_list("state", flat=True))
    assert states == ["failed", "pending"]
    assert _status(world, year) == "closing"
