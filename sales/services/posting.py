"""The ledger entries of sales documents, posted through the accounting services.

Every line carries the document's activity, so each entry balances per activity.

- invoice: D 411 amount due / C 706, 707… (per line account) net of line discounts / D 709 the
  document-level discounts / C VAT per rate: 44571, or 44574 (pending) for services taxed on
  receipts; a final invoice deducting deposits also debits 4191 (their net) and takes their VAT
  off the VAT it credits;
- deposit invoice: D 411 / C 4191 (net) / C VAT;
- progress invoice (situation) with a retention guarantee: the retained part (its rate of the
  amount including VAT) is debited to 4117 instead of 411; its release
  (`sales.services.retention`) moves it D 411 / C 4117, no revenue, no VAT;
- credit note: the mirror of an invoice; on a situation whose retention is still withheld, the
  part it takes back of the retention (`retention_credited`) is credited to 4117, not 411;
- payment (`sales.services.payments`): D 512 / C 411, and the VAT pending moved to 44571.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from accounting.models import Account, Entry
from accounting.services import LineInput, account_create, entry_post
from perspectives.accounts.models import User
from sales.models import Document, DocumentLine, OperationCategory
from sales.services.customers import customer_third_party

ZERO = Decimal("0.00")
RECEIVABLE = "411"
DEPOSITS = "4191"
RETENTION = "4117"
DISCOUNTS = "709"
VAT_COLLECTED = "44571"
VAT_PENDING = "44574"
SALES_JOURNAL = "VT"
# Collective accounts: every line names the customer (auxiliary account).
PARTY_ACCOUNTS = frozenset({RECEIVABLE, DEPOSITS, RETENTION})
BANK_JOURNAL = "BQ"
BANK = "512"


def ensure_accounts() -> None:
    """The accounts sales need beyond the default chart (44574 and 4117 are not in every
    chart), checked in one query."""
    present = set(
        Account.objects.filter(code__in=(VAT_PENDING, RETENTION)).values_list("code", flat=True)
    )
    if VAT_PENDING not in present:
        account_create(code=VAT_PENDING, label="TVA collectée en attente d'encaissement")
    if RETENTION not in present:
        account_create(
            code=RETENTION, label="Clients – retenues de garantie", requires_third_party=True
        )


def revenue_account(line: DocumentLine, document: Document) -> str:
    if line.account:
        return line.account
    if document.type_code == Document.InvoiceKind.DEPOSIT:
        return DEPOSITS
    return "707" if document.category == OperationCategory.GOODS else "706"


def vat_account(document: Document) -> str:
    return VAT_PENDING if document.vat_on_receipts else VAT_COLLECTED


def _amounts(document: Document) -> dict[tuple[str, bool], Decimal]:
    """Signed amounts per (account, with third party): debit positive, for an invoice."""
    from sales.services.documents import document_totals

    amounts: dict[tuple[str, bool], Decimal] = defaultdict(lambda: ZERO)
    lines = [line for line in document.lines.all() if line.kind == DocumentLine.Kind.ITEM]
    for line in lines:
        account = revenue_account(line, document)
        amounts[(account, account in PARTY_ACCOUNTS)] -= line.net_amount
    totals = document_totals(document, lines)
    if totals.allowance_total:
        amounts[(DISCOUNTS, False)] += totals.allowance_total
    vat = totals.vat_total
    if document.prepaid_total and document.quote_id:
        from sales.services.quotes import deposits_to_deduct

        deposits = deposits_to_deduct(quote_id=document.quote_id, exclude_id=document.pk)
        amounts[(DEPOSITS, True)] += sum((d.total_without_vat for d in deposits), ZERO)
        vat -= sum((d.vat_total for d in deposits), ZERO)
    amounts[(vat_account(document), False)] -= vat
    retained = document.retention_amount + document.retention_credited
    amounts[(RECEIVABLE, True)] += document.amount_due - retained
    amounts[(RETENTION, True)] += retained
    return amounts


def document_post(*, document: Document, number: str, user: User | None) -> Entry:
    """Post `document` (about to be validated as `number`) to the sales journal."""
    ensure_accounts()
    third_party = customer_third_party(customer=document.customer)
    sign = -1 if document.kind == Document.Kind.CREDIT_NOTE else 1
    label = f"{number} {document.customer.name}"[:200]
    lines = []
    for (account, with_party), amount in sorted(_amounts(document).items()):
        amount *= sign
        if not amount:
            continue
        lines.append(
            LineInput(
                account,
                debit=amount if amount > 0 else ZERO,
                credit=-amount if amount < 0 else ZERO,
                activity=document.activity_id,
                third_party=third_party if with_party else None,
                label=label,
            )
        )
    return entry_post(
        journal=SALES_JOURNAL,
        date=document.issue_date,  # type: ignore[arg-type]
        label=label,
        lines=lines,
        piece_ref=number,
        piece_date=document.issue_date,
        source="sales",
        user=user,
        idempotency_key=f"sales-document-{document.pk}",
    )


def payment_lines(
    *, document: Document, amount: Decimal, vat_released: Decimal, label: str
) -> list[LineInput]:
    third_party = customer_third_party(customer=document.customer)
    lines = [
        LineInput(BANK, debit=amount, activity=document.activity_id, label=label),
        LineInput(
            RECEIVABLE,
            credit=amount,
            activity=document.activity_id,
            third_party=third_party,
            label=label,
        ),
    ]
    if vat_released:
        lines += [
            LineInput(VAT_PENDING, debit=vat_released, activity=document.activity_id, label=label),
            LineInput(
                VAT_COLLECTED, credit=vat_released, activity=document.activity_id, label=label
            ),
        ]
    return lines


def payment_label(document: Document) -> str:
    return _("Encaissement %(number)s %(customer)s") % {
        "number": document.number,
        "customer": document.customer.name,
    }
