from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.accounting.conftest import Ledger, build_ledger
from tests.factories import CooperativeFactory

FILES = Path(__file__).parent / "files"


def sample(name: str) -> bytes:
    return (FILES / name).read_bytes()


@pytest.fixture
def ledger(db: None) -> Iterator[Ledger]:
    from perspectives.tenancy.context import cooperative_context

    cooperative = CooperativeFactory.create(slug="coop-bank")
    with cooperative_context(cooperative.pk):
        yield build_ledger(cooperative)
