"""Dunning: overdue invoices reminded by e-mail at the cooperative's steps (the last one a formal
notice), each reminder recorded once, none once the invoice is paid."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils.html import escape

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from sales import services
from sales.models import Document, DocumentEmail, SalesSettings
from sales.selectors import overdue_invoices
from sales.tasks import document_email_send_task, invoices_remind_task
from tests.conftest import World, travel_to
from tests.sales.conftest import API, DAY, PAGES, Sales, Shop, shop  # noqa: F401 (fixture)

DUE = DAY + dt.timedelta(days=30)  # 2026-04-09


def _invoice(sales: Sales) -> Document:
    sales.customer.email = "compta@durand.example"
    sales.customer.save()
    return services.invoice_validate(document=sales.invoice(), date=DAY, render=False)


def _send_all(sales: Sales) -> None:
    for email in DocumentEmail.objects.filter(state=DocumentEmail.State.PENDING):
        document_email_send_task(cooperative_id=sales.cooperative.pk, email_id=email.pk)


def _on(days_late: int) -> dt.date:
    return DUE + dt.timedelta(days=days_late)


def test_a_reminder_at_d_plus_7_then_a_formal_notice_at_d_plus_30(sales: Sales) -> None:
    invoice = _invoice(sales)

    assert services.invoices_remind(today=_on(6)) == []
    first = services.invoices_remind(today=_on(7))
    assert services.invoices_remind(today=_on(8)) == []  # the next morning: already reminded
    _send_all(sales)
    second = services.invoices_remind(today=_on(30))
    _send_all(sales)

    assert [(e.document_id, e.kind, e.step) for e in first + second] == [
        (invoice.pk, "reminder", 7),
        (invoice.pk, "reminder", 30),
    ]
    reminder, notice = mail.outbox
    assert reminder.subject == "Relance : facture F2026-00001 échue le 09/04/2026"
    assert "Sauf erreur de notre part, la facture F2026-00001" in reminder.body
    assert "reste à régler pour 1\u00a0200,00 €" in reminder.body
    assert reminder.attachments[0][0] == "F2026-00001.pdf"
    assert notice.subject == "Mise en demeure de payer : facture F2026-00001"
    assert "nous vous mettons en demeure de la régler sous huit jours" in notice.body
    assert "au taux de 12.15 % l'an" in notice.body or "au taux de 12,15 % l'an" in notice.body
    assert "L'indemnité forfaitaire de 40 € pour frais de recouvrement" in notice.body
    assert list(DocumentEmail.objects.values_list("state", flat=True)) == ["sent", "sent"]


def test_a_late_first_run_sends_only_the_latest_step(sales: Sales) -> None:
    _invoice(sales)
    reminders = services.invoices_remind(today=_on(45))
    assert [e.step for e in reminders] == [30]
    assert services.invoices_remind(today=_on(46)) == []


def test_a_paid_invoice_is_not_reminded_and_a_queued_reminder_is_cancelled(sales: Sales) -> None:
    invoice = _invoice(sales)
    services.payment_record(invoice=invoice, amount="200.00", date=DAY)
    [row] = overdue_invoices(steps=[7, 30], today=_on(7))
    assert (row.outstanding, row.days_overdue, row.next_step) == (
        services.invoice_outstanding(invoice=invoice),
        7,
        7,
    )
    [queued] = services.invoices_remind(today=_on(7))
    services.payment_record(invoice=invoice, amount="1000.00", date=_on(7))

    _send_all(sales)

    queued.refresh_from_db()
    assert (queued.state, queued.error, queued.sent_at) == (
        "cancelled",
        "Facture réglée avant l'envoi.",
        None,
    )
    assert mail.outbox == []
    assert overdue_invoices(steps=[7, 30], today=_on(30)) == []
    assert services.invoices_remind(today=_on(30)) == []


def test_a_reminder_by_hand_covers_the_steps_before_it(sales: Sales) -> None:
    invoice = _invoice(sales)
    with travel_to("2026-04-19"):  # ten days late
        manual = services.invoice_remind(invoice=invoice, message="Un appel reste possible.")
        with pytest.raises(ApplicationError, match="déjà été relancée aujourd'hui"):
            services.invoice_remind(invoice=invoice)
    assert (manual.step, manual.subject) == (
        10,
        "Relance : facture F2026-00001 échue le 09/04/2026",
    )
    assert services.invoices_remind(today=_on(12)) == []
    assert [e.step for e in services.invoices_remind(today=_on(30))] == [30]
    with travel_to("2026-04-01"), pytest.raises(ApplicationError, match="pas encore échue"):
        services.invoice_remind(invoice=invoice)
    assert DocumentEmail.objects.count() == 2


def test_no_steps_no_automatic_reminder_and_bad_steps_are_refused(sales: Sales) -> None:
    _invoice(sales)
    assert services.reminder_steps_set(text="30; 7 ,15").reminder_days == "7,15,30"
    for text, message in (
        ("sept", "illisibles"),
        ("0, 7", "au plus tôt le lendemain"),
        ("1,2,3,4,5,6,7", "Au plus 6 étapes"),
    ):
        with pytest.raises(ApplicationError, match=message):
            services.reminder_steps_set(text=text)
    assert SalesSettings.objects.get().reminder_days == "7,15,30"
    services.reminder_steps_set(text="")
    assert invoices_remind_task(cooperative_id=sales.cooperative.pk) == 0
    assert services.invoices_remind(today=_on(60)) == []


def test_the_reminders_page_and_api(
    shop: Shop,  # noqa: F811 (fixture)
    world: World,
    client: Client,
) -> None:
    with cooperative_context(world.coop_a.pk):
        shop.my_customer.email = "compta@durand.example"
        shop.my_customer.save()
    with travel_to("2026-04-20"):  # both invoices are due 2026-04-09: eleven days late
        client.force_login(world.alice)
        page = client.get(PAGES + "reminders/")
        assert [(r.invoice.pk, r.days_overdue, r.next_step) for r in page.context["rows"]] == [
            (shop.my_invoice.pk, 11, 7)
        ]
        assert page.context["can_set_steps"] is False
        done = client.post(
            PAGES + f"documents/{shop.my_invoice.pk}/action/", {"action": "remind"}, follow=True
        )
        assert escape("Relance en cours d'envoi, avec la facture.") in done.text
        again = client.post(
            API + f"documents/{shop.my_invoice.pk}/reminders/", {}, content_type="application/json"
        )
        assert again.status_code == 400
        assert "déjà été relancée aujourd'hui" in str(again.json())
        listed = client.get(API + "reminders/").json()
        assert [(r["number"], r["last_step"], r["next_step"]) for r in listed] == [
            ("F2026-00001", 11, None)
        ]
        assert client.get(API + "reminders/steps/").json() == {"steps": [7, 30]}
        refused = client.put(
            API + "reminders/steps/", {"steps": [15]}, content_type="application/json"
        )
        assert refused.status_code == 403
        assert client.post(PAGES + "reminders/steps/", {"steps": "15"}).status_code == 403
        # Another entrepreneur's invoice: 404, nothing recorded.
        other = shop.other_invoice.pk
        assert client.post(API + f"documents/{other}/reminders/", {}).status_code == 404
        assert (
            client.post(PAGES + f"documents/{other}/action/", {"action": "remind"}).status_code
            == 404
        )

    with travel_to("2026-04-20"):
        client.force_login(world.carl)
        page = client.get(PAGES + "reminders/")
        assert [r.invoice.pk for r in page.context["rows"]] == [
            shop.my_invoice.pk,
            shop.other_invoice.pk,
        ]
        client.post(PAGES + "reminders/steps/", {"steps": "10, 45"})
        assert client.put(
            API + "reminders/steps/", {"steps": [45, 10, 20]}, content_type="application/json"
        ).json() == {"steps": [10, 20, 45]}

    client.force_login(world.charlie)
    for slug in ("coop-a", "coop-b"):
        for path in (
            f"/c/{slug}/sales/documents/{shop.my_invoice.pk}/action/",
            f"/api/v1/c/{slug}/sales/documents/{shop.my_invoice.pk}/reminders/",
        ):
            assert client.post(path, {"action": "remind"}).status_code == 404, path
    assert client.get("/api/v1/c/coop-b/sales/reminders/").json() == []
    assert client.get("/c/coop-a/sales/reminders/").status_code == 404
    with cooperative_context(world.coop_a.pk):
        assert list(DocumentEmail.objects.values_list("document_id", "step")) == [
            (shop.my_invoice.pk, 11)
        ]
        assert SalesSettings.objects.get().reminder_days == "10,20,45"
