"""FEC import: our own export loads into another cooperative with the same figures; dry run,
re-run and bad files write nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command

from accounting import fec, selectors
from accounting.fec_import import fec_import
from accounting.models import Entry, EntryLine, ThirdParty
from perspectives.tenancy.context import cooperative_context
from tests.accounting.conftest import Ledger, build_ledger, post_history
from tests.factories import CooperativeFactory

YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def _export(ledger: Ledger) -> tuple[bytes, str]:
    post_history(ledger)
    data = "".join(fec.fec_lines(ledger.cooperative, ledger.fiscal_year)).encode("utf-8")
    return data, fec.fec_filename(ledger.cooperative, ledger.fiscal_year)


def _trial(cooperative_id: int) -> list[tuple[str, object, object]]:
    with cooperative_context(cooperative_id):
        rows = selectors.trial_balance(date_from=YEAR[0], date_to=YEAR[1]).rows
        return [(r.code, r.debit, r.credit) for r in rows]


def test_our_export_imports_into_another_cooperative_with_the_same_figures(
    ledger: Ledger,
) -> None:
    data, name = _export(ledger)
    expected = _trial(ledger.cooperative.pk)
    other = CooperativeFactory.create()
    with cooperative_context(other.pk):
        report = fec_import(data, filename=name)
        assert report.problems == []
        assert (report.entries, report.lines, report.already_imported) == (6, 17, 0)
        assert report.third_parties == ["CLIENT1", "FOURN1"]
        assert ThirdParty.objects.get(code="FOURN1").kind == "supplier"
        # Without an analytic column nor known third parties: the structure's section.
        assert set(EntryLine.objects.values_list("activity_id", flat=True)) == {None}
        again = fec_import(data, filename=name)
        assert (again.entries, again.already_imported) == (0, 6)
        assert Entry.objects.count() == 6
    assert _trial(other.pk) == expected


def test_a_dry_run_reports_and_writes_nothing(ledger: Ledger) -> None:
    data, name = _export(ledger)
    other = CooperativeFactory.create()
    with cooperative_context(other.pk):
        report = fec_import(data, filename=name, dry_run=True)
        assert (report.ok, report.entries) == (True, 6)
        assert Entry.objects.count() == 0
        assert not ThirdParty.objects.exists()


def test_an_analytic_column_gives_each_line_its_activity(ledger: Ledger) -> None:
    data, name = _export(ledger)
    text = data.decode()
    rows = text.split("\r\n")
    rows[0] += "|CodeAnalytique"
    rows = [rows[0]] + [
        r + ("|A2" if "|706|" in r and "|500,00|" in r else "|A1") for r in rows[1:] if r
    ]
    other = CooperativeFactory.create()
    with cooperative_context(other.pk):
        theirs = build_ledger(other)
        report = fec_import(("\r\n".join(rows) + "\r\n").encode(), filename=name)
        # The a2 sale's other lines went to A1: unbalanced per activity, nothing imported.
        assert not report.ok
        assert "déséquilibrée par activité" in str(report.problems[0])
        assert Entry.objects.count() == 0
        rows = [rows[0]] + [r.rsplit("|", 1)[0] + "|A1" for r in rows[1:]]
        report = fec_import(("\r\n".join(rows) + "\r\n").encode(), filename=name)
        assert report.ok, report.problems
        assert set(EntryLine.objects.values_list("activity_id", flat=True)) == {theirs.a1.pk}


def test_every_refused_entry_is_reported_with_its_first_line(ledger: Ledger) -> None:
    data, name = _export(ledger)
    header, *body = [row for row in data.decode().split("\r\n") if row]
    # Each entry's first line in A2, its other lines in A1: no entry balances per activity.
    firsts: dict[tuple[str, str], int] = {}
    tagged = []
    for number, row in enumerate(body, start=2):
        fields = row.split("|")
        key = (fields[0], fields[2])
        tagged.append(row + ("|A1" if key in firsts else "|A2"))
        firsts.setdefault(key, number)
    other = CooperativeFactory.create()
    with cooperative_context(other.pk):
        build_ledger(other)
        text = "\r\n".join([header + "|CodeAnalytique", *tagged]) + "\r\n"
        report = fec_import(text.encode(), filename=name)
        assert [p.line for p in report.problems] == sorted(firsts.values())
        assert all(
            f"écriture {journal} {number} : " in str(problem)
            and "déséquilibrée par activité" in str(problem)
            for problem, (journal, number) in zip(report.problems, firsts, strict=True)
        )
        assert Entry.objects.count() == 0


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda t: t.replace("|", ";"), "séparateur absent"),
        (lambda t: t.replace("1000,00", "1000.00", 1), "« 1000.00 »"),
        (lambda t: t.replace("|706|", "|XYZ|", 1), "CompteNum « XYZ »"),
        (lambda t: t.replace("20250115", "20260115", 1), "après la clôture"),
    ],
)
def test_bad_files_are_refused_with_the_line_and_nothing_written(
    ledger: Ledger, mutate, expected: str
) -> None:
    data, name = _export(ledger)
    other = CooperativeFactory.create()
    with cooperative_context(other.pk):
        report = fec_import(mutate(data.decode()).encode(), filename=name)
        assert any(expected in str(p) for p in report.problems), report.problems
        assert Entry.objects.count() == 0


def test_the_import_command(ledger: Ledger, tmp_path: Path, capsys) -> None:
    data, name = _export(ledger)
    path = tmp_path / name
    path.write_bytes(data)
    other = CooperativeFactory.create()
    call_command("fec_import", str(path), "--cooperative", other.slug, "--dry-run")
    assert "6 écritures (17 lignes) seraient importées" in capsys.readouterr().out
    call_command("fec_import", str(path), "--cooperative", other.slug)
    assert "6 écritures (17 lignes) importées" in capsys.readouterr().out
    bad = tmp_path / "export.csv"
    bad.write_bytes(data)
    with pytest.raises(SystemExit):
        call_command("fec_import", str(bad), "--cooperative", other.slug)
