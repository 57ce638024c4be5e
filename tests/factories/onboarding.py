from __future__ import annotations

from collections.abc import Callable
from typing import Any

import factory

from perspectives.tenancy.models import Cooperative
from tests.factories.core import CooperativeFactory
from top.onboarding.models import ImportRun


class ImportRunFactory(factory.django.DjangoModelFactory[ImportRun]):
    class Meta:
        model = ImportRun

    cooperative = factory.SubFactory(CooperativeFactory)
    kind = "entrepreneurs"
    filename = "entrepreneurs.csv"
    data = b""
    state = ImportRun.State.DONE
    total = 3
    created = 3
    result = factory.LazyFunction(lambda: {"refused": [], "ignored_columns": []})


TENANT_FACTORIES: dict[type, Callable[[Cooperative], Any]] = {
    ImportRun: lambda c: ImportRunFactory.create(cooperative=c),
}
