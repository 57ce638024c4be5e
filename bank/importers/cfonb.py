"""The French CFONB 120 statement ("relevé 120 caractères").

No maintained Python parser exists (python-cfonb was last released in 2021), so this follows the
record layout as OCA's `account_statement_import_fr_cfonb` and pennylane-hq/cfonb slice it
(reference/bank-payments-expenses-vat.md §1.4): record 01 old balance, 04 movement, 05 its
complements (0..n), 07 new balance; one file may hold several statements. Some banks omit line
breaks, so the text is cut every 120 characters when it has none. Amounts have the number of
decimals in position 20 and their sign in the last character (`{`, A–I positive, `}`, J–R
negative). Text is decoded as Latin-1 (banks send accents despite the norm).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from bank.importers.base import ImportRefused, ParsedLine, ParsedStatement, clean_text

RECORD = 120
_POSITIVE = {"{": 0, **{chr(ord("A") + i): i + 1 for i in range(9)}}
_NEGATIVE = {"}": 0, **{chr(ord("J") + i): i + 1 for i in range(9)}}
# Complement qualifiers (SEPA update, CFONB 2007) kept on the line.
_NAME_QUALIFIERS = ("NPY", "NBE")
_REMITTANCE_QUALIFIERS = ("LCC", "LC2", "LCS", "LIB")
_REFERENCE_QUALIFIERS = ("RCN", "REF")


def looks_like(data: bytes) -> bool:
    head = data[:RECORD].decode("latin-1")
    return len(head) == RECORD and head[:2] == "01" and head[19:20].strip() in ("", "0", "2", "3")


def _records(text: str) -> list[str]:
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) == 1 and len(lines[0]) > RECORD:
        flat = lines[0]
        lines = [flat[i : i + RECORD] for i in range(0, len(flat), RECORD)]
    return lines


def _amount(record: str, number: int) -> Decimal:
    raw = record[90:104]
    decimals_text = record[19:20].strip()
    decimals = int(decimals_text) if decimals_text.isdigit() else 2
    if len(raw) != 14 or not raw[:13].isdigit():
        raise ImportRefused(
            _("Ligne %(n)s : montant illisible « %(raw)s ».") % {"n": number, "raw": raw}
        )
    last = raw[13]
    if last in _POSITIVE:
        sign, digit = 1, _POSITIVE[last]
    elif last in _NEGATIVE:
        sign, digit = -1, _NEGATIVE[last]
    else:
        raise ImportRefused(
            _("Ligne %(n)s : signe du montant illisible « %(raw)s ».") % {"n": number, "raw": raw}
        )
    cents = int(raw[:13] + str(digit))
    return (sign * Decimal(cents).scaleb(-decimals)).quantize(Decimal("0.01"))


def _date(text: str, number: int) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%d%m%y").date()  # noqa: DTZ007 - a calendar day
    except ValueError:
        raise ImportRefused(
            _("Ligne %(n)s : date illisible « %(text)s ».") % {"n": number, "text": text}
        ) from None


def parse(data: bytes) -> list[ParsedStatement]:
    text = data.decode("latin-1")
    records = _records(text)
    if not records:
        raise ImportRefused(_("Le fichier CFONB est vide."))
    statements: list[ParsedStatement] = []
    current: dict[str, object] | None = None
    lines: list[ParsedLine] = []
    for number, record in enumerate(records, 1):
        if len(record.rstrip("\r\n")) != RECORD:
            raise ImportRefused(
                _("Ligne %(n)s : un enregistrement CFONB a 120 caractères, celui-ci %(len)s.")
                % {"n": number, "len": len(record)}
            )
        code = record[:2]
        account = record[2:7] + record[11:16] + record[21:32]
        if code == "01":
            if current is not None:
                raise ImportRefused(
                    _("Ligne %(n)s : nouveau relevé avant le solde final du précédent.")
                    % {"n": number}
                )
            current = {
                "account": account,
                "currency": record[16:19].strip() or "EUR",
                "opening": _amount(record, number),
                "start": _date(record[34:40], number),
            }
            lines = []
        elif code == "04":
            if current is None or current["account"] != account:
                raise ImportRefused(
                    _("Ligne %(n)s : mouvement hors d'un relevé (enregistrement 01 manquant).")
                    % {"n": number}
                )
            value = record[42:48].strip()
            lines.append(
                ParsedLine(
                    booking_date=_date(record[34:40], number),
                    value_date=_date(value, number) if value else None,
                    amount=_amount(record, number),
                    currency=record[16:19].strip() or "EUR",
                    label=clean_text(record[48:79], 500),
                    reference=clean_text(record[104:120], 140),
                    bank_code=record[32:34].strip(),
                )
            )
        elif code == "05":
            if not lines:
                raise ImportRefused(_("Ligne %(n)s : complément sans mouvement.") % {"n": number})
            _complement(lines[-1], record)
        elif code == "07":
            if current is None or current["account"] != account:
                raise ImportRefused(
                    _("Ligne %(n)s : solde final sans solde initial du même compte.")
                    % {"n": number}
                )
            end = _date(record[34:40], number)
            statements.append(
                ParsedStatement(
                    account_id=str(current["account"]),
                    start_date=current["start"],  # type: ignore[arg-type]
                    end_date=end,
                    opening_balance=current["opening"],  # type: ignore[arg-type]
                    closing_balance=_amount(record, number),
                    lines=lines,
                    currency=str(current["currency"]),
                )
            )
            current = None
        else:
            raise ImportRefused(
                _("Ligne %(n)s : type d'enregistrement CFONB inconnu « %(code)s ».")
                % {"n": number, "code": code}
            )
    if current is not None:
        raise ImportRefused(
            _("Le fichier CFONB est tronqué : le dernier relevé n'a pas de solde final (07).")
        )
    return statements


def _complement(line: ParsedLine, record: str) -> None:
    qualifier = record[45:48]
    detail = clean_text(record[48:118], 70)
    if qualifier in _NAME_QUALIFIERS and not line.counterparty:
        line.counterparty = detail[:140]
    elif qualifier in _REMITTANCE_QUALIFIERS:
        line.label = clean_text(f"{line.label} {detail}", 500)
    elif qualifier in _REFERENCE_QUALIFIERS and detail:
        line.reference = detail[:140]
