"""Reads of the bank app. Every object is fetched through the active cooperative's scoped
manager: another cooperative's id answers the same 404 as a missing one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from accounting.models import Entry, EntryLine
from bank.importers import csvfile
from bank.importers.base import ImportRefused, ParsedLine
from bank.models import BankAccount, BankLine, EntryAttachment, EntryTemplate, Statement
from perspectives.core.exceptions import ApplicationError

# `scope`: None for the whole cooperative, else the activities of a support member's portfolio
# (bank/permissions.py): only the bank accounts dedicated to one of them are in it.
Scope = frozenset[int] | None


def _scoped_accounts(scope: Scope) -> QuerySet[BankAccount]:
    accounts = BankAccount.objects.all()
    if scope is not None:
        accounts = accounts.filter(activity_id__in=scope)
    return accounts


def bank_account_list(*, scope: Scope = None) -> QuerySet[BankAccount]:
    return (
        _scoped_accounts(scope)
        .select_related("account", "journal", "activity")
        .annotate(open_lines=Count("lines", filter=Q(lines__state=BankLine.State.OPEN)))
    )


def bank_account_get(*, bank_account_id: int, scope: Scope = None) -> BankAccount:
    account = (
        _scoped_accounts(scope)
        .select_related("account", "journal", "activity")
        .filter(pk=bank_account_id)
    )
    found = account.first()
    if found is None:
        raise Http404
    return found


def bank_account_by_iban(*, iban: str) -> BankAccount:
    from bank.services.accounts import iban_clean

    found = BankAccount.objects.filter(iban=iban_clean(iban)).first()
    if found is None:
        raise ApplicationError(f"Aucun compte bancaire n'a l'IBAN {iban_clean(iban)}.")
    return found


def statement_list(*, bank_account: BankAccount | None = None) -> QuerySet[Statement]:
    statements = Statement.objects.select_related("bank_account")
    if bank_account is not None:
        statements = statements.filter(bank_account=bank_account)
    return statements


def statement_get(*, statement_id: int, scope: Scope = None) -> Statement:
    found = (
        Statement.objects.select_related("bank_account")
        .filter(pk=statement_id, bank_account__in=_scoped_accounts(scope))
        .first()
    )
    if found is None:
        raise Http404
    return found


def bank_line_list(
    *,
    bank_account: BankAccount | None = None,
    statement: Statement | None = None,
    state: str | None = None,
) -> QuerySet[BankLine]:
    lines = BankLine.objects.all()
    if bank_account is not None:
        lines = lines.filter(bank_account=bank_account)
    if statement is not None:
        lines = lines.filter(statement=statement)
    if state:
        lines = lines.filter(state=state)
    return lines.order_by("booking_date", "pk")


def bank_line_get(*, line_id: int, scope: Scope = None) -> BankLine:
    found = (
        BankLine.objects.select_related("bank_account", "statement")
        .filter(pk=line_id, bank_account__in=_scoped_accounts(scope))
        .first()
    )
    if found is None:
        raise Http404
    return found


def ledger_balance(*, bank_account: BankAccount, as_of: dt.date) -> Decimal:
    """The ledger's balance of the account's 512x at the end of `as_of` (validated entries)."""
    total = EntryLine.objects.filter(
        account_id=bank_account.account_id,
        date__lte=as_of,
        entry__status=Entry.Status.VALIDATED,
    ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (total["debit"] or Decimal("0.00")) - (total["credit"] or Decimal("0.00"))


@dataclass(frozen=True)
class BalanceCheck:
    """At a statement's end date: the bank's closing balance against the ledger's 512x."""

    statement: Statement
    ledger: Decimal

    @property
    def difference(self) -> Decimal:
        return self.statement.closing_balance - self.ledger


def bank_balance_check(*, bank_account: BankAccount, limit: int = 12) -> list[BalanceCheck]:
    return [
        BalanceCheck(statement, ledger_balance(bank_account=bank_account, as_of=statement.end_date))
        for statement in statement_list(bank_account=bank_account)[:limit]
    ]


@dataclass(frozen=True)
class CsvPreview:
    """What a column mapping reads from a bank's CSV file: its header, its first lines."""

    header: list[str]
    lines: list[ParsedLine]
    total: int
    movements: Decimal


def csv_preview(*, mapping: dict[str, Any], data: bytes, limit: int = 10) -> CsvPreview:
    """The file read with `mapping`, nothing saved; ImportRefused (a French message) when the
    mapping or the file cannot be read."""
    settings = csvfile.CsvMapping.from_dict(mapping)
    if not data:
        raise ImportRefused(_("Le fichier est vide."))
    (statement,) = csvfile.parse(data, mapping=settings)
    return CsvPreview(
        header=csvfile.header_read(data, mapping=settings),
        lines=statement.lines[:limit],
        total=len(statement.lines),
        movements=statement.movements,
    )


def entry_get(*, entry_id: int) -> Entry:
    found = Entry.objects.select_related("journal").filter(pk=entry_id).first()
    if found is None:
        raise Http404
    return found


def manual_entry_list(*, limit: int = 50) -> QuerySet[Entry]:
    """Drafts first, then the latest entries typed by hand."""
    return (
        Entry.objects.filter(source="manual")
        .select_related("journal")
        .order_by("status", "-date", "-pk")[:limit]
    )


def entry_template_list() -> QuerySet[EntryTemplate]:
    return EntryTemplate.objects.select_related("journal").order_by("name", "pk")


def entry_template_get(*, template_id: int) -> EntryTemplate:
    """The same 404 for a missing template and another cooperative's."""
    found = (
        EntryTemplate.objects.select_related("journal")
        .prefetch_related("lines__activity")
        .filter(pk=template_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def entry_attachment_list(*, entry: Entry) -> QuerySet[EntryAttachment]:
    return EntryAttachment.objects.filter(entry_id=entry.pk).order_by("pk")


def entry_attachment_get(*, entry: Entry, attachment_id: int) -> EntryAttachment:
    found = EntryAttachment.objects.filter(entry_id=entry.pk, pk=attachment_id).first()
    if found is None:
        raise Http404
    return found


def manual_entry_get(*, entry_id: int) -> Entry:
    """An entry typed by hand, with its lines; the same 404 for any other or another's."""
    found = (
        Entry.objects.select_related("journal")
        .prefetch_related("lines__account", "lines__activity")
        .filter(pk=entry_id, source="manual")
        .first()
    )
    if found is None:
        raise Http404
    return found
