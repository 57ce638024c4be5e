"""The associates register kept from its page: application, decision, subscription and payment,
additional shares, partial and full refund, exit; associates without a file, with their college."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client

from entrepreneurs.models import Entrepreneur, PathStep
from governance.models import (
    AdmissionApplication,
    Associate,
    College,
    ShareRefund,
    ShareSubscription,
)
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.governance.conftest import start_cesa

REGISTER = "/c/coop-a/governance/register/"


def _in_a(world: World):
    return cooperative_context(world.coop_a.pk)


def test_a_manager_admits_a_cesa_holder_from_the_page(world: World, client: Client) -> None:
    with _in_a(world):
        alice = start_cesa(Entrepreneur.objects.get(user=world.alice))
    client.force_login(world.carl)

    assert client.get(REGISTER).status_code == 200
    applied = client.post(
        f"{REGISTER}applications/",
        {
            "apply-entrepreneur": alice.pk,
            "apply-category": "employee",
            "apply-applied_on": "2025-01-10",
            "apply-shares_requested": "2",
        },
    )
    with _in_a(world):
        application = AdmissionApplication.objects.get()
    decided = client.post(
        f"/c/coop-a/governance/admissions/{application.pk}/decision/",
        {"approved": "1", "decided_on": "2025-06-20"},
    )
    subscribed = client.post(
        f"/c/coop-a/governance/admissions/{application.pk}/subscription/",
        {
            "subscribed_on": "2025-06-25",
            "number": "2",
            "nominal_value": "50.00",
            "paid_amount": "25.00",
        },
    )

    assert [r.status_code for r in (applied, decided, subscribed)] == [302, 302, 302]
    with _in_a(world):
        associate = Associate.objects.get()
        assert (associate.full_name, associate.category, associate.admitted_on) == (
            "Alice Arnaud",
            "employee",
            dt.date(2025, 6, 25),
        )
        subscription = ShareSubscription.objects.get()
        assert (subscription.number, subscription.paid_amount) == (2, Decimal("25.00"))
        assert PathStep.objects.filter(entrepreneur=alice, kind="associate").count() == 1
        assert Entrepreneur.objects.get(pk=alice.pk).associate_since == dt.date(2025, 6, 25)
    page = client.get(REGISTER)
    assert "Alice Arnaud" in page.text

    # Payment, additional shares, partial refund, exit, full refund.
    paid = client.post(
        f"/c/coop-a/governance/subscriptions/{subscription.pk}/payment/", {"amount": "75.00"}
    )
    more = client.post(
        f"{REGISTER}{associate.pk}/shares/",
        {
            "subscribed_on": "2026-01-05",
            "number": "3",
            "nominal_value": "50.00",
            "paid_amount": "150.00",
        },
    )
    partial = client.post(
        f"{REGISTER}{associate.pk}/refund/", {"refunded_on": "2026-02-01", "number": "2"}
    )
    exited = client.post(
        f"{REGISTER}{associate.pk}/exit/", {"exited_on": "2026-03-31", "reason": "resignation"}
    )
    refunded = client.post(f"{REGISTER}{associate.pk}/refund/", {"refunded_on": "2026-04-15"})

    assert [r.status_code for r in (paid, more, partial, exited, refunded)] == [302] * 5
    with _in_a(world):
        assert sorted(ShareSubscription.objects.values_list("number", "paid_amount")) == [
            (2, Decimal("100.00")),
            (3, Decimal("150.00")),
        ]
        refund = ShareRefund.objects.get()
        assert (refund.number, refund.amount, refund.recorded_by) == (
            2,
            Decimal("100.00"),
            world.carl,
        )
        associate.refresh_from_db()
        assert (associate.exited_on, associate.exit_reason, associate.refunded_on) == (
            dt.date(2026, 3, 31),
            "resignation",
            dt.date(2026, 4, 15),
        )
        assert associate.refund_due_on == dt.date(2031, 3, 31)


def test_an_associate_without_a_file_joins_with_their_college(world: World, client: Client) -> None:
    with _in_a(world):
        college = College.objects.create(
            cooperative=world.coop_a, name="Soutiens", weight_numerator=1, weight_denominator=5
        )
    client.force_login(world.carl)

    client.post(
        f"{REGISTER}applications/",
        {
            "apply-full_name": "Association Terres Catalanes",
            "apply-category": "other",
            "apply-college": college.pk,
            "apply-applied_on": "2026-01-10",
            "apply-shares_requested": "1",
        },
    )

    with _in_a(world):
        application = AdmissionApplication.objects.get()
        assert (application.full_name, application.college, application.entrepreneur) == (
            "Association Terres Catalanes",
            college,
            None,
        )


def test_bad_input_is_refused_in_french_and_changes_nothing(world: World, client: Client) -> None:
    client.force_login(world.carl)

    nameless = client.post(
        f"{REGISTER}applications/",
        {
            "apply-category": "other",
            "apply-applied_on": "2026-01-10",
            "apply-shares_requested": "1",
        },
        follow=True,
    )
    with _in_a(world):
        alice = Entrepreneur.objects.get(user=world.alice)
    not_cesa = client.post(
        f"{REGISTER}applications/",
        {
            "apply-entrepreneur": alice.pk,
            "apply-category": "employee",
            "apply-applied_on": "2026-01-10",
            "apply-shares_requested": "1",
        },
        follow=True,
    )

    assert "Choisissez un·e entrepreneur·e ou indiquez le nom de la personne." in nameless.text
    assert "titulaire d&#x27;un CESA en cours" in not_cesa.text
    with _in_a(world):
        assert AdmissionApplication.objects.count() == 0


def test_a_partial_refund_leaves_at_least_one_share(world: World, client: Client) -> None:
    from tests.factories.governance import AssociateFactory, ShareSubscriptionFactory

    with _in_a(world):
        associate = AssociateFactory.create(
            cooperative=world.coop_a, admitted_on=dt.date(2025, 1, 1)
        )
        ShareSubscriptionFactory.create(associate=associate, number=2)
    client.force_login(world.carl)

    page = client.post(
        f"{REGISTER}{associate.pk}/refund/",
        {"refunded_on": "2026-02-01", "number": "2"},
        follow=True,
    )

    assert "un remboursement partiel en laisse au moins une" in page.text
    with _in_a(world):
        assert ShareRefund.objects.count() == 0


def test_other_members_and_other_cooperatives_cannot_touch_the_register(
    world: World, client: Client
) -> None:
    from tests.factories.governance import AssociateFactory

    with _in_a(world):
        associate = AssociateFactory.create(
            cooperative=world.coop_a, admitted_on=dt.date(2025, 1, 1)
        )
    exit_data = {"exited_on": "2026-03-31", "reason": "resignation"}

    client.force_login(world.alice)
    assert client.post(f"{REGISTER}{associate.pk}/exit/", exit_data).status_code == 403
    client.force_login(world.bob)
    assert client.get(REGISTER).status_code == 403
    client.force_login(world.charlie)
    assert (
        client.post(f"/c/coop-b/governance/register/{associate.pk}/exit/", exit_data).status_code
        == 404
    )
    assert client.get(REGISTER).status_code == 404
    with _in_a(world):
        assert Associate.objects.get().exited_on is None
