"""The quote's signed link: the customer answers without an account; name, time, IP and the
PDF's SHA-256 are kept; a forged or altered link is a 404."""

from __future__ import annotations

from django.test import Client

from perspectives.tenancy.context import cooperative_context
from sales import services
from sales.models import Document, DocumentFile, QuoteAcceptance
from sales.services.acceptance import quote_link_path
from tests.sales.conftest import DAY, Sales


def test_the_customer_accepts_through_the_link(sales: Sales) -> None:
    quote = services.quote_send(quote=sales.invoice(kind="quote"), date=DAY)
    path = quote_link_path(quote=quote)
    customer = Client()

    page = customer.get(path)
    assert page.status_code == 200
    assert "1\u00a0200,00\u00a0€" in page.content.decode()
    response = customer.post(path, {"answer": "accept", "name": "Jeanne Durand, gérante"})
    assert response.status_code == 302

    with cooperative_context(sales.cooperative.pk):
        quote.refresh_from_db()
        answer = QuoteAcceptance.objects.get(quote=quote)
        assert quote.status == Document.Status.ACCEPTED
        assert (answer.accepted, answer.name, answer.ip_address) == (
            True,
            "Jeanne Durand, gérante",
            "127.0.0.1",
        )
        assert answer.pdf_sha256 == DocumentFile.objects.get(document=quote).sha256
        assert len(answer.pdf_sha256) == 64
    again = customer.post(path, {"answer": "refuse", "name": "Quelqu'un"}, follow=True)
    assert "Seul un devis envoyé" in again.content.decode()
    with cooperative_context(sales.cooperative.pk):
        assert QuoteAcceptance.objects.count() == 1
        quote.refresh_from_db()
        assert quote.status == Document.Status.ACCEPTED


def test_a_forged_or_altered_link_is_a_404(sales: Sales) -> None:
    quote = services.quote_send(quote=sales.invoice(kind="quote"), date=DAY)
    path = quote_link_path(quote=quote)
    customer = Client()
    assert customer.get("/quotes/not-a-token/").status_code == 404
    altered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    assert customer.get(altered).status_code == 404
    assert customer.post(altered, {"answer": "accept", "name": "X"}).status_code == 404
    with cooperative_context(sales.cooperative.pk):
        quote.refresh_from_db()
        assert quote.status == Document.Status.SENT
