"""Fichier des écritures comptables (LPF art. A47 A-1): export, description file, validator.

Export choices, each allowed by the text: flat file, "|" between fields (VI 1° c), CRLF between
records, UTF-8 (XII 1°), the 18 fields of VII 1° in order with their names as header, dates
AAAAMMJJ (XII 4°), amounts with a decimal comma and no thousands separator (XII 2°), one file per
fiscal year named <SIREN>FEC<closing date AAAAMMJJ> (IX), entries in the chronological order of
their validation with the opening entries (à-nouveaux) first (VII 1°, 3°). Text fields lose the
characters that would break the structure (separators, tabs, line breaks).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import connection

from accounting.models import FiscalYear
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.models import Cooperative

FIELDS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
# Fields the text lets be blank ("à blanc si non utilisé"): 7, 8, 14, 15, 17, 18.
OPTIONAL = frozenset(
    {"CompAuxNum", "CompAuxLib", "EcritureLet", "DateLet", "Montantdevise", "Idevise"}
)
SEPARATOR = "|"
NEWLINE = "\r\n"
FILENAME_RE = re.compile(r"^(?P<siren>\d{9})FEC(?P<date>\d{8})(\.[A-Za-z0-9]{1,4})?$")
_UNSAFE = re.compile(r"[|\t\r\n\x00-\x1f\x7f]+")

# One pass over the year's validated lines, in validation order (opening journal first), each
# record formatted by PostgreSQL. A named (server-side) cursor keeps memory constant whatever
# the size of the year. %(tz)s: the cooperative's time zone, for the validation date.
# The cooperative is not named as a constant: row-level security gives it as a parameter. A
# constant the statistics do not know yet (a cooperative that just imported its history) was
# estimated at one row per table, and the year's lines were joined to its entries by nested
# loops without an index (hours); as a parameter, the plan follows the year's chain index and
# each entry's lines.
_CLEAN = "btrim(regexp_replace(coalesce({}, ''), '[|[:space:][:cntrl:]]+', ' ', 'g'))"
EXPORT_SQL = f"""
SELECT concat_ws('|',
       j.code, {_CLEAN.format("j.label")},
       j.code || lpad(e.number::text, 6, '0'),
       to_char(e.date, 'YYYYMMDD'),
       a.code, {_CLEAN.format("a.label")},
       {_CLEAN.format("tp.code")}, {_CLEAN.format("tp.name")},
       coalesce(nullif({_CLEAN.format("e.piece_ref")}, ''), j.code || lpad(e.number::text, 6, '0')),
       to_char(coalesce(e.piece_date, e.date), 'YYYYMMDD'),
       coalesce(nullif({_CLEAN.format("coalesce(nullif(l.label, ''), e.label)")}, ''),
                j.code || lpad(e.number::text, 6, '0')),
       replace(l.debit::text, '.', ','),
       replace(l.credit::text, '.', ','),
       coalesce(l.lettering, ''),
       coalesce(to_char(l.lettering_date, 'YYYYMMDD'), ''),
       to_char(e.validated_at AT TIME ZONE %(tz)s, 'YYYYMMDD'),
       '', '')
  FROM accounting_entry e
  JOIN accounting_journal j ON j.id = e.journal_id AND j.cooperative_id = e.cooperative_id
  JOIN accounting_entryline l ON l.entry_id = e.id AND l.cooperative_id = e.cooperative_id
  JOIN accounting_account a ON a.id = l.account_id AND a.cooperative_id = e.cooperative_id
  LEFT JOIN accounting_thirdparty tp
         ON tp.id = l.third_party_id AND tp.cooperative_id = e.cooperative_id
 WHERE e.fiscal_year_id = %(year)s AND e.status = 'validated' AND e.chain_seq IS NOT NULL
 ORDER BY (j.kind <> 'opening'), e.chain_seq, l.line_no
