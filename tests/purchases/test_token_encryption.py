"""The platform's token encrypted at rest: never in clear in the database, still given in clear
to the connector, a French reason when the keys no longer open it, keys rotated, and the
migration that encrypts the tokens saved before."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.db import connection
from django.test import Client, override_settings

from perspectives.core.secrets import SecretUnreadable, decrypt, encrypt, is_encrypted, key_derive
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.jobs import JOB_KWARG
from perspectives.tenancy.models import Job
from purchases.models import PurchaseSettings, SupplierInvoice
from purchases.tasks import platform_sync_task
from tests.conftest import World
from tests.helpers.fake_platform import fake_platform
from tests.purchases.conftest import COOP_A_SIREN, SECRET, Purchases
from tests.purchases.conftest import SETTINGS_URL as URL
from tests.purchases.conftest import settings_form as _form
from tests.purchases.einvoices_helpers import addressed_to

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
migration = importlib.import_module("purchases.migrations.0007_platform_token_encrypted")


def _stored(world: World) -> str:
    """The column as the database holds it, read without the ORM."""
    with cooperative_context(world.coop_a.pk), connection.cursor() as cursor:
        cursor.execute("SELECT platform_token FROM purchases_purchasesettings")
        rows = cursor.fetchall()
    assert len(rows) == 1
    return str(rows[0][0])


def test_the_column_never_holds_the_token_in_clear(
    world: World, purchases: Purchases, client: Client
) -> None:
    client.force_login(world.carl)
    assert client.post(URL, _form()).status_code == 302
    stored = _stored(world)
    assert SECRET not in stored
    assert (is_encrypted(stored), decrypt(stored)) == (True, SECRET)
    # Saving the same token again makes a new ciphertext, still never the clear token.
    client.post(URL, _form(self_validation_cap="300.00"))
    assert (decrypt(_stored(world)), SECRET in _stored(world)) == (SECRET, False)


def test_a_token_saved_from_the_page_reaches_the_platform(
    world: World, purchases: Purchases, client: Client
) -> None:
    address = f"{COOP_A_SIREN}_{purchases.activity.pk}"
    client.force_login(world.carl)
    with fake_platform() as platform:
        platform.receive(
            "flow-1",
            "f.xml",
            addressed_to("CII_example1.xml", siren=COOP_A_SIREN, address=address),
        )
        saved = client.post(
            URL,
            _form(
                platform_url=platform.flow_url,
                platform_directory_url=platform.directory_url,
                platform_token=platform.token,
            ),
        )
        assert saved.status_code == 302
        assert platform.token not in _stored(world)
        result = platform_sync_task(cooperative_id=world.coop_a.pk)
    with cooperative_context(world.coop_a.pk):
        received = list(SupplierInvoice.objects.values_list("platform_id", "activity_id"))
    assert result["received"] == 1
    assert received == [("flow-1", purchases.activity.pk)]


def test_a_key_that_no_longer_opens_the_token_gives_a_french_reason(
    world: World, purchases: Purchases, client: Client
) -> None:
    client.force_login(world.carl)
    client.post(URL, _form())
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        page = client.get(URL)
        with cooperative_context(world.coop_a.pk):
            job = Job.objects.create(
                cooperative_id=world.coop_a.pk, task="purchases.tasks.platform_sync_task"
            )
        outcome = platform_sync_task.apply(
            kwargs={"cooperative_id": world.coop_a.pk, JOB_KWARG: job.pk}
        )
        # Entering the token again works and is encrypted with the current key.
        replaced = client.post(URL, _form(platform_token="pa-new-token"))
        assert decrypt(_stored(world)) == "pa-new-token"
    assert page.status_code == 200
    assert "Le jeton d&#x27;accès enregistré ne peut pas être déchiffré" in page.content.decode()
    assert outcome.failed()
    with cooperative_context(world.coop_a.pk):
        job.refresh_from_db()
    assert (job.state, job.error) == (
        Job.State.FAILED,
        "Le jeton d'accès enregistré ne peut pas être déchiffré : la clé de chiffrement "
        "(FIELD_ENCRYPTION_KEYS) a changé sans garder l'ancienne. Saisissez de nouveau le jeton "
        "que la plateforme vous a remis.",
    )
    assert replaced.status_code == 302


def test_an_old_key_still_decrypts_and_the_first_one_encrypts() -> None:
    old_ciphertext = encrypt(SECRET, keys=[OLD_KEY])
    assert decrypt(old_ciphertext, keys=[NEW_KEY, OLD_KEY]) == SECRET
    new_ciphertext = encrypt(SECRET, keys=[NEW_KEY, OLD_KEY])
    assert decrypt(new_ciphertext, keys=[NEW_KEY]) == SECRET
    with pytest.raises(SecretUnreadable):
        decrypt(new_ciphertext, keys=[OLD_KEY])
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert decrypt(old_ciphertext) == SECRET


def test_the_development_key_is_derived_from_the_secret_key() -> None:
    derived = key_derive("devstack-insecure-secret-key-for-tests-only")
    assert derived == key_derive("devstack-insecure-secret-key-for-tests-only")
    assert derived != key_derive("another-secret-key")
    assert decrypt(encrypt(SECRET, keys=[derived]), keys=[derived]) == SECRET
    assert (is_encrypted(SECRET), is_encrypted(""), is_encrypted("gAAAAA!")) == (
        False,
        False,
        False,
    )


def test_the_migration_encrypts_plain_tokens_and_decrypts_them_backwards(
    world: World, purchases: Purchases
) -> None:
    with cooperative_context(world.coop_a.pk):
        PurchaseSettings.objects.update(platform_token=SECRET)
    with cooperative_context(world.coop_b.pk):
        PurchaseSettings.objects.update_or_create(
            cooperative=world.coop_b, defaults={"platform_token": encrypt("coop-b-token")}
        )
        coop_b_before = PurchaseSettings.objects.get().platform_token
    editor = SimpleNamespace(connection=connection)
    migration.forwards(apps, editor)
    forward = _stored(world)
    migration.forwards(apps, editor)  # a second run leaves encrypted tokens as they are
    assert (SECRET in forward, decrypt(forward), _stored(world)) == (False, SECRET, forward)
    with cooperative_context(world.coop_b.pk):
        assert PurchaseSettings.objects.get().platform_token == coop_b_before
    migration.backwards(apps, editor)
    with cooperative_context(world.coop_b.pk):
        coop_b_after = PurchaseSettings.objects.get().platform_token
    assert (_stored(world), coop_b_after) == (SECRET, "coop-b-token")
