"""Models of the governance app (filled by its issue)."""

from __future__ import annotations
