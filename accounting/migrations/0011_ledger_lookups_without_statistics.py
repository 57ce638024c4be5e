"""Lookups that hold without planner statistics, and fewer per-row costs for the balances.

- Entries lose their fiscal-year index. For a year the planner had no statistics for yet (a new
  cooperative, a new year), it estimated one entry per year and chose that index to find the
  year's last number, scanning the whole year at each posting; without it, the numbers and the
  chain are found by their own indexes (cooperative, year, journal, number) and (cooperative,
  year, chain position). The fiscal years' deletion guard looks for entries through the same
  indexes and the drafts' index.
- Monthly balances lose their foreign-key constraints, checked once per new row at commit, and
  their single-column account and activity indexes: a balance only comes from validated lines,
  whose references are checked and whose accounts and activities cannot be deleted.
- The last number of a journal, the head of a year's chain and the lines of a reversed entry
  are looked up without naming the cooperative: the year, journal or entry ids pin it, and
  row-level security adds it as a parameter. Named as a constant, a cooperative younger than
  the statistics was estimated at one entry, and the planner scanned all its entries by date
  rather than descend the index made for the lookup.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

_PREVIOUS = importlib.import_module("accounting.migrations.0009_unchecked_ledger_references")
_BATCH = importlib.import_module("accounting.migrations.0010_batch_posting_monthly_guard")

POST_BATCH = _PREVIOUS._patched(
    _BATCH.POST_BATCH,
    (
        """               (SELECT coalesce(max(x.number), 0) FROM accounting_entry x
                 WHERE x.cooperative_id = coop AND x.fiscal_year_id = g.y
                   AND x.journal_id = g.j AND x.number IS NOT NULL) AS top""",
        """               coalesce((SELECT x.number FROM accounting_entry x
                          WHERE x.fiscal_year_id = g.y AND x.journal_id = g.j
                            AND x.number IS NOT NULL
                          ORDER BY x.number DESC LIMIT 1), 0) AS top""",
    ),
    (
        """               (SELECT coalesce(max(x.chain_seq), 0) FROM accounting_entry x
                 WHERE x.cooperative_id = coop AND x.fiscal_year_id = g.y
                   AND x.chain_seq IS NOT NULL) AS top""",
        """               coalesce((SELECT x.chain_seq FROM accounting_entry x
                          WHERE x.fiscal_year_id = g.y AND x.chain_seq IS NOT NULL
                          ORDER BY x.chain_seq DESC LIMIT 1), 0) AS top""",
    ),
    (
        """         WHERE x.cooperative_id = coop AND x.fiscal_year_id = fy.y AND x.chain_seq IS NOT NULL""",
        """         WHERE x.fiscal_year_id = fy.y AND x.chain_seq IS NOT NULL""",
    ),
    (
        """                     WHERE l.cooperative_id = coop AND l.entry_id IN (rev.id, o.id)""",
        """                     WHERE l.entry_id IN (rev.id, o.id)""",
    ),
)

_VALIDATE = _PREVIOUS._source("0003_set_based_validation", "SQL", "accounting_entry_validate")
VALIDATE = _PREVIOUS._patched(
    _VALIDATE,
    (
        """    SELECT coalesce(max(x.number), 0) + 1 INTO e.number FROM accounting_entry x
     WHERE x.cooperative_id = e.cooperative_id AND x.fiscal_year_id = fy.id
       AND x.journal_id = e.journal_id AND x.number IS NOT NULL;""",
        """    e.number := coalesce((SELECT x.number FROM accounting_entry x
                           WHERE x.fiscal_year_id = fy.id AND x.journal_id = e.journal_id
                             AND x.number IS NOT NULL
                           ORDER BY x.number DESC LIMIT 1), 0) + 1;""",
    ),
    (
        """     WHERE x.cooperative_id = e.cooperative_id AND x.fiscal_year_id = fy.id
       AND x.chain_seq IS NOT NULL
     ORDER BY x.chain_seq DESC LIMIT 1;""",
        """     WHERE x.fiscal_year_id = fy.id AND x.chain_seq IS NOT NULL
     ORDER BY x.chain_seq DESC LIMIT 1;""",
    ),
)
_GUARD = _PREVIOUS._source(
    "0009_unchecked_ledger_references", "REFERENCES_SQL", "accounting_referenced_guard"
)
GUARD = _PREVIOUS._patched(
    _GUARD,
    (
        """                         WHERE cooperative_id = OLD.cooperative_id AND fiscal_year_id = OLD.id);""",
        """                         WHERE cooperative_id = OLD.cooperative_id AND fiscal_year_id = OLD.id
                           AND chain_seq IS NOT NULL)
             OR EXISTS (SELECT 1 FROM accounting_entry
                         WHERE cooperative_id = OLD.cooperative_id AND fiscal_year_id = OLD.id
                           AND status = 'draft');""",
    ),
)


class Migration(migrations.Migration):
    dependencies = [
        ("accounting", "0010_batch_posting_monthly_guard"),
        ("entrepreneurs", "0003_alert_notice"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="entry",
            name="fiscal_year",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="accounting.fiscalyear",
            ),
        ),
        migrations.AlterField(
            model_name="monthlybalance",
            name="account",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounting.account",
            ),
        ),
        migrations.AlterField(
            model_name="monthlybalance",
            name="activity",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="entrepreneurs.activity",
            ),
        ),
        migrations.AlterField(
            model_name="monthlybalance",
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
        migrations.RunSQL(GUARD, _GUARD),
        migrations.RunSQL(POST_BATCH, _BATCH.POST_BATCH),
        migrations.RunSQL(VALIDATE, _VALIDATE),
    ]
