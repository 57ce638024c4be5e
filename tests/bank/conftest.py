from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from accounting.models import Entry
from bank import services
from bank.demo import CamtEntry, camt053_document
from bank.models import BankAccount
from perspectives.accounts.models import User
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Role
from tests.accounting.conftest import Ledger, build_ledger
from tests.conftest import World, activate_totp
from tests.factories import CooperativeFactory, MembershipFactory, UserFactory
from tests.factories.bank import IBANS

FILES = Path(__file__).parent / "files"


def sample(name: str) -> bytes:
    return (FILES / name).read_bytes()


def march_statement(iban: str, *entries: CamtEntry, opening: str = "1000.00") -> bytes:
    """A camt.053 statement of March 2025 holding `entries`."""
    return camt053_document(
        iban=iban,
        start=dt.date(2025, 3, 1),
        end=dt.date(2025, 3, 31),
        opening=Decimal(opening),
        entries=list(entries),
        statement_id=f"MARS-{iban[-4:]}",
    )


def entry_rows(entry: Entry | None) -> list[tuple[str, Decimal, Decimal, str | None]]:
    """(account, debit, credit, activity code) of each line of the entry, in order."""
    assert entry is not None
    return list(
        entry.lines.order_by("line_no").values_list(
            "account__code", "debit", "credit", "activity__analytic_code"
        )
    )


@pytest.fixture
def ledger(db: None) -> Iterator[Ledger]:
    from perspectives.tenancy.context import cooperative_context

    cooperative = CooperativeFactory.create(slug="coop-bank")
    with cooperative_context(cooperative.pk):
        yield build_ledger(cooperative)


@pytest.fixture
def accountant(world: World) -> User:
    """An accountant of cooperative A (with two-factor login, as the role requires)."""
    user = UserFactory.create(email="nadia@a.example")
    activate_totp(user)
    MembershipFactory.create(cooperative=world.coop_a, user=user, roles=[Role.ACCOUNTANT])
    return user


@pytest.fixture
def account(world: World) -> BankAccount:
    """Cooperative A's ledger and its bank account (modules on the `ledger` fixture have their
    own)."""
    with cooperative_context(world.coop_a.pk):
        build_ledger(world.coop_a)
        return services.bank_account_create(iban=IBANS[0], name="Crédit Agricole")