"""


def clean(text: str | None) -> str:
    """No separator, tab or line break; runs of spaces become one (as EXPORT_SQL does)."""
    return " ".join(_UNSAFE.sub(" ", text or "").split())


def fec_date(day: dt.date | None) -> str:
    return f"{day:%Y%m%d}" if day else ""


def fec_filename(cooperative: Cooperative, fiscal_year: FiscalYear) -> str:
    return f"{cooperative.siren}FEC{fec_date(fiscal_year.end_date)}.txt"


def fec_lines(
    cooperative: Cooperative, fiscal_year: FiscalYear, *, chunk: int = 10_000
) -> Iterator[str]:
    """The file, record by record (header first), each ending with CRLF. Run inside the
    cooperative's context (row-level security)."""
    if require_cooperative_id() != cooperative.pk:
        raise ValueError("fec_lines runs in the context of the cooperative it exports")
    yield SEPARATOR.join(FIELDS) + NEWLINE
    params: dict[str, int | str] = {
        "year": fiscal_year.pk,
        "tz": cooperative.timezone or "Europe/Paris",
    }
    with connection.chunked_cursor() as cursor:
        cursor.execute(EXPORT_SQL, params)
        while rows := cursor.fetchmany(chunk):
            for (record,) in rows:
                yield record + NEWLINE


@dataclass(frozen=True)
class ExportResult:
    path: Path
    description_path: Path
    lines: int
    sha256: str


def fec_write(
    cooperative: Cooperative, fiscal_year: FiscalYear, directory_or_file: Path
) -> ExportResult:
    """Write the FEC (and its description file next to it)."""
    target = directory_or_file
    if target.is_dir():
        target = target / fec_filename(cooperative, fiscal_year)
    digest = hashlib.sha256()
    count = -1
    with target.open("wb") as handle:
        for line in fec_lines(cooperative, fiscal_year):
            data = line.encode("utf-8")
            digest.update(data)
            handle.write(data)
            count += 1
    description = target.with_name(target.stem + "_description.txt")
    description.write_text(fec_description(cooperative, fiscal_year), encoding="utf-8")
    return ExportResult(target, description, count, digest.hexdigest())


def fec_description(cooperative: Cooperative, fiscal_year: FiscalYear) -> str:
    """The description file the text requires with a flat file (XI)."""
    fields = "\n".join(
        f"  {i:>2}. {name}{'' if name not in OPTIONAL else ' (à blanc si non utilisé)'}"
        for i, name in enumerate(FIELDS, start=1)
    )
    return f"""Description du fichier des écritures comptables (article A47 A-1 du LPF)

Société : {cooperative.name}, SIREN {cooperative.siren}
Exercice : du {fiscal_year.start_date:%d/%m/%Y} au {fiscal_year.end_date:%d/%m/%Y}
Fichier : {fec_filename(cooperative, fiscal_year)}
Logiciel : Perspectives (grand livre partagé des coopératives d'activité et d'emploi)

Organisation du fichier
- Fichier à plat, un enregistrement par ligne d'écriture, longueur variable.
- Séparateur de zones : barre verticale « | » ; séparateur d'enregistrements : CR LF.
- Jeu de caractères : UTF-8 (norme ISO/IEC 10646), sans marque d'ordre d'octets.
- Première ligne : les noms des 18 zones, dans l'ordre ci-dessous.
- Dates au format AAAAMMJJ ; montants avec la virgule comme séparateur décimal, sans
  séparateur de milliers, toujours positifs (le sens est donné par la zone Debit ou Credit).
- Écritures classées dans l'ordre chronologique de leur validation, les écritures
  d'à-nouveaux (journal de type « à-nouveaux ») en tête.

Zones (dans l'ordre)
{fields}

Contenu des zones
- JournalCode, JournalLib : code et libellé du journal.
- EcritureNum : code du journal suivi du numéro de l'écriture, attribué sans rupture et dans
  l'ordre chronologique de validation, par exercice et par journal.
- EcritureDate : date comptable de l'écriture ; ValidDate : date de sa validation (horodatée
  par la base de données ; les écritures validées ne sont plus modifiables).
- CompteNum, CompteLib : compte du plan comptable général de la coopérative.
- CompAuxNum, CompAuxLib : compte auxiliaire (tiers : client, fournisseur, salarié·e,
  organisme social) lorsque la ligne en concerne un.
- PieceRef, PieceDate : référence et date de la pièce justificative (à défaut, numéro et date
  de l'écriture).
- EcritureLib : libellé de la ligne (à défaut, celui de l'écriture).
- Debit, Credit : montants de la ligne en euros.
- EcritureLet, DateLet : code et date du lettrage.
- Montantdevise, Idevise : non utilisés (toutes les écritures sont en euros).

Les caractères « | », tabulations et retours à la ligne des libellés sont remplacés par des
espaces. Chaque ligne comptable porte en outre, dans le logiciel, une section analytique
(l'activité de l'entrepreneur·e) qui ne figure pas parmi les 18 zones.
"""


