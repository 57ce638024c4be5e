"""System checks that keep every tenant table isolated (run by `manage.py check` and the tests)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks
from django.db import models
from django.db.migrations.loader import MigrationLoader

from perspectives.tenancy.models import TenantManager, TenantModel
from perspectives.tenancy.rls import EnableRowLevelSecurity

# Apps whose every model belongs to one cooperative, unless listed in GLOBAL_MODELS.
DOMAIN_APPS = ("entrepreneurs", "accounting", "payroll", "governance", "dashboards")
# Reviewed exceptions: reference data shared by all cooperatives ("app_label.ModelName").
GLOBAL_MODELS: frozenset[str] = frozenset(
    {
        # Dated legal payroll rates and ceilings (SMIC, PMSS, contributions…): the law's, not a
        # cooperative's; the same rows for every tenant, loaded from payroll/parameters/*.toml.
        "payroll.LegalParameter",
    }
)


def tenant_models() -> list[type[TenantModel]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantModel) and model._meta.managed and not model._meta.proxy
    ]


def models_with_rls_migration() -> set[tuple[str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    found: set[tuple[str, str]] = set()
    for (app_label, _name), migration in loader.disk_migrations.items():
        for operation in migration.operations:
            if isinstance(operation, EnableRowLevelSecurity):
                found.add((app_label, operation.model_name.lower()))
    return found


def _unique_fields(constraint: models.UniqueConstraint) -> list[str]:
    if constraint.fields:
        return list(constraint.fields)
    return [getattr(expr, "name", "") for expr in constraint.expressions]


@checks.register(checks.Tags.models)
def check_tenant_isolation(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    # Auto-created many-to-many tables too: they would hold tenant data without isolation.
    for model in apps.get_models(include_auto_created=True):
        label = f"{model._meta.app_label}.{model.__name__}"
        in_domain_app = model._meta.app_label in DOMAIN_APPS and label not in GLOBAL_MODELS
        if in_domain_app and not issubclass(model, TenantModel):
            errors.append(
                checks.Error(
                    f"{label} is in a domain app but does not subclass TenantModel.",
                    hint="Subclass TenantModel, or add it to GLOBAL_MODELS after review.",
                    obj=model,
                    id="tenancy.E001",
                )
            )
            continue
        if not issubclass(model, TenantModel) or not model._meta.managed:
            continue
        if not isinstance(model._default_manager, TenantManager):
            errors.append(
                checks.Error(
                    f"{label}'s default manager is not a TenantManager.",
                    obj=model,
                    id="tenancy.E002",
                )
            )
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint):
                fields = _unique_fields(constraint)
                if not fields or fields[0] not in ("cooperative", "cooperative_id"):
                    errors.append(
                        checks.Error(
                            f"{label}: unique constraint {constraint.name} must start with "
                            "cooperative.",
                            obj=model,
                            id="tenancy.E004",
                        )
                    )
    return errors


@checks.register(checks.Tags.database)
def check_row_level_security(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every tenant table's migrations enable row-level security (run by `migrate` and
    `check --database default`; not by `makemigrations`, which must be able to create them)."""
    if not kwargs.get("databases"):
        return []
    with_rls = models_with_rls_migration()
    return [
        checks.Error(
            f"{model._meta.label} has no EnableRowLevelSecurity operation in its migrations.",
            hint=f'Add EnableRowLevelSecurity("{model.__name__}") to its migration.',
            obj=model,
            id="tenancy.E003",
        )
        for model in tenant_models()
        if (model._meta.app_label, model._meta.model_name) not in with_rls
    ]
