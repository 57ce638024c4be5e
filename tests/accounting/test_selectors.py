from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accounting import selectors
from tests.accounting.conftest import Ledger, post_history

D = Decimal
YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_trial_balance_of_the_year(ledger: Ledger) -> None:
    post_history(ledger)
    balance = selectors.trial_balance(date_from=YEAR[0], date_to=YEAR[1])
    rows = {r.code: (r.debit, r.credit) for r in balance.rows}
    assert rows == {
        "401": (D("0.00"), D("360.00")),
        "411": (D("1800.00"), D("1000.00")),
        "421": (D("400.00"), D("400.00")),
        "431": (D("0.00"), D("300.00")),
        "44566": (D("60.00"), D("0.00")),
        "44571": (D("0.00"), D("300.00")),
        "512": (D("1000.00"), D("400.00")),
        "604": (D("300.00"), D("0.00")),
        "6411": (D("500.00"), D("0.00")),
        "6451": (D("200.00"), D("0.00")),
        "706": (D("0.00"), D("1500.00")),
    }
    assert balance.total_debit == balance.total_credit == D("4260.00")


def test_a_partial_range_mixes_monthly_balances_and_lines(ledger: Ledger) -> None:
    post_history(ledger)
    # 20 January – 5 February: the purchase and the customer payment only.
    balance = selectors.trial_balance(date_from=dt.date(2025, 1, 20), date_to=dt.date(2025, 2, 5))
    assert {r.code: r.balance for r in balance.rows} == {
        "401": D("-360.00"),
        "411": D("-1000.00"),
        "44566": D("60.00"),
        "512": D("1000.00"),
        "604": D("300.00"),
    }


def test_activity_pnl_and_monthly_results(ledger: Ledger) -> None:
    post_history(ledger)
    pnl = selectors.activity_pnl(
        scope=frozenset({ledger.a1.pk}), date_from=YEAR[0], date_to=YEAR[1]
    )
    assert [(r.code, r.amount) for r in pnl.income] == [("706", D("1000.00"))]
    assert [(r.code, r.amount) for r in pnl.expenses] == [
        ("604", D("300.00")),
        ("6411", D("500.00")),
        ("6451", D("200.00")),
    ]
    assert pnl.result == D("0.00")
    assert pnl.months == [
        (dt.date(2025, 1, 1), D("1000.00"), D("300.00"), D("700.00")),
        (dt.date(2025, 2, 1), D("0.00"), D("700.00"), D("-700.00")),
    ]


def test_treasury_statement_follows_the_endi_grid(ledger: Ledger) -> None:
    post_history(ledger)
    t = selectors.treasury_statement(scope=frozenset({ledger.a1.pk}), as_of=dt.date(2025, 3, 31))
    assert (t.cash, t.taxes_due, t.suppliers_due, t.reference) == (
        D("600.00"),
        D("140.00"),  # 200 collected − 60 deductible
        D("360.00"),
        D("100.00"),
    )
    assert (t.salaries_due, t.expenses_due, t.customers_due, t.future) == (
        D("300.00"),  # URSSAF still to pay; the net salary was paid
        D("0.00"),
        D("200.00"),
        D("0.00"),
    )
    earlier = selectors.treasury_statement(
        scope=frozenset({ledger.a1.pk}), as_of=dt.date(2025, 1, 31)
    )
    assert (earlier.cash, earlier.customers_due) == (D("0.00"), D("1200.00"))


def test_general_ledger_carries_opening_and_running_balances(ledger: Ledger) -> None:
    post_history(ledger)
    bank = selectors.account_by_code(code="512")
    assert bank is not None
    (section,) = selectors.general_ledger(
        date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 3, 31), account_ids=[bank.pk]
    )
    assert (section.code, section.opening, section.closing) == ("512", D("1000.00"), D("600.00"))
    assert [(line.reference, line.balance) for line in section.lines] == [("BQ000002", D("600.00"))]


def test_third_party_ledger(ledger: Ledger) -> None:
    post_history(ledger)
    sections = selectors.general_ledger(
        date_from=dt.date(2025, 2, 1), date_to=YEAR[1], third_party_id=ledger.customer.pk
    )
    assert [(s.code, s.opening, s.closing) for s in sections] == [
        ("411", D("1200.00"), D("800.00"))
    ]
