from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    """2 decimals, grouped, in the active language ("1 234,56" in French); blank for zero."""
    if value is None or value == 0:
        return ""
    return number_format(value, 2, use_l10n=True, force_grouping=True)


@register.filter
def amount(value: Decimal | None) -> str:
    """Like `money`, but zero shows as 0,00."""
    return number_format(value or Decimal(0), 2, use_l10n=True, force_grouping=True)
