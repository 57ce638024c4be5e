"""The purchase settings page and API: the platform's token is write-only (never shown back, nor
in the audit); a beat entry syncs every cooperative's platform, one job each, idempotently."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.test import Client
from rest_framework.authtoken.models import Token

from perspectives.celery import app
from perspectives.core.secrets import decrypt, encrypt
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Job, SettingChange
from purchases.models import PurchaseSettings, SupplierInvoice
from purchases.tasks import platform_sync_for_all_cooperatives, platform_sync_task
from tests.conftest import World
from tests.helpers.fake_platform import fake_platform
from tests.purchases.conftest import COOP_A_SIREN, SECRET, Purchases
from tests.purchases.conftest import SETTINGS_URL as URL
from tests.purchases.conftest import settings_form as _form
from tests.purchases.einvoices_helpers import addressed_to


def _config(world: World) -> PurchaseSettings:
    with cooperative_context(world.coop_a.pk):
        return PurchaseSettings.objects.get()


def test_settings_page_saves_and_never_shows_the_token(
    world: World, purchases: Purchases, client: Client
) -> None:
    client.force_login(world.carl)
    saved = client.post(URL, _form())
    assert (saved.status_code, saved["Location"]) == (302, URL)
    config = _config(world)
    assert (
        config.self_validation_cap,
        config.expense_payable_account,
        config.debtor_iban,
        config.debtor_bic,
        config.sepa_version,
        config.platform_url,
        config.platform_directory_url,
        decrypt(config.platform_token),
    ) == (
        Decimal("200.00"),
        "4251",
        "FR7630004000031234567890143",
        "BNPAFRPP",  # from the IBAN, by the bank registry
        "pain.001.001.03",
        "https://pa.example/flow-service",
        "https://pa.example/directory-service",
        SECRET,
    )
    page = client.get(URL).content.decode()
    assert SECRET not in page
    assert "••••••••" in page
    # A blank token keeps the saved one; the checkbox clears it.
    client.post(URL, _form(platform_token="", self_validation_cap="250.00"))
    assert (decrypt(_config(world).platform_token), _config(world).self_validation_cap) == (
        SECRET,
        Decimal("250.00"),
    )
    client.post(URL, _form(platform_token="", platform_url="", clear_token="on"))
    assert (_config(world).platform_token, _config(world).platform_url) == ("", "")
    with cooperative_context(world.coop_a.pk):
        audit = [change.changes for change in SettingChange.objects.order_by("pk")]
    assert SECRET not in str(audit)
    assert audit[0]["platform_token"] == {"avant": "", "après": "••••••••"}
    assert audit[2]["platform_token"] == {"avant": "••••••••", "après": ""}


def test_bad_settings_are_refused_in_french_and_change_nothing(
    world: World, purchases: Purchases, client: Client
) -> None:
    before = _config(world)
    client.force_login(world.carl)
    for data, message in (
        (
            _form(debtor_iban="FR7630004000031234567890199"),
            "IBAN FR7630004000031234567890199 invalide",
        ),
        (_form(platform_url="http://pa.example/api"), "doit être en HTTPS"),
        (_form(platform_token=""), "Donnez le jeton d&#x27;accès"),
        (_form(expense_payable_account="X1"), "n&#x27;est pas un numéro de compte"),
    ):
        response = client.post(URL, data)
        assert response.status_code == 400
        assert message in response.content.decode()
    after = _config(world)
    assert (after.debtor_iban, after.platform_url, after.platform_token) == (
        before.debtor_iban,
        before.platform_url,
        before.platform_token,
    )


def test_settings_are_for_managers_and_404_elsewhere(
    world: World, purchases: Purchases, client: Client
) -> None:
    client.force_login(world.alice)
    assert client.get(URL).status_code == 403
    assert client.post("/c/coop-a/purchases/settings/sync/").status_code == 403
    client.force_login(world.charlie)
    assert client.get(URL).status_code == 404
    assert client.post(URL, _form()).status_code == 404
    assert client.post("/c/coop-a/purchases/settings/sync/").status_code == 404
    charlie = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.charlie).key}")
    assert charlie.get("/api/v1/c/coop-a/purchases/settings/").status_code == 404
    assert charlie.put("/api/v1/c/coop-a/purchases/settings/", {}).status_code == 404
    assert _config(world).platform_token == ""


def test_api_token_is_write_only(world: World, purchases: Purchases) -> None:
    carl = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.carl).key}")
    body: dict[str, Any] = {
        "self_validation_cap": "150.00",
        "receipt_required_above": "0.00",
        "expense_payable_account": "467",
        "debtor_name": "Coopérative A",
        "debtor_iban": "FR7630004000031234567890143",
        "debtor_bic": "BNPAFRPPXXX",
        "sepa_version": "pain.001.001.09",
        "platform_url": "https://pa.example/api/v1",
        "platform_token": SECRET,
    }
    saved = carl.put("/api/v1/c/coop-a/purchases/settings/", body, content_type="application/json")
    read = carl.get("/api/v1/c/coop-a/purchases/settings/")
    assert saved.status_code == 200
    assert read.json()["platform_token_set"] is True
    assert read.json()["platform_directory_url"] == ""
    assert SECRET not in saved.content.decode() + read.content.decode()
    del body["platform_token"]
    kept = carl.put("/api/v1/c/coop-a/purchases/settings/", body, content_type="application/json")
    assert (kept.status_code, decrypt(_config(world).platform_token)) == (200, SECRET)
    cleared = carl.put(
        "/api/v1/c/coop-a/purchases/settings/",
        {**body, "platform_url": "", "platform_token": ""},
        content_type="application/json",
    )
    assert cleared.json()["platform_token_set"] is False
    alice = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.alice).key}")
    assert alice.get("/api/v1/c/coop-a/purchases/settings/").status_code == 403


def test_beat_fans_out_one_sync_job_per_cooperative_once(
    world: World, purchases: Purchases
) -> None:
    beat = settings.CELERY_BEAT_SCHEDULE["purchases-platform-sync"]
    assert beat["task"] in app.tasks
    first = platform_sync_for_all_cooperatives()
    again = platform_sync_for_all_cooperatives()
    jobs = {}
    for cooperative in (world.coop_a, world.coop_b):
        with cooperative_context(cooperative.pk):
            jobs[cooperative.slug] = list(Job.objects.values_list("task", "state"))
    assert (first, again) == (2, 2)
    assert jobs == {
        "coop-a": [("purchases.tasks.platform_sync_task", "pending")],
        "coop-b": [("purchases.tasks.platform_sync_task", "pending")],
    }


def test_sync_task_receives_when_configured_and_is_idempotent(
    world: World, purchases: Purchases
) -> None:
    address = f"{COOP_A_SIREN}_{purchases.activity.pk}"
    nothing = platform_sync_task(cooperative_id=world.coop_b.pk)
    with fake_platform() as platform:
        platform.receive(
            "flow-1",
            "f.xml",
            addressed_to("CII_example1.xml", siren=COOP_A_SIREN, address=address),
        )
        with cooperative_context(world.coop_a.pk):
            PurchaseSettings.objects.update(
                platform_url=platform.flow_url,
                platform_directory_url=platform.directory_url,
                platform_token=encrypt(platform.token),
            )
        first = platform_sync_task(cooperative_id=world.coop_a.pk)
        second = platform_sync_task(cooperative_id=world.coop_a.pk)
    with cooperative_context(world.coop_a.pk):
        received = list(SupplierInvoice.objects.values_list("platform_id", "activity_id"))
    assert nothing == {"received": 0, "refused": 0, "statuses_sent": 0, "addresses_registered": 0}
    assert (first["received"], second["received"]) == (1, 0)
    assert received == [("flow-1", purchases.activity.pk)]


def test_sync_now_records_a_job_once_configured(
    world: World, purchases: Purchases, client: Client
) -> None:
    client.force_login(world.carl)
    refused = client.post("/c/coop-a/purchases/settings/sync/", follow=True)
    assert "La plateforme agréée n&#x27;est pas configurée" in refused.content.decode()
    client.post(URL, _form())
    launched = client.post("/c/coop-a/purchases/settings/sync/", follow=True)
    assert "Réception lancée" in launched.content.decode()
    with cooperative_context(world.coop_a.pk):
        tasks = list(Job.objects.values_list("task", flat=True))
    assert tasks == ["purchases.tasks.platform_sync_task"]
