"""An import: read, check every row, then write all of it or nothing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from perspectives.accounts.models import User
from perspectives.core.csvexport import CsvWriter
from perspectives.core.exceptions import ApplicationError
from top.onboarding.imports.base import Column, Context, Kind
from top.onboarding.imports.kinds import ALL_KINDS, KINDS
from top.onboarding.imports.tabular import CellError, Table, normalise, read_table

Progress = Callable[[int, int], None]


@dataclass
class ImportResult:
    kind: str
    dry_run: bool
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.refused

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "refused": [list(item) for item in self.refused],
            "ignored_columns": self.ignored_columns,
        }


class _Rollback(Exception):
    pass


def kind_get(key: str) -> Kind:
    if key not in KINDS:
        raise ApplicationError(
            _("Type d'import inconnu « %(kind)s » : %(kinds)s.")
            % {"kind": key, "kinds": ", ".join(ALL_KINDS)}
        )
    return KINDS[key]


def _map_headers(kind: Kind, table: Table) -> tuple[dict[str, Column], list[str]]:
    """Each header of the file → its column. Several headers may name one column (enDI has
    "Téléphone portable" and "Téléphone fixe"): the first of them with a value wins, row by row.
    A known file shape (a dialect, told by a header only it has) may give a header another
    meaning, or none."""
    # A dialect's headers as written ("type_" is not "Type"), then ours, compared loosely.
    exact: dict[str, Column | None] = {}
    present = {normalise(header) for header in table.headers}
    by_key = {column.key: column for column in kind.columns}
    for dialect in kind.dialects:
        if normalise(dialect.marker) in present:
            for header, key in dialect.headers.items():
                exact.setdefault(header, None if key is None else by_key[key])
    names: dict[str, Column] = {}
    for column in kind.columns:
        for header in (column.header, *column.aliases):
            names.setdefault(normalise(header), column)
    mapping: dict[str, Column] = {}
    ignored: list[str] = []
    for header in table.headers:
        if kind.numbered is not None and kind.numbered.field(header) is not None:
            continue  # read by the kind's numbered headers
        found = exact[header] if header in exact else names.get(normalise(header))
        if found is None or header in mapping:
            if header and header not in mapping and header not in ignored:
                ignored.append(header)
            continue
        mapping[header] = found
    taken = {column.key for column in mapping.values()}
    missing = [c.header for c in kind.columns if c.required and c.key not in taken]
    if missing:
        raise ApplicationError(
            _("Colonne obligatoire absente : %(columns)s. Partez du modèle à télécharger.")
            % {"columns": ", ".join(missing)}
        )
    return mapping, ignored


def _numbered_headers(kind: Kind, table: Table) -> dict[str, tuple[str, int]]:
    """The file's numbered headers (see `Numbered`) → (field, number)."""
    if kind.numbered is None:
        return {}
    found = {header: kind.numbered.field(header) for header in table.headers}
    return {header: field for header, field in found.items() if field is not None}


