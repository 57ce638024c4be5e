"""Entries and lines lose their foreign-key constraints; the database checks their references
set-based instead, and the batch posting gets faster.

PostgreSQL checks a foreign key row by row, at commit for deferred ones: with five on each line
and four on each entry, a third of a bulk posting went to them. The same guarantees now come
from statement-level checks:

- new rows: `accounting_post_batch` (and, for drafts, the entry and line triggers) join each
  entry to its year, journal and reversed entry and each line to its entry, account, activity
  and third party in the cooperative, after locking those rows FOR KEY SHARE as a foreign key
  would (once per referenced row, not once per line);
- referenced rows: `accounting_referenced_guard` refuses, after the deletion, to delete an
  account, activity, third party, journal, fiscal year or entry still used by the ledger (after,
  so that a concurrent posting it waited for is seen).

The batch posting also stops recomputing per row what is the same for the whole batch (the
entry id sequence, the journals exempt from the activity balance, the periods of each day) and
builds the chain's canonical texts set-based before hashing them in order.
"""

import django.db.models.deletion
from django.db import migrations, models

from perspectives.core.sqlfiles import RunSQLFile

# The tables whose rows the ledger references, each with its deletion guard.
REFERENCED_GUARDS = [
    ("accounting_account", "account_referenced_guard"),
    ("entrepreneurs_activity", "activity_referenced_guard"),
    ("accounting_thirdparty", "thirdparty_referenced_guard"),
    ("accounting_journal", "journal_referenced_guard"),
    ("accounting_fiscalyear", "fiscalyear_referenced_guard"),
    ("accounting_entry", "entry_referenced_guard"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("accounting", "0008_batch_posting_fixes"),
        ("entrepreneurs", "0003_alert_notice"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="entry",
            name="cooperative",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="tenancy.cooperative",
                verbose_name="coopérative",
            ),
        ),
        migrations.AlterField(
            model_name="entry",
            name="fiscal_year",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="accounting.fiscalyear",
            ),
        ),
        migrations.AlterField(
            model_name="entry",
            name="journal",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="accounting.journal",
            ),
        ),
        migrations.AlterField(
            model_name="entry",
            name="reverses",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reversals",
                to="accounting.entry",
                verbose_name="extourne de",
            ),
        ),
        migrations.AlterField(
            model_name="entryline",
            name="account",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="lines",
                to="accounting.account",
            ),
        ),
        migrations.AlterField(
            model_name="entryline",
            name="activity",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                help_text="Vide : la section propre de la coopérative.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="ledger_lines",
                to="entrepreneurs.activity",
                verbose_name="activité",
            ),
        ),
        migrations.AlterField(
            model_name="entryline",
            name="cooperative",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="tenancy.cooperative",
                verbose_name="coopérative",
            ),
        ),
        migrations.AlterField(
            model_name="entryline",
            name="entry",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="lines",
                to="accounting.entry",
            ),
        ),
        migrations.AlterField(
            model_name="entryline",
            name="third_party",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="lines",
                to="accounting.thirdparty",
            ),
        ),
        RunSQLFile(
            __file__,
            "accounting_entry_references.0009.sql",
            reverse_sql="DROP FUNCTION accounting_entry_references(accounting_entry);",
        ),
        RunSQLFile(
            __file__,
            "accounting_line_references.0009.sql",
            reverse_sql="DROP FUNCTION accounting_line_references(accounting_entryline);",
        ),
        RunSQLFile(
            __file__,
            "accounting_referenced_guard.0009.sql",
            reverse_sql="DROP FUNCTION accounting_referenced_guard();",
        ),
        *(
            RunSQLFile(
                __file__,
                f"{table}.{trigger}.0009.sql",
                reverse_sql=f"DROP TRIGGER {trigger} ON {table};",
            )
            for table, trigger in REFERENCED_GUARDS
        ),
        RunSQLFile(
            __file__, "accounting_entry_guard.0009.sql", "accounting_entry_guard.0009.reverse.sql"
        ),
        RunSQLFile(
            __file__, "accounting_entryline_guard.0009.sql", "accounting_entryline_guard.0004.sql"
        ),
        RunSQLFile(
            __file__,
            "accounting_entryline_after_insert.0009.sql",
            "accounting_entryline_after_insert.0009.reverse.sql",
        ),
        RunSQLFile(__file__, "accounting_post_batch.0009.sql", "accounting_post_batch.0008.sql"),
    ]
