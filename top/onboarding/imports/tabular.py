"""Reading the tables people bring: CSV (`;` or `,`, UTF-8 with or without BOM, or
Windows-1252) and XLSX; French dates, decimal commas and yes/no answers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from perspectives.core.csvexport import FORMULA_PREFIXES
from perspectives.core.exceptions import ApplicationError


@dataclass(frozen=True)
class Table:
    headers: list[str]
    # (line number in the file, the row by header); line 1 is the header row.
    rows: list[tuple[int, dict[str, object]]]


def normalise(header: str) -> str:
    """A header as compared: no accents, no case, apostrophes and spaces folded."""
    text = str(header).replace("\u2019", " ").replace("'", " ")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows saves CSV in Windows-1252: every byte decodes, the accents are right.
        return data.decode("cp1252")


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines = list(reader)
    if not lines:
        raise ApplicationError(_("Le fichier est vide."))
    headers = [h.strip() for h in lines[0]]
    rows: list[tuple[int, dict[str, object]]] = []
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        rows.append(
            (
                number,
                _by_header(
                    headers,
                    [cells[i].strip() if i < len(cells) else "" for i in range(len(headers))],
                ),
            )
        )
    return Table(headers=headers, rows=rows)


def _by_header(headers: list[str], cells: list[object]) -> dict[str, object]:
    """A row by header. A header written twice (enDI's career path has two "Type d’étape"
    columns, one always empty) keeps its first cell with a value."""
    row: dict[str, object] = {}
    for header, cell in zip(headers, cells, strict=False):
        if row.get(header) in ("", None):
            row[header] = cell
    return row


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise ApplicationError(_("Ce fichier XLSX ne peut pas être lu.")) from error
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header_cells = next(iterator)
    except StopIteration as error:
        raise ApplicationError(_("Le fichier est vide.")) from error
    headers = ["" if h is None else str(h).strip() for h in header_cells]
    rows: list[tuple[int, dict[str, object]]] = []
    for number, cells in enumerate(iterator, start=2):
        values = _by_header(
            headers, ["" if v is None else v.strip() if isinstance(v, str) else v for v in cells]
        )
        if any(v != "" for v in values.values()):
            rows.append((number, values))
    workbook.close()
    return Table(headers=headers, rows=rows)


def read_table(*, data: bytes, filename: str) -> Table:
    if filename.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        return _read_xlsx(data)
    if filename.lower().endswith(".xls"):
        raise ApplicationError(
            _("Les fichiers .xls (Excel 97) ne sont pas lus : enregistrez-le en .xlsx ou en CSV.")
        )
    return _read_csv(data)


# --------------------------------------------------------------------------- values


class CellError(ValueError):
    pass


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    cleaned = str(value).strip()
    # Our exports quote a cell a spreadsheet would run as a formula ("+33 6…" becomes
    # "'+33 6…"): the quote is taken off again, so an export imports back as it was.
    if cleaned[:1] == "'" and cleaned[1:].startswith(FORMULA_PREFIXES):
        return cleaned[1:]
    return cleaned


_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


def date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    if not raw:
        return None
    raw = raw.split(" ")[0]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a calendar day, no time
        except ValueError:
            continue
    raise CellError(_("« %(value)s » n'est pas une date (JJ/MM/AAAA).") % {"value": raw})


def decimal(value: object) -> Decimal | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    raw = text(value).replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    raw = raw.replace("€", "").replace("%", "")
    if not raw:
        return None
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    try:
        return Decimal(raw)
    except InvalidOperation as error:
        raise CellError(_("« %(value)s » n'est pas un nombre.") % {"value": text(value)}) from error


def integer(value: object) -> int | None:
    number = decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(_("« %(value)s » n'est pas un nombre entier.") % {"value": text(value)})
    return int(number)


_YES = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
_NO = {"non", "n", "no", "faux", "false", "0", ""}


def boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raw = normalise(text(value))
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise CellError(_("« %(value)s » : répondez oui ou non.") % {"value": text(value)})
