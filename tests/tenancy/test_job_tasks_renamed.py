"""Jobs written before the apps at the top moved keep pointing at a registered task."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Job
from tests.conftest import World
from top.dashboards import tasks as dashboards_tasks
from top.onboarding import tasks as onboarding_tasks

migration = importlib.import_module("perspectives.tenancy.migrations.0006_job_tasks_of_the_top")

pytestmark = pytest.mark.django_db


def _tasks(cooperative_id: int) -> list[str]:
    with cooperative_context(cooperative_id):
        return sorted(Job.objects.values_list("task", flat=True))


def test_the_migration_renames_the_jobs_of_every_cooperative(world: World) -> None:
    old = {
        world.coop_a.pk: [
            "perspectives.dashboards.tasks.monthly_reports_due_task",
            "perspectives.onboarding.tasks.import_run_execute_task",
            "accounting.tasks.contribution_task",
        ],
        world.coop_b.pk: ["perspectives.onboarding.tasks.personal_data_retention_task"],
    }
    for cooperative_id, tasks in old.items():
        with cooperative_context(cooperative_id):
            for task in tasks:
                Job.objects.create(cooperative_id=cooperative_id, task=task)

    migration.forwards(apps, SimpleNamespace(connection=connection))

    assert _tasks(world.coop_a.pk) == [
        "accounting.tasks.contribution_task",
        "top.dashboards.tasks.monthly_reports_due_task",
        "top.onboarding.tasks.import_run_execute_task",
    ]
    assert _tasks(world.coop_b.pk) == ["top.onboarding.tasks.personal_data_retention_task"]
    # The names the workers register now.
    assert [
        dashboards_tasks.monthly_reports_due_task.name,
        onboarding_tasks.import_run_execute_task.name,
        onboarding_tasks.personal_data_retention_task.name,
    ] == [
        "top.dashboards.tasks.monthly_reports_due_task",
        "top.onboarding.tasks.import_run_execute_task",
        "top.onboarding.tasks.personal_data_retention_task",
    ]

    migration.backwards(apps, SimpleNamespace(connection=connection))

    assert _tasks(world.coop_b.pk) == ["perspectives.onboarding.tasks.personal_data_retention_task"]
