"""Every mandatory mention of a French invoice is checked before validation: each one missing
refuses the validation with a French message, and nothing is numbered or posted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from accounting.models import Entry
from perspectives.core.exceptions import ApplicationError
from sales import services
from sales.models import Customer, Document, InvoiceCounter, SalesSettings
from sales.services import LineData
from tests.sales.conftest import DAY, Sales


def _settings(**fields: str) -> Callable[[Sales], None]:
    def change(sales: Sales) -> None:
        SalesSettings.objects.update(**fields)

    return change


def _cooperative(**fields: str) -> Callable[[Sales], None]:
    def change(sales: Sales) -> None:
        for name, value in fields.items():
            setattr(sales.cooperative, name, value)
        sales.cooperative.save()

    return change


def _customer(**fields: str) -> Callable[[Sales], None]:
    def change(sales: Sales) -> None:
        Customer.objects.filter(pk=sales.customer.pk).update(**fields)

    return change


def _document(**fields: object) -> Callable[[Sales], dict[str, object]]:
    return lambda sales: fields


CASES: list[tuple[str, Callable[[Sales], object], str]] = [
    ("legal_form", _settings(legal_form_label=""), "la forme juridique de la coopérative"),
    ("capital", _settings(share_capital=""), "le capital social de la coopérative"),
    ("rcs", _settings(rcs=""), "le RCS de la coopérative"),
    ("seller_vat", _settings(vat_number=""), "le numéro de TVA intracommunautaire"),
    ("seller_address", _cooperative(address_line=""), "l'adresse de la coopérative"),
    ("buyer_address", _customer(address_line=""), "Client : il manque le nom ou l'adresse."),
    ("buyer_name", _customer(name=""), "Client : il manque le nom ou l'adresse."),
    ("buyer_siren", _customer(siren="", siret=""), "il manque le SIREN d'un client professionnel"),
    (
        "buyer_eu_vat",
        _customer(country="DE", siren="", siret="", vat_number=""),
        "numéro de TVA d'un client de l'Union européenne",
    ),
    (
        "public_siret",
        _customer(kind="public", siret=""),
        "il manque le SIRET d'un organisme public",
    ),
]
DOCUMENT_CASES: list[tuple[str, dict[str, object], str]] = [
    ("delivery_date", {"delivery_date": None}, "date de livraison ou d'exécution"),
    ("category", {"category": ""}, "catégorie d'opération"),
    ("due_date", {"due_date": None}, "date d'échéance"),
    ("due_date_too_late", {"due_date": DAY + dt.timedelta(days=61)}, "délai légal de 60 jours"),
    ("penalty_rate", {"late_penalty_rate": None}, "taux des pénalités de retard"),
    ("fixed_indemnity", {"fixed_indemnity": False}, "indemnité forfaitaire de 40 €"),
    ("discount_terms", {"discount_terms": " "}, "conditions d'escompte"),
]


def _assert_refused(sales: Sales, document: Document, fragment: str) -> None:
    with pytest.raises(ApplicationError) as error:
        services.invoice_validate(document=document, date=DAY)
    assert fragment in error.value.message
    assert error.value.message.startswith("Facture incomplète, rien n'a été validé")
    document.refresh_from_db()
    assert (document.status, document.number, document.entry_id) == ("draft", "", None)
    assert Entry.objects.count() == 0
    assert not InvoiceCounter.objects.filter(last_number__gt=0).exists()


@pytest.mark.parametrize(("name", "change", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_a_missing_party_mention_refuses_validation(
    sales: Sales, name: str, change: Callable[[Sales], object], fragment: str
) -> None:
    document = sales.invoice()
    change(sales)
    _assert_refused(sales, document, fragment)


@pytest.mark.parametrize(
    ("name", "fields", "fragment"), DOCUMENT_CASES, ids=[c[0] for c in DOCUMENT_CASES]
)
def test_a_missing_document_mention_refuses_validation(
    sales: Sales, name: str, fields: dict[str, object], fragment: str
) -> None:
    document = sales.invoice()
    Document.objects.filter(pk=document.pk).update(**fields)
    _assert_refused(sales, document, fragment)


def test_an_invoice_without_lines_is_refused(sales: Sales) -> None:
    document = sales.invoice()
    document.lines.all().delete()
    _assert_refused(sales, document, "La facture n'a aucune ligne.")


def test_a_zero_rate_needs_its_exemption_and_reverse_charge_a_professional(sales: Sales) -> None:
    document = sales.invoice(lines=[LineData("Formation", unit_price="800", vat_rate="0")])
    _assert_refused(sales, document, "mention de l'exonération")

    reverse = sales.invoice(reverse_charge=True)
    _assert_refused(sales, reverse, "En autoliquidation, les lignes sont sans TVA")


def test_a_credit_note_must_cite_a_validated_invoice(sales: Sales) -> None:
    document = sales.invoice(kind=Document.Kind.CREDIT_NOTE)
    _assert_refused(sales, document, "Un avoir cite la facture validée qu'il rectifie.")


def test_an_individual_needs_no_siren_nor_the_fixed_indemnity(sales: Sales) -> None:
    person = services.customer_create(
        activity=sales.activity,
        kind=Customer.Kind.INDIVIDUAL,
        name="Paul Roca",
        address_line="3 rue Foch",
        postal_code="66000",
        city="Perpignan",
    )
    document = sales.invoice(customer=person)
    assert document.fixed_indemnity is False

    validated = services.invoice_validate(document=document, date=DAY)

    assert validated.number == "F2026-00001"


def test_every_mention_present_lists_nothing(sales: Sales) -> None:
    assert services.missing_mentions(sales.invoice(), day=DAY) == []
    assert sales.invoice().late_penalty_rate == Decimal("12.15")
