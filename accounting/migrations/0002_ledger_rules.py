"""The rules of the ledger, enforced by PostgreSQL whatever the client (ORM, raw SQL, psql).

Every function here runs as the calling role (never SECURITY DEFINER), so row-level security
applies inside them: a trigger sees only the active cooperative's rows. All errors are
SQLSTATE 23514 (check_violation), which Django raises as IntegrityError; the messages are French
because the services show them to people.

- Entries are inserted as drafts. Validation is the UPDATE draft → validated; its BEFORE trigger
  locks the fiscal year (serialising one cooperative's validations of that year), checks the
  period and year locks, the lines (≥ 2, none zero, Σ debit = Σ credit in total and per
  activity unless the journal is exempt, accounts/activities/third parties of the cooperative,
  third party on collective accounts), the reversal link, then sets the journal number
  (max + 1: gapless because nothing validated is ever deleted), the position in the year's hash
  chain, the validation timestamp (clock_timestamp, never earlier than the previous one) and
  the hash. The UPDATE may change nothing else.
- Validated entries never change and are never deleted; their lines never change except for the
  lettering, and no line is added to or removed from them. Line triggers lock their entry
  FOR SHARE, so a concurrent validation waits for them (and the other way round).
- A statement-level AFTER trigger adds the newly validated lines to the monthly balances, once
  per statement; the balances table accepts writes from that trigger only (pg_trigger_depth).
- Lettering: a deferred constraint trigger checks at commit that each lettering code of an
  account groups lines of one third party whose debits and credits cancel out.
- Periods: hard locks are irreversible; fiscal years close only from "closing", with every period
  hard-locked and no draft left; closing seals the year (chain head and length, set here).
"""

from django.db import migrations

from perspectives.core.sqlfiles import RunSQLFile

# Fiscal years and periods never overlap within a cooperative (singleton int8range instead of
# btree_gist, so no extension is needed).
NO_OVERLAP_SQL = r"""
ALTER TABLE accounting_fiscalyear ADD CONSTRAINT fiscalyear_no_overlap EXCLUDE USING gist (
    int8range(cooperative_id, cooperative_id, '[]') WITH &&,
    daterange(start_date, end_date, '[]') WITH &&
);
ALTER TABLE accounting_period ADD CONSTRAINT period_no_overlap EXCLUDE USING gist (
    int8range(cooperative_id, cooperative_id, '[]') WITH &&,
    daterange(start_date, end_date, '[]') WITH &&
);
"""
NO_OVERLAP_REVERSE_SQL = """
ALTER TABLE accounting_period DROP CONSTRAINT period_no_overlap;
ALTER TABLE accounting_fiscalyear DROP CONSTRAINT fiscalyear_no_overlap;
"""

# Each function and trigger as this migration created it (migrations/sql/; current definitions
# and their reasons in accounting/sql/), with the statement that removes it when unapplied.
OBJECTS = [
    ("accounting_fail.0002.sql", "DROP FUNCTION accounting_fail(text);"),
    ("accounting_foreign.0002.sql", "DROP FUNCTION accounting_foreign(bigint);"),
    (
        "accounting_entry_canonical.0002.sql",
        "DROP FUNCTION accounting_entry_canonical(accounting_entry);",
    ),
    ("accounting_chain_hash.0002.sql", "DROP FUNCTION accounting_chain_hash(text, text);"),
    (
        "accounting_entry_validate.0002.sql",
        "DROP FUNCTION accounting_entry_validate(accounting_entry, accounting_entry);",
    ),
    ("accounting_entry_guard.0002.sql", "DROP FUNCTION accounting_entry_guard();"),
    ("accounting_entry.entry_guard.0002.sql", "DROP TRIGGER entry_guard ON accounting_entry;"),
    ("accounting_entry_after_update.0002.sql", "DROP FUNCTION accounting_entry_after_update();"),
    (
        "accounting_entry.entry_after_update.0002.sql",
        "DROP TRIGGER entry_after_update ON accounting_entry;",
    ),
    ("accounting_entryline_guard.0002.sql", "DROP FUNCTION accounting_entryline_guard();"),
    (
        "accounting_entryline.entryline_guard.0002.sql",
        "DROP TRIGGER entryline_guard ON accounting_entryline;",
    ),
    ("accounting_check_lettering.0002.sql", "DROP FUNCTION accounting_check_lettering();"),
    (
        "accounting_entryline.entryline_lettering_balanced.0002.sql",
        "DROP TRIGGER entryline_lettering_balanced ON accounting_entryline;",
    ),
    (
        "accounting_monthlybalance_guard.0002.sql",
        "DROP FUNCTION accounting_monthlybalance_guard();",
    ),
    (
        "accounting_monthlybalance.monthlybalance_guard.0002.sql",
        "DROP TRIGGER monthlybalance_guard ON accounting_monthlybalance;",
    ),
    ("accounting_fiscalyear_guard.0002.sql", "DROP FUNCTION accounting_fiscalyear_guard();"),
    (
        "accounting_fiscalyear.fiscalyear_guard.0002.sql",
        "DROP TRIGGER fiscalyear_guard ON accounting_fiscalyear;",
    ),
    ("accounting_period_guard.0002.sql", "DROP FUNCTION accounting_period_guard();"),
    ("accounting_period.period_guard.0002.sql", "DROP TRIGGER period_guard ON accounting_period;"),
    ("accounting_code_guard.0002.sql", "DROP FUNCTION accounting_code_guard();"),
    (
        "accounting_account.account_code_guard.0002.sql",
        "DROP TRIGGER account_code_guard ON accounting_account;",
    ),
    (
        "accounting_journal.journal_code_guard.0002.sql",
        "DROP TRIGGER journal_code_guard ON accounting_journal;",
    ),
    (
        "accounting_thirdparty.thirdparty_code_guard.0002.sql",
        "DROP TRIGGER thirdparty_code_guard ON accounting_thirdparty;",
    ),
]


class Migration(migrations.Migration):
    dependencies = [("accounting", "0001_initial")]

    operations = [
        migrations.RunSQL(NO_OVERLAP_SQL, NO_OVERLAP_REVERSE_SQL),
        *(RunSQLFile(__file__, name, reverse_sql=drop) for name, drop in OBJECTS),
    ]
