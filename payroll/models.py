"""Models of the payroll app (filled by its issue)."""

from __future__ import annotations
