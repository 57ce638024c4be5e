"""Quotes and invoices e-mailed with their PDF: recorded on the document (date, recipient), sent
by a worker once, a failure kept with its error and sent again on request."""

from __future__ import annotations

import datetime as dt
import smtplib
from unittest import mock

import facturx
import pytest
from django.core import mail
from django.test import Client
from django.utils.html import escape

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Job
from sales import services
from sales.models import DocumentEmail
from sales.tasks import document_email_send_task
from tests.conftest import World, travel_to
from tests.sales.conftest import API, DAY, PAGES, Sales, Shop, shop  # noqa: F401 (fixture)

EMAIL_TASK = "sales.tasks.document_email_send_task"


def _send(sales: Sales, email: DocumentEmail) -> None:
    document_email_send_task(cooperative_id=sales.cooperative.pk, email_id=email.pk)


def test_a_validated_invoice_is_e_mailed_with_its_factur_x_pdf(sales: Sales) -> None:
    sales.customer.email = "compta@durand.example"
    sales.customer.save()
    invoice = services.invoice_validate(document=sales.invoice(), date=DAY, render=False)

    email = services.document_email_request(document=invoice, message="Merci de votre confiance.")

    job = Job.objects.get(task=EMAIL_TASK)
    assert (job.kwargs, job.state) == ({"email_id": email.pk}, Job.State.PENDING)
    assert (email.recipient, email.state, email.sent_at) == (
        "compta@durand.example",
        DocumentEmail.State.PENDING,
        None,
    )
    with travel_to("2026-03-10T10:30"):
        _send(sales, email)
        _send(sales, email)  # delivered twice by the broker: sent once
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["compta@durand.example"]
    assert message.subject == "Facture F2026-00001 – Graphisme"
    assert "d'un montant de 1\u00a0200,00 € TTC à payer" in message.body
    assert "Échéance : 09/04/2026." in message.body
    assert "Merci de votre confiance." in message.body
    assert message.reply_to == []
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == ("F2026-00001.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    assert facturx.get_xml_from_pdf(content, check_xsd=False)[0] == "factur-x.xml"
    email.refresh_from_db()
    assert email.state == DocumentEmail.State.SENT
    assert email.sent_at is not None
    assert email.sent_at.date() == dt.date(2026, 3, 10)
    assert email.message_id == message.extra_headers["Message-ID"]


def test_a_sent_quote_is_e_mailed_with_its_acceptance_link(sales: Sales) -> None:
    quote = services.quote_send(quote=sales.invoice(kind="quote"), date=DAY)

    email = services.document_email_request(document=quote, recipient="achats@durand.example")
    _send(sales, email)

    [message] = mail.outbox
    assert message.subject == f"Devis {quote.number} – Graphisme"
    assert "Veuillez trouver ci-joint notre devis DE2026-00001" in message.body
    assert "/quotes/" in message.body
    assert message.attachments[0][0] == "DE2026-00001.pdf"


def test_a_draft_or_a_bad_address_is_refused_and_nothing_recorded(sales: Sales) -> None:
    draft = sales.invoice()
    with pytest.raises(ApplicationError, match="Un brouillon ne s'envoie pas"):
        services.document_email_request(document=draft, recipient="a@b.example")
    invoice = services.invoice_validate(document=draft, date=DAY, render=False)
    with pytest.raises(ApplicationError, match="le client n'a pas de courriel"):
        services.document_email_request(document=invoice)
    with pytest.raises(ApplicationError, match="« pas-une-adresse » n'est pas une adresse"):
        services.document_email_request(document=invoice, recipient="pas-une-adresse")
    assert DocumentEmail.objects.count() == 0
    assert Job.objects.filter(task=EMAIL_TASK).count() == 0


def test_a_failed_send_keeps_its_error_and_is_sent_again_on_request(sales: Sales) -> None:
    invoice = services.invoice_validate(document=sales.invoice(), date=DAY, render=False)
    email = services.document_email_request(document=invoice, recipient="compta@durand.example")
    refused = smtplib.SMTPRecipientsRefused({"compta@durand.example": (550, b"No such user")})

    with mock.patch("django.core.mail.EmailMessage.send", side_effect=refused):
        _send(sales, email)

    email.refresh_from_db()
    assert (email.state, email.sent_at) == (DocumentEmail.State.FAILED, None)
    assert "No such user" in email.error
    assert mail.outbox == []
    with pytest.raises(ApplicationError, match="Seul un envoi en échec se relance"):
        services.document_email_retry(
            email=DocumentEmail.objects.create(
                cooperative=sales.cooperative,
                document=invoice,
                recipient="x@y.example",
                subject="x",
                state=DocumentEmail.State.SENT,
                sent_at=email.requested_at,
            )
        )

    services.document_email_retry(email=email)
    email.refresh_from_db()
    assert (email.state, email.error) == (DocumentEmail.State.PENDING, "")
    _send(sales, email)
    email.refresh_from_db()
    assert email.state == DocumentEmail.State.SENT
    assert [m.to for m in mail.outbox] == [["compta@durand.example"]]


def test_the_page_and_the_api_send_and_show_the_e_mails(
    shop: Shop,  # noqa: F811 (fixture)
    world: World,
    client: Client,
) -> None:
    client.force_login(world.alice)
    invoice = shop.my_invoice

    response = client.post(
        PAGES + f"documents/{invoice.pk}/email/",
        {"recipient": "compta@durand.example", "message": "Bonne réception."},
        follow=True,
    )
    assert escape("E-mail à compta@durand.example en cours d'envoi, avec le PDF.") in response.text
    api = client.post(
        API + f"documents/{invoice.pk}/emails/",
        {"recipient": "direction@durand.example"},
        content_type="application/json",
    )
    assert api.status_code == 202
    assert (api.json()["recipient"], api.json()["state"]) == ("direction@durand.example", "pending")
    bad = client.post(
        API + f"documents/{invoice.pk}/emails/",
        {"recipient": "pas-une-adresse"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    listed = client.get(API + f"documents/{invoice.pk}/emails/").json()
    assert [e["recipient"] for e in listed] == ["compta@durand.example", "direction@durand.example"]
    page = client.get(PAGES + f"documents/{invoice.pk}/")
    assert [e.recipient for e in page.context["emails"]] == [
        "compta@durand.example",
        "direction@durand.example",
    ]

    # Another entrepreneur's invoice, and another cooperative: 404, nothing recorded.
    other = shop.other_invoice
    assert client.post(PAGES + f"documents/{other.pk}/email/", {}).status_code == 404
    assert client.get(API + f"documents/{other.pk}/emails/").status_code == 404
    assert (
        client.post(
            API + f"documents/{other.pk}/emails/retry/",
            {"email": 1},
            content_type="application/json",
        ).status_code
        == 404
    )
    client.force_login(world.charlie)
    for path in (
        f"/c/coop-b/sales/documents/{invoice.pk}/email/",
        f"/api/v1/c/coop-b/sales/documents/{invoice.pk}/emails/",
        f"/api/v1/c/coop-a/sales/documents/{invoice.pk}/emails/",
    ):
        assert client.post(path, {"recipient": "x@y.example"}).status_code == 404, path
    with cooperative_context(world.coop_a.pk):
        assert DocumentEmail.objects.count() == 2


def test_a_failed_e_mail_is_retried_from_the_page_and_the_api(
    shop: Shop,  # noqa: F811 (fixture)
    world: World,
    client: Client,
) -> None:
    with cooperative_context(world.coop_a.pk):
        failed = [
            DocumentEmail.objects.create(
                cooperative=world.coop_a,
                document=shop.my_invoice,
                recipient="compta@durand.example",
                subject="Facture",
                state=DocumentEmail.State.FAILED,
                error="Connection refused",
            )
            for _ in range(2)
        ]
    client.force_login(world.alice)
    response = client.post(
        PAGES + f"documents/{shop.my_invoice.pk}/action/",
        {"action": "email_retry", "email": failed[0].pk},
        follow=True,
    )
    assert escape("E-mail remis dans la file d'envoi.") in response.text
    api = client.post(
        API + f"documents/{shop.my_invoice.pk}/emails/retry/",
        {"email": failed[1].pk},
        content_type="application/json",
    )
    assert (api.status_code, api.json()["state"]) == (202, "pending")
    with cooperative_context(world.coop_a.pk):
        states = list(DocumentEmail.objects.order_by("pk").values_list("state", flat=True))
        assert states == ["pending", "pending"]
        assert Job.objects.filter(task=EMAIL_TASK).count() == 2
