"""Import of a FEC produced by other accounting software, to load a cooperative's history.

The file is first checked against A47 A-1 (`fec.fec_validate`); then every entry (the lines
sharing JournalCode and EcritureNum) is mapped and checked; only then is anything written, all in
one transaction, through the bulk posting service (so every rule of the ledger applies).
`dry_run` does all of it and rolls back, reporting what would be created. Each entry's
idempotency key is built from the file's SIREN, closing date, journal and number: importing the
same file again posts nothing.

The analytic section (the activity) of each line comes, in this order, from an extra column
(`CodeAnalytique`, `Analytique`, `SectionAnalytique` or `CodeActivite`: an activity's analytic
code, blank or `STRUCTURE` for the cooperative's own section); else the whole entry goes to the
activity of one of its third parties, when the cooperative knows it; else to `default_activity`
(the structure when None). Journals, accounts and third parties missing from the cooperative are
created. Not imported: lettering (EcritureLet), the original validation dates (the ledger stamps
its own), foreign-currency amounts.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from accounting import fec
from accounting.models import AUX_CODE_RE, Account, Journal, ThirdParty
from accounting.services import EntryInput, LineInput, entries_post_bulk, fiscal_year_ensure
from accounting.services.entry_checks import Refs, entry_check_postable, entry_prepare
from entrepreneurs.models import Activity
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id

ANALYTIC_COLUMNS = ("CodeAnalytique", "Analytique", "SectionAnalytique", "CodeActivite")
JOURNAL_KINDS = (
    (("AN", "RAN", "ANO", "OUV"), Journal.Kind.OPENING),
    (("VT", "VE", "VTE", "V"), Journal.Kind.SALES),
    (("AC", "HA", "ACH", "A"), Journal.Kind.PURCHASES),
    (("BQ", "BK", "BNK", "BQE", "CA", "CAI"), Journal.Kind.BANK),
    (("PAIE", "SA", "SAL", "PA"), Journal.Kind.PAYROLL),
)
THIRD_PARTY_KINDS = (
    ("401", ThirdParty.Kind.SUPPLIER),
    ("404", ThirdParty.Kind.SUPPLIER),
    ("411", ThirdParty.Kind.CUSTOMER),
    ("419", ThirdParty.Kind.CUSTOMER),
    ("42", ThirdParty.Kind.EMPLOYEE),
    ("43", ThirdParty.Kind.SOCIAL_BODY),
)


class _DryRun(Exception):
    pass


@dataclass
class ImportReport:
    dry_run: bool
    problems: list[fec.Problem] = field(default_factory=list)
    entries: int = 0
    lines: int = 0
    already_imported: int = 0
    journals: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    third_parties: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Line:
    number: int  # line of the file
    row: dict[str, str]


@functools.lru_cache(maxsize=8192)  # a few hundred third parties on thousands of lines
def _aux_code(raw: str) -> str:
    code = re.sub(r"[^A-Z0-9_-]", "-", raw.strip().upper())[:17]
    return code if re.match(AUX_CODE_RE, code) else ""


def _amounts(row: dict[str, str], montant_sens: bool) -> tuple[Decimal, Decimal]:
    def number(text: str) -> Decimal:
        sign = -1 if "-" in text else 1
        return Decimal(text.strip("+-").replace(",", ".") or "0") * sign

    if montant_sens:
        amount = number(row["Montant"])
        return (amount, Decimal(0)) if row["Sens"].strip() in ("D", "+1") else (Decimal(0), amount)
    return number(row["Debit"]), number(row["Credit"])


def _date(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def fec_import(
    data: bytes,
    *,
    filename: str,
    dry_run: bool = False,
    default_activity: Activity | None = None,
) -> ImportReport:
    """Import a FEC file into the active cooperative, all or nothing."""
    report = ImportReport(dry_run=dry_run)
    report.problems = fec.fec_validate(data, filename=filename)
    if report.problems:
        return report
    match = fec.FILENAME_RE.match(Path(filename).name)
    assert match is not None  # noqa: S101 - checked by the validator
    siren, closing = match["siren"], match["date"]
    text, _encoding = fec._decode(data)
    assert text is not None  # noqa: S101 - checked by the validator
    records = text.splitlines()
    separator = "|" if records[0].count("|") >= records[0].count("\t") else "\t"
    names = records[0].split(separator)
    montant_sens = "Montant" in names
    analytic = next((name for name in ANALYTIC_COLUMNS if name in names), None)
    groups: OrderedDict[tuple[str, str], list[_Line]] = OrderedDict()
    for number, record in enumerate(records[1:], start=2):
        row = dict(zip(names, record.split(separator), strict=True))
        groups.setdefault((row["JournalCode"], row["EcritureNum"]), []).append(_Line(number, row))
    try:
        with transaction.atomic():
            _import(groups, report, siren, closing, montant_sens, analytic, default_activity)
            if dry_run or report.problems:
                raise _DryRun
    except _DryRun:
        pass
    return report


# Long on purpose: one pass over the file's entries, from each record's columns to the entry
# posted, with every refusal collected before anything is written.
def _import(
    groups: OrderedDict[tuple[str, str], list[_Line]],
    report: ImportReport,
    siren: str,
    closing: str,
    montant_sens: bool,
    analytic: str | None,
    default_activity: Activity | None,
) -> None:
    cooperative_id = require_cooperative_id()
    all_lines = [line for lines in groups.values() for line in lines]
    # The file is one fiscal year, the one that closes on the date of its name (created on the
    # cooperative's calendar when missing); every entry must fall in it.
    year = fiscal_year_ensure(day=_date(closing))
    if year.end_date != _date(closing):
        report.problems.append(
            fec.Problem(
                0,
                f"la clôture du nom de fichier ({closing}) n'est pas celle de l'exercice "
                f"{year.start_date:%d/%m/%Y} – {year.end_date:%d/%m/%Y}",
            )
        )
        return
    for line in all_lines:
        day = _date(line.row["EcritureDate"])
        if not year.start_date <= day <= year.end_date:
            report.problems.append(
                fec.Problem(line.number, f"EcritureDate {day:%d/%m/%Y} hors de l'exercice")
            )
    if report.problems:
        return

    journals = {j.code: j for j in Journal.objects.all()}
    for code, label in {(ln.row["JournalCode"], ln.row["JournalLib"]) for ln in all_lines}:
        code = code.strip().upper()
        if code in journals:
            continue
        if not re.fullmatch(r"[A-Z0-9]{1,10}", code):
            line = next(ln for ln in all_lines if ln.row["JournalCode"].strip().upper() == code)
            report.problems.append(fec.Problem(line.number, f"JournalCode « {code} » invalide"))
            continue
        kind = next((k for codes, k in JOURNAL_KINDS if code in codes), Journal.Kind.MISCELLANEOUS)
        if kind == Journal.Kind.OPENING and Journal.objects.filter(kind=kind).exists():
            kind = Journal.Kind.MISCELLANEOUS
        journals[code] = Journal.objects.create(
            cooperative_id=cooperative_id, code=code, label=label.strip()[:100] or code, kind=kind
        )
        report.journals.append(code)

    accounts = {a.code: a for a in Account.objects.all()}
    for line in all_lines:
        code = line.row["CompteNum"].strip().upper()
        if code in accounts:
            continue
        if not re.fullmatch(r"[1-8][0-9]{2}[0-9A-Z]{0,17}", code):
            report.problems.append(
                fec.Problem(line.number, f"CompteNum « {code} » : numéro de compte non reconnu")
            )
            continue
        accounts[code] = Account.objects.create(
            cooperative_id=cooperative_id,
            code=code,
            label=line.row["CompteLib"].strip()[:200] or code,
        )
        report.accounts.append(code)

    third_parties = {t.code: t for t in ThirdParty.objects.all()}
    for line in all_lines:
        raw = line.row["CompAuxNum"].strip()
        if not raw:
            continue
        code = _aux_code(raw)
        if not code:
            report.problems.append(fec.Problem(line.number, f"CompAuxNum « {raw} » illisible"))
            continue
        if code in third_parties:
            continue
        account = accounts.get(line.row["CompteNum"].strip().upper())
        if account is None:
            continue
        party_kind = next(
            (k for prefix, k in THIRD_PARTY_KINDS if account.code.startswith(prefix)),
            ThirdParty.Kind.OTHER,
        )
        third_parties[code] = ThirdParty.objects.create(
            cooperative_id=cooperative_id,
            kind=party_kind,
            code=code,
            name=line.row["CompAuxLib"].strip()[:200] or code,
            account=account,
        )
        report.third_parties.append(code)
    if report.problems:
        return

    activities = {a.analytic_code: a.pk for a in Activity.objects.all()}
    entries: list[EntryInput] = []
    origins: list[tuple[int, str, str]] = []  # first line in the file, journal, entry number
    for (journal_code, number), lines in groups.items():
        head = lines[0].row
        entry_activity: int | None = default_activity.pk if default_activity else None
        if analytic is None:
            for line in lines:
                code = _aux_code(line.row["CompAuxNum"]) if line.row["CompAuxNum"] else ""
                party = third_parties.get(code) if code else None
                if party is not None and party.activity_id is not None:
                    entry_activity = party.activity_id
                    break
        inputs = []
        for line in lines:
            activity = entry_activity
            if analytic is not None:
                section = line.row[analytic].strip().upper()
                if section in ("", "STRUCTURE"):
                    activity = None
                elif section in activities:
                    activity = activities[section]
                else:
                    report.problems.append(
                        fec.Problem(line.number, f"{analytic} « {section} » : activité inconnue")
                    )
                    continue
            debit, credit = _amounts(line.row, montant_sens)
            if debit < 0 or credit < 0:  # a negative amount goes to the other side
                debit, credit = max(debit, -credit, Decimal(0)), max(credit, -debit, Decimal(0))
            aux = _aux_code(line.row["CompAuxNum"]) if line.row["CompAuxNum"].strip() else ""
            inputs.append(
                LineInput(
                    accounts[line.row["CompteNum"].strip().upper()],
                    debit=debit,
                    credit=credit,
                    activity=activity,
                    third_party=third_parties[aux] if aux else None,
                    label=fec.clean(line.row["EcritureLib"])[:200],
                )
            )
        piece_date = head["PieceDate"]
        data = EntryInput(
            journal=journals[journal_code.strip().upper()],
            date=_date(head["EcritureDate"]),
            label=fec.clean(head["EcritureLib"])[:200] or f"{journal_code} {number}",
            lines=inputs,
            idempotency_key=f"fec:{siren}:{closing}:{journal_code}:{number}",
            piece_ref=fec.clean(head["PieceRef"])[:40],
            piece_date=_date(piece_date) if piece_date else None,
            source="import:fec",
        )
        entries.append(data)
        origins.append((lines[0].number, journal_code, number))
    if report.problems:
        report.problems.extend(_refusals(entries, origins))
        return
    try:
        result = entries_post_bulk(entries=entries, allow_soft_locked=True)
    except ApplicationError as error:
        # The service stops at the first refusal: list them all, each with its line of the file.
        report.problems.extend(_refusals(entries, origins) or [fec.Problem(0, error.message)])
        return
    report.entries = len(result.created)
    report.already_imported = len(result.existing)
    report.lines = result.lines


def _refusals(entries: list[EntryInput], origins: list[tuple[int, str, str]]) -> list[fec.Problem]:
    refs = Refs()
    refs.preload(entries)
    problems = []
    for data, (line, journal_code, number) in zip(entries, origins, strict=True):
        try:
            entry_check_postable(entry_prepare(data, refs), refs, allow_soft_locked=True)
        except ApplicationError as error:
            problems.append(
                fec.Problem(
                    line,
                    _("écriture %(journal)s %(number)s : %(error)s")
                    % {"journal": journal_code, "number": number, "error": error.message},
                )
            )
    return problems
