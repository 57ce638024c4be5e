"""Models of the accounting app (filled by its issue)."""

from __future__ import annotations
