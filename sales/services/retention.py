"""The release of a situation's retention guarantee (retenue de garantie, loi 71-584).

A situation withholds its quote's retention rate of its amount including VAT: posted to 4117
(customer, retention) instead of 411 and left out of what the customer owes now. One year after
the acceptance of the works (réception), or earlier when a manager decides, the release moves it
back: D 411 / C 4117 for the customer, no revenue and no VAT; the customer then owes it like any
receivable (payments, receivables by age, reminders). With VAT on receipts, its VAT stays in
44574 until that amount is paid. A credit note on the situation before the release takes back
its share of the retention on 4117 (`Document.retention_credited`); the release moves what is
left.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting.services import LineInput, entry_post
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from sales.models import Document, RetentionRelease
from sales.services.customers import customer_third_party
from sales.services.payments import letter_retention, retention_held
from sales.services.posting import RECEIVABLE, RETENTION

MISCELLANEOUS_JOURNAL = "OD"


def retention_release_date(works_accepted_on: dt.date) -> dt.date:
    """One year after the acceptance of the works (28 February for a 29 February)."""
    try:
        return works_accepted_on.replace(year=works_accepted_on.year + 1)
    except ValueError:
        return works_accepted_on.replace(year=works_accepted_on.year + 1, day=28)


@transaction.atomic
def retention_release(
    *,
    invoice: Document,
    works_accepted_on: dt.date,
    date: dt.date | None = None,
    early_allowed: bool = False,
    user: User | None = None,
) -> RetentionRelease:
    """Release the retention withheld by the validated situation `invoice`: D 411 / C 4117.

    Before one year after `works_accepted_on` only when `early_allowed` (the cooperative's
    managers decide it)."""
    invoice = (
        Document.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=invoice.pk)
    )
    if invoice.status != Document.Status.VALIDATED or not invoice.retention_amount:
        raise ApplicationError(_("Cette facture n'a pas de retenue de garantie à libérer."))
    if RetentionRelease.objects.filter(invoice=invoice).exists():
        raise ApplicationError(_("La retenue de garantie de cette facture est déjà libérée."))
    amount = retention_held(invoice=invoice)
    if not amount:
        raise ApplicationError(
            _("Les avoirs ont repris toute la retenue de garantie : il n'y a rien à libérer.")
        )
    day = date or timezone.localdate()
    if works_accepted_on > day:
        raise ApplicationError(_("La réception des travaux ne peut pas être postérieure."))
    if invoice.issue_date and works_accepted_on < invoice.issue_date:
        raise ApplicationError(
            _("La réception des travaux est postérieure à la facture (le %(date)s).")
            % {"date": invoice.issue_date.strftime("%d/%m/%Y")}
        )
    due = retention_release_date(works_accepted_on)
    if day < due and not early_allowed:
        raise ApplicationError(
            _(
                "La retenue se libère un an après la réception des travaux, le %(date)s ; "
                "avant, seul un gestionnaire de la coopérative peut la libérer."
            )
            % {"date": due.strftime("%d/%m/%Y")}
        )
    third_party = customer_third_party(customer=invoice.customer)
    label = (
        _("Libération de retenue %(number)s %(customer)s")
        % {"number": invoice.number, "customer": invoice.customer.name}
    )[:200]
    entry = entry_post(
        journal=MISCELLANEOUS_JOURNAL,
        date=day,
        label=label,
        lines=[
            LineInput(
                RECEIVABLE,
                debit=amount,
                activity=invoice.activity_id,
                third_party=third_party,
                label=label,
            ),
            LineInput(
                RETENTION,
                credit=amount,
                activity=invoice.activity_id,
                third_party=third_party,
                label=label,
            ),
        ],
        piece_ref=invoice.number,
        piece_date=day,
        source="sales",
        user=user,
        idempotency_key=f"sales-retention-{invoice.pk}",
    )
    release: RetentionRelease = RetentionRelease.objects.create(
        cooperative_id=require_cooperative_id(),
        invoice=invoice,
        works_accepted_on=works_accepted_on,
        date=day,
        amount=amount,
        entry=entry,
        created_by=user,
    )
    letter_retention(invoice=invoice, date=day)
    return release
