"""Factories of the payroll app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from perspectives.tenancy.models import Cooperative

TENANT_FACTORIES: dict[type, Callable[[Cooperative], Any]] = {}
