"""Customers, their contacts, the catalogue and the cooperative's invoicing settings."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

from accounting.models import ThirdParty
from accounting.services import third_party_create
from entrepreneurs.models import Activity
from perspectives.core.csvexport import csv_dict_rows
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from sales.models import Contact, Customer, Product, SalesSettings, Unit

# The member states, whose business customers are invoiced with their VAT number.
_EU = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
EU_COUNTRIES = frozenset(_EU.split())
CUSTOMER_FIELDS = (
    "kind",
    "name",
    "legal_form",
    "siren",
    "siret",
    "vat_number",
    "service_code",
    "email",
    "phone",
    "address_line",
    "address_line2",
    "postal_code",
    "city",
    "country",
    "delivery_address_line",
    "delivery_postal_code",
    "delivery_city",
)
PRODUCT_FIELDS = (
    "kind",
    "label",
    "description",
    "unit",
    "unit_price",
    "vat_rate",
    "revenue_account",
    "is_active",
)
ALLOWED_VAT_RATES = frozenset(Decimal(r) for r in ("0.00", "2.10", "5.50", "10.00", "20.00"))


def settings_get() -> SalesSettings:
    """The cooperative's invoicing settings, created empty (mentions then missing) at first use."""
    found = SalesSettings.objects.first()
    if found is not None:
        return found
    created: SalesSettings = SalesSettings.objects.get_or_create(
        cooperative_id=require_cooperative_id(),
        defaults={"legal_form_label": "", "share_capital": "", "rcs": "", "vat_number": ""},
    )[0]
    return created


@transaction.atomic
def settings_update(**fields: Any) -> SalesSettings:
    settings = settings_get()
    for name, value in fields.items():
        setattr(settings, name, value)
    if settings.vat_number:
        settings.vat_number = _clean_vat(settings.vat_number)
    settings.full_clean()
    settings.save()
    return settings


def _digits(value: str) -> str:
    return "".join(ch for ch in (value or "") if not ch.isspace())


def _clean_vat(value: str) -> str:
    number = eu_vat.compact(value)
    if not eu_vat.is_valid(number):
        raise ApplicationError(
            _("Le numéro de TVA %(value)s n'est pas valide (préfixe du pays et clé).")
            % {"value": value}
        )
    return str(number)


