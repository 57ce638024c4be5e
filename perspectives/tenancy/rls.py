"""PostgreSQL row-level security for tenant tables, as a reusable migration operation.

Every tenant table gets ENABLE + FORCE ROW LEVEL SECURITY (FORCE so that even the owner role is
filtered) and one policy whose USING and WITH CHECK compare `cooperative_id` to the
transaction-local setting `app.cooperative_id`. An unset setting reads as '' and becomes NULL, so
a query without a cooperative sees no row and can write none (fail-closed). The sub-SELECT makes
PostgreSQL evaluate the setting once per statement.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import ProjectState

from perspectives.tenancy.context import DB_SETTING

POLICY_NAME = "cooperative_isolation"
POLICY_PREDICATE = (
    f"cooperative_id = NULLIF((SELECT current_setting('{DB_SETTING}', true)), '')::bigint"
)


def enable_sql(table: str) -> list[str]:
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
        f'CREATE POLICY {POLICY_NAME} ON "{table}" USING ({POLICY_PREDICATE}) '
        f"WITH CHECK ({POLICY_PREDICATE})",
    ]


def disable_sql(table: str) -> list[str]:
    return [
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
        f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY',
    ]


class EnableRowLevelSecurity(migrations.operations.base.Operation):
    """`EnableRowLevelSecurity("activity")` after the model's CreateModel in its migration."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass

    def _table(self, app_label: str, state: ProjectState) -> str:
        model = state.apps.get_model(app_label, self.model_name)
        return str(model._meta.db_table)

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        for statement in enable_sql(self._table(app_label, to_state)):
            schema_editor.execute(statement)

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        for statement in disable_sql(self._table(app_label, from_state)):
            schema_editor.execute(statement)

    def describe(self) -> str:
        return f"Enable row-level security on {self.model_name}"

    @property
    def migration_name_fragment(self) -> str:
        return f"rls_{self.model_name.lower()}"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return ("perspectives.tenancy.rls.EnableRowLevelSecurity", [self.model_name], {})
