"""Importing a statement file: all or nothing.

The file is read (bank/importers/), each statement in it checked — it concerns this account, it
adds up (opening + movements = closing) and it follows on from what was imported before (its
opening balance is the account's balance the day before its start, per the statements already
imported) — and only then written. Lines already known (same fingerprint on the account) are
skipped: re-importing an overlapping file adds nothing twice, and the database's unique
constraint holds the line even against a concurrent import (the account row lock serialises
them first).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from bank.importers import camt, cfonb, csvfile, ofx
from bank.importers.base import (
    ImportRefused,
    ParsedLine,
    ParsedStatement,
    fingerprints_assign,
    statement_check,
)
from bank.models import BankAccount, BankLine, Statement, statement_file_path
from perspectives.accounts.models import User
from perspectives.tenancy.context import require_cooperative_id

MAX_FILE_BYTES = 30 * 1024 * 1024
INSERT_CHUNK = 5000


@dataclass
class ImportResult:
    statements: list[Statement] = field(default_factory=list)
    added: int = 0
    duplicates: int = 0
    ruled: int = 0  # reconciled at import by the cooperative's automatic rules

    @property
    def message(self) -> str:
        message = _("%(added)s ligne(s) ajoutée(s), %(dup)s déjà connue(s).") % {
            "added": self.added,
            "dup": self.duplicates,
        }
        if self.ruled:
            message += " " + _("%(n)s rapprochée(s) par les règles.") % {"n": self.ruled}
        return message


def format_detect(data: bytes) -> str:
    if camt.looks_like(data):
        return Statement.Format.CAMT053
    if ofx.looks_like(data):
        return Statement.Format.OFX
    if cfonb.looks_like(data):
        return Statement.Format.CFONB120
    return Statement.Format.CSV


def statements_parse(
    *,
    bank_account: BankAccount,
    data: bytes,
    file_format: str | None = None,
    closing_balance: Decimal | None = None,
) -> tuple[str, list[ParsedStatement]]:
    if not data:
        raise ImportRefused(_("Le fichier est vide."))
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(_("Le fichier dépasse 30 Mo : découpez-le."))
    file_format = file_format or format_detect(data)
    if file_format == Statement.Format.CAMT053:
        parsed = camt.parse(data)
    elif file_format == Statement.Format.OFX:
        parsed = ofx.parse(data)
    elif file_format == Statement.Format.CFONB120:
        parsed = cfonb.parse(data)
    elif file_format == Statement.Format.CSV:
        if not bank_account.csv_mapping:
            raise ImportRefused(
                _(
                    "Ce fichier n'est ni camt.053, ni OFX, ni CFONB 120 ; pour un CSV, "
                    "enregistrez d'abord le format CSV de la banque sur le compte."
                )
            )
        mapping = csvfile.CsvMapping.from_dict(bank_account.csv_mapping)
        parsed = csvfile.parse(data, mapping=mapping, closing_balance=closing_balance)
    else:
        raise ImportRefused(_("Format %(format)s inconnu.") % {"format": file_format})
    return file_format, parsed


def _concerns(bank_account: BankAccount, account_id: str) -> bool:
    """The IBAN itself, or the national account number inside it (CFONB: bank, branch and
    account number; OFX from some banks: the account number alone)."""
    if not account_id:
        return True
    iban = bank_account.iban
    if account_id == iban:
        return True
    if iban.startswith("FR") and len(iban) == 27 and account_id == iban[4:25]:
        return True
    return len(account_id) >= 8 and account_id in iban[4:]


def _balance_before(bank_account: BankAccount, day: dt.date) -> Decimal | None:
    """The account's balance at the start of `day` per the imported statements: the first
    statement's opening balance plus every line booked before `day`; None before the first."""
    first = Statement.objects.filter(bank_account=bank_account).order_by("start_date", "pk").first()
    if first is None or day <= first.start_date:
        return None
    moved = BankLine.objects.filter(bank_account=bank_account, booking_date__lt=day).aggregate(
        total=Sum("amount")
    )["total"]
    return first.opening_balance + (moved or Decimal("0.00"))


