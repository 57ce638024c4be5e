"""Every tenant model is isolated twice: by its default manager and by PostgreSQL RLS."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from perspectives.tenancy.checks import tenant_models
from perspectives.tenancy.context import (
    NoCooperativeContext,
    cooperative_context,
    current_cooperative_id,
)
from tests.conftest import World
from tests.factories import TENANT_FACTORIES

TENANT_MODELS = tenant_models()
MODEL_IDS = [model._meta.label for model in TENANT_MODELS]


def _count_raw(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        return int(cursor.fetchone()[0])


def _cooperative_ids_raw(table: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT DISTINCT cooperative_id FROM "{table}"')
        return {row[0] for row in cursor.fetchall()}


def _make_rows(model: Any, world: World) -> None:
    for cooperative in (world.coop_a, world.coop_b):
        with cooperative_context(cooperative.pk):
            TENANT_FACTORIES[model](cooperative)


def test_every_tenant_model_has_a_factory() -> None:
    missing = [model._meta.label for model in TENANT_MODELS if model not in TENANT_FACTORIES]
    assert missing == []


def test_tenant_models_are_found() -> None:
    assert {"entrepreneurs.Sector", "entrepreneurs.Entrepreneur"} <= set(MODEL_IDS)


@pytest.mark.parametrize("model", TENANT_MODELS, ids=MODEL_IDS)
def test_orm_in_a_sees_no_row_of_b(model: Any, world: World) -> None:
    _make_rows(model, world)
    with cooperative_context(world.coop_a.pk):
        cooperatives = set(model.objects.values_list("cooperative_id", flat=True))
        # Even the unscoped manager is filtered by the database.
        unscoped = set(model.all_cooperatives.values_list("cooperative_id", flat=True))
    assert cooperatives == {world.coop_a.pk}
    assert unscoped == {world.coop_a.pk}


@pytest.mark.parametrize("model", TENANT_MODELS, ids=MODEL_IDS)
def test_raw_sql_in_a_returns_only_a_rows(model: Any, world: World) -> None:
    _make_rows(model, world)
    with cooperative_context(world.coop_a.pk):
        assert _cooperative_ids_raw(model._meta.db_table) == {world.coop_a.pk}
    with cooperative_context(world.coop_b.pk):
        assert _cooperative_ids_raw(model._meta.db_table) == {world.coop_b.pk}


@pytest.mark.parametrize("model", TENANT_MODELS, ids=MODEL_IDS)
def test_without_context_manager_raises_and_sql_sees_nothing(model: Any, world: World) -> None:
    _make_rows(model, world)
    assert current_cooperative_id() is None
    with pytest.raises(NoCooperativeContext):
        list(model.objects.all())
    assert _count_raw(model._meta.db_table) == 0
    assert model.all_cooperatives.count() == 0


@pytest.mark.parametrize("model", TENANT_MODELS, ids=MODEL_IDS)
def test_inserting_a_row_of_b_under_a_fails(model: Any, world: World) -> None:
    _make_rows(model, world)
    with cooperative_context(world.coop_a.pk):
        row = model.objects.first()
        before = model.objects.count()
        row.pk = None
        row.cooperative_id = world.coop_b.pk
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            row.save(force_insert=True)
        assert model.objects.count() == before


@pytest.mark.parametrize("model", TENANT_MODELS, ids=MODEL_IDS)
def test_moving_a_row_to_b_under_a_fails(model: Any, world: World) -> None:
    _make_rows(model, world)
    table = model._meta.db_table
    with cooperative_context(world.coop_a.pk):
        pk = model.objects.values_list("pk", flat=True).first()
        with (
            pytest.raises(ProgrammingError, match="row-level security"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                f'UPDATE "{table}" SET cooperative_id = %s WHERE id = %s',
                [world.coop_b.pk, pk],
            )
        assert model.objects.filter(pk=pk).exists()


@pytest.mark.parametrize("model", TENANT_MODELS, ids=MODEL_IDS)
def test_rls_is_enabled_forced_and_has_the_policy(model: Any, db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        assert cursor.fetchone() == (True, True)
        cursor.execute(
            "SELECT policyname, cmd, qual IS NOT NULL, with_check IS NOT NULL FROM pg_policies "
            "WHERE tablename = %s",
            [model._meta.db_table],
        )
        assert cursor.fetchall() == [("cooperative_isolation", "ALL", True, True)]


def test_application_role_cannot_bypass_rls(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles "
            "WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (False, False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user"
        )
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE pg_get_userbyid(datdba) = current_user"
        )
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT has_schema_privilege(current_user, 'public', 'CREATE')")
        assert cursor.fetchone() == (False,)


def test_context_is_restored_after_nesting_and_errors(world: World) -> None:
    def setting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('app.cooperative_id', true)")
            return str(cursor.fetchone()[0] or "")

    with cooperative_context(world.coop_a.pk):
        assert setting() == str(world.coop_a.pk)
        with cooperative_context(world.coop_b.pk):
            assert (current_cooperative_id(), setting()) == (world.coop_b.pk, str(world.coop_b.pk))
        assert (current_cooperative_id(), setting()) == (world.coop_a.pk, str(world.coop_a.pk))
        with pytest.raises(ValueError, match="boom"), cooperative_context(world.coop_b.pk):
            raise ValueError("boom")
        assert (current_cooperative_id(), setting()) == (world.coop_a.pk, str(world.coop_a.pk))
    assert (current_cooperative_id(), setting()) == (None, "")


def test_context_refuses_a_non_integer_id() -> None:
    with pytest.raises(TypeError), cooperative_context("1"):  # type: ignore[arg-type]
        pass
