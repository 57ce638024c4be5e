"""Re-check every rule of the ledger from what is stored, and the hash chain.

The database refuses any write that would break a rule; this audit is for what it cannot see:
a restored backup, a superuser's edit with triggers disabled, storage corruption. The chain is
recomputed in Python (hashlib) from the canonical text the database defines, so a tampered line,
entry, order or seal shows as a broken link.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from accounting.models import FiscalYear

GENESIS = "0" * 64

CHECKS: tuple[tuple[str, str], ...] = (
    (
        "écritures validées déséquilibrées",
        """SELECT e.id FROM {entry} e JOIN accounting_entryline l ON l.entry_id = e.id
            WHERE e.status = 'validated' GROUP BY e.id HAVING sum(l.debit) <> sum(l.credit)""",
    ),
    (
        "écritures validées de moins de deux lignes",
        """SELECT e.id FROM {entry} e LEFT JOIN accounting_entryline l
             ON l.entry_id = e.id WHERE e.status = 'validated'
            GROUP BY e.id HAVING count(l.id) < 2""",
    ),
    (
        "lignes validées à zéro ou des deux côtés",
        """SELECT l.entry_id FROM accounting_entryline l JOIN {entry} e
             ON e.id = l.entry_id WHERE e.status = 'validated'
              AND ((l.debit = 0 AND l.credit = 0) OR (l.debit <> 0 AND l.credit <> 0)
                   OR l.debit < 0 OR l.credit < 0)""",
    ),
    (
        "écritures déséquilibrées par activité",
        """SELECT e.id FROM {entry} e JOIN accounting_journal j ON j.id = e.journal_id
             JOIN accounting_entryline l ON l.entry_id = e.id
            WHERE e.status = 'validated' AND NOT j.exempt_from_activity_balance
            GROUP BY e.id, l.activity_id HAVING sum(l.debit) <> sum(l.credit)""",
    ),
    (
        "extournes qui n'annulent pas leur écriture",
        """SELECT r.id FROM {entry} r JOIN accounting_entryline l
             ON l.entry_id IN (r.id, r.reverses_id)
            WHERE r.status = 'validated' AND r.reverses_id IS NOT NULL
            GROUP BY r.id, l.account_id, l.activity_id, l.third_party_id
           HAVING sum(l.debit) <> sum(l.credit)""",
    ),
    (
        "numérotation avec des trous (exercice, journal)",
        """SELECT journal_id FROM {entry} e
            WHERE status = 'validated' GROUP BY fiscal_year_id, journal_id
           HAVING max(number) <> count(*) OR min(number) <> 1""",
    ),
    (
        "écritures validées hors de leur exercice",
        """SELECT e.id FROM {entry} e JOIN accounting_fiscalyear y
             ON y.id = e.fiscal_year_id WHERE e.status = 'validated'
              AND (e.date < y.start_date OR e.date > y.end_date)""",
    ),
    (
        "lignes dont la date diffère de leur écriture",
        """SELECT l.entry_id FROM accounting_entryline l JOIN {entry} e
             ON e.id = l.entry_id WHERE l.date <> e.date""",
    ),
    (
        "soldes mensuels différents des lignes",
        """WITH lines AS (
               SELECT l.account_id, l.activity_id, date_trunc('month', l.date)::date AS month,
                      sum(l.debit) AS debit, sum(l.credit) AS credit, count(*) AS n
                 FROM accounting_entryline l JOIN {entry} e ON e.id = l.entry_id
                WHERE e.status = 'validated' GROUP BY 1, 2, 3)
           SELECT coalesce(l.account_id, b.account_id)
             FROM lines l FULL JOIN (SELECT * FROM accounting_monthlybalance {months}) b
               ON b.account_id = l.account_id AND b.activity_id IS NOT DISTINCT FROM l.activity_id
              AND b.month = l.month
            WHERE l.debit IS DISTINCT FROM b.debit OR l.credit IS DISTINCT FROM b.credit
               OR l.n IS DISTINCT FROM b.line_count""",
    ),
    (
        "groupes de lettrage non soldés",
        """SELECT l.account_id FROM accounting_entryline l JOIN {entry} e ON e.id = l.entry_id
            WHERE l.lettering IS NOT NULL GROUP BY l.account_id, l.lettering
           HAVING sum(l.debit - l.credit) <> 0""",
    ),
)


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    entries: int = 0
    years: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _chain(year: FiscalYear, report: Report) -> None:
    previous = GENESIS
    expected_seq = 1
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            "SELECT e.id, e.chain_seq, e.prev_hash, e.hash, accounting_entry_canonical(e) "
            "FROM accounting_entry e WHERE e.fiscal_year_id = %s AND e.status = 'validated' "
            "AND e.chain_seq IS NOT NULL ORDER BY e.chain_seq",
            [year.pk],
        )
        while rows := cursor.fetchmany(2000):
            for entry_id, seq, prev_hash, stored, canonical in rows:
                report.entries += 1
                if seq != expected_seq:
                    report.problems.append(
                        f"exercice {year} : maillon {expected_seq} manquant (trouvé {seq})"
                    )
                    expected_seq = seq
                computed = hashlib.sha256((previous + canonical).encode("utf-8")).hexdigest()
                if prev_hash != previous or stored != computed:
                    report.problems.append(
                        f"exercice {year} : chaîne rompue à l'écriture {entry_id} (maillon {seq})"
                    )
                previous = stored
                expected_seq += 1
    sealed = year.status == FiscalYear.Status.CLOSED
    if sealed and (year.chain_head != previous or year.chain_length != expected_seq - 1):
        report.problems.append(
            f"exercice {year} : le sceau de clôture ne correspond plus à la chaîne"
        )


def ledger_verify(*, fiscal_year: FiscalYear | None = None) -> Report:
    """Every invariant, then every fiscal year's chain, in the active cooperative (or one
    fiscal year only)."""
    report = Report()
    entry = "accounting_entry"
    months = ""
    params: dict[str, Any] | None = None
    if fiscal_year is not None:
        # Every entry is validated with a chain position or a draft (entry_status_fields): the
        # year's entries, found through the chain's and the drafts' indexes.
        entry = (
            "(SELECT * FROM accounting_entry WHERE fiscal_year_id = %(year)s "
            "AND (chain_seq IS NOT NULL OR status = 'draft'))"
        )
        months = "WHERE month BETWEEN %(start)s AND %(end)s"
        params = {
            "year": fiscal_year.pk,
            "start": fiscal_year.start_date,
            "end": fiscal_year.end_date,
        }
    with connection.cursor() as cursor:
        for label, query in CHECKS:
            sql = query.replace("{entry}", entry).replace("{months}", months)
            cursor.execute(f"SELECT count(*) FROM ({sql}) AS broken", params)
            (count,) = cursor.fetchone()
            if count:
                report.problems.append(f"{label} : {count}")
    years = [fiscal_year] if fiscal_year else FiscalYear.objects.order_by("start_date")
    for year in years:
        report.years += 1
        _chain(year, report)
    return report
