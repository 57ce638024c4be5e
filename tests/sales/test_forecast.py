"""The dashboard's projection reads accepted quotes, less what their invoices already billed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sales import selectors, services
from tests.sales.conftest import DAY, Sales


def test_accepted_quotes_feed_the_forecast_until_invoiced(sales: Sales) -> None:
    later = sales.invoice(kind="quote", delivery_date=DAY + dt.timedelta(days=40))
    past = sales.invoice(kind="quote", delivery_date=DAY - dt.timedelta(days=5))
    refused = sales.invoice(kind="quote")
    for quote, accepted in ((later, True), (past, True), (refused, False)):
        services.quote_answer(quote=services.quote_send(quote=quote, date=DAY), accepted=accepted)
    sales.invoice(kind="quote")  # a draft: not in the forecast

    def forecast() -> list[tuple[dt.date, Decimal, int]]:
        return selectors.accepted_quotes_forecast(activity_ids=[sales.activity.pk], today=DAY)

    assert forecast() == [
        (dt.date(2026, 4, 1), Decimal("1000.00"), 100),
        (dt.date(2026, 4, 19), Decimal("1000.00"), 100),
    ]
    deposit = services.quote_invoice(quote=later, mode="deposit", percent="30")
    assert forecast()[1] == (dt.date(2026, 4, 19), Decimal("1000.00"), 100)  # a draft bills nothing
    services.invoice_validate(document=deposit, date=DAY)
    assert forecast()[1] == (dt.date(2026, 4, 19), Decimal("700.00"), 100)
    services.invoice_validate(document=services.quote_invoice(quote=later, mode="whole"), date=DAY)
    assert forecast() == [(dt.date(2026, 4, 1), Decimal("1000.00"), 100)]