# --- Validator -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    line: int  # 0: the file as a whole
    message: str

    def __str__(self) -> str:
        return f"ligne {self.line} : {self.message}" if self.line else self.message


_DATE_RE = re.compile(r"\d{8}")
_ACCOUNT_RE = re.compile(r"\d{3}")
_CURRENCY_RE = re.compile(r"[A-Z]{3}")


@functools.lru_cache(maxsize=4096)  # a file has a few hundred distinct dates on 5 per line
def _parse_date(text: str) -> dt.date | None:
    if not _DATE_RE.fullmatch(text):
        return None
    try:
        day = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2099 else None


_AMOUNT_RE = re.compile(r"^[+-]?\d+(,\d{1,2})?[+-]?$")


def _parse_amount(text: str) -> Decimal | None:
    if not _AMOUNT_RE.match(text) or (text[0] in "+-" and text[-1] in "+-"):
        return None
    sign = -1 if "-" in text else 1
    try:
        return Decimal(text.strip("+-").replace(",", ".")) * sign
    except InvalidOperation:
        return None


def _decode(data: bytes) -> tuple[str | None, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("iso8859_15"), "iso8859_15"
    except UnicodeDecodeError:  # pragma: no cover - ISO 8859-15 decodes every byte
        return None, ""


# Long on purpose: the checks of the FEC norm (A47 A-1 of the LPF) in the norm's order, each with
# its message.
def fec_validate(data: bytes, *, filename: str, year_start: dt.date | None = None) -> list[Problem]:
    """Check a FEC file against the rules of A47 A-1 that a file alone can show. Every problem
    names its line (1 is the header)."""
    problems: list[Problem] = []
    match = FILENAME_RE.match(Path(filename).name)
    closing: dt.date | None = None
    if match is None:
        problems.append(Problem(0, f"nom de fichier « {filename} » : attendu SirenFECAAAAMMJJ"))
    else:
        closing = _parse_date(match["date"])
        if closing is None:
            problems.append(Problem(0, "date de clôture du nom de fichier invalide"))
    text, _encoding = _decode(data)
    if text is None:
        return [*problems, Problem(0, "jeu de caractères non reconnu (ASCII, ISO 8859-15, UTF-8)")]
    records = text.splitlines()
    if not records:
        return [*problems, Problem(0, "fichier vide")]
    header = records[0]
    separator = "|" if header.count("|") >= header.count("\t") else "\t"
    names = header.split(separator)
    if separator not in header:
        return [*problems, Problem(1, "séparateur absent : tabulation ou « | » attendu")]
    # The 18 zones first, in order; more zones may follow (the text asks for every accounting
    # datum the system holds, an analytic section for instance), each with a name.
    standard = names[: len(FIELDS)]
    alternative = [*FIELDS[:11], "Montant", "Sens", *FIELDS[13:]]
    extra = names[len(FIELDS) :]
    if (standard != list(FIELDS) and standard != alternative) or not all(
        name.strip() for name in extra
    ):
        problems.append(
            Problem(1, "en-tête : les 18 zones de l'article A47 A-1, dans l'ordre, sont attendues")
        )
        return problems
    montant_sens = standard != list(FIELDS)
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    first_line: dict[str, int] = {}
    unreadable: set[str] = set()  # entries with a line whose amounts could not be read
    dates: list[dt.date] = []
    for number, record in enumerate(records[1:], start=2):
        if not record.strip():
            problems.append(Problem(number, "ligne vide"))
            continue
        values = record.split(separator)
        if len(values) != len(names):
            problems.append(Problem(number, f"{len(values)} zones au lieu de {len(names)}"))
            if len(values) > 2:
                unreadable.add(f"{values[0]}|{values[2]}")
            continue
        row = dict(zip(names, values, strict=True))
        entry = f"{row['JournalCode']}|{row['EcritureNum']}"
        first_line.setdefault(entry, number)
        for name in names:
            if name not in OPTIONAL and not row[name].strip():
                problems.append(Problem(number, f"{name} vide"))
        for name in ("EcritureDate", "PieceDate", "ValidDate"):
            if row[name] and _parse_date(row[name]) is None:
                problems.append(Problem(number, f"{name} « {row[name]} » : date AAAAMMJJ attendue"))
        if row["DateLet"] and _parse_date(row["DateLet"]) is None:
            problems.append(
                Problem(number, f"DateLet « {row['DateLet']} » : date AAAAMMJJ attendue")
            )
        if bool(row["EcritureLet"].strip()) != bool(row["DateLet"].strip()):
            problems.append(Problem(number, "EcritureLet et DateLet vont ensemble"))
        if not _ACCOUNT_RE.match(row["CompteNum"]):
            problems.append(
                Problem(number, f"CompteNum « {row['CompteNum']} » : trois chiffres du PCG en tête")
            )
        if row["Idevise"] and not _CURRENCY_RE.fullmatch(row["Idevise"]):
            problems.append(Problem(number, f"Idevise « {row['Idevise']} » : code ISO 4217"))
        if montant_sens:
            amount = _parse_amount(row["Montant"])
            if amount is None:
                problems.append(Problem(number, f"Montant « {row['Montant']} » illisible"))
                unreadable.add(entry)
                continue
            sens = row["Sens"].strip()
            if sens not in ("D", "C", "+1", "-1"):
                problems.append(Problem(number, f"Sens « {sens} » : D, C, +1 ou -1"))
                unreadable.add(entry)
                continue
            debit, credit = (amount, Decimal(0)) if sens in ("D", "+1") else (Decimal(0), amount)
        else:
            parsed_debit = _parse_amount(row["Debit"])
            parsed_credit = _parse_amount(row["Credit"])
            for name, value in (("Debit", parsed_debit), ("Credit", parsed_credit)):
                if value is None:
                    problems.append(
                        Problem(
                            number,
                            f"{name} « {row[name]} » : montant avec virgule décimale, sans "
                            "séparateur de milliers",
                        )
                    )
            if parsed_debit is None or parsed_credit is None:
                unreadable.add(entry)
                continue
            debit, credit = parsed_debit, parsed_credit
            if debit and credit:
                problems.append(Problem(number, "montant au débit et au crédit à la fois"))
                unreadable.add(entry)
        totals[entry][0] += debit
        totals[entry][1] += credit
        written = _parse_date(row["EcritureDate"])
        if written is not None:
            dates.append(written)
            if closing is not None and written > closing:
                problems.append(
                    Problem(number, f"EcritureDate {row['EcritureDate']} après la clôture")
                )
            if year_start is not None and written < year_start:
                problems.append(
                    Problem(number, f"EcritureDate {row['EcritureDate']} avant l'exercice")
                )
            valid = _parse_date(row["ValidDate"])
            if valid is not None and valid > dt.date.today():  # noqa: DTZ011 - a calendar date
                problems.append(Problem(number, "ValidDate dans le futur"))
    for entry, (debit, credit) in totals.items():
        if debit != credit and entry not in unreadable:
            problems.append(
                Problem(
                    first_line[entry],
                    f"écriture {entry.split('|')[1]} déséquilibrée "
                    f"(débit {debit}, crédit {credit})",
                )
            )
    if closing is not None and dates and year_start is None:
        earliest = min(dates)
        if (closing - earliest).days > 731:
            problems.append(Problem(0, "les écritures couvrent plus de deux ans avant la clôture"))
    return problems


def sha256_of(lines: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
    return digest.hexdigest()
