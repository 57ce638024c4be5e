"""Figures written for people, the same way in messages, e-mails and PDFs."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format


def euros(value: Decimal, *, decimals: int = 2) -> str:
    """« 17 522,00 € » in French: grouped thousands, a non-breaking space before the sign."""
    return f"{number_format(value, decimal_pos=decimals, force_grouping=True)}\u00a0€"
