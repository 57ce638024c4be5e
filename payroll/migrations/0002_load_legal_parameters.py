"""Load the dated legal parameters of payroll/parameters/*.toml (re-run the command after
editing the files: `manage.py payroll_parameters_load`)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from payroll.parameter_files import parameter_rows_read

    model = apps.get_model("payroll", "LegalParameter")
    for row in parameter_rows_read():
        model.objects.update_or_create(
            key=row.key,
            valid_from=row.valid_from,
            defaults={"value": row.value, "reference": row.reference, "source": row.source},
        )


class Migration(migrations.Migration):
    dependencies = [("payroll", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
