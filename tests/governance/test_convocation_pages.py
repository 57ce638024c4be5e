"""The convocation record on the pages and in the API: the register's consent to e-mail
convocation, the letters posted with their numbers, the notices of receipt, the remote
session's means, a consultation's later deadline, the admission of an employee without a vote;
each refused to another cooperative with a 404 and to non-managers with a 403."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from governance.models import Assembly, Associate, ConvocationDispatch
from governance.services import assembly_convene, assembly_create, resolution_add
from governance.services.convocation import convocation_letters_render
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.factories.governance import AdmissionApplicationFactory, AssociateFactory
from tests.governance.conftest import statutes_signed

PAGES = "/c/{slug}/governance/"
API = "/api/v1/c/{slug}/governance/"


def _convened(world: World) -> tuple[Assembly, list[ConvocationDispatch]]:
    """Coop A (SCOP SARL, remote participation admitted): Alice and two associates without
    consent, a hybrid assembly in 20 days, convened now, its letters rendered."""
    with cooperative_context(world.coop_a.pk):
        statutes_signed(preset="scop_sarl")
        AssociateFactory.create(
            cooperative=world.coop_a, user=world.alice, full_name="Alice Arnaud"
        )
        for name in ("Bruno Bès", "Chloé Coll"):
            AssociateFactory.create(
                cooperative=world.coop_a, full_name=name, postal_address=f"{name}\nPerpignan"
            )
        assembly = assembly_create(
            title="AGO 2026",
            kind="ordinary",
            mode="hybrid",
            scheduled_at=timezone.now() + dt.timedelta(days=20),
        )
        resolution_add(assembly=assembly, title="Comptes", text="Approbation des comptes.")
        assembly = assembly_convene(assembly=assembly)
        assembly = convocation_letters_render(assembly_id=assembly.pk)
        dispatches = list(ConvocationDispatch.objects.order_by("entry__full_name"))
    return assembly, dispatches


def test_manager_downloads_the_letters_records_them_and_the_receipts(
    world: World, client: Client
) -> None:
    assembly, dispatches = _convened(world)
    url = PAGES.format(slug="coop-a") + f"assemblies/{assembly.pk}/"
    client.force_login(world.carl)
    page = client.get(url)
    pdf = client.get(url + "letters/")
    today = timezone.localdate().isoformat()
    posted = client.post(
        url + "letters/posted/",
        {"posted_on": today, **{f"number_{d.pk}": f"1A{d.pk:011d}" for d in dispatches}},
        follow=True,
    )
    received = client.post(
        url + "receipts/", {"dispatch": dispatches[1].pk, "received_on": today}, follow=True
    )
    session = client.post(
        url + "remote-session/",
        {"means": "Visioconférence", "voice": "on", "continuous": "on"},
        follow=True,
    )

    assert "Alice Arnaud : lettre recommandée pas encore postée." in page.text
    assert "Télécharger les lettres à envoyer en recommandé (PDF)" in page.text
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert "3 lettre(s) recommandée(s) consignée(s)." in posted.text
    assert "Chaque associé·e est convoqué·e par un moyen admis, dans le délai." in posted.text
    assert "Réception consignée." in received.text
    assert "Séance à distance enregistrée : la présence en ligne compte." in session.text
    with cooperative_context(world.coop_a.pk):
        rows = list(
            ConvocationDispatch.objects.order_by("entry__full_name").values_list(
                "registered_number", "received_on"
            )
        )
        assert Assembly.objects.get(pk=assembly.pk).remote_session_valid is True
    assert rows == [
        (f"1A{dispatches[0].pk:011d}", None),
        (f"1A{dispatches[1].pk:011d}", timezone.localdate()),
        (f"1A{dispatches[2].pk:011d}", None),
    ]


def test_the_convocation_api_lists_and_records(world: World, client: Client) -> None:
    assembly, dispatches = _convened(world)
    url = API.format(slug="coop-a") + f"assemblies/{assembly.pk}/"
    client.force_login(world.carl)
    before = client.get(url + "convocations/")
    today = timezone.localdate().isoformat()
    posted = client.post(
        url + "convocations/letters/",
        {
            "posted_on": today,
            "letters": [
                {"dispatch_id": d.pk, "registered_number": f"1A{d.pk:011d}"} for d in dispatches
            ],
        },
        content_type="application/json",
    )
    again = client.post(
        url + "convocations/letters/",
        {
            "posted_on": today,
            "letters": [{"dispatch_id": dispatches[0].pk, "registered_number": "X"}],
        },
        content_type="application/json",
    )
    receipt = client.post(
        url + f"convocations/{dispatches[0].pk}/receipt/",
        {"received_on": today},
        content_type="application/json",
    )
    session = client.post(
        url + "remote-session/",
        {"means": "Téléphone", "voice": True, "continuous": False},
        content_type="application/json",
    )

    assert before.status_code == 200
    assert [d["channel"] for d in before.json()["dispatches"]] == ["registered_letter"] * 3
    assert before.json()["letters_ready"] is True
    assert len(before.json()["problems"]) == 3
    assert (posted.status_code, posted.json()["problems"]) == (200, [])
    assert again.status_code == 400
    assert "la convocation est déjà partie" in again.text
    assert receipt.json()["dispatches"][0]["received_on"] == today
    assert (session.status_code, session.json()["remote_session_valid"]) == (200, False)


def test_register_records_the_consent_on_the_page_and_in_the_api(
    world: World, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        statutes_signed(preset="scop_sarl")
        alice = AssociateFactory.create(
            cooperative=world.coop_a, user=world.alice, full_name="Alice"
        )
        bruno = AssociateFactory.create(cooperative=world.coop_a, full_name="Bruno")
    client.force_login(world.carl)
    prefix = f"a{alice.pk}"
    alice_on = timezone.localdate() - dt.timedelta(days=40)
    bruno_on = timezone.localdate() - dt.timedelta(days=10)
    refused = client.post(
        PAGES.format(slug="coop-a") + f"register/{alice.pk}/convocation/",
        {f"{prefix}-consent_on": alice_on.isoformat(), f"{prefix}-consent_address": "a@a.example"},
        follow=True,
    )
    saved = client.post(
        PAGES.format(slug="coop-a") + f"register/{alice.pk}/convocation/",
        {
            f"{prefix}-postal_address": "3 rue Arago\n66000 Perpignan",
            f"{prefix}-consent_on": alice_on.isoformat(),
            f"{prefix}-consent_how": "registered_letter",
            f"{prefix}-consent_address": "alice.convocations@a.example",
        },
        follow=True,
    )
    api = client.post(
        API.format(slug="coop-a") + f"associates/{bruno.pk}/convocation/",
        {
            "postal_address": "Bruno\nPerpignan",
            "consent_on": bruno_on.isoformat(),
            "consent_how": "electronic",
            "consent_address": "bruno@example.org",
        },
        content_type="application/json",
    )
    listed = client.get(API.format(slug="coop-a") + "associates/")

    assert "Indiquez comment l&#x27;accord écrit a été donné" in refused.text
    assert "Convocations de Alice enregistrées." in saved.text
    assert f"Par e-mail à alice.convocations@a.example (accord du {alice_on:%d/%m/%Y}" in saved.text
    assert (api.status_code, api.json()["email_consent_how"]) == (200, "electronic")
    assert {r["full_name"]: r["email_consent_on"] for r in listed.json()["results"]} == {
        "Alice": alice_on.isoformat(),
        "Bruno": bruno_on.isoformat(),
    }
    with cooperative_context(world.coop_a.pk):
        assert Associate.objects.get(pk=alice.pk).postal_address == "3 rue Arago\n66000 Perpignan"


def test_other_cooperatives_and_non_managers_get_nothing(world: World, client: Client) -> None:
    assembly, dispatches = _convened(world)
    with cooperative_context(world.coop_a.pk):
        alice = Associate.objects.get(user=world.alice)
        application = AdmissionApplicationFactory.create(cooperative=world.coop_a)
    a = f"assemblies/{assembly.pk}/"
    page_posts = [
        (a + "letters/", {}),
        (a + "letters/posted/", {"posted_on": "2026-01-01"}),
        (a + "receipts/", {"dispatch": dispatches[0].pk, "received_on": "2026-01-01"}),
        (a + "remote-session/", {"means": "Visio", "voice": "on", "continuous": "on"}),
        (a + "deadline/", {"deadline": "2030-01-01T12:00"}),
        (f"register/{alice.pk}/convocation/", {}),
        (f"admissions/{application.pk}/automatic/", {"decided_on": "2026-01-01"}),
    ]
    api_posts = [
        (a + "convocations/letters/", {"posted_on": "2026-01-01", "letters": []}),
        (a + f"convocations/{dispatches[0].pk}/receipt/", {"received_on": "2026-01-01"}),
        (a + "remote-session/", {"means": "Visio", "voice": True, "continuous": True}),
        (a + "deadline/", {"deadline": "2030-01-01T12:00:00Z"}),
        (f"associates/{alice.pk}/convocation/", {"consent_on": None}),
        (f"admissions/{application.pk}/automatic/", {"decided_on": "2026-01-01"}),
    ]
    client.force_login(world.charlie)
    for slug in ("coop-a", "coop-b"):
        assert client.get(PAGES.format(slug=slug) + a + "letters/").status_code == 404
        assert client.get(API.format(slug=slug) + a + "convocations/").status_code == 404
        for path, data in page_posts:
            assert client.post(PAGES.format(slug=slug) + path, data).status_code == 404, path
        for path, data in api_posts:
            response = client.post(
                API.format(slug=slug) + path, data, content_type="application/json"
            )
            assert response.status_code == 404, path
    client.force_login(world.alice)
    assert client.get(PAGES.format(slug="coop-a") + a + "letters/").status_code == 403
    assert client.get(API.format(slug="coop-a") + a + "convocations/").status_code == 403
    for path, data in page_posts:
        assert client.post(PAGES.format(slug="coop-a") + path, data).status_code == 403, path
    with cooperative_context(world.coop_a.pk):
        assert not ConvocationDispatch.objects.exclude(posted_on=None).exists()
        assert Assembly.objects.get(pk=assembly.pk).remote_recorded_at is None
        assert Associate.objects.get(pk=alice.pk).postal_address == ""
