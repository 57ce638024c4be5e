"""A cooperative A with Alice's activity, a supplier and the purchase settings, for the
purchases tests (the `world` personas: alice entrepreneur, bob support, carl manager, charlie
of cooperative B)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounting.models import Entry, EntryLine
from entrepreneurs.models import Activity, Entrepreneur
from perspectives.tenancy.context import cooperative_context
from purchases import services
from purchases.models import PurchaseSettings, Supplier
from tests.conftest import World
from tests.factories.entrepreneurs import ActivityFactory, ActivityMemberFactory

COOP_A_SIREN = "732829320"  # a valid SIREN (Luhn)


@dataclass
class Purchases:
    alice: Entrepreneur
    activity: Activity
    other_activity: Activity
    supplier: Supplier
    b_activity: Activity


def entry_lines(entry: Entry) -> list[tuple[str, str, Decimal, Decimal]]:
    """(account, activity code, debit, credit) of an entry, in line order."""
    return [
        (
            line.account.code,
            line.activity.analytic_code if line.activity else "",
            line.debit,
            line.credit,
        )
        for line in EntryLine.objects.filter(entry=entry)
        .select_related("account", "activity")
        .order_by("line_no")
    ]


@pytest.fixture
def purchases(world: World) -> Purchases:
    world.coop_a.siren = COOP_A_SIREN
    world.coop_a.save(update_fields=["siren"])
    with cooperative_context(world.coop_a.pk):
        alice = Entrepreneur.objects.get(user=world.alice)
        alice.iban = "FR1420041010050500013M02606"
        alice.save(update_fields=["iban"])
        activity = ActivityFactory.create(
            sector=alice.sector, analytic_code="ALICE", name="Atelier Alice"
        )
        ActivityMemberFactory.create(activity=activity, entrepreneur=alice)
        other = ActivityFactory.create(
            sector=alice.sector, analytic_code="OTHER", name="Autre activité"
        )
        supplier = services.supplier_create(
            name="Papeterie du Roussillon",
            siren="552100554",
            vat_number="FR96552100554",
            iban="FR7630006000011234567890189",
        )
        PurchaseSettings.objects.update_or_create(
            cooperative=world.coop_a,
            defaults={
                "debtor_name": "Coopérative A",
                "debtor_iban": "FR7630004000031234567890143",
                "debtor_bic": "BNPAFRPPXXX",
                "self_validation_cap": Decimal("150.00"),
                "receipt_required_above": Decimal("0.00"),
            },
        )
    with cooperative_context(world.coop_b.pk):
        dora = Entrepreneur.objects.get(last_name="Dumas")
        b_activity = ActivityFactory.create(sector=dora.sector, analytic_code="DORA")
        ActivityMemberFactory.create(activity=b_activity, entrepreneur=dora)
    return Purchases(
        alice=alice,
        activity=activity,
        other_activity=other,
        supplier=supplier,
        b_activity=b_activity,
    )


# The purchase settings form as a manager fills it (the platform's token included).
SECRET = "pa-secret-7f3a9c2e5b"
SETTINGS_URL = "/c/coop-a/purchases/settings/"


def settings_form(**extra: str) -> dict[str, str]:
    data = {
        "self_validation_cap": "200.00",
        "receipt_required_above": "15.00",
        "expense_payable_account": "4251",
        "debtor_name": "Coopérative A",
        "debtor_iban": "FR76 3000 4000 0312 3456 7890 143",
        "debtor_bic": "",
        "sepa_version": "pain.001.001.03",
        "platform_url": "https://pa.example/flow-service",
        "platform_directory_url": "https://pa.example/directory-service/",
        "platform_token": SECRET,
    }
    data.update(extra)
    return data
