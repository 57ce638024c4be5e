"""The ledger's fast row rendering writes what the template filters would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import number_format

from accounting.selectors import LedgerLine
from accounting.templatetags.ledger import amount_formatter, ledger_rows

VALUES = ["0.00", "0.05", "-0.05", "7.10", "999.99", "1000.00", "-1234.56", "1234567.89"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_amount_formatter_writes_what_number_format_writes(language: str) -> None:
    with translation.override(language):
        fmt = amount_formatter()
        for value in map(Decimal, VALUES):
            assert fmt(value) == number_format(value, 2, use_l10n=True, force_grouping=True)


def test_ledger_rows_are_the_cells_the_template_wrote() -> None:
    line = LedgerLine(
        line_id=1,
        date=dt.date(2025, 3, 7),
        journal="VT",
        reference="VT000012",
        piece_ref="F-<12>",
        label="Café & croissants",
        account_code="411",
        activity_code="ALICE",
        third_party="CLIENT",
        debit=Decimal("1234.50"),
        credit=Decimal("0.00"),
        balance=Decimal("-20.00"),
        lettering="",
    )
    reference = Template(
        "{% load ledger %}{% for l in lines %}<tr><td>{{ l.date|date:'d/m/Y' }}</td>"
        "<td>{{ l.reference }}</td><td>{{ l.piece_ref }}</td><td>{{ l.label }}</td>"
        "<td>{{ l.activity_code }}</td><td>{{ l.third_party }}</td>"
        '<td class="num">{{ l.debit|money }}</td><td class="num">{{ l.credit|money }}</td>'
        '<td class="num">{{ l.balance|amount }}</td><td>{{ l.lettering }}</td></tr>'
        "{% endfor %}"
    )
    with translation.override("fr"):
        expected = reference.render(Context({"lines": [line]}))
        assert ledger_rows([line], show_activity=True) == expected
    assert "F-&lt;12&gt;" in expected
    assert "Café &amp; croissants" in expected
    assert '<td class="num">1\xa0234,50</td><td class="num"></td><td class="num">-20,00</td>' in (
        expected
    )
