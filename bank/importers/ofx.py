"""OFX 1.x (SGML) and 2.x (XML) statements, read by `ofxtools`.

ofxtools' version-1 header is strict (CHARSET among ISO-8859-1, 1252 and NONE; ENCODING among
USASCII, UNICODE and UTF-8): banks' variants (`CHARSET:8859-1`, `CHARSET:UTF-8`…) are
normalised first (reference/bank-payments-expenses-vat.md §1.3). OFX gives no opening balance:
it is the closing balance (LEDGERBAL) less the movements, so the statement is checked through
its continuity with the previous one. The transaction id (FITID) is scoped to the account and,
as some banks reuse it, fingerprinted with the date and amount (base.fingerprints_assign).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ofxtools.header import OFXHeaderError
from ofxtools.Parser import OFXTree, ParseError

from bank.importers.base import ImportRefused, ParsedLine, ParsedStatement, clean_text

# ofxtools logs every element it converts at INFO: a 10,000-line file would flood the logs.
logging.getLogger("ofxtools").setLevel(logging.WARNING)

_CHARSET = re.compile(rb"^(\s*CHARSET:)([^\r\n]*)", re.MULTILINE)
_ENCODING = re.compile(rb"^(\s*ENCODING:)([^\r\n]*)", re.MULTILINE)
_CHARSETS = {b"ISO-8859-1", b"1252", b"NONE"}
_ENCODINGS = {b"USASCII", b"UNICODE", b"UTF-8"}


def looks_like(data: bytes) -> bool:
    head = data[:2048].lstrip()
    return head.startswith(b"OFXHEADER") or b"<?OFX" in head or b"<OFX>" in head


def _normalise_header(data: bytes) -> bytes:
    def charset(match: re.Match[bytes]) -> bytes:
        value = match.group(2).strip().upper()
        if value in _CHARSETS:
            return match.group(0)
        return match.group(1) + (b"ISO-8859-1" if b"8859" in value else b"1252")

    def encoding(match: re.Match[bytes]) -> bytes:
        value = match.group(2).strip().upper()
        return match.group(0) if value in _ENCODINGS else match.group(1) + b"USASCII"

    head, separator, body = data.partition(b"<")
    head = _CHARSET.sub(charset, head, count=1)
    head = _ENCODING.sub(encoding, head, count=1)
    return head + separator + body


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        # OFX datetimes without a zone are UTC for ofxtools; a bank's day is its local day.
        return timezone.localtime(value).date() if value.hour or value.minute else value.date()
    return value if isinstance(value, dt.date) else None


def parse(data: bytes) -> list[ParsedStatement]:
    upper = data[:65536].upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise ImportRefused(_("Le fichier OFX déclare un DOCTYPE ou des entités : refusé."))
    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(_normalise_header(data)))
        ofx = tree.convert()
    except (OFXHeaderError, ParseError, ValueError, IndexError, KeyError) as error:
        raise ImportRefused(
            _("Le fichier OFX est illisible ou incomplet (%(error)s).") % {"error": error}
        ) from None
    statements = list(getattr(ofx, "statements", []) or [])
    if not statements:
        raise ImportRefused(_("Le fichier OFX ne contient aucun relevé bancaire."))
    return [_statement(statement, number) for number, statement in enumerate(statements, 1)]


def _statement(statement: Any, number: int) -> ParsedStatement:
    transactions = statement.banktranlist
    if transactions is None or statement.ledgerbal is None:
        raise ImportRefused(
            _("Relevé OFX %(n)s : liste des opérations ou solde (LEDGERBAL) manquant.")
            % {"n": number}
        )
    currency = str(statement.curdef or "EUR")
    lines: list[ParsedLine] = []
    for tx in transactions:
        amount = Decimal(tx.trnamt).quantize(Decimal("0.01"))
        if not amount:
            continue
        booking = _date(tx.dtposted)
        if booking is None:
            raise ImportRefused(_("Opération OFX sans date (FITID %(id)s).") % {"id": tx.fitid})
        name = clean_text(tx.name or (getattr(tx, "payee", None) and tx.payee.name), 140)
        memo = clean_text(tx.memo, 500)
        lines.append(
            ParsedLine(
                booking_date=booking,
                value_date=_date(getattr(tx, "dtavail", None)) or _date(tx.dtuser),
                amount=amount,
                currency=str(getattr(tx, "currency", None) or currency)[:3],
                counterparty=name,
                label=clean_text(" ".join(part for part in (name, memo) if part), 500),
                reference=clean_text(tx.refnum or tx.checknum or memo, 140),
                bank_transaction_id=clean_text(tx.fitid, 100),
                bank_code=str(tx.trntype or "")[:40],
            )
        )
    closing = Decimal(statement.ledgerbal.balamt).quantize(Decimal("0.01"))
    movements = sum((line.amount for line in lines), Decimal("0.00"))
    dates = [line.booking_date for line in lines]
    start = _date(transactions.dtstart) or (min(dates) if dates else None)
    end = _date(transactions.dtend) or _date(statement.ledgerbal.dtasof) or start
    if start is None or end is None:
        raise ImportRefused(_("Relevé OFX %(n)s : période introuvable.") % {"n": number})
    account = statement.account
    return ParsedStatement(
        account_id=str(getattr(account, "acctid", "") or "").replace(" ", "").upper(),
        start_date=start,
        end_date=max(end, start),
        opening_balance=closing - movements,
        closing_balance=closing,
        lines=lines,
        currency=currency,
        states_opening=False,
    )
