"""Bulk posting: thousands of entries checked in Python, then written by the database
function `accounting_post_batch` (`accounting/sql/`) in chunks, all or nothing."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from accounting.models import Entry
from accounting.services import planner
from accounting.services.entry_checks import (
    EntryInput,
    Prepared,
    Refs,
    entry_check_postable,
    entry_prepare,
    soft_locked_allowed,
)
from accounting.services.errors import db_errors
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError


@dataclass
class BulkResult:
    created: list[int] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)
    lines: int = 0  # of the created entries

    @property
    def count(self) -> int:
        return len(self.created) + len(self.existing)


@transaction.atomic
def entries_post_bulk(
    *,
    entries: Sequence[EntryInput],
    user: User | None = None,
    allow_soft_locked: bool = False,
) -> BulkResult:
    """Post many entries at once, all or nothing (imports, history, automatic postings).

    Entries are posted in date order (numbers follow dates), each checked first (a refused entry
    names its position and line), then sent in chunks to the database's `accounting_post_batch`,
    which checks every rule again set-based, numbers, chains and inserts them validated and
    maintains the monthly balances. While the database posts one chunk, the next is checked
    here. Entries whose idempotency key exists with the same payload are skipped; another
    payload under an existing key refuses the whole batch."""
    refs = Refs()
    refs.preload(entries)
    keys = [data.idempotency_key for data in entries if data.idempotency_key]
    if len(keys) != len(set(keys)):
        raise ApplicationError(_("Le lot contient deux fois la même clé d'idempotence."))
    known = {
        e.idempotency_key: e
        for e in Entry.objects.filter(_key_in(keys)).only(
            "pk", "idempotency_key", "payload_hash", "number", "journal"
        )
    }
    result = BulkResult()
    ordered = sorted(enumerate(entries, start=1), key=lambda item: item[1].date)
    with soft_locked_allowed(allow_soft_locked), _Poster(user) as poster:
        for start, end in itertools.pairwise(_chunk_bounds(len(ordered))):
            chunk: list[Prepared] = []
            for position, data in ordered[start:end]:
                prepared = _prepare_for_bulk(position, data, refs, allow_soft_locked)
                existing = known.get(prepared.idempotency_key or "")
                if existing is None:
                    chunk.append(prepared)
                    result.lines += len(prepared.lines)
                elif existing.payload_hash == prepared.payload_hash:
                    result.existing.append(existing.pk)
                else:
                    raise ApplicationError(
                        _(
                            "Écriture %(position)s : la clé %(key)s a déjà servi pour une autre "
                            "écriture."
                        )
                        % {"position": position, "key": prepared.idempotency_key}
                    )
            poster.send(chunk)
    result.created = poster.ids
    if result.lines >= planner.REFRESH_AFTER_LINES:
        planner.ledger_statistics_refresh_request()
    return result


def _key_in(keys: list[str]) -> RawSQL:
    """`idempotency_key = ANY('{…}')`: the keys as one array literal, which the planner sees as
    a constant and probes by hashing, whatever it believes about the cooperative's entries. (A
    cooperative younger than the table's statistics looks empty: a set-returning function of
    the keys was then joined by nested loop, all keys for each entry, 20 s for 10,000 keys.) An
    IN list of thousands of placeholders costs more to build and parse than the lookup."""
    quoted = (key.replace("\\", "\\\\").replace('"', '\\"') for key in keys)
    literal = "{" + ",".join(f'"{key}"' for key in quoted) + "}"
    return RawSQL("idempotency_key = ANY(%s::varchar[])", [literal], output_field=BooleanField())


def _prepare_for_bulk(
    position: int, data: EntryInput, refs: Refs, allow_soft_locked: bool
) -> Prepared:
    try:
        prepared = entry_prepare(data, refs)
        entry_check_postable(prepared, refs, allow_soft_locked=allow_soft_locked)
    except ApplicationError as exc:
        raise ApplicationError(
            _("Écriture %(position)s (%(label)s) : %(error)s")
            % {"position": position, "label": data.label, "error": exc.message}
        ) from exc
    return prepared


# Columns travel as text the server splits in C: numbers, ids and dates (which hold no comma) as
# comma-separated values, N for NULL; texts as JSON arrays. Quoting Python lists client-side, or
# binding them as arrays, costs more than the whole posting does in the database.
_KINDS = (
    *("bigint", "bigint", "date", "text", "date", "text", "text", "text", "text", "bigint"),
    *("integer", "integer", "bigint", "bigint", "bigint", "numeric", "numeric", "text"),
)


_CSV_COLUMN = "string_to_array(%s, ',', 'N')::{}[]"  # N: NULL (an empty text is no element)


_JSON_COLUMN = (
    "ARRAY(SELECT v::{} FROM json_array_elements_text(%s::json) WITH ORDINALITY AS x(v, o) "
    "ORDER BY o)"
)


_POST_BATCH = "SELECT accounting_post_batch({}, %s)".format(
    ", ".join((_JSON_COLUMN if kind == "text" else _CSV_COLUMN).format(kind) for kind in _KINDS)
)


def batch_columns(columns: Sequence[list[Any]]) -> list[str]:
    """The 18 columns of `accounting_post_batch` as `_POST_BATCH` takes them (None: NULL)."""
    return [
        json.dumps(column, ensure_ascii=False)
        if kind == "text"
        else ",".join("N" if value is None else str(value) for value in column)
        for kind, column in zip(_KINDS, columns, strict=True)
    ]


# Entries per database call: small enough for the checks of the next chunk to overlap the
# posting of this one, large enough for the call's fixed cost (planning, locks) not to show.
# The first chunks are smaller, so that the database starts early and is not left waiting.
_CHUNK = 2_500


_FIRST_CHUNKS = (500, 1_000)


def _chunk_bounds(count: int) -> list[int]:
    """[0, end of chunk 1, end of chunk 2, …, count]."""
    bounds = [0]
    sizes = itertools.chain(_FIRST_CHUNKS, itertools.repeat(_CHUNK))
    while bounds[-1] < count:
        bounds.append(min(bounds[-1] + min(next(sizes), _CHUNK), count))
    return bounds


class _Poster:
    """Sends chunks of checked entries to `accounting_post_batch` (accounting/sql/), one
    call at a time on this transaction's connection, from a helper thread: the caller goes on
    checking the next chunk meanwhile. Leaving the block waits for the last call; a database
    refusal surfaces as an ApplicationError (nothing written: the transaction rolls back)."""

    def __init__(self, user: User | None) -> None:
        self.user_id = user.pk if user else None
        self.ids: list[int] = []
        self._executor: ThreadPoolExecutor | None = None
        self._pending: Future[list[int]] | None = None

    def __enter__(self) -> _Poster:
        connection.ensure_connection()
        return self

    def send(self, prepared_list: list[Prepared]) -> None:
        if not prepared_list:
            return
        params = _batch_params(prepared_list, self.user_id)
        self._collect()
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="post-batch")
        self._pending = self._executor.submit(_call_post_batch, connection.connection, params)

    def _collect(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            with db_errors(), connection.wrap_database_errors:
                self.ids.extend(pending.result())

    def __exit__(self, exc_type: object, *exc: object) -> None:
        try:
            if exc_type is None:
                self._collect()
            elif self._pending is not None:
                # Let the call in flight end before the transaction rolls back.
                wait([self._pending])
        finally:
            if self._executor is not None:
                self._executor.shutdown()


def post_batch(prepared_list: list[Prepared], *, user: User | None) -> list[int]:
    """Post checked entries with one call, in this thread (a single posting)."""
    with db_errors(), connection.cursor() as cursor:
        cursor.execute(_POST_BATCH, _batch_params(prepared_list, user.pk if user else None))
        (ids,) = cursor.fetchone()
    return list(ids)


def _call_post_batch(raw_connection: Any, params: list[Any]) -> list[int]:
    # The psycopg connection serialises its users: a query of the caller's thread waits.
    with raw_connection.cursor() as cursor:
        cursor.execute(_POST_BATCH, params)
        row = cursor.fetchone()
    return list(row[0])


def _batch_params(prepared_list: list[Prepared], user_id: int | None) -> list[Any]:
    """The columns of `accounting_post_batch`: no model objects, no per-entry round trip."""
    entries: tuple[list[Any], ...] = ([], [], [], [], [], [], [], [], [], [])
    lines: tuple[list[Any], ...] = ([], [], [], [], [], [], [], [])
    for position, prepared in enumerate(prepared_list, start=1):
        entries[0].append(prepared.journal.pk)
        entries[1].append(prepared.fiscal_year.pk)
        entries[2].append(prepared.date.isoformat())
        entries[3].append(prepared.piece_ref)
        entries[4].append(prepared.piece_date.isoformat() if prepared.piece_date else None)
        entries[5].append(prepared.label)
        entries[6].append(prepared.idempotency_key)
        entries[7].append(prepared.payload_hash if prepared.idempotency_key else "")
        entries[8].append(prepared.source)
        entries[9].append(prepared.reverses.pk if prepared.reverses else None)
        for line in prepared.lines:
            lines[0].append(position)
            lines[1].append(line.line_no)
            lines[2].append(line.account.pk)
            lines[3].append(line.activity_id)
            lines[4].append(line.third_party.pk if line.third_party else None)
            lines[5].append(str(line.debit))
            lines[6].append(str(line.credit))
            lines[7].append(line.label)
    return [*batch_columns((*entries, *lines)), user_id]
