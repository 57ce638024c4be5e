"""An entry's life: posted at once or drafted, updated, validated, reversed, with idempotency
keys. The database enforces every rule of a validated entry (`accounting/sql/`); the checks
(`entry_checks`) run first so that people get a French message and nothing is written when a
posting is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from accounting.models import Entry, EntryLine, Journal
from accounting.services.batch import post_batch
from accounting.services.entry_checks import (
    EntryInput,
    LineInput,
    Prepared,
    Refs,
    entry_check_postable,
    entry_prepare,
    soft_locked_allowed,
)
from accounting.services.errors import db_errors, db_message
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id


def _existing_for_key(prepared: Prepared) -> Entry | None:
    if prepared.idempotency_key is None:
        return None
    existing: Entry | None = Entry.objects.filter(idempotency_key=prepared.idempotency_key).first()
    if existing is None:
        return None
    if existing.payload_hash != prepared.payload_hash:
        raise ApplicationError(
            _(
                "La clé d'idempotence %(key)s a déjà servi pour une autre écriture "
                "(%(reference)s) : rien n'a été passé."
            )
            % {"key": prepared.idempotency_key, "reference": existing.reference or existing.pk}
        )
    return existing


def _entry_row(prepared: Prepared, *, user: User | None) -> Entry:
    return Entry(
        cooperative_id=require_cooperative_id(),
        journal=prepared.journal,
        fiscal_year=prepared.fiscal_year,
        date=prepared.date,
        label=prepared.label,
        piece_ref=prepared.piece_ref,
        piece_date=prepared.piece_date,
        idempotency_key=prepared.idempotency_key,
        payload_hash=prepared.payload_hash if prepared.idempotency_key else "",
        source=prepared.source,
        reverses=prepared.reverses,
        created_by=user,
    )


def _line_rows(entry: Entry, prepared: Prepared) -> list[EntryLine]:
    return [
        EntryLine(
            cooperative_id=entry.cooperative_id,
            entry=entry,
            line_no=line.line_no,
            date=prepared.date,
            account=line.account,
            activity_id=line.activity_id,
            third_party=line.third_party,
            debit=line.debit,
            credit=line.credit,
            label=line.label,
        )
        for line in prepared.lines
    ]


def _reload(entry: Entry) -> Entry:
    reloaded: Entry = Entry.objects.select_related("journal").get(pk=entry.pk)
    return reloaded


def _validate_ids(ids: list[int], *, user: User | None, allow_soft_locked: bool) -> None:
    """Validate drafts: the database's row trigger numbers, stamps and chains each one, and the
    statement trigger checks them and adds them to the monthly balances."""
    with soft_locked_allowed(allow_soft_locked), db_errors(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounting_entry SET status = 'validated', validated_by_id = %s "
            "WHERE id = ANY(%s) AND status = 'draft'",
            [user.pk if user else None, sorted(ids)],
        )


def entry_post(
    *,
    journal: Journal | str,
    date: dt.date,
    label: str,
    lines: Sequence[LineInput],
    idempotency_key: str | None = None,
    piece_ref: str = "",
    piece_date: dt.date | None = None,
    source: str = "",
    user: User | None = None,
    allow_soft_locked: bool = False,
    reverses: Entry | None = None,
) -> Entry:
    """Post a validated entry in one step. With an idempotency key, posting the same payload
    again returns the first entry; another payload under the same key is refused."""
    data = EntryInput(
        journal=journal,
        date=date,
        label=label,
        lines=lines,
        idempotency_key=idempotency_key,
        piece_ref=piece_ref,
        piece_date=piece_date,
        source=source,
    )
    refs = Refs()
    refs.preload([data])
    prepared = entry_prepare(data, refs, reverses=reverses)
    existing = _existing_for_key(prepared)
    if existing is not None:
        return existing
    entry_check_postable(prepared, refs, allow_soft_locked=allow_soft_locked)
    try:
        # A batch of one: one round trip, checked, numbered and chained by the database.
        with transaction.atomic(), soft_locked_allowed(allow_soft_locked):
            (entry_id,) = post_batch([prepared], user=user)
    except IntegrityError as exc:
        # Another transaction posted the same key first (we waited for it on the unique index).
        if prepared.idempotency_key and "entry_unique_idempotency_key" in db_message(exc) + str(
            exc
        ):
            existing = _existing_for_key(prepared)
            if existing is not None:
                return existing
        raise
    reloaded: Entry = Entry.objects.select_related("journal").get(pk=entry_id)
    return reloaded


@transaction.atomic
def entry_draft_create(
    *,
    journal: Journal | str,
    date: dt.date,
    label: str,
    lines: Sequence[LineInput] = (),
    piece_ref: str = "",
    piece_date: dt.date | None = None,
    source: str = "",
    user: User | None = None,
) -> Entry:
    """A draft (brouillard): may be unbalanced or incomplete, validated later."""
    data = EntryInput(journal, date, label, lines, None, piece_ref, piece_date, source)
    prepared = entry_prepare(data, Refs(), strict=False)
    entry = _entry_row(prepared, user=user)
    with db_errors():
        entry.save(force_insert=True)
        EntryLine.objects.bulk_create(_line_rows(entry, prepared))
    return entry


@transaction.atomic
def entry_draft_update(
    *,
    entry: Entry,
    date: dt.date,
    label: str,
    lines: Sequence[LineInput],
    piece_ref: str = "",
    piece_date: dt.date | None = None,
) -> Entry:
    """Replace a draft's header and lines."""
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != Entry.Status.DRAFT:
        raise ApplicationError(_("Une écriture validée ne se modifie plus : extournez-la."))
    data = EntryInput(entry.journal, date, label, lines, None, piece_ref, piece_date)
    prepared = entry_prepare(data, Refs(), strict=False)
    with db_errors():
        EntryLine.objects.filter(entry=entry).delete()
        Entry.objects.filter(pk=entry.pk).update(
            date=prepared.date,
            fiscal_year=prepared.fiscal_year,
            label=prepared.label,
            piece_ref=prepared.piece_ref,
            piece_date=prepared.piece_date,
        )
        entry.refresh_from_db()
        EntryLine.objects.bulk_create(_line_rows(entry, prepared))
    return entry


