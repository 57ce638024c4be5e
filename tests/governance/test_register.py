from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import IntegrityError, transaction

from entrepreneurs.models import PathStep
from governance.models import AdmissionApplication, Associate, College, ShareSubscription
from governance.services import (
    admission_apply,
    admission_complete,
    admission_decide,
    associate_exit,
    associate_import,
    associate_refund_record,
    college_set,
    college_weight_parse,
    college_weights_validate,
    share_pay,
    share_subscribe,
)
from perspectives.core.exceptions import ApplicationError
from tests.conftest import World
from tests.factories.governance import AssociateFactory, ShareSubscriptionFactory
from tests.governance.conftest import alice_file, start_cesa

D = Decimal


def _admit_alice(world: World) -> Associate:
    entrepreneur = start_cesa(alice_file(world))
    application = admission_apply(
        full_name="Alice Arnaud",
        category="employee",
        applied_on=dt.date(2025, 1, 10),
        entrepreneur=entrepreneur,
        shares_requested=2,
    )
    admission_decide(application=application, approved=True, decided_on=dt.date(2025, 6, 20))
    return admission_complete(
        application=application,
        subscribed_on=dt.date(2025, 6, 25),
        number=2,
        nominal_value=D("50.00"),
        paid_amount=D("25.00"),
        recorded_by=world.carl,
    )


def test_admission_workflow_joins_the_register_and_records_the_path_step(in_a: World) -> None:
    associate = _admit_alice(in_a)

    entrepreneur = alice_file(in_a)
    application = AdmissionApplication.objects.get()
    subscription = ShareSubscription.objects.get()
    assert (associate.user_id, associate.entrepreneur_id) == (in_a.alice.pk, entrepreneur.pk)
    assert (associate.category, associate.admitted_on) == ("employee", dt.date(2025, 6, 25))
    assert (application.status, application.associate_id) == ("admitted", associate.pk)
    assert (subscription.number, subscription.nominal_value, subscription.paid_amount) == (
        2,
        D("50.00"),
        D("25.00"),
    )
    assert subscription.subscribed_amount == D("100.00")
    assert entrepreneur.associate_since == dt.date(2025, 6, 25)
    step = PathStep.objects.get(entrepreneur=entrepreneur, kind="associate")
    assert (step.date, step.recorded_by_id) == (dt.date(2025, 6, 25), in_a.carl.pk)


def test_employee_associate_must_hold_a_cesa(in_a: World) -> None:
    with pytest.raises(ApplicationError, match="titulaire d'un CESA"):
        admission_apply(
            full_name="Alice Arnaud",
            category="employee",
            applied_on=dt.date(2025, 1, 10),
            entrepreneur=alice_file(in_a),
        )
    assert AdmissionApplication.objects.count() == 0


def test_other_associate_without_file_joins_without_path_step(in_a: World) -> None:
    application = admission_apply(
        full_name="Mairie de Prades", category="other", applied_on=dt.date(2025, 2, 1)
    )
    admission_decide(application=application, approved=True, decided_on=dt.date(2025, 6, 20))
    associate = admission_complete(
        application=application,
        subscribed_on=dt.date(2025, 6, 20),
        number=10,
        nominal_value=D("50.00"),
        paid_amount=D("500.00"),
        recorded_by=in_a.carl,
    )
    assert (associate.full_name, associate.entrepreneur_id, associate.user_id) == (
        "Mairie de Prades",
        None,
        None,
    )
    assert PathStep.objects.filter(kind="associate").count() == 0


def test_non_cesa_entrepreneur_can_be_an_other_associate_without_path_step(in_a: World) -> None:
    entrepreneur = alice_file(in_a)  # still a prospect
    application = admission_apply(
        full_name="Alice Arnaud",
        category="other",
        applied_on=dt.date(2025, 2, 1),
        entrepreneur=entrepreneur,
    )
    admission_decide(application=application, approved=True, decided_on=dt.date(2025, 3, 1))
    admission_complete(
        application=application,
        subscribed_on=dt.date(2025, 3, 1),
        number=1,
        nominal_value=D("50.00"),
        paid_amount=D("50.00"),
        recorded_by=None,
    )
    entrepreneur.refresh_from_db()
    assert entrepreneur.associate_since is None
    assert Associate.objects.get().user_id == in_a.alice.pk


