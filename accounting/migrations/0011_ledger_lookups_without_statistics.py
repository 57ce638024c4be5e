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

import django.db.models.deletion
from django.db import migrations, models

from perspectives.core.sqlfiles import RunSQLFile


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
        RunSQLFile(
            __file__,
            "accounting_referenced_guard.0011.sql",
            "accounting_referenced_guard.0011.reverse.sql",
        ),
        RunSQLFile(__file__, "accounting_post_batch.0011.sql", "accounting_post_batch.0010.sql"),
        RunSQLFile(
            __file__, "accounting_entry_validate.0011.sql", "accounting_entry_validate.0003.sql"
        ),
    ]
