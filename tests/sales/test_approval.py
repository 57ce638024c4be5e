"""Validation by support staff: an activity without self-validation, or a document above its
cap, waits unnumbered in the support staff's list; they validate it or send it back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.test import Client
from django.utils.html import escape

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Membership, Role
from sales import services
from sales.models import Document, DocumentLine, ValidationRule
from sales.services import LineData
from tests.conftest import World, travel_to
from tests.sales.conftest import API, PAGES, Sales, Shop, shop  # noqa: F401 (fixture)

D = Decimal


def _members(sales: Sales) -> tuple[Membership, Membership]:
    from tests.factories import MembershipFactory

    entrepreneur = MembershipFactory.create(
        cooperative=sales.cooperative, roles=[Role.ENTREPRENEUR]
    )
    support = MembershipFactory.create(cooperative=sales.cooperative, roles=[Role.SUPPORT])
    return entrepreneur, support


def test_without_a_rule_the_entrepreneur_validates_at_once(sales: Sales) -> None:
    entrepreneur, _support = _members(sales)
    invoice = services.document_submit(
        document=sales.invoice(), membership=entrepreneur, user=entrepreneur.user
    )
    assert (invoice.status, invoice.number) == (Document.Status.VALIDATED, "F2026-00001")


def test_above_the_cap_an_invoice_waits_unnumbered_then_support_validates_it(
    sales: Sales,
) -> None:
    entrepreneur, support = _members(sales)
    services.validation_rule_set(activity=sales.activity, self_validation=True, amount_cap="999,99")
    small = services.document_submit(
        document=sales.invoice(lines=[LineData("Conseil", unit_price="999.99")]),
        membership=entrepreneur,
        user=entrepreneur.user,
    )
    big = services.document_submit(
        document=sales.invoice(), membership=entrepreneur, user=entrepreneur.user
    )

    assert (small.status, small.number) == (Document.Status.VALIDATED, "F2026-00001")
    assert (big.status, big.number, big.sequence, big.entry_id) == (
        Document.Status.PENDING,
        "",
        None,
        None,
    )
    assert big.submitted_by == entrepreneur.user
    assert services.approval_reason(document=big, membership=entrepreneur) == (
        "Le montant (1000.00 € HT) dépasse le plafond d'autovalidation (999.99 €)."
    )
    # Waiting, it changes no more: neither through the services nor in the database.
    with pytest.raises(ApplicationError, match="attend la validation de l'équipe d'appui"):
        services.document_update(document=big, title="Autre objet")
    with (
        pytest.raises(DatabaseError, match="Les lignes d'un document numéroté"),
        transaction.atomic(),
    ):
        DocumentLine.objects.filter(document=big).update(unit_price=D("1"))
    with pytest.raises(ApplicationError, match="Seuls l'équipe d'appui et la direction"):
        services.document_approve(document=big, membership=entrepreneur, user=entrepreneur.user)

    approved = services.document_approve(document=big, membership=support, user=support.user)

    assert (approved.status, approved.number, approved.validated_by) == (
        Document.Status.VALIDATED,
        "F2026-00002",
        support.user,
    )
    assert approved.entry_id is not None
    with pytest.raises(ApplicationError, match="n'attend pas de validation"):
        services.document_approve(document=big, membership=support, user=support.user)


def test_an_untrusted_activitys_quote_is_sent_by_support_or_returned_with_a_reason(
    sales: Sales,
) -> None:
    entrepreneur, support = _members(sales)
    services.validation_rule_set(activity=sales.activity, self_validation=False)
    quote = services.document_submit(
        document=sales.invoice(kind="quote"), membership=entrepreneur, user=entrepreneur.user
    )
    assert (quote.status, quote.number) == (Document.Status.PENDING, "")

    with pytest.raises(ApplicationError, match="Indiquez le motif"):
        services.document_return(document=quote, membership=support, note="  ")
    returned = services.document_return(
        document=quote, membership=support, note="Ajoutez le délai d'exécution."
    )
    assert (returned.status, returned.review_note, returned.submitted_at) == (
        Document.Status.DRAFT,
        "Ajoutez le délai d'exécution.",
        None,
    )
    services.document_update(document=returned, title="Agencement, exécution en avril")
    again = services.document_submit(
        document=returned, membership=entrepreneur, user=entrepreneur.user
    )
    assert (again.status, again.review_note) == (Document.Status.PENDING, "")
    sent = services.document_approve(document=again, membership=support, user=support.user)
    assert (sent.status, sent.number) == (Document.Status.SENT, "DE2026-00001")


def test_staff_validate_their_own_submissions_and_incomplete_invoices_never_wait(
    sales: Sales,
) -> None:
    entrepreneur, support = _members(sales)
    services.validation_rule_set(activity=sales.activity, self_validation=False)
    mine = services.document_submit(document=sales.invoice(), membership=support, user=None)
    assert mine.status == Document.Status.VALIDATED

    incomplete = sales.invoice(delivery_date=None)
    with pytest.raises(ApplicationError, match="rien n'a été soumis : Il manque la date de livr"):
        services.document_submit(
            document=incomplete, membership=entrepreneur, user=entrepreneur.user
        )
    incomplete.refresh_from_db()
    assert incomplete.status == Document.Status.DRAFT


def test_a_bad_cap_is_refused_in_french_and_nothing_changes(sales: Sales) -> None:
    services.validation_rule_set(activity=sales.activity, self_validation=True, amount_cap="500")
    for cap, message in (("cinq cents", "Plafond illisible"), ("-1", "montant positif")):
        with pytest.raises(ApplicationError, match=message):
            services.validation_rule_set(
                activity=sales.activity, self_validation=False, amount_cap=cap
            )
    rule = ValidationRule.objects.get()
    assert (rule.self_validation, rule.amount_cap) == (True, D("500.00"))


def test_the_pages_and_the_api_of_validation_by_support_staff(
    shop: Shop,  # noqa: F811 (fixture)
    world: World,
    client: Client,
) -> None:
    with travel_to("2026-03-10T11:00"), cooperative_context(world.coop_a.pk):
        drafts = [
            services.document_create(
                kind="invoice",
                activity=shop.mine,
                customer=shop.my_customer,
                delivery_date=shop.my_invoice.issue_date,
                lines=[LineData("Conseil", unit_price=price)],
            )
            for price in ("300.00", "2500.00", "4000.00")
        ]
    # The manager sets Alice's activity's cap on the rules page; Alice cannot.
    client.force_login(world.alice)
    assert client.get(PAGES + "validation-rules/").status_code == 403
    assert client.get(PAGES + "approvals/").status_code == 403
    assert client.get(API + "approvals/").status_code == 403
    client.force_login(world.carl)
    rules = client.get(PAGES + "validation-rules/")
    assert shop.mine in [row.activity for row in rules.context["rows"]]
    bad = client.post(
        PAGES + f"validation-rules/{shop.mine.pk}/",
        {"self_validation": "on", "amount_cap": "-5"},
        follow=True,
    )
    assert "le plafond est un montant positif" in bad.text
    client.post(
        PAGES + f"validation-rules/{shop.mine.pk}/", {"self_validation": "on", "amount_cap": "1000"}
    )
    with cooperative_context(world.coop_a.pk):
        rule = ValidationRule.objects.get(activity=shop.mine)
        assert (rule.self_validation, rule.amount_cap, rule.updated_by) == (
            True,
            D("1000.00"),
            world.carl,
        )

    # Alice validates: the small one is numbered, the two others wait.
    client.force_login(world.alice)
    with travel_to("2026-03-10T11:00"):
        client.post(PAGES + f"documents/{drafts[0].pk}/action/", {"action": "validate"})
        waiting = client.post(
            PAGES + f"documents/{drafts[1].pk}/action/", {"action": "validate"}, follow=True
        )
        api = client.post(API + f"documents/{drafts[2].pk}/validate/")
    assert escape("Document transmis à l'équipe d'appui pour validation.") in waiting.text
    assert (api.status_code, api.json()["status"], api.json()["number"]) == (200, "pending", "")

    # Bob (support) sees them in his list, validates one on the page, returns one by the API.
    client.force_login(world.bob)
    listing = client.get(PAGES + "approvals/")
    assert [d.pk for d in listing.context["documents"]] == [drafts[1].pk, drafts[2].pk]
    assert [d["id"] for d in client.get(API + "approvals/").json()["results"]] == [
        drafts[1].pk,
        drafts[2].pk,
    ]
    with travel_to("2026-03-10T11:00"):
        client.post(PAGES + f"documents/{drafts[1].pk}/action/", {"action": "approve"})
        refused = client.post(
            API + f"documents/{drafts[2].pk}/approval/",
            {"decision": "return"},
            content_type="application/json",
        )
        returned = client.post(
            API + f"documents/{drafts[2].pk}/approval/",
            {"decision": "return", "note": "Le prix semble faux."},
            content_type="application/json",
        )
    assert refused.status_code == 400
    assert (returned.status_code, returned.json()["status"]) == (200, "draft")
    rules_api = client.put(
        API + f"validation-rules/{shop.other.pk}/",
        {"self_validation": False, "amount_cap": None},
        content_type="application/json",
    )
    assert rules_api.json() == {
        "activity": shop.other.pk,
        "activity_name": shop.other.name,
        "self_validation": False,
        "amount_cap": None,
    }
    with cooperative_context(world.coop_a.pk):
        numbers = {
            d.pk: (d.status, d.number, d.review_note)
            for d in Document.objects.filter(pk__in=[x.pk for x in drafts])
        }
        assert ValidationRule.objects.get(activity=shop.other).self_validation is False
    assert numbers == {
        drafts[0].pk: ("validated", "F2026-00003", ""),
        drafts[1].pk: ("validated", "F2026-00004", ""),
        drafts[2].pk: ("draft", "", "Le prix semble faux."),
    }


def test_another_cooperative_gets_404_on_validation_by_support_staff(
    shop: Shop,  # noqa: F811 (fixture)
    world: World,
    client: Client,
) -> None:
    with cooperative_context(world.coop_a.pk):
        services.validation_rule_set(activity=shop.mine, self_validation=False)
        draft = services.document_create(
            kind="quote",
            activity=shop.mine,
            customer=shop.my_customer,
            lines=[LineData("Conseil", unit_price="100.00")],
        )
        pending = services.document_submit(
            document=draft, membership=world.alice_membership, user=world.alice
        )
    client.force_login(world.charlie)
    for slug in ("coop-a", "coop-b"):
        for path in (
            f"/c/{slug}/sales/validation-rules/{shop.mine.pk}/",
            f"/c/{slug}/sales/documents/{pending.pk}/action/",
            f"/api/v1/c/{slug}/sales/documents/{pending.pk}/approval/",
        ):
            response = client.post(path, {"action": "approve", "decision": "approve"})
            assert response.status_code == 404, path
        response = client.put(
            f"/api/v1/c/{slug}/sales/validation-rules/{shop.mine.pk}/",
            {"self_validation": True},
            content_type="application/json",
        )
        assert response.status_code == 404
    assert client.get("/api/v1/c/coop-b/sales/approvals/").json()["results"] == []
    assert client.get("/c/coop-b/sales/approvals/").context["documents"].count() == 0
    with cooperative_context(world.coop_a.pk):
        pending.refresh_from_db()
        assert pending.status == Document.Status.PENDING
        assert ValidationRule.objects.get(activity=shop.mine).self_validation is False
