"""Customers and suppliers brought in from a file: the template's columns, enDI's export with the
activity given for the whole file, every refused row with its line and reason, and nothing
duplicated when the same file comes again."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from perspectives.tenancy.context import cooperative_context
from purchases.models import Supplier
from sales.models import Contact, Customer
from tests.conftest import World
from tests.factories.entrepreneurs import ActivityFactory, SectorFactory
from tests.onboarding.helpers import refused_import as _refused
from tests.onboarding.helpers import run_import as _run
from top.onboarding.models import ImportRun

FILES = Path(__file__).parent / "files"


@pytest.fixture
def activities(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        sector = SectorFactory.create(cooperative=world.coop_a, name="Services")
        ActivityFactory.create(sector=sector, analytic_code="ACT-FER")
        ActivityFactory.create(sector=sector, analytic_code="ACT-DUO")


def test_customers_come_in_with_their_identifiers_address_and_contact(
    world: World, activities: None
) -> None:
    output = _run("customers", FILES / "customers.csv")

    assert "créés : 3" in output
    assert "refusés : 0" in output
    assert "colonnes ignorées : Couleur" in output
    with cooperative_context(world.coop_a.pk):
        bakery = Customer.objects.select_related("activity").get(name="Boulangerie Dupont")
        assert (
            bakery.activity.analytic_code,
            bakery.kind,
            bakery.siren,
            bakery.siret,
            bakery.vat_number,
            bakery.email,
            bakery.country,
        ) == (
            "ACT-FER",
            "company",
            "552081317",
            "55208131700018",
            "FR03552081317",
            "contact@dupont.example",
            "FR",
        )
        assert list(Contact.objects.values_list("customer__name", "name", "role")) == [
            ("Boulangerie Dupont", "Marie Dupont", "Gérante")
        ]
        lea = Customer.objects.select_related("activity").get(name="Léa Martin")
        assert (lea.activity.analytic_code, lea.kind, lea.city) == (
            "ACT-FER",
            "individual",
            "Toulouse",
        )
        town = Customer.objects.get(name="Mairie de Muret")
        assert (town.kind, town.siret, town.siren) == ("public", "40483304800014", "404833048")


def test_the_same_customers_file_again_adds_nothing(world: World, activities: None) -> None:
    _run("customers", FILES / "customers.csv")

    again = _run("customers", FILES / "customers.csv")

    assert "créés : 0" in again
    assert "mis à jour : 3 (dont 3 sans changement)" in again
    with cooperative_context(world.coop_a.pk):
        assert (Customer.objects.count(), Contact.objects.count()) == (3, 1)


def test_endi_customers_export_comes_in_with_the_activity_given_for_the_file(
    world: World, activities: None
) -> None:
    # enDI's per-company export: Windows-1252, commas, no activity column.
    output = _run("customers", FILES / "endi_clients.csv", "--activity=act-duo")

    assert "créés : 2" in output
    assert "colonnes ignorées : Code" in output
    with cooperative_context(world.coop_a.pk):
        atelier = Customer.objects.select_related("activity").get(name="Atelier François")
        assert (
            atelier.activity.analytic_code,
            atelier.kind,
            atelier.siren,
            atelier.vat_number,
            atelier.address_line,
            atelier.phone,
        ) == (
            "ACT-DUO",
            "company",
            "404833048",
            "FR83404833048",
            "5, allée des Tilleuls",
            "05 61 00 00 00",
        )
        assert Contact.objects.get().name == "Hélène Lefèvre"
        assert Customer.objects.get(name="José Pérez").kind == "individual"


# enDI 2026.4.7's customers and suppliers exports (its CustomersCsv and SuppliersCsv views:
# sqla_inspect's SqlaCsvExporter over caerp.models.third_party, every cell quoted, ";"): the
# header row is enDI's own, "Nom" twice (the record's name, then the contact's, both holding the
# contact's last name), "Raison sociale" empty for a person.
ENDI_HEADER = (
    '"Nom";"type_";"Créé(e) le";"Mis(e) à jour le";"Type";"label";"Raison sociale";'
    '"Nom interne";"Numéro SIRET (ou SIREN)";"Numéro d\'immatriculation";'
    '"Adresse de facturation électronique";"TVA intracommunautaire";"Compte CG";'
    '"Compte tiers";"archived";"BIC";"IBAN";"Titulaire";"Adresse";"Complément d\'adresse";'
    '"Code postal";"Ville";"Code INSEE";"Pays";"Code INSEE du Pays";"Civilité";"Nom";"Prénom";'
    '"Fonction";"Adresse e-mail";"Téléphone portable";"Téléphone fixe";"Identifiant"'
)


def test_the_endi_files_have_endi_s_header_row() -> None:
    for name in ("endi_2026_clients.csv", "endi_2026_fournisseurs.csv"):
        assert (FILES / name).read_text(encoding="utf-8").splitlines()[0] == ENDI_HEADER


def test_endi_s_customers_export_comes_in_as_enDI_writes_it(world: World, activities: None) -> None:
    output = _run("customers", FILES / "endi_2026_clients.csv", "--activity=ACT-DUO")
    again = _run("customers", FILES / "endi_2026_clients.csv", "--activity=ACT-DUO")

    assert "créés : 2" in output
    assert "refusés : 0" in output
    assert (
        "colonnes ignorées : type_, Créé(e) le, Mis(e) à jour le, label, Nom interne, "
        "Numéro d'immatriculation, Adresse de facturation électronique, Compte CG, "
        "Compte tiers, archived, BIC, IBAN, Titulaire, Code INSEE, Code INSEE du Pays, "
        "Civilité, Identifiant"
    ) in output
    assert "créés : 0" in again
    assert "mis à jour : 2 (dont 2 sans changement)" in again
    with cooperative_context(world.coop_a.pk):
        assert list(
            Customer.objects.order_by("name").values_list(
                "activity__analytic_code",
                "kind",
                "name",
                "siren",
                "siret",
                "vat_number",
                "email",
                "phone",
                "address_line",
                "postal_code",
                "city",
                "country",
            )
        ) == [
            (
                "ACT-DUO",
                "company",
                "Atelier François",
                "404833048",
                "40483304800014",
                "FR83404833048",
                "helene@atelier.example",
                "06 12 34 56 78",
                "5, allée des Tilleuls",
                "31200",
                "Toulouse",
                "FR",
            ),
            # A person: named by enDI's "Prénom" and "Nom", no contact of their own.
            (
                "ACT-DUO",
                "individual",
                "José Pérez",
                "",
                "",
                "",
                "jose@perez.example",
                "",
                "8 chemin Vert",
                "31500",
                "Toulouse",
                "FR",
            ),
        ]
        assert list(Contact.objects.values_list("customer__name", "name", "role")) == [
            ("Atelier François", "Hélène Lefèvre", "Directrice")
        ]


def test_endi_s_suppliers_export_comes_in_as_enDI_writes_it(world: World) -> None:
    output = _run("suppliers", FILES / "endi_2026_fournisseurs.csv")
    again = _run("suppliers", FILES / "endi_2026_fournisseurs.csv")

    assert "créés : 2" in output
    assert "refusés : 0" in output
    assert "mis à jour : 2 (dont 2 sans changement)" in again
    with cooperative_context(world.coop_a.pk):
        assert list(
            Supplier.objects.order_by("name").values_list(
                "name",
                "siren",
                "iban",
                "bic",
                "email",
                "address_line",
                "address_line2",
                "postal_code",
                "city",
                "country",
                "contact_name",
                "contact_phone",
            )
        ) == [
            # Its Belgian company number is not a SIREN: left out.
            (
                "Imprimerie du Nord",
                "",
                "",
                "",
                "",
                "12 Grand-Place",
                "",
                "7500",
                "Tournai",
                "BE",
                "Claes",
                "+32 470 00 00 00",
            ),
            (
                "Papeterie Occitane",
                "352600167",
                "FR7630004000000000001234573",
                "BNPAFRPP",
                "compta@papeterie.example",
                "4 rue des Lilas",
                "Bâtiment B",
                "31000",
                "Toulouse",
                "FR",
                "Paul Durand",
                "05 61 22 33 44",
            ),
        ]


def test_a_customers_file_without_activity_is_refused_row_by_row(
    world: World, activities: None
) -> None:
    output = _refused("customers", FILES / "endi_clients.csv")

    assert "ligne 2 : Code analytique : indiquez l'activité du client" in output
    assert "ligne 3 : Code analytique : indiquez l'activité du client" in output
    with cooperative_context(world.coop_a.pk):
        assert Customer.objects.count() == 0


def test_bad_customer_rows_are_each_refused_with_a_french_reason_and_nothing_kept(
    world: World, activities: None
) -> None:
    output = _refused("customers", FILES / "customers_bad.csv")

    assert "ligne 2 : Le SIREN 123456789 n'est pas valide (9 chiffres, clé de contrôle)." in output
    assert (
        "ligne 3 : activité « ACT-XYZ » inconnue : importez ou créez d'abord l'activité." in output
    )
    assert "ligne 4 : Il manque la ville du client." in output
    assert "ligne 5 : Type : « Fantôme » : type de client inconnu·e." in output
    assert (
        "ligne 6 : Un organisme public se facture par Chorus Pro : son SIRET est obligatoire."
        in output
    )
    assert "ligne 8 : même personne ou même code que la ligne 7." in output
    assert "refusés : 6" in output
    assert "rien n'a été importé" in output
    with cooperative_context(world.coop_a.pk):
        assert Customer.objects.count() == 0  # the good row 7 was not kept either


def test_suppliers_come_in_once_keyed_by_their_siren(world: World) -> None:
    output = _run("suppliers", FILES / "suppliers.csv")
    again = _run("suppliers", FILES / "suppliers.csv")

    assert "créés : 3" in output
    assert "créés : 0" in again
    assert "mis à jour : 3 (dont 3 sans changement)" in again
    with cooperative_context(world.coop_a.pk):
        assert list(
            Supplier.objects.order_by("name").values_list(
                "name", "siren", "vat_number", "iban", "bic", "email"
            )
        ) == [
            ("Fournitures Sans Numéro", "", "", "", "", ""),
            (
                "Papeterie Occitane",
                "352600167",
                "",
                "FR7630004000000000001234573",
                "BNPAFRPP",
                "compta@papeterie.example",
            ),
            # The SIREN read from the French VAT number.
            ("Transports Garonne", "442306833", "FR87442306833", "", "", ""),
        ]


def test_suppliers_come_in_with_their_address_and_contact_and_go_out_the_same(
    world: World, tmp_path: Path
) -> None:
    output = _run("suppliers", FILES / "suppliers_full.csv")
    out = StringIO()
    call_command(
        "data_export", "--cooperative=coop-a", "--kind=suppliers", "--format=csv", stdout=out
    )
    path = tmp_path / "fournisseurs.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    again = _run("suppliers", path)

    assert "créés : 2" in output
    assert "refusés : 0" in output
    with cooperative_context(world.coop_a.pk):
        assert list(
            Supplier.objects.order_by("name").values_list(
                "name",
                "siren",
                "address_line",
                "address_line2",
                "postal_code",
                "city",
                "country",
                "contact_name",
                "contact_email",
                "contact_phone",
            )
        ) == [
            (
                "Imprimerie du Nord",
                "",
                "12 Grand-Place",
                "",
                "7500",
                "Tournai",
                "BE",
                "Claes",
                "",
                "+32 69 00 00 00",
            ),
            (
                "Papeterie Occitane",
                "352600167",
                "4 rue des Lilas",
                "Bâtiment B",
                "31000",
                "Toulouse",
                "FR",
                "Paul Durand",
                "paul.durand@papeterie.example",
                "05 61 22 33 44",
            ),
        ]
    assert out.getvalue().splitlines() == [
        "Nom;SIREN;Numéro de TVA;Adresse;Complément d'adresse;Code postal;Ville;Pays;IBAN;BIC;"
        "E-mail;Contact;Prénom du contact;E-mail du contact;Téléphone du contact",
        # A cell a spreadsheet would run as a formula is quoted, and unquoted on import.
        "Imprimerie du Nord;;;12 Grand-Place;;7500;Tournai;BE;;;;Claes;;;'+32 69 00 00 00",
        "Papeterie Occitane;352600167;;4 rue des Lilas;Bâtiment B;31000;Toulouse;FR;"
        "FR7630004000000000001234573;BNPAFRPP;compta@papeterie.example;Paul Durand;;"
        "paul.durand@papeterie.example;05 61 22 33 44",
    ]
    assert "créés : 0" in again
    assert "mis à jour : 2 (dont 2 sans changement)" in again


def test_a_supplier_file_fills_the_address_a_supplier_lacked_and_keeps_the_rest(
    world: World, tmp_path: Path
) -> None:
    _run("suppliers", FILES / "suppliers.csv")
    path = tmp_path / "fournisseurs.csv"
    path.write_text(
        "Nom;SIREN;Ville;Code postal;Contact;IBAN\n"
        "Papeterie Occitane;352600167;Albi;81000;Inès Roux;\n",
        encoding="utf-8",
    )

    output = _run("suppliers", path)

    assert "mis à jour : 1\nrefusés : 0" in output
    with cooperative_context(world.coop_a.pk):
        assert Supplier.objects.filter(siren="352600167").values_list(
            "city", "postal_code", "contact_name", "iban", "email"
        ).get() == (
            "Albi",
            "81000",
            "Inès Roux",
            "FR7630004000000000001234573",
            "compta@papeterie.example",
        )


def test_a_supplier_row_with_a_bad_iban_refuses_the_file(world: World, tmp_path: Path) -> None:
    path = tmp_path / "fournisseurs.csv"
    path.write_text(
        "Nom;SIREN;IBAN\nBon Fournisseur;352600167;\nMauvais IBAN;;FR76 1234\n", encoding="utf-8"
    )

    output = _refused("suppliers", path)

    assert "ligne 3 : IBAN FR761234 invalide (vérifiez la clé et la longueur)." in output
    with cooperative_context(world.coop_a.pk):
        assert Supplier.objects.count() == 0


def test_the_customers_export_imports_back_as_is(
    world: World, activities: None, tmp_path: Path
) -> None:
    _run("customers", FILES / "customers.csv")
    out = StringIO()
    call_command(
        "data_export", "--cooperative=coop-a", "--kind=customers", "--format=csv", stdout=out
    )
    lines = out.getvalue().splitlines()

    assert lines[0].startswith("Code analytique;Type;Nom;Forme juridique;SIREN;SIRET")
    assert lines[1] == (
        "ACT-FER;Entreprise;Boulangerie Dupont;;552081317;55208131700018;FR03552081317;;"
        "contact@dupont.example;;12 rue Haute;;31000;Toulouse;FR;Marie Dupont;;Gérante;;"
    )
    path = tmp_path / "clients.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    again = _run("customers", path)
    assert "créés : 0" in again
    assert "refusés : 0" in again


def test_a_manager_imports_customers_from_the_page(
    world: World, activities: None, client: Client
) -> None:
    client.force_login(world.carl)
    template = client.get("/c/coop-a/imports/template/?kind=suppliers")

    response = client.post(
        "/c/coop-a/imports/",
        {
            "kind": "customers",
            "file": SimpleUploadedFile(
                "endi_clients.csv", (FILES / "endi_clients.csv").read_bytes()
            ),
            "activity_code": "ACT-FER",
        },
        follow=True,
    )

    assert template.content.decode("utf-8") == (
        "\ufeffNom;SIREN;Numéro de TVA;Adresse;Complément d'adresse;Code postal;Ville;Pays;"
        "IBAN;BIC;E-mail;Contact;Prénom du contact;E-mail du contact;Téléphone du contact\n"
    )
    assert "Import terminé." in response.text
    with cooperative_context(world.coop_a.pk):
        run = ImportRun.objects.get()
        assert (run.kind, run.created, run.refused) == ("customers", 2, 0)
        assert set(Customer.objects.values_list("activity__analytic_code", flat=True)) == {
            "ACT-FER"
        }
    client.force_login(world.charlie)
    assert client.get(f"/c/coop-a/imports/{run.pk}/").status_code == 404
    assert client.get("/c/coop-a/exports/?kind=customers").status_code == 404
