"""factory_boy factories, one module per app. Children take their cooperative from their parent, so
an object graph never spans two cooperatives.

TENANT_FACTORIES says how to make one row of each tenant model in a given cooperative. The tenancy
suite sweeps it and fails when a tenant model has no entry, so every new tenant table gets its
isolation tests by construction: add the entry to your app's module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from perspectives.tenancy.models import Cooperative
from tests.factories import (
    accounting,
    bank,
    core,
    dashboards,
    entrepreneurs,
    governance,
    payroll,
    purchases,
    sales,
)
from tests.factories.core import CooperativeFactory, MembershipFactory, UserFactory
from tests.factories.entrepreneurs import EntrepreneurFactory, SectorFactory

TENANT_FACTORIES: dict[type, Callable[[Cooperative], Any]] = {
    **core.TENANT_FACTORIES,
    **entrepreneurs.TENANT_FACTORIES,
    **accounting.TENANT_FACTORIES,
    **payroll.TENANT_FACTORIES,
    **governance.TENANT_FACTORIES,
    **dashboards.TENANT_FACTORIES,
    **sales.TENANT_FACTORIES,
    **purchases.TENANT_FACTORIES,
    **bank.TENANT_FACTORIES,
}

__all__ = [
    "TENANT_FACTORIES",
    "CooperativeFactory",
    "EntrepreneurFactory",
    "MembershipFactory",
    "SectorFactory",
    "UserFactory",
]