# Long on purpose: the statement's checks (account, balances, continuity, duplicates) then its
# writing, in one transaction, all or nothing.
@transaction.atomic
def statement_import(
    *,
    bank_account: BankAccount,
    data: bytes,
    file_name: str = "",
    file_format: str | None = None,
    closing_balance: Decimal | None = None,
    user: User | None = None,
) -> ImportResult:
    """Import a statement file into `bank_account`; ImportRefused (nothing written) when it
    concerns another account, does not add up or does not follow on from the previous one."""
    cooperative_id = require_cooperative_id()
    file_format, parsed = statements_parse(
        bank_account=bank_account,
        data=data,
        file_format=file_format,
        closing_balance=closing_balance,
    )
    mine = [s for s in parsed if _concerns(bank_account, s.account_id)]
    if not mine:
        raise ImportRefused(
            _("Ce relevé concerne le compte %(other)s, pas %(iban)s.")
            % {"other": parsed[0].account_id, "iban": bank_account.iban}
        )
    for statement in mine:
        if statement.currency != bank_account.currency:
            raise ImportRefused(
                _("Ce relevé est en %(currency)s, le compte en %(account)s.")
                % {"currency": statement.currency, "account": bank_account.currency}
            )
        statement_check(statement)
        fingerprints_assign(statement.lines)
    # Serialise imports into one account: each checks continuity against the others' lines.
    BankAccount.objects.select_for_update().get(pk=bank_account.pk)
    sha256 = hashlib.sha256(data).hexdigest()
    result = ImportResult()
    for parsed_statement in sorted(mine, key=lambda s: (s.start_date, s.end_date)):
        expected = _balance_before(bank_account, parsed_statement.start_date)
        if not parsed_statement.balances_known:
            opening = expected if expected is not None else Decimal("0.00")
            parsed_statement.opening_balance = opening
            parsed_statement.closing_balance = opening + parsed_statement.movements
        elif expected is not None and expected != parsed_statement.opening_balance:
            raise ImportRefused(
                _(
                    "Ce relevé ne fait pas suite au précédent : il s'ouvre au %(date)s sur un "
                    "solde de %(opening)s, alors que les relevés déjà importés donnent "
                    "%(expected)s ce jour-là. Importez d'abord les relevés manquants."
                )
                % {
                    "date": parsed_statement.start_date.strftime("%d/%m/%Y"),
                    "opening": parsed_statement.opening_balance,
                    "expected": expected,
                }
            )
        _write(
            parsed_statement,
            bank_account=bank_account,
            cooperative_id=cooperative_id,
            file_format=file_format,
            data=data,
            sha256=sha256,
            file_name=file_name,
            user=user,
            result=result,
        )
    if result.statements:
        from bank.services.rules import rules_apply

        result.ruled = rules_apply(
            lines=BankLine.objects.filter(statement__in=result.statements).select_related(
                "bank_account"
            ),
            user=user,
        )
        # Stored once every statement passed: a refused file leaves nothing on disk either.
        first = result.statements[0]
        name = first.file.storage.save(
            statement_file_path(first, file_name or f"statement.{file_format}"), ContentFile(data)
        )
        Statement.objects.filter(pk__in=[s.pk for s in result.statements]).update(file=name)
        for saved in result.statements:
            saved.file.name = name
    return result


def _write(
    parsed: ParsedStatement,
    *,
    bank_account: BankAccount,
    cooperative_id: int,
    file_format: str,
    data: bytes,
    sha256: str,
    file_name: str,
    user: User | None,
    result: ImportResult,
) -> None:
    known = _known_fingerprints(bank_account.pk, [line.fingerprint for line in parsed.lines])
    new_lines = [line for line in parsed.lines if line.fingerprint not in known]
    result.duplicates += len(parsed.lines) - len(new_lines)
    if not new_lines:
        return
    statement = Statement(
        cooperative_id=cooperative_id,
        bank_account=bank_account,
        format=file_format,
        file_name=(file_name or "")[:200],
        file_sha256=sha256,
        bank_reference=parsed.bank_reference,
        start_date=parsed.start_date,
        end_date=parsed.end_date,
        opening_balance=parsed.opening_balance,
        closing_balance=parsed.closing_balance,
        line_count=len(new_lines),
        duplicate_count=len(parsed.lines) - len(new_lines),
        imported_by=user,
    )
    statement.save(force_insert=True)
    _insert_lines(
        new_lines,
        cooperative_id=cooperative_id,
        account_id=bank_account.pk,
        statement_id=statement.pk,
    )
    result.statements.append(statement)
    result.added += len(new_lines)


_KNOWN = f"""
SELECT fingerprint FROM {BankLine._meta.db_table}
WHERE bank_account_id = %s AND fingerprint = ANY(%s::text[])
"""


def _known_fingerprints(account_id: int, fingerprints: list[str]) -> set[str]:
    """The fingerprints already on the account, in one query with one array parameter: an ORM
    `__in` over 10,000 values spends longer building its placeholders than PostgreSQL spends
    answering (the unique index on (cooperative, account, fingerprint) serves it)."""
    with connection.cursor() as cursor:
        cursor.execute(_KNOWN, [account_id, fingerprints])
        return {row[0] for row in cursor.fetchall()}


_INSERT_LINES = f"""
INSERT INTO {BankLine._meta.db_table} (
    cooperative_id, bank_account_id, statement_id, state, booking_date, value_date, amount,
    currency, counterparty, counterparty_iban, label, reference, bank_transaction_id, bank_code,
    fingerprint, details
)
SELECT %s, %s, %s, 'open', t.booking_date, t.value_date, t.amount, t.currency, t.counterparty,
       t.counterparty_iban, t.label, t.reference, t.bank_transaction_id, t.bank_code,
       t.fingerprint, coalesce(t.details, '[]'::jsonb)
FROM jsonb_to_recordset(%s::jsonb) AS t(
    booking_date date, value_date date, amount numeric, currency text, counterparty text,
    counterparty_iban text, label text, reference text, bank_transaction_id text, bank_code text,
    fingerprint text, details jsonb
)
"""


def _insert_lines(
    lines: list[ParsedLine], *, cooperative_id: int, account_id: int, statement_id: int
) -> None:
    """One INSERT per chunk from one JSON document of rows: the ORM's bulk_create, or column
    arrays adapted value by value, spend more time in Python than PostgreSQL spends inserting
    10,000 rows; json.dumps is C. Row-level security and every constraint apply as to any
    insert (COPY, faster still, is refused on a table under row-level security)."""
    for start in range(0, len(lines), INSERT_CHUNK):
        rows = [
            {
                "booking_date": line.booking_date.isoformat(),
                "value_date": line.value_date.isoformat() if line.value_date else None,
                "amount": str(line.amount),
                "currency": line.currency[:3],
                "counterparty": line.counterparty,
                "counterparty_iban": line.counterparty_iban,
                "label": line.label,
                "reference": line.reference,
                "bank_transaction_id": line.bank_transaction_id,
                "bank_code": line.bank_code,
                "fingerprint": line.fingerprint,
                "details": line.details,
            }
            for line in lines[start : start + INSERT_CHUNK]
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                _INSERT_LINES,
                [cooperative_id, account_id, statement_id, json.dumps(rows, ensure_ascii=False)],
            )