def test_rejected_or_undecided_application_cannot_join(in_a: World) -> None:
    application = admission_apply(
        full_name="Paul Py", category="other", applied_on=dt.date(2025, 2, 1)
    )
    with pytest.raises(ApplicationError, match="admission votée"):
        admission_complete(
            application=application,
            subscribed_on=dt.date(2025, 3, 1),
            number=1,
            nominal_value=D("50.00"),
            paid_amount=D("50.00"),
            recorded_by=None,
        )
    admission_decide(application=application, approved=False, decided_on=dt.date(2025, 3, 1))
    with pytest.raises(ApplicationError, match="déjà été tranchée"):
        admission_decide(application=application, approved=True, decided_on=dt.date(2025, 3, 2))
    with pytest.raises(ApplicationError, match="admission votée"):
        admission_complete(
            application=application,
            subscribed_on=dt.date(2025, 3, 1),
            number=1,
            nominal_value=D("50.00"),
            paid_amount=D("50.00"),
            recorded_by=None,
        )
    assert Associate.objects.count() == 0
    assert AdmissionApplication.objects.get().status == "rejected"


def test_one_open_application_per_person_and_no_second_current_line(in_a: World) -> None:
    _admit_alice(in_a)
    with pytest.raises(ApplicationError, match="déjà associée"):
        admission_apply(
            full_name="Alice Arnaud",
            category="other",
            applied_on=dt.date(2025, 7, 1),
            user=in_a.alice,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Associate.objects.create(
            cooperative=in_a.coop_a,
            user=in_a.alice,
            full_name="Alice",
            category="other",
            admitted_on=dt.date(2025, 7, 1),
        )
    assert Associate.objects.count() == 1


def test_paid_amount_never_exceeds_subscribed(in_a: World) -> None:
    subscription = ShareSubscriptionFactory.create(
        associate__cooperative=in_a.coop_a,
        number=2,
        nominal_value=D("50.00"),
        paid_amount=D("60.00"),
    )
    assert share_pay(subscription=subscription, amount=D("40.00")).paid_amount == D("100.00")
    with pytest.raises(ApplicationError, match="dépasse le montant souscrit"):
        share_pay(subscription=subscription, amount=D("0.01"))
    subscription.refresh_from_db()
    assert subscription.paid_amount == D("100.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareSubscription.objects.filter(pk=subscription.pk).update(paid_amount=D("100.01"))


def test_exit_sets_reason_and_refund_schedule(in_a: World) -> None:
    associate = AssociateFactory.create(cooperative=in_a.coop_a, admitted_on=dt.date(2020, 3, 1))
    exited = associate_exit(
        associate=associate, exited_on=dt.date(2026, 2, 28), reason="resignation"
    )
    assert (exited.exited_on, exited.exit_reason, exited.refund_due_on) == (
        dt.date(2026, 2, 28),
        "resignation",
        dt.date(2031, 2, 28),
    )
    with pytest.raises(ApplicationError, match="déjà enregistrée"):
        associate_exit(associate=associate, exited_on=dt.date(2026, 3, 1), reason="exclusion")
    with pytest.raises(ApplicationError, match="précéder la sortie"):
        associate_refund_record(associate=associate, refunded_on=dt.date(2026, 1, 1))
    assert associate_refund_record(
        associate=associate, refunded_on=dt.date(2027, 1, 5)
    ).refunded_on == dt.date(2027, 1, 5)
    with pytest.raises(ApplicationError, match="n'est plus associée"):
        share_subscribe(
            associate=associate,
            subscribed_on=dt.date(2027, 1, 6),
            number=1,
            nominal_value=D("50.00"),
            paid_amount=D("0.00"),
        )


def test_exit_needs_a_known_reason_and_a_date_after_admission(in_a: World) -> None:
    associate = AssociateFactory.create(cooperative=in_a.coop_a, admitted_on=dt.date(2024, 6, 1))
    with pytest.raises(ApplicationError, match="motif"):
        associate_exit(associate=associate, exited_on=dt.date(2025, 1, 1), reason="")
    with pytest.raises(ApplicationError, match="précéder l'admission"):
        associate_exit(associate=associate, exited_on=dt.date(2024, 1, 1), reason="resignation")
    associate.refresh_from_db()
    assert (associate.exited_on, associate.exit_reason) == (None, "")
    with pytest.raises(IntegrityError), transaction.atomic():
        Associate.objects.filter(pk=associate.pk).update(exited_on=dt.date(2025, 1, 1))


def test_scic_college_weights_are_validated_together(in_a: World) -> None:
    colleges = college_set(
        weights={"Salarié·es": D("50"), "Bénéficiaires": D("30"), "Collectivités": D("20")}
    )
    assert [(c.name, c.weight) for c in colleges] == [
        ("Salarié·es", Fraction(1, 2)),
        ("Bénéficiaires", Fraction(3, 10)),
        ("Collectivités", Fraction(1, 5)),
    ]
    with pytest.raises(ApplicationError, match="totaliser 100"):
        college_set(
            weights={"Salarié·es": D("50"), "Bénéficiaires": D("30"), "Collectivités": D("10")}
        )
    with pytest.raises(ApplicationError, match="entre 10 % et 50 %"):
        college_weights_validate([D("60"), D("30"), D("10")])
    with pytest.raises(ApplicationError, match="au moins trois"):
        college_weights_validate([D("50"), D("50")])
    with pytest.raises(ApplicationError, match="Tous les collèges"):
        college_set(weights={"A": D("40"), "B": D("30"), "C": D("30")})
    assert sorted(
        College.objects.values_list("name", "weight_numerator", "weight_denominator")
    ) == [
        ("Bénéficiaires", 3, 10),
        ("Collectivités", 1, 5),
        ("Salarié·es", 1, 2),
    ]


def test_three_equal_colleges_weigh_exactly_a_third_each(in_a: World) -> None:
    thirds: dict[str, Fraction | Decimal] = {
        name: college_weight_parse("1/3") for name in ("A", "B", "C")
    }
    college_set(weights=thirds)
    assert sorted(
        College.objects.values_list("name", "weight_numerator", "weight_denominator")
    ) == [("A", 1, 3), ("B", 1, 3), ("C", 1, 3)]
    # Rounded percents no longer add up: 33.33 × 3 is not 100.
    with pytest.raises(ApplicationError, match="totaliser 100"):
        college_set(weights={name: college_weight_parse("33,33 %") for name in "ABC"})
    assert college_weight_parse("40") == Fraction(2, 5)
    with pytest.raises(ApplicationError, match="illisible"):
        college_weight_parse("un tiers")


def test_import_of_an_existing_register_line_needs_the_path_to_say_associate(
    in_a: World,
) -> None:
    entrepreneur = start_cesa(alice_file(in_a))
    with pytest.raises(ApplicationError, match="passez par une admission"):
        associate_import(
            full_name="Alice Arnaud",
            category="employee",
            admitted_on=dt.date(2024, 9, 1),
            number=4,
            nominal_value=D("25.00"),
            paid_amount=D("100.00"),
            entrepreneur=entrepreneur,
        )
    assert Associate.objects.count() == 0
    imported = associate_import(
        full_name="Atelier Partenaire",
        category="other",
        admitted_on=dt.date(2020, 1, 1),
        number=4,
        nominal_value=D("25.00"),
        paid_amount=D("50.00"),
    )
    subscription = imported.subscriptions.get()
    assert (subscription.number, subscription.paid_amount, subscription.subscribed_on) == (
        4,
        D("50.00"),
        dt.date(2020, 1, 1),
    )
    assert PathStep.objects.filter(kind="associate").count() == 0
