"""The accredited platform's token encrypted at rest (perspectives.core.secrets): the column
widens for the ciphertext, and the tokens saved in clear are encrypted (decrypted backwards)."""

from typing import Any

from django.db import migrations, models

from perspectives.core.secrets import decrypt, encrypt, is_encrypted

SELECT_TOKENS = (
    "SELECT id, platform_token FROM purchases_purchasesettings WHERE platform_token <> ''"
)
UPDATE_TOKEN = "UPDATE purchases_purchasesettings SET platform_token = %s WHERE id = %s"  # noqa: S105 - SQL, not a password


def _rewrite(apps: Any, schema_editor: Any, *, forward: bool) -> None:
    # Tenant tables have FORCE ROW LEVEL SECURITY: one pass per cooperative, under the
    # transaction-local setting the policies read.
    Cooperative = apps.get_model("tenancy", "Cooperative")
    with schema_editor.connection.cursor() as cursor:
        for cooperative_id in Cooperative.objects.values_list("pk", flat=True):
            cursor.execute(
                "SELECT set_config('app.cooperative_id', %s, true)", [str(cooperative_id)]
            )
            cursor.execute(SELECT_TOKENS)
            for row_id, stored in cursor.fetchall():
                if forward and not is_encrypted(stored):
                    cursor.execute(UPDATE_TOKEN, [encrypt(stored), row_id])
                elif not forward and is_encrypted(stored):
                    # Raises when FIELD_ENCRYPTION_KEYS no longer opens the token: nothing is
                    # lost, the migration stops.
                    cursor.execute(UPDATE_TOKEN, [decrypt(stored), row_id])
        cursor.execute("SELECT set_config('app.cooperative_id', '', true)")


def forwards(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, schema_editor, forward=True)


def backwards(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("purchases", "0006_platform_directory_url"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="purchasesettings",
            name="platform_token",
            field=models.CharField(
                blank=True,
                max_length=500,
                verbose_name="jeton d'accès à la plateforme (chiffré)",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
