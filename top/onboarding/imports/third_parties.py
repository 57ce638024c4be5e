"""Customers and suppliers brought in from a spreadsheet or from enDI's exports.

A customer belongs to an activity (its analytic code in the file, or the one given for a whole
file, as enDI's per-company exports do not name it); a supplier belongs to the cooperative.
Identifiers (SIREN, SIRET, VAT number, IBAN) are checked by the sales and purchases services
that write them, so a row they refuse is reported with their French reason."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from entrepreneurs.models import Activity
from perspectives.core.exceptions import ApplicationError
from purchases.models import Supplier
from purchases.services import supplier_create, supplier_update
from sales.models import Contact, Customer
from sales.services import contact_create, customer_create, customer_update
from sales.services.customers import CUSTOMER_FIELDS
from top.onboarding.imports.base import Column, Context, Dialect, Kind, Values, choice, email
from top.onboarding.imports.tabular import CellError, normalise, text


def _digits(value: object) -> str:
    return "".join(ch for ch in text(value) if ch.isdigit())


def _upper(value: object) -> str:
    return text(value).replace(" ", "").upper()


_COUNTRIES = {
    "france": "FR",
    "belgique": "BE",
    "suisse": "CH",
    "luxembourg": "LU",
    "allemagne": "DE",
    "espagne": "ES",
    "italie": "IT",
    "portugal": "PT",
    "pays bas": "NL",
    "royaume uni": "GB",
    "monaco": "MC",
    "canada": "CA",
}


def _country(value: object) -> str:
    raw = text(value)
    if not raw:
        return ""
    if len(raw) == 2 and raw.isalpha():
        return raw.upper()
    found = _COUNTRIES.get(normalise(raw))
    if found is None:
        raise CellError(
            _("« %(value)s » : pays inconnu, donnez son code à deux lettres (FR, BE…).")
            % {"value": raw}
        )
    return found


CUSTOMER_KIND = choice(
    [
        (("particulier",), Customer.Kind.INDIVIDUAL),
        # enDI's types: company, individual, internal (another business of the cooperative).
        (("internal",), Customer.Kind.COMPANY),
        (("interne",), Customer.Kind.COMPANY),
        (("individual",), Customer.Kind.INDIVIDUAL),
        (("public",), Customer.Kind.PUBLIC),
        (("administration",), Customer.Kind.PUBLIC),
        (("collectivite",), Customer.Kind.PUBLIC),
        (("entreprise",), Customer.Kind.COMPANY),
        (("societe",), Customer.Kind.COMPANY),
        (("company",), Customer.Kind.COMPANY),
        (("association",), Customer.Kind.COMPANY),
        (("professionnel",), Customer.Kind.COMPANY),
    ],
    _lazy("type de client"),
)

_NAME = Column(
    "name",
    "Nom",
    required=True,
    aliases=("Raison sociale", "Nom de l'entreprise", "Nom de la structure", "Société"),
    # A person (enDI's "individual") has no company name: their first and last names.
    derived=True,
)
# enDI's customers and suppliers exports (caerp/models/third_party: the columns' titles, as
# sqla_inspect writes them): "Raison sociale" is the company, and "Nom", "Prénom" the contact
# (or the person, for an individual).
ENDI_MARKER = "Raison sociale"
ENDI_SIRET = "Numéro SIRET (ou SIREN)"
_VAT = Column(
    "vat_number",
    "Numéro de TVA",
    _upper,
    aliases=(
        "TVA intracommunautaire",
        "N° TVA intracommunautaire",
        "Numéro de TVA intracommunautaire",
    ),
)
_EMAIL = Column("email", "E-mail", email, aliases=("Adresse e-mail", "Email", "Courriel"))
_COUNTRY = Column("country", "Pays", _country, aliases=("Code pays",))

CUSTOMER_COLUMNS = (
    Column(
        "activity_code",
        "Code analytique",
        lambda v: text(v).upper(),
        aliases=("Code analytique de l'activité", "Compte analytique", "Activité"),
    ),
    Column("kind", "Type", CUSTOMER_KIND, aliases=("Type de client",)),
    _NAME,
    Column("legal_form", "Forme juridique"),
    Column("siren", "SIREN", _digits),
    # enDI's "siret" holds a SIREN or a SIRET (older versions: "registration"), sorted below.
    Column(
        "siret", "SIRET", _digits, aliases=(ENDI_SIRET, "Numéro SIRET", "Numéro d'immatriculation")
    ),
    _VAT,
    Column("service_code", "Code service (Chorus Pro)", aliases=("Code service",)),
    _EMAIL,
    Column("phone", "Téléphone", aliases=("Téléphone fixe", "Téléphone portable", "Tél.")),
    Column("address_line", "Adresse"),
    Column("address_line2", "Complément d'adresse"),
    Column("postal_code", "Code postal"),
    Column("city", "Ville"),
    _COUNTRY,
    Column("contact_last_name", "Contact", aliases=("Nom du contact principal", "Nom du contact")),
    Column("contact_first_name", "Prénom du contact", aliases=("Prénom du contact principal",)),
    Column("contact_role", "Fonction du contact", aliases=("Fonction",)),
    Column("contact_email", "E-mail du contact", email),
    Column("contact_phone", "Téléphone du contact"),
)


def _name_required(values: Values) -> None:
    if not values.get("name"):
        raise CellError(_("%(column)s : valeur obligatoire manquante.") % {"column": _NAME.header})


def _check_customer(values: Values) -> None:
    if not values.get("name"):
        # A person: named by the contact's columns, and their own contact.
        first = values.pop("contact_first_name", "")
        last = values.pop("contact_last_name", "")
        values["name"] = " ".join(part for part in (first, last) if part)
    _name_required(values)
    if not values.get("activity_code"):
        raise CellError(
            _(
                "Code analytique : indiquez l'activité du client (colonne « Code analytique », "
                "ou l'activité de tout le fichier)."
            )
        )
    siret = values.get("siret", "")
    if len(siret) == 9 and not values.get("siren"):
        values["siren"], values["siret"] = siret, ""
    if not values.get("kind"):
        # Without a type, a customer with an identifier is a company, otherwise a person.
        identified = values.get("siren") or values.get("siret") or values.get("vat_number")
        values["kind"] = Customer.Kind.COMPANY if identified else Customer.Kind.INDIVIDUAL
    values["country"] = values.get("country") or "FR"


def _customer_key(values: Values) -> tuple[object, ...]:
    code = values["activity_code"]
    if values.get("siret"):
        return (code, "siret", values["siret"])
    if values.get("siren"):
        return (code, "siren", values["siren"])
    return (code, "name", normalise(values["name"]), normalise(values.get("postal_code", "")))


def _customers_existing() -> dict[tuple[object, ...], Any]:
    found: dict[tuple[object, ...], Any] = {}
    for customer in Customer.objects.select_related("activity").prefetch_related("contacts"):
        code = customer.activity.analytic_code
        found[(code, "name", normalise(customer.name), normalise(customer.postal_code))] = customer
        if customer.siren:
            found.setdefault((code, "siren", customer.siren), customer)
        if customer.siret:
            found[(code, "siret", customer.siret)] = customer
    return found


def _activity(context: Context, code: str) -> Activity:
    if "activities" not in context.cache:
        context.cache["activities"] = {a.analytic_code.upper(): a for a in Activity.objects.all()}
    activity: Activity | None = context.cache["activities"].get(code)
    if activity is None:
        raise ApplicationError(
            _("activité « %(code)s » inconnue : importez ou créez d'abord l'activité.")
            % {"code": code}
        )
    return activity


def _contact(values: Values, customer: Customer) -> bool:
    name = " ".join(
        part for part in (values.get("contact_first_name"), values.get("contact_last_name")) if part
    )
    if not name or any(normalise(c.name) == normalise(name) for c in customer.contacts.all()):
        return False
    contact_create(
        customer=customer,
        name=name,
        role=values.get("contact_role", ""),
        email=values.get("contact_email", ""),
        phone=values.get("contact_phone", ""),
    )
    return True


def _write_customer(values: Values, existing: Customer | None, context: Context) -> bool:
    activity = _activity(context, values["activity_code"])
    fields = {key: values[key] for key in CUSTOMER_FIELDS if key in values}
    if existing is None:
        customer = customer_create(activity=activity, **fields)
        _contact(values, customer)
        return True
    # An empty cell does not erase what the customer's file already holds.
    changed = {
        key: value for key, value in fields.items() if value and getattr(existing, key) != value
    }
    if changed:
        customer_update(customer=existing, **changed)
    return _contact(values, existing) or bool(changed)


def _export_customers() -> list[list[object]]:
    rows: list[list[object]] = []
    for customer in Customer.objects.select_related("activity").prefetch_related("contacts"):
        contact: Contact | None = next(iter(customer.contacts.all()), None)
        rows.append(
            [
                customer.activity.analytic_code,
                customer.get_kind_display(),
                customer.name,
                customer.legal_form,
                customer.siren,
                customer.siret,
                customer.vat_number,
                customer.service_code,
                customer.email,
                customer.phone,
                customer.address_line,
                customer.address_line2,
                customer.postal_code,
                customer.city,
                customer.country,
                contact.name if contact else "",
                "",
                contact.role if contact else "",
                contact.email if contact else "",
                contact.phone if contact else "",
            ]
        )
    return rows


CUSTOMERS = Kind(
    key="customers",
    label=_lazy("Clients"),
    columns=CUSTOMER_COLUMNS,
    natural_key=_customer_key,
    existing=_customers_existing,
    write=_write_customer,
    check=_check_customer,
    export=_export_customers,
    dialects=(
        Dialect(
            ENDI_MARKER,
            {
                ENDI_MARKER: "name",
                "Nom": "contact_last_name",
                "Prénom": "contact_first_name",
                # Today a foreign company's number or an association's RNA, not a SIREN.
                "Numéro d'immatriculation": None,
                "type_": None,  # the record's class ("customer"), not its "Type"
            },
        ),
    ),
)


# Suppliers --------------------------------------------------------------------------------

SUPPLIER_COLUMNS = (
    _NAME,
    Column("siren", "SIREN", _digits, aliases=(ENDI_SIRET, "SIRET", "Numéro d'immatriculation")),
    _VAT,
    Column("address_line", "Adresse"),
    Column("address_line2", "Complément d'adresse"),
    Column("postal_code", "Code postal"),
    Column("city", "Ville"),
    _COUNTRY,
    Column("iban", "IBAN", _upper),
    Column("bic", "BIC", _upper),
    _EMAIL,
    Column("contact_name", "Contact", aliases=("Nom du contact principal", "Nom du contact")),
    Column("contact_first_name", "Prénom du contact", aliases=("Prénom du contact principal",)),
    Column("contact_email", "E-mail du contact", email),
    Column(
        "contact_phone",
        "Téléphone du contact",
        aliases=("Téléphone", "Téléphone fixe", "Téléphone portable", "Tél."),
    ),
)

# The supplier's own fields that a file brings and an empty cell leaves as they are.
_SUPPLIER_KEPT = (
    "iban",
    "bic",
    "email",
    "address_line",
    "address_line2",
    "postal_code",
    "city",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def _check_supplier(values: Values) -> None:
    first = values.pop("contact_first_name", "")
    last = values.get("contact_name", "")
    if not values.get("name"):
        # A person (enDI's "individual"): named by the contact's columns.
        values["name"], first, last = " ".join(part for part in (first, last) if part), "", ""
    _name_required(values)
    # One contact name on a supplier: first name and last name joined, as people write it.
    values["contact_name"] = " ".join(part for part in (first, last) if part)
    siren = values.get("siren", "")
    if len(siren) == 14:  # a SIRET: the supplier is the company, its SIREN
        values["siren"] = siren[:9]
    vat = values.get("vat_number", "")
    if not values.get("siren") and vat.startswith("FR") and len(vat) == 13:
        values["siren"] = vat[4:]
    values["country"] = values.get("country") or "FR"


def _supplier_key(values: Values) -> tuple[object, ...]:
    if values.get("siren"):
        return ("siren", values["siren"])
    return ("name", normalise(values["name"]))


def _suppliers_existing() -> dict[tuple[object, ...], Any]:
    found: dict[tuple[object, ...], Any] = {}
    for supplier in Supplier.objects.all():
        found.setdefault(("name", normalise(supplier.name)), supplier)
        if supplier.siren:
            found[("siren", supplier.siren)] = supplier
    return found


def _write_supplier(values: Values, existing: Supplier | None, context: Context) -> bool:
    if existing is None:
        supplier_create(
            name=values["name"],
            siren=values.get("siren", ""),
            vat_number=values.get("vat_number", ""),
            country=values["country"],
            **{key: values.get(key, "") for key in _SUPPLIER_KEPT},
        )
        return True
    # Only what the purchases service lets change; an empty cell keeps what is there.
    wanted = {"name": values["name"] or existing.name} | {
        key: values.get(key) or getattr(existing, key) for key in _SUPPLIER_KEPT
    }
    if all(getattr(existing, key) == value for key, value in wanted.items()):
        return False
    supplier_update(supplier=existing, **wanted)
    return True


def _export_suppliers() -> list[list[object]]:
    return [
        [
            s.name,
            s.siren,
            s.vat_number,
            s.address_line,
            s.address_line2,
            s.postal_code,
            s.city,
            s.country,
            s.iban,
            s.bic,
            s.email,
            s.contact_name,
            "",
            s.contact_email,
            s.contact_phone,
        ]
        for s in Supplier.objects.order_by("name", "pk")
    ]


SUPPLIERS = Kind(
    key="suppliers",
    label=_lazy("Fournisseurs"),
    columns=SUPPLIER_COLUMNS,
    natural_key=_supplier_key,
    existing=_suppliers_existing,
    write=_write_supplier,
    check=_check_supplier,
    export=_export_suppliers,
    dialects=(
        Dialect(
            ENDI_MARKER,
            {
                ENDI_MARKER: "name",
                "Nom": "contact_name",
                "Prénom": "contact_first_name",
                "Numéro d'immatriculation": None,
                "type_": None,
            },
        ),
    ),
)
