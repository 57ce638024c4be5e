from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django import template
from django.utils.formats import get_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from accounting.selectors import LedgerLine

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


def amount_formatter() -> Callable[[Decimal], str]:
    """`amount` for the active language as one closure: a ledger page formats thousands of
    amounts, and number_format looks the language's formats up on every call."""
    decimal_separator = get_format("DECIMAL_SEPARATOR", use_l10n=True)
    thousands = get_format("THOUSAND_SEPARATOR", use_l10n=True)
    if get_format("NUMBER_GROUPING", use_l10n=True) != 3:
        return lambda value: number_format(value, 2, use_l10n=True, force_grouping=True)
    table = str.maketrans({",": thousands, ".": decimal_separator})
    return lambda value: f"{value:,.2f}".translate(table)


@register.simple_tag
def ledger_rows(lines: Iterable[LedgerLine], show_activity: bool = False) -> SafeString:
    """The rows of a ledger section (the cells of `_ledger_sections.html`), built in Python: a
    general ledger page shows up to 2,000 lines."""
    fmt = amount_formatter()
    rows = []
    for line in lines:
        texts = [line.date.strftime("%d/%m/%Y"), line.reference, line.piece_ref, line.label]
        if show_activity:
            texts.append(line.activity_code)
        texts.append(line.third_party)
        rows.append(
            "<tr>"
            + "".join(f"<td>{escape(text)}</td>" for text in texts)
            + f'<td class="num">{fmt(line.debit) if line.debit else ""}</td>'
            + f'<td class="num">{fmt(line.credit) if line.credit else ""}</td>'
            + f'<td class="num">{fmt(line.balance)}</td>'
            + f"<td>{escape(line.lettering)}</td></tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - every text above is escaped
