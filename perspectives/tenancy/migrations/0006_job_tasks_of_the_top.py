"""Jobs keep the name of their task; the apps at the top moved from `perspectives.` to `top.`.

Row-level security applies to the owner too, so the rows are renamed cooperative by cooperative.
"""

from typing import Any

from django.db import migrations

MOVED = ("dashboards", "demo", "onboarding")


def _rename(apps: Any, schema_editor: Any, old: str, new: str) -> None:
    Cooperative = apps.get_model("tenancy", "Cooperative")
    with schema_editor.connection.cursor() as cursor:
        for cooperative_id in Cooperative.objects.values_list("pk", flat=True):
            cursor.execute(
                "SELECT set_config('app.cooperative_id', %s, true)", [str(cooperative_id)]
            )
            for app in MOVED:
                cursor.execute(
                    "UPDATE tenancy_job SET task = %s || substr(task, %s) WHERE task LIKE %s",
                    [f"{new}{app}.", len(f"{old}{app}.") + 1, f"{old}{app}.%"],
                )
        cursor.execute("SELECT set_config('app.cooperative_id', '', true)")


def forwards(apps: Any, schema_editor: Any) -> None:
    _rename(apps, schema_editor, "perspectives.", "top.")


def backwards(apps: Any, schema_editor: Any) -> None:
    _rename(apps, schema_editor, "top.", "perspectives.")


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0005_vat_contribution_base_setting_change")]

    operations = [migrations.RunPython(forwards, backwards)]