@transaction.atomic
def entry_draft_delete(*, entry: Entry) -> None:
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != Entry.Status.DRAFT:
        raise ApplicationError(_("Une écriture validée ne se supprime pas : extournez-la."))
    with db_errors():
        EntryLine.objects.filter(entry=entry).delete()
        Entry.objects.filter(pk=entry.pk).delete()


@transaction.atomic
def entry_validate(
    *, entry: Entry, user: User | None = None, allow_soft_locked: bool = False
) -> Entry:
    """Validate a draft: the database numbers, stamps and chains it."""
    entry = Entry.objects.select_for_update().select_related("journal").get(pk=entry.pk)
    if entry.status != Entry.Status.DRAFT:
        raise ApplicationError(_("Cette écriture est déjà validée."))
    lines = [
        LineInput(
            account=line.account,
            debit=line.debit,
            credit=line.credit,
            activity=line.activity_id,
            third_party=line.third_party,
            label=line.label,
        )
        for line in entry.lines.select_related("account", "third_party").order_by("line_no")
    ]
    refs = Refs()
    data = EntryInput(entry.journal, entry.date, entry.label, lines)
    prepared = entry_prepare(data, refs, reverses=entry.reverses)
    entry_check_postable(prepared, refs, allow_soft_locked=allow_soft_locked)
    _validate_ids([entry.pk], user=user, allow_soft_locked=allow_soft_locked)
    return _reload(entry)


def entry_reverse(
    *,
    entry: Entry,
    date: dt.date | None = None,
    label: str | None = None,
    user: User | None = None,
    idempotency_key: str | None = None,
    allow_soft_locked: bool = False,
) -> Entry:
    """Post the reversal (contre-passation) of a validated entry: the same lines, sides
    swapped, linked to it. An entry has at most one reversal, and a reversal is not reversed."""
    entry = Entry.objects.select_related("journal").get(pk=entry.pk)
    if entry.status != Entry.Status.VALIDATED:
        raise ApplicationError(
            _("Seule une écriture validée s'extourne ; supprimez le brouillard.")
        )
    if entry.reverses_id is not None:
        raise ApplicationError(_("Une extourne ne s'extourne pas : passez une nouvelle écriture."))
    existing: Entry | None = Entry.objects.filter(reverses=entry).first()
    if existing is not None:
        if idempotency_key and existing.idempotency_key == idempotency_key:
            return existing
        raise ApplicationError(
            _("L'écriture %(reference)s est déjà extournée.") % {"reference": entry.reference}
        )
    day = date or entry.date
    lines = [
        LineInput(
            account=line.account,
            debit=line.credit,
            credit=line.debit,
            activity=line.activity_id,
            third_party=line.third_party,
            label=line.label,
        )
        for line in entry.lines.select_related("account", "third_party").order_by("line_no")
    ]
    try:
        return entry_post(
            journal=entry.journal,
            date=day,
            label=label or _("Extourne de %(reference)s") % {"reference": entry.reference},
            lines=lines,
            piece_ref=entry.piece_ref,
            piece_date=entry.piece_date,
            idempotency_key=idempotency_key,
            source="reversal",
            user=user,
            allow_soft_locked=allow_soft_locked,
            reverses=entry,
        )
    except IntegrityError as exc:
        if "entry_one_reversal" in str(exc):
            raise ApplicationError(
                _("L'écriture %(reference)s est déjà extournée.") % {"reference": entry.reference}
            ) from exc
        raise