def _parse_row(
    kind: Kind,
    mapping: dict[str, Column],
    row: dict[str, object],
    defaults: dict[str, Any],
    numbered: dict[str, tuple[str, int]] | None = None,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    columns: dict[str, Column] = {}
    for header, column in mapping.items():
        columns[column.key] = column
        if values.get(column.key) not in ("", None, []):
            continue  # an earlier header of the same column has a value
        raw = row.get(header, "")
        try:
            values[column.key] = column.parse(raw)
        except CellError as error:
            raise CellError(f"{column.header} : {error}") from error
    for column in columns.values():
        if column.required and not column.derived and values[column.key] in ("", None, []):
            raise CellError(
                _("%(column)s : valeur obligatoire manquante.") % {"column": column.header}
            )
    for key, value in defaults.items():
        if not values.get(key):
            values[key] = value
    if kind.numbered is not None and numbered:
        items: dict[int, dict[str, object]] = {}
        for header, (field, number) in numbered.items():
            item = items.setdefault(number, {})
            if item.get(field) in ("", None):
                item[field] = row.get(header, "")
        for key, value in kind.numbered.read([items[n] for n in sorted(items)]).items():
            if values.get(key) in ("", None):
                values[key] = value
    kind.check(values)
    return values


def _message(error: Exception) -> str:
    if isinstance(error, ApplicationError):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _write_row(
    spec: Kind, values: dict[str, Any], found: Any, context: Context, pending: list[Any]
) -> str:
    """Write one row (or, on the bulk path, check it and keep it for `_create_many`); which
    count it adds to."""
    if found is None and spec.prepare is not None:
        pending.append(spec.prepare(values, context))
        return "created"
    with transaction.atomic():
        changed = spec.write(values, found, context)
    if found is None:
        return "created"
    return "updated" if changed else "unchanged"


def _create_many(spec: Kind, pending: list[Any], context: Context) -> None:
    assert spec.create_many is not None  # noqa: S101 - pending rows exist only on the bulk path
    try:
        spec.create_many(pending, context)
    except (ApplicationError, ValidationError, DatabaseError) as error:
        # Each row passed its checks: what the database refuses now concerns the whole file.
        raise ApplicationError(
            _("L'enregistrement a échoué, rien n'a été importé : %(reason)s")
            % {"reason": _message(error)}
        ) from error


def data_import(
    *,
    kind: str,
    data: bytes,
    filename: str,
    dry_run: bool,
    by: User | None = None,
    activity_code: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Import a file into the active cooperative. Every row is checked and written in one
    transaction; when any row is refused (or on a dry run) nothing is kept. A row whose natural
    key is already known updates that record, so importing the same file again adds nothing.
    New records of a kind with a bulk path are checked row by row, then written together (a
    dry run writes them too before rolling back, so that it finds what the import would)."""
    spec = kind_get(kind)
    table = read_table(data=data, filename=filename)
    mapping, ignored = _map_headers(spec, table)
    numbered = _numbered_headers(spec, table)
    result = ImportResult(
        kind=kind, dry_run=dry_run, total=len(table.rows), ignored_columns=ignored
    )
    context = Context(by=by, activity_code=activity_code)
    # The activity given for a whole file (enDI's per-company exports do not name it).
    defaults = (
        {"activity_code": activity_code.strip().upper()}
        if activity_code.strip() and any(c.key == "activity_code" for c in spec.columns)
        else {}
    )
    try:
        with transaction.atomic():
            existing = spec.existing()
            seen: dict[tuple[object, ...], int] = {}
            pending: list[Any] = []
            for index, (line, row) in enumerate(table.rows, start=1):
                try:
                    values = _parse_row(spec, mapping, row, defaults, numbered)
                except CellError as error:
                    result.refused.append((line, str(error)))
                    continue
                key = spec.natural_key(values)
                if key in seen:
                    result.refused.append(
                        (
                            line,
                            _("même personne ou même code que la ligne %(line)s.")
                            % {"line": seen[key]},
                        )
                    )
                    continue
                seen[key] = line
                found = existing.get(key)
                try:
                    outcome = _write_row(spec, values, found, context, pending)
                except (ApplicationError, ValidationError, DatabaseError, TypeError) as error:
                    result.refused.append((line, _message(error)))
                    # What the refused row created was rolled back: forget it.
                    context.sectors.clear()
                    context.cache.clear()
                    continue
                setattr(result, outcome, getattr(result, outcome) + 1)
                if progress is not None and index % 100 == 0:
                    progress(index, result.total)
            if pending and not result.refused:
                _create_many(spec, pending, context)
            if dry_run or result.refused:
                raise _Rollback
    except _Rollback:
        pass
    if progress is not None:
        progress(result.total, result.total)
    return result


def data_export(*, kind: str) -> tuple[list[str], list[list[object]]]:
    spec = kind_get(kind)
    return [c.header for c in spec.columns], spec.export()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()  # dates as YYYY-MM-DD
    return str(value)


def csv_text(headers: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    # The project's one writer: a cell that a spreadsheet would run as a formula is quoted.
    writer = CsvWriter(out, delimiter=";", decimal_comma=False, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue()


def template_csv(*, kind: str) -> str:
    return csv_text([c.header for c in kind_get(kind).columns], [])
