"""Dunning: overdue invoices are e-mailed reminders at the steps the cooperative sets (days past
the due date, "7,30": a reminder at D+7, a formal notice at D+30, the last step).

Every morning `invoices_remind` sends, for each overdue invoice still owing money, the latest
step it has reached, unless a reminder at that step or later was already made (by hand too): a
step is never sent after a later one, and each reminder is recorded once (unique per invoice
and step). An invoice settled before the worker sends its reminder is not reminded (the e-mail
is cancelled); one whose customer has no e-mail address is listed for a phone call.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from sales.models import Document, DocumentEmail, SalesSettings
from sales.selectors import overdue_invoices
from sales.services.customers import settings_get, settings_update
from sales.services.emails import document_email_request

STEPS_RE = re.compile(r"^\d{1,3}(,\d{1,3})*$")
MAX_STEPS = 6


def reminder_steps(settings: SalesSettings | None = None) -> list[int]:
    """The cooperative's steps, in days past the due date, ascending."""
    text = (settings or settings_get()).reminder_days
    return sorted({int(part) for part in text.split(",") if part.strip()})


@transaction.atomic
def reminder_steps_set(*, text: str) -> SalesSettings:
    """Set the steps from "7, 30" (days past the due date); "" stops automatic reminders."""
    cleaned = re.sub(r"[\s;]+", ",", (text or "").strip()).strip(",")
    cleaned = re.sub(r",+", ",", cleaned)
    if cleaned and not STEPS_RE.match(cleaned):
        raise ApplicationError(
            _("Étapes de relance illisibles : des nombres de jours séparés par des virgules.")
        )
    steps = sorted({int(part) for part in cleaned.split(",") if part})
    if any(step < 1 for step in steps):
        raise ApplicationError(_("Une relance part au plus tôt le lendemain de l'échéance (J+1)."))
    if len(steps) > MAX_STEPS:
        raise ApplicationError(_("Au plus %(n)s étapes de relance.") % {"n": MAX_STEPS})
    return settings_update(reminder_days=",".join(str(step) for step in steps))


def is_formal_notice(*, step: int | None, steps: list[int]) -> bool:
    """The last step (or a reminder made by hand past it) is the formal notice."""
    return step is not None and bool(steps) and step >= steps[-1]


def _subject(invoice: Document, formal_notice: bool) -> str:
    if formal_notice:
        return _("Mise en demeure de payer : facture %(number)s") % {"number": invoice.number}
    return _("Relance : facture %(number)s échue le %(date)s") % {
        "number": invoice.number,
        "date": invoice.due_date.strftime("%d/%m/%Y") if invoice.due_date else "",
    }


def _remind(
    invoice: Document,
    *,
    step: int,
    steps: list[int],
    user: User | None,
    recipient: str = "",
    message: str = "",
) -> DocumentEmail | None:
    """One reminder at `step`; None when one at that step exists already (a concurrent run)."""
    try:
        with transaction.atomic():
            return document_email_request(
                document=invoice,
                kind=DocumentEmail.Kind.REMINDER,
                step=step,
                recipient=recipient,
                subject=_subject(invoice, is_formal_notice(step=step, steps=steps)),
                message=message,
                user=user,
            )
    except IntegrityError:
        return None


def invoices_remind(*, today: dt.date | None = None) -> list[DocumentEmail]:
    """The daily run for the active cooperative: each overdue invoice whose step has come, and
    whose customer has an e-mail address, gets its reminder (sent by a worker)."""
    steps = reminder_steps()
    if not steps:
        return []
    sent = []
    for row in overdue_invoices(today=today, steps=steps):
        if row.next_step is None or not row.invoice.customer.email:
            continue
        email = _remind(row.invoice, step=row.next_step, steps=steps, user=None)
        if email is not None:
            sent.append(email)
    return sent


def invoice_remind(
    *, invoice: Document, recipient: str = "", message: str = "", user: User | None = None
) -> DocumentEmail:
    """A reminder made by hand now, recorded at the invoice's days past due (the automatic run
    then skips the steps it covers)."""
    from sales.services.payments import invoice_outstanding

    if invoice.kind != Document.Kind.INVOICE or invoice.status != Document.Status.VALIDATED:
        raise ApplicationError(_("Seule une facture validée se relance."))
    today = timezone.localdate()
    if invoice.due_date is None or invoice.due_date >= today:
        raise ApplicationError(_("Cette facture n'est pas encore échue."))
    if invoice_outstanding(invoice=invoice) <= 0:
        raise ApplicationError(_("Cette facture est réglée : rien à relancer."))
    email = _remind(
        invoice,
        step=(today - invoice.due_date).days,
        steps=reminder_steps(),
        user=user,
        recipient=recipient,
        message=message,
    )
    if email is None:
        raise ApplicationError(_("Cette facture a déjà été relancée aujourd'hui."))
    return email
