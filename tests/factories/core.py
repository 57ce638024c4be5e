"""factory_boy factories. Children take their cooperative from their parent, so an object graph
never spans two cooperatives."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import factory
from stdnum import luhn

from perspectives.accounts.models import User
from perspectives.tenancy.models import (
    Cooperative,
    IdempotencyRecord,
    Job,
    LegalForm,
    Membership,
    Role,
    SettingChange,
)


def _siren(n: int) -> str:
    base = f"{700000000 + n * 7919:09d}"[:8]
    return base + luhn.calc_check_digit(base)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def verified_email(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        from allauth.account.models import EmailAddress

        if create:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class CooperativeFactory(factory.django.DjangoModelFactory[Cooperative]):
    class Meta:
        model = Cooperative

    name = factory.Sequence(lambda n: f"Coopérative {n}")
    slug = factory.Sequence(lambda n: f"coop-{n}")
    siren = factory.Sequence(_siren)
    legal_form = LegalForm.SCOP_SARL
    default_contribution_rate = Decimal("11.00")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    cooperative = factory.SubFactory(CooperativeFactory)
    user = factory.SubFactory(UserFactory)
    roles = factory.LazyFunction(lambda: [Role.ENTREPRENEUR.value])


class JobFactory(factory.django.DjangoModelFactory[Job]):
    class Meta:
        model = Job

    task = "top.dashboards.tasks.monthly_reports_due_task"
    kwargs = factory.Sequence(lambda n: {"n": n})


class IdempotencyRecordFactory(factory.django.DjangoModelFactory[IdempotencyRecord]):
    class Meta:
        model = IdempotencyRecord

    cooperative = factory.SubFactory(CooperativeFactory)
    user = factory.SubFactory(UserFactory)
    key = factory.Faker("uuid4")
    path = "/c/coop/entrepreneurs/1/notes/"
    location = "/c/coop/entrepreneurs/1/"


class SettingChangeFactory(factory.django.DjangoModelFactory[SettingChange]):
    class Meta:
        model = SettingChange

    cooperative = factory.SubFactory(CooperativeFactory)
    section = "identity"
    changes = factory.LazyFunction(lambda: {"city": {"avant": "", "après": "Prades"}})


# Each app's factory module has its own registry.
TENANT_FACTORIES: dict[type, Callable[[Cooperative], Any]] = {
    Job: lambda cooperative: JobFactory.create(cooperative=cooperative),
    IdempotencyRecord: lambda c: IdempotencyRecordFactory.create(cooperative=c),
    SettingChange: lambda c: SettingChangeFactory.create(cooperative=c),
}
