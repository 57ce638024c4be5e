"""Writes of the entrepreneurs app, by sub-domain."""

from __future__ import annotations

from entrepreneurs.services.path import (
    associate_deadline,
    entrepreneur_become_associate,
    path_step_record,
)
from entrepreneurs.services.people import (
    DEFAULT_SECTORS,
    entrepreneur_create,
    entrepreneur_update,
    sector_seed_defaults,
)

__all__ = [
    "DEFAULT_SECTORS",
    "associate_deadline",
    "entrepreneur_become_associate",
    "entrepreneur_create",
    "entrepreneur_update",
    "path_step_record",
    "sector_seed_defaults",
]
