"""`ledger_verify`: passes on a sound ledger; catches what only a superuser could do (triggers
disabled) — the tamper evidence of the hash chain."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command

from accounting import services
from accounting.integrity import ledger_verify
from perspectives.tenancy.context import cooperative_context
from tests.accounting.conftest import Ledger, build_ledger, post_history
from tests.database import owner_connection
from tests.factories import CooperativeFactory


def test_a_sound_ledger_verifies(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    post_history(ledger)
    services.entry_reverse(entry=ledger.sale("12.00"))
    report = ledger_verify()
    assert report.problems == []
    assert (report.entries, report.years) == (8, 1)
    call_command("ledger_verify", "--cooperative", ledger.cooperative.slug)
    assert "intègre (8 écritures validées, 1 exercice(s))" in capsys.readouterr().out


def test_a_closed_year_verifies_against_its_seal(ledger: Ledger) -> None:
    post_history(ledger)
    services.fiscal_year_start_closing(fiscal_year=ledger.fiscal_year)
    services.fiscal_year_close(fiscal_year=ledger.fiscal_year)
    assert ledger_verify().ok


@contextmanager
def _as_superuser_with_triggers_off(cooperative_id: int) -> Iterator[Any]:
    """What the application role can never do: the owner disables the ledger's triggers."""
    with owner_connection(autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("SELECT set_config('app.cooperative_id', %s, false)", [str(cooperative_id)])
        cur.execute("ALTER TABLE accounting_entryline DISABLE TRIGGER entryline_guard")
        cur.execute("ALTER TABLE accounting_entry DISABLE TRIGGER entry_guard")
        try:
            yield cur
        finally:
            cur.execute("ALTER TABLE accounting_entryline ENABLE TRIGGER entryline_guard")
            cur.execute("ALTER TABLE accounting_entry ENABLE TRIGGER entry_guard")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (
            "UPDATE accounting_entryline SET debit = debit + 1 "
            "WHERE id = (SELECT min(id) FROM accounting_entryline WHERE debit > 0)",
            {
                "écritures validées déséquilibrées : 1",
                "soldes mensuels différents des lignes : 1",
                "chaîne rompue",
            },
        ),
        (
            "UPDATE accounting_entry SET label = 'réécrit' WHERE number = 1 AND journal_id = "
            "(SELECT id FROM accounting_journal WHERE code = 'BQ')",
            {"chaîne rompue"},
        ),
        (
            "DELETE FROM accounting_entryline WHERE entry_id = (SELECT id FROM accounting_entry "
            "WHERE chain_seq = 3); DELETE FROM accounting_entry WHERE chain_seq = 3",
            {
                "numérotation avec des trous (exercice, journal) : 1",
                "maillon 3 manquant",
                "soldes mensuels différents des lignes",
            },
        ),
    ],
)
def test_tampering_behind_the_database_rules_is_detected(tamper: str, expected: set[str]) -> None:
    cooperative = CooperativeFactory.create()
    with cooperative_context(cooperative.pk):
        ledger = build_ledger(cooperative)
        post_history(ledger)
        assert ledger_verify().ok
    with _as_superuser_with_triggers_off(cooperative.pk) as cursor:
        cursor.execute(tamper)
    with cooperative_context(cooperative.pk):
        problems = ledger_verify().problems
    for fragment in expected:
        assert any(fragment in problem for problem in problems), (fragment, problems)
    with pytest.raises(SystemExit):
        call_command("ledger_verify", "--cooperative", cooperative.slug)
