"""What every kind of import is made of: its columns, the context a whole file shares, and the
kind itself (how a row is checked, keyed, written and exported)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from entrepreneurs.models import Sector
from perspectives.accounts.models import User
from top.onboarding.imports.tabular import CellError, normalise, text

Values = dict[str, Any]
# (line in the file, the row's checked values)
Rows = list[tuple[int, Values]]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: Callable[[object], Any] = text
    required: bool = False
    # Other headers that mean this column (enDI's "gestion sociale" export and others).
    aliases: tuple[str, ...] = ()
    # A required column whose empty cell the kind's `check` fills from other cells (or refuses).
    derived: bool = False


@dataclass(frozen=True)
class Dialect:
    """A known file shape recognised by a header only it has (`marker`), where some headers
    mean another column than in our templates: header → column key (None: no column)."""

    marker: str
    headers: dict[str, str | None]


@dataclass(frozen=True)
class Numbered:
    """Headers a file repeats once per item, numbered: enDI writes a person's career path as
    "Parcours Date d’effet 1", "Parcours Date d’effet 2"… (`prefix`, one of `fields`, the
    number). `read` gets the items (their fields' raw cells, by number) and gives the values
    they mean; a value a column already gave is kept."""

    prefix: str
    fields: dict[str, str]  # header between prefix and number → field
    read: Callable[[list[dict[str, object]]], Values]

    def field(self, header: str) -> tuple[str, int] | None:
        """(field, number) when `header` is one of these, else None."""
        name, _space, number = normalise(header).rpartition(" ")
        prefix = normalise(self.prefix)
        if not number.isdigit() or not name.startswith(f"{prefix} "):
            return None
        fields = {normalise(label): key for label, key in self.fields.items()}
        key = fields.get(name[len(prefix) + 1 :])
        return None if key is None else (key, int(number))


@dataclass
class Context:
    """What a whole file shares: looked up once, not once per row."""

    by: User | None
    activity_code: str = ""
    sectors: dict[str, Sector] = field(default_factory=dict)
    staff: dict[str, User] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)
    # What a kind remembers of the rows written so far; unlike `cache`, not cleared when a
    # row is refused.
    written: dict[str, Any] = field(default_factory=dict)


def choice(table: list[tuple[tuple[str, ...], str]], what: object) -> Callable[[object], str]:
    """Parse free text to a choice: the first entry whose words all appear in the value."""

    def parse(value: object) -> str:
        raw = normalise(text(value))
        if not raw:
            return ""
        for words, choice in table:
            # Short words match whole words only ("mme" is not in "homme").
            if all(f" {w} " in f" {raw} " if 0 < len(w) <= 3 else w in raw for w in words):
                return choice
        raise CellError(
            _("« %(value)s » : %(what)s inconnu·e.") % {"value": text(value), "what": what}
        )

    return parse


def email(value: object) -> str:
    return text(value).lower()


@dataclass(frozen=True)
class Kind:
    key: str
    label: object
    columns: tuple[Column, ...]
    natural_key: Callable[[Values], tuple[object, ...]]
    existing: Callable[[], dict[tuple[object, ...], Any]]
    write: Callable[[Values, Any, Context], bool]  # True when something changed
    check: Callable[[Values], None] = lambda values: None
    export: Callable[[], list[list[object]]] = list
    # The bulk path for new records, when the kind has one: `prepare` checks a row as `write`
    # would (raising the same errors) without writing it; `create_many` then writes every
    # prepared row in a few statements, once the whole file has been checked.
    prepare: Callable[[Values, Context], Any] | None = None
    create_many: Callable[[list[Any], Context], None] | None = None
    dialects: tuple[Dialect, ...] = ()
    numbered: Numbered | None = None
