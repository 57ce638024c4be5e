"""Demo data of the accounting app, called by `seed_demo` inside each demo cooperative."""

from __future__ import annotations

import random

from perspectives.tenancy.models import Cooperative


def seed(*, cooperative: Cooperative, rng: random.Random) -> dict[str, int]:
    """Create this app's demo rows in the active cooperative (idempotent); returns counts."""
    return {}
