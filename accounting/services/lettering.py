"""Lettering (lettrage): matching the lines of an account that settle each other."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting.models import Account, Entry, EntryLine
from accounting.services.errors import db_errors
from perspectives.core.exceptions import ApplicationError


def _next_code(code: str | None) -> str:
    """A, B, …, Z, AA, AB, … (the order of a spreadsheet's columns)."""
    if not code:
        return "A"
    letters = list(code)
    index = len(letters) - 1
    while index >= 0:
        if letters[index] != "Z":
            letters[index] = chr(ord(letters[index]) + 1)
            return "".join(letters)
        letters[index] = "A"
        index -= 1
    return "A" + "".join(letters)


def lettering_next_code(*, account: Account) -> str:
    last = (
        EntryLine.objects.filter(account=account, lettering__isnull=False)
        .order_by(Length("lettering").desc(), "-lettering")
        .values_list("lettering", flat=True)
        .first()
    )
    return _next_code(last)


@transaction.atomic
def lines_letter(*, line_ids: Sequence[int], date: dt.date | None = None) -> str:
    """Letter validated lines of one account and one third party whose debits and credits
    cancel out; returns the code. The database re-checks the group at commit."""
    lines = list(EntryLine.objects.select_related("entry", "account").filter(pk__in=line_ids))
    if len(lines) != len(set(line_ids)) or len(lines) < 2:
        raise ApplicationError(_("Choisissez au moins deux lignes."))
    accounts = {line.account_id for line in lines}
    if len(accounts) != 1:
        raise ApplicationError(_("Les lignes lettrées sont sur un même compte."))
    if len({line.third_party_id for line in lines}) != 1:
        raise ApplicationError(_("Les lignes lettrées concernent un même tiers."))
    if any(line.entry.status != Entry.Status.VALIDATED for line in lines):
        raise ApplicationError(_("Seules les lignes validées se lettrent."))
    if any(line.lettering for line in lines):
        raise ApplicationError(_("Une des lignes est déjà lettrée."))
    balance = sum((line.debit - line.credit for line in lines), Decimal(0))
    if balance:
        raise ApplicationError(
            _("Les lignes ne se soldent pas (écart %(balance)s).") % {"balance": balance}
        )
    # The account row lock serialises the choice of the next code.
    account = Account.objects.select_for_update().get(pk=lines[0].account_id)
    code = lettering_next_code(account=account)
    with db_errors():
        EntryLine.objects.filter(pk__in=line_ids).update(
            lettering=code, lettering_date=date or timezone.localdate()
        )
    return code


@transaction.atomic
def lines_unletter(*, account: Account, code: str) -> int:
    with db_errors():
        return EntryLine.objects.filter(account=account, lettering=code).update(
            lettering=None, lettering_date=None
        )