def _check_customer(data: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check identifiers with python-stdnum: SIREN and SIRET (Luhn key), the VAT
    number (each EU country's key); what each kind of customer must have."""
    kind = data.get("kind")
    if kind not in Customer.Kind.values:
        raise ApplicationError(_("Type de client inconnu."))
    if not (data.get("name") or "").strip():
        raise ApplicationError(_("Le client n'a pas de nom."))
    data["name"] = data["name"].strip()
    data["country"] = (data.get("country") or "FR").strip().upper()
    siren = _digits(data.get("siren", ""))
    siret = _digits(data.get("siret", ""))
    if siret:
        if not fr_siret.is_valid(siret):
            raise ApplicationError(
                _("Le SIRET %(value)s n'est pas valide (14 chiffres, clé de contrôle).")
                % {"value": siret}
            )
        if siren and siren != siret[:9]:
            raise ApplicationError(_("Le SIRET ne commence pas par le SIREN."))
        siren = siret[:9]
    if siren and not fr_siren.is_valid(siren):
        raise ApplicationError(
            _("Le SIREN %(value)s n'est pas valide (9 chiffres, clé de contrôle).")
            % {"value": siren}
        )
    data["siren"], data["siret"] = siren, siret
    vat = (data.get("vat_number") or "").strip()
    data["vat_number"] = _clean_vat(vat) if vat else ""
    if kind == Customer.Kind.PUBLIC and not siret:
        raise ApplicationError(
            _("Un organisme public se facture par Chorus Pro : son SIRET est obligatoire.")
        )
    if kind == Customer.Kind.COMPANY:
        if data["country"] == "FR" and not siren:
            raise ApplicationError(_("Une entreprise française a un SIREN ou un SIRET."))
        if data["country"] != "FR" and data["country"] in EU_COUNTRIES and not data["vat_number"]:
            raise ApplicationError(
                _("Une entreprise de l'Union européenne a un numéro de TVA intracommunautaire.")
            )
    for required, label in (
        ("address_line", _("l'adresse")),
        ("postal_code", _("le code postal")),
        ("city", _("la ville")),
    ):
        if not (data.get(required) or "").strip():
            raise ApplicationError(_("Il manque %(what)s du client.") % {"what": label})
    return data


@transaction.atomic
def customer_create(*, activity: Activity, **fields: Any) -> Customer:
    data = _check_customer({name: fields.get(name, "") for name in CUSTOMER_FIELDS})
    customer: Customer = Customer.objects.create(
        cooperative_id=require_cooperative_id(), activity=activity, **data
    )
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, **fields: Any) -> Customer:
    current = {name: getattr(customer, name) for name in CUSTOMER_FIELDS}
    current.update({k: v for k, v in fields.items() if k in CUSTOMER_FIELDS})
    data = _check_customer(current)
    Customer.objects.filter(pk=customer.pk).update(**data)
    customer.refresh_from_db()
    return customer


@transaction.atomic
def contact_create(*, customer: Customer, name: str, **fields: Any) -> Contact:
    if not name.strip():
        raise ApplicationError(_("Le contact n'a pas de nom."))
    contact: Contact = Contact.objects.create(
        cooperative_id=customer.cooperative_id,
        customer=customer,
        name=name.strip(),
        role=fields.get("role", ""),
        email=fields.get("email", ""),
        phone=fields.get("phone", ""),
    )
    return contact


def customer_third_party(*, customer: Customer) -> ThirdParty:
    """The customer's auxiliary account under 411, created at its first invoice (the customer
    row locked, so two validations never create it twice)."""
    if customer.third_party_id is not None:
        return customer.third_party  # type: ignore[return-value]
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if locked.third_party_id is None:
        locked.third_party = third_party_create(
            kind=ThirdParty.Kind.CUSTOMER,
            code=f"C{locked.pk:07d}",
            name=locked.name,
            activity=locked.activity,
        )
        Customer.objects.filter(pk=locked.pk).update(third_party=locked.third_party)
    customer.third_party = locked.third_party
    return locked.third_party  # type: ignore[return-value]


CSV_COLUMNS = ("type", "nom", "siret", "tva", "adresse", "code_postal", "ville", "pays", "email")


@transaction.atomic
def customers_import_csv(*, activity: Activity, content: str) -> list[Customer]:
    """Import customers from a CSV file (`;` or `,`, the columns of CSV_COLUMNS). All or
    nothing: a bad row stops the import with its line number."""
    fieldnames, reader = csv_dict_rows(content, delimiters=";,")
    missing = {"type", "nom"} - set(fieldnames)
    if missing:
        raise ApplicationError(
            _("Colonnes manquantes : %(columns)s.") % {"columns": ", ".join(sorted(missing))}
        )
    kinds = {
        "entreprise": Customer.Kind.COMPANY,
        "particulier": Customer.Kind.INDIVIDUAL,
        "public": Customer.Kind.PUBLIC,
    }
    created = []
    for line_no, row in enumerate(reader, start=2):
        try:
            created.append(
                customer_create(
                    activity=activity,
                    kind=kinds.get((row.get("type") or "").strip().lower(), ""),
                    name=row.get("nom", ""),
                    siret=row.get("siret", ""),
                    vat_number=row.get("tva", ""),
                    address_line=row.get("adresse", ""),
                    postal_code=row.get("code_postal", ""),
                    city=row.get("ville", ""),
                    country=row.get("pays", "") or "FR",
                    email=row.get("email", ""),
                )
            )
        except ApplicationError as error:
            raise ApplicationError(
                _("Ligne %(line)s : %(message)s") % {"line": line_no, "message": error.message}
            ) from None
    return created


def _check_product(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("kind") not in Product.Kind.values:
        raise ApplicationError(_("Nature de produit inconnue."))
    if not (data.get("label") or "").strip():
        raise ApplicationError(_("Le produit n'a pas de libellé."))
    if data.get("unit") not in Unit.values:
        raise ApplicationError(_("Unité inconnue."))
    try:
        data["unit_price"] = Decimal(str(data["unit_price"]))
        data["vat_rate"] = Decimal(str(data["vat_rate"])).quantize(Decimal("0.01"))
    except (InvalidOperation, KeyError):
        raise ApplicationError(_("Prix ou taux de TVA illisible.")) from None
    if data["unit_price"] < 0:
        raise ApplicationError(_("Le prix unitaire est négatif."))
    if data["vat_rate"] not in ALLOWED_VAT_RATES:
        raise ApplicationError(
            _("Taux de TVA %(rate)s %% inconnu en France (20, 10, 5,5, 2,1 ou 0).")
            % {"rate": data["vat_rate"]}
        )
    return data


@transaction.atomic
def product_create(*, activity: Activity, **fields: Any) -> Product:
    data = {"unit": Unit.UNIT, "vat_rate": Decimal("20.00"), "is_active": True}
    data.update({k: v for k, v in fields.items() if k in PRODUCT_FIELDS})
    data = _check_product(data)
    product: Product = Product.objects.create(
        cooperative_id=require_cooperative_id(), activity=activity, **data
    )
    return product


@transaction.atomic
def product_update(*, product: Product, **fields: Any) -> Product:
    data = {name: getattr(product, name) for name in PRODUCT_FIELDS}
    data.update({k: v for k, v in fields.items() if k in PRODUCT_FIELDS})
    data = _check_product(data)
    Product.objects.filter(pk=product.pk).update(**data)
    product.refresh_from_db()
    return product
