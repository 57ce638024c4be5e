"""A platform that issues its tokens (OAuth2 client credentials): the connector obtains a token
from the platform's token endpoint, keeps it (encrypted, per cooperative) until shortly before
it expires, obtains a new one once when the platform answers 401; a wrong secret reads in French
and changes nothing. The client secret is write-only on the page and in the API, and never in
the audit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token

from perspectives.core.exceptions import ApplicationError
from perspectives.core.secrets import decrypt, encrypt
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import SettingChange
from purchases import services
from purchases.models import PurchaseSettings, SupplierInvoice
from purchases.platform import AfnorPlatformConnector, ClientCredentials
from tests.conftest import World
from tests.helpers.fake_platform import FakePlatform, fake_platform
from tests.purchases.conftest import COOP_A_SIREN, Purchases
from tests.purchases.conftest import SETTINGS_URL as URL
from tests.purchases.conftest import settings_form as _form
from tests.purchases.einvoices_helpers import addressed_to

CLIENT_SECRET = "oauth-client-secret-51c0e"
API = "/api/v1/c/coop-a/purchases/settings/"


def _key(platform: FakePlatform) -> str:
    # The fake platform's port makes it unique to the test: the cache may be shared.
    return f"purchases:platform-token:test:{platform.url}"


def _connector(platform: FakePlatform, secret: str) -> AfnorPlatformConnector:
    key = _key(platform)
    cache.delete(key)
    return AfnorPlatformConnector(
        flow_url=platform.flow_url,
        directory_url=platform.directory_url,
        credentials=ClientCredentials(
            token_url=platform.token_url,
            client_id=platform.client_id,
            client_secret=secret,
            cache_key=key,
        ),
    )


def _connect(world: World, platform: FakePlatform, secret: str) -> None:
    with cooperative_context(world.coop_a.pk):
        PurchaseSettings.objects.filter().update(
            platform_url=platform.flow_url,
            platform_directory_url=platform.directory_url,
            platform_token="",
            platform_token_url=platform.token_url,
            platform_client_id=platform.client_id,
            platform_client_secret=encrypt(secret),
        )


def test_a_token_is_obtained_once_and_kept_until_it_expires() -> None:
    with fake_platform() as platform:
        platform.client_secret = CLIENT_SECRET
        connector = _connector(platform, CLIENT_SECRET)
        list(connector.fetch_received())
        list(connector.fetch_received())
        cached = cache.get(_key(platform))
    assert platform.tokens_granted == 1
    assert platform.requests == [
        "POST /oauth/token",
        "POST /flow-service/v1/flows/search",
        "POST /flow-service/v1/flows/search",
    ]
    # Kept encrypted, never in clear.
    assert cached != "oauth-token-1"
    assert decrypt(cached) == "oauth-token-1"


def test_a_token_refused_early_is_renewed_once() -> None:
    with fake_platform() as platform:
        connector = _connector(platform, platform.client_secret)
        list(connector.fetch_received())
        platform.token = "revoked-by-the-platform"
        list(connector.fetch_received())
        requests_after_renewal = list(platform.requests)
        platform.token_lifetime = 10  # shorter than the margin: not kept
        cache.delete(_key(platform))
        list(connector.fetch_received())
        list(connector.fetch_received())
    assert requests_after_renewal == [
        "POST /oauth/token",
        "POST /flow-service/v1/flows/search",
        "POST /flow-service/v1/flows/search",
        "POST /oauth/token",
        "POST /flow-service/v1/flows/search",
    ]
    assert platform.tokens_granted == 4


def test_a_wrong_secret_reads_in_french_and_nothing_changes(
    world: World, purchases: Purchases
) -> None:
    with fake_platform() as platform:
        platform.receive(
            "flow-1",
            "f.xml",
            addressed_to("CII_example1.xml", siren=COOP_A_SIREN, address=COOP_A_SIREN),
        )
        _connect(world, platform, "not-the-secret")
        with cooperative_context(world.coop_a.pk):
            with pytest.raises(ApplicationError) as raised:
                services.platform_sync()
            count = SupplierInvoice.objects.count()
    assert raised.value.message == (
        "La plateforme a refusé l'identifiant client ou le secret OAuth2 (invalid_client) : "
        "vérifiez-les dans les réglages des achats."
    )
    assert (count, platform.tokens_granted, platform.directory) == (0, 0, [])


def test_the_sync_goes_through_oauth(world: World, purchases: Purchases) -> None:
    with fake_platform() as platform:
        platform.receive(
            "flow-1",
            "f.xml",
            addressed_to("CII_example1.xml", siren=COOP_A_SIREN, address=COOP_A_SIREN),
        )
        _connect(world, platform, "client-secret")
        with cooperative_context(world.coop_a.pk):
            services.platform_sync()
            numbers = list(SupplierInvoice.objects.values_list("number", flat=True))
    assert numbers == ["12115118"]
    assert platform.tokens_granted == 1
    assert platform.requests[0] == "POST /oauth/token"


def test_the_page_saves_the_client_credentials_and_never_shows_the_secret(
    world: World, purchases: Purchases, client: Client
) -> None:
    client.force_login(world.carl)
    oauth = {
        "platform_token": "",
        "platform_token_url": "https://pa.example/oauth/token",
        "platform_client_id": "coop-a",
        "platform_client_secret": CLIENT_SECRET,
    }
    saved = client.post(URL, _form(**oauth))
    incomplete = client.post(URL, _form(**{**oauth, "platform_client_id": ""}))
    with cooperative_context(world.coop_a.pk):
        config = PurchaseSettings.objects.get()
        audit = [change.changes for change in SettingChange.objects.order_by("pk")]
        configured = services.platform_configured()
    page = client.get(URL).content.decode()
    assert saved.status_code == 302
    assert (config.platform_token_url, config.platform_client_id, config.platform_token) == (
        "https://pa.example/oauth/token",
        "coop-a",
        "",
    )
    assert decrypt(config.platform_client_secret) == CLIENT_SECRET
    assert configured is True
    assert CLIENT_SECRET not in page
    assert CLIENT_SECRET not in str(audit)
    assert audit[0]["platform_client_secret"] == {"avant": "", "après": "••••••••"}
    assert incomplete.status_code == 400
    assert (
        "Pour OAuth2, donnez l&#x27;adresse d&#x27;obtention des jetons, l&#x27;identifiant "
        "client et le secret client, ou aucun des trois."
    ) in incomplete.content.decode()


def test_the_api_secret_is_write_only(world: World, purchases: Purchases) -> None:
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
        "platform_token_url": "https://pa.example/oauth/token",
        "platform_client_id": "coop-a",
        "platform_client_secret": CLIENT_SECRET,
    }
    saved = carl.put(API, body, content_type="application/json")
    read = carl.get(API)
    del body["platform_client_secret"]
    kept = carl.put(API, body, content_type="application/json")
    with cooperative_context(world.coop_a.pk):
        kept_secret = decrypt(PurchaseSettings.objects.get().platform_client_secret)
    cleared = carl.put(
        API,
        {
            **body,
            "platform_url": "",
            "platform_token_url": "",
            "platform_client_id": "",
            "platform_client_secret": "",
        },
        content_type="application/json",
    )
    charlie = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.charlie).key}")
    assert saved.status_code == 200
    assert {
        key: read.json()[key]
        for key in ("platform_token_url", "platform_client_id", "platform_client_secret_set")
    } == {
        "platform_token_url": "https://pa.example/oauth/token",
        "platform_client_id": "coop-a",
        "platform_client_secret_set": True,
    }
    assert CLIENT_SECRET not in saved.content.decode() + read.content.decode()
    assert (kept.status_code, kept_secret) == (200, CLIENT_SECRET)
    assert cleared.json()["platform_client_secret_set"] is False
    assert charlie.put(API, body, content_type="application/json").status_code == 404
