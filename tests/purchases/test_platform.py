"""The connector to the accredited platform, against a local server implementing its API:
received invoices land on the right activity, refusals and statuses go back, routing
addresses are registered, nothing is received twice."""

from __future__ import annotations

import pytest

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from purchases import services
from purchases.models import PurchaseSettings, SupplierInvoice
from tests.conftest import World
from tests.purchases.conftest import COOP_A_SIREN, Purchases
from tests.purchases.einvoices_helpers import addressed_to, example, facturx
from tests.purchases.fake_platform import FakePlatform, fake_platform


def _connect(world: World, platform: FakePlatform, token: str | None = None) -> None:
    with cooperative_context(world.coop_a.pk):
        PurchaseSettings.objects.filter().update(
            platform_url=platform.url, platform_token=token or platform.token
        )


def test_sync_receives_routes_refuses_and_answers(world: World, purchases: Purchases) -> None:
    alice_address = f"{COOP_A_SIREN}_{purchases.activity.pk}"
    with fake_platform() as platform:
        platform.inbox = [
            (
                "flow-1",
                "facture.pdf",
                facturx(
                    addressed_to("CII_example1.xml", siren=COOP_A_SIREN, address=alice_address)
                ),
            ),
            (
                "flow-2",
                "facture.xml",
                addressed_to(
                    "ubl-tc434-example1.xml", siren=COOP_A_SIREN, address=COOP_A_SIREN
                ).replace(b"12115118", b"12115119"),
            ),
            ("flow-3", "autre.xml", example("CII_example1.xml")),
        ]
        _connect(world, platform)
        with cooperative_context(world.coop_a.pk):
            report = services.platform_sync()
            invoices = {
                i.platform_id: (i.format, i.activity_id, i.status)
                for i in SupplierInvoice.objects.all()
            }
            again = services.platform_sync()
            flow_1 = SupplierInvoice.objects.get(platform_id="flow-1")
            services.supplier_invoice_validate(invoice=flow_1, membership=world.bob_membership)
            services.supplier_invoice_refuse(
                invoice=SupplierInvoice.objects.get(platform_id="flow-2"), reason="Non commandé"
            )
            last = services.platform_sync()
        statuses = platform.statuses
        directory = platform.directory
    assert invoices == {
        "flow-1": ("facturx", purchases.activity.pk, "draft"),
        "flow-2": ("ubl", None, "draft"),
    }
    assert (len(report.received), report.statuses_sent, report.addresses_registered) == (2, 2, 3)
    assert report.refused == [
        (
            "flow-3",
            "Facture refusée : l'acheteur (ODIN 59) n'est pas la coopérative (SIREN 732829320).",
        )
    ]
    assert (again.received, again.refused, again.statuses_sent, again.addresses_registered) == (
        [],
        [],
        0,
        0,
    )
    assert last.statuses_sent == 2
    assert [(flow, code) for flow, code, _reason in statuses] == [
        ("flow-3", "210"),
        ("flow-1", "204"),
        ("flow-2", "204"),
        ("flow-1", "205"),
        ("flow-2", "210"),
    ]
    assert statuses[-1][2] == "Non commandé"
    assert sorted(line["routing_address"] for line in directory) == sorted(
        [
            COOP_A_SIREN,
            alice_address,
            f"{COOP_A_SIREN}_{purchases.other_activity.pk}",
        ]
    )
    assert {line["scheme"] for line in directory} == {"0225"}


def test_a_wrong_token_is_a_clear_error_and_nothing_changes(
    world: World, purchases: Purchases
) -> None:
    with fake_platform() as platform:
        platform.inbox = [("flow-1", "f.xml", example("CII_example1.xml"))]
        _connect(world, platform, token="wrong")
        with cooperative_context(world.coop_a.pk):
            with pytest.raises(ApplicationError, match="La plateforme a répondu 401"):
                services.platform_sync()
            count = SupplierInvoice.objects.count()
    assert count == 0


def test_unconfigured_platform(world: World, purchases: Purchases) -> None:
    with (
        cooperative_context(world.coop_a.pk),
        pytest.raises(ApplicationError, match="n'est pas configurée"),
    ):
        services.platform_sync()
