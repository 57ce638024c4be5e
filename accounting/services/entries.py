"""Posting: drafts, validation, one-shot and bulk posting with idempotency keys, reversals.

The database enforces every rule of a validated entry (`accounting/sql/`); these services check
the same rules first so that people get a French message naming the line, and so that nothing
is written when a posting is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounting.models import Account, Entry, EntryLine, FiscalYear, Journal, Period, ThirdParty
from accounting.services import planner
from accounting.services.errors import db_errors, db_message
from entrepreneurs.models import Activity
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # numeric(14, 2)
MAX_LINES = 10_000


@dataclass(frozen=True)
class LineInput:
    """One line to post. `account` and `third_party` by object or code; `activity` by object or
    id, None for the cooperative's own section."""

    account: Account | str
    debit: Decimal | int | str = ZERO
    credit: Decimal | int | str = ZERO
    activity: Activity | int | None = None
    third_party: ThirdParty | str | None = None
    label: str = ""


@dataclass(frozen=True)
class EntryInput:
    journal: Journal | str
    date: dt.date
    label: str
    lines: Sequence[LineInput]
    idempotency_key: str | None = None
    piece_ref: str = ""
    piece_date: dt.date | None = None
    source: str = ""


@dataclass
class _Line:
    line_no: int
    account: Account
    activity_id: int | None
    third_party: ThirdParty | None
    debit: Decimal
    credit: Decimal
    label: str


@dataclass
class _Prepared:
    journal: Journal
    fiscal_year: FiscalYear
    date: dt.date
    label: str
    piece_ref: str
    piece_date: dt.date | None
    idempotency_key: str | None
    source: str
    reverses: Entry | None
    lines: list[_Line]
    payload_hash: str = field(default="")


class _Refs:
    """Accounts, journals, third parties, activities, fiscal years and periods of the active
    cooperative, loaded once per posting (or once for a whole batch): `preload` fetches what a
    set of entries names in a few queries."""

    def __init__(self) -> None:
        self._accounts: dict[str, Account] = {}
        self._journals: dict[str, Journal] | None = None
        self._third_parties: dict[str, ThirdParty] = {}
        self._activities: set[int] = set()
        self._years: list[FiscalYear] | None = None
        self._locks: dict[dt.date, str] = {}

    def preload(self, entries: Iterable[EntryInput]) -> None:
        codes: set[str] = set()
        parties: set[str] = set()
        activities: set[int] = set()
        months: set[dt.date] = set()
        for data in entries:
            months.add(data.date.replace(day=1))
            for line in data.lines:
                if not isinstance(line.account, Account):
                    codes.add(str(line.account).strip().upper())
                if isinstance(line.third_party, str) and line.third_party:
                    parties.add(line.third_party.strip().upper())
                activity_id = _activity_id(line.activity)
                if activity_id is not None:
                    activities.add(activity_id)
        codes -= set(self._accounts)
        if codes:
            self._accounts.update({a.code: a for a in Account.objects.filter(code__in=codes)})
        self.load_third_parties(parties)
        activities -= self._activities
        if activities:
            self._activities.update(
                Activity.objects.filter(pk__in=activities).values_list("pk", flat=True)
            )
        months -= set(self._locks)
        if months:
            self._locks.update(
                Period.objects.filter(start_date__in=months).values_list("start_date", "lock")
            )

    def account(self, ref: Account | str) -> Account | None:
        if isinstance(ref, Account):
            return ref
        code = str(ref).strip().upper()
        if code not in self._accounts:
            found = Account.objects.filter(code=code).first()
            if found is None:
                return None
            self._accounts[code] = found
        return self._accounts[code]

    def journal(self, ref: Journal | str) -> Journal | None:
        if isinstance(ref, Journal):
            return ref
        if self._journals is None:
            self._journals = {j.code: j for j in Journal.objects.all()}
        return self._journals.get(str(ref).strip().upper())

    def third_party(self, ref: ThirdParty | str) -> ThirdParty | None:
        if isinstance(ref, ThirdParty):
            return ref
        code = str(ref).strip().upper()
        if code not in self._third_parties:
            found = ThirdParty.objects.filter(code=code).first()
            if found is None:
                return None
            self._third_parties[code] = found
        return self._third_parties[code]

    def load_third_parties(self, codes: Iterable[str]) -> None:
        wanted = {c.strip().upper() for c in codes} - set(self._third_parties)
        if wanted:
            self._third_parties.update(
                {t.code: t for t in ThirdParty.objects.filter(code__in=wanted)}
            )

    def activity_exists(self, activity_id: int) -> bool:
        if activity_id not in self._activities and Activity.objects.filter(pk=activity_id).exists():
            self._activities.add(activity_id)
        return activity_id in self._activities

    def fiscal_year(self, day: dt.date) -> FiscalYear | None:
        if self._years is None:
            self._years = list(FiscalYear.objects.all())
        return next((y for y in self._years if y.start_date <= day <= y.end_date), None)

    def period_lock(self, day: dt.date) -> str | None:
        month = day.replace(day=1)
        if month not in self._locks:
            lock = Period.objects.filter(start_date=month).values_list("lock", flat=True).first()
            if lock is None:
                return None
            self._locks[month] = lock
        return self._locks[month]


# Translated only when a message shows them (a batch checks hundreds of thousands of amounts).
_DEBIT = gettext_lazy("au débit")
_CREDIT = gettext_lazy("au crédit")


def _amount(value: Decimal | int | str, line_no: int, side: object) -> Decimal:
    if isinstance(value, float):
        raise ApplicationError(
            _("Ligne %(line)s : montant %(side)s en nombre flottant, utilisez Decimal.")
            % {"line": line_no, "side": side}
        )
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError(
            _("Ligne %(line)s : montant %(side)s illisible (%(value)s).")
            % {"line": line_no, "side": side, "value": value}
        ) from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise ApplicationError(
            _("Ligne %(line)s : le montant %(side)s %(value)s n'est pas exact au centime.")
            % {"line": line_no, "side": side, "value": value}
        )
    if amount < 0:
        raise ApplicationError(
            _("Ligne %(line)s : montant %(side)s négatif ; utilisez l'autre colonne.")
            % {"line": line_no, "side": side}
        )
    if amount > MAX_AMOUNT:
        raise ApplicationError(
            _("Ligne %(line)s : montant %(side)s trop grand.") % {"line": line_no, "side": side}
        )
    return amount.quantize(CENT)


def _activity_id(ref: Activity | int | None) -> int | None:
    if ref is None:
        return None
    if isinstance(ref, Activity):
        return int(ref.pk)
    return int(ref)


def _prepare(
    data: EntryInput, refs: _Refs, *, reverses: Entry | None = None, strict: bool = True
) -> _Prepared:
    """Resolve and check an entry to post. `strict`: check it could be validated now."""
    journal = refs.journal(data.journal)
    if journal is None:
        raise ApplicationError(_("Journal %(code)s inconnu.") % {"code": data.journal})
    label = (data.label or "").strip()
    if not label:
        raise ApplicationError(_("L'écriture n'a pas de libellé."))
    if len(data.lines) > MAX_LINES:
        raise ApplicationError(_("Trop de lignes dans une écriture."))
    fiscal_year = refs.fiscal_year(data.date)
    if fiscal_year is None:
        raise ApplicationError(
            _("Aucun exercice ne couvre le %(date)s.") % {"date": data.date.strftime("%d/%m/%Y")}
        )
    lines: list[_Line] = []
    for line_no, line in enumerate(data.lines, start=1):
        account = refs.account(line.account)
        if account is None:
            raise ApplicationError(
                _("Ligne %(line)s : compte %(code)s inconnu.")
                % {"line": line_no, "code": line.account}
            )
        if not account.is_active:
            raise ApplicationError(
                _("Ligne %(line)s : le compte %(code)s est fermé.")
                % {"line": line_no, "code": account.code}
            )
        debit = _amount(line.debit, line_no, _DEBIT)
        credit = _amount(line.credit, line_no, _CREDIT)
        if debit and credit:
            raise ApplicationError(
                _("Ligne %(line)s : une ligne est au débit ou au crédit, pas les deux.")
                % {"line": line_no}
            )
        if strict and not debit and not credit:
            raise ApplicationError(_("Ligne %(line)s : montant nul.") % {"line": line_no})
        activity_id = _activity_id(line.activity)
        if activity_id is not None and not refs.activity_exists(activity_id):
            raise ApplicationError(_("Ligne %(line)s : activité inconnue.") % {"line": line_no})
        third_party = None
        if line.third_party is not None and line.third_party != "":
            third_party = refs.third_party(line.third_party)
            if third_party is None:
                raise ApplicationError(
                    _("Ligne %(line)s : tiers %(code)s inconnu.")
                    % {"line": line_no, "code": line.third_party}
                )
        if strict and account.requires_third_party and third_party is None:
            raise ApplicationError(
                _("Ligne %(line)s : le compte collectif %(code)s demande un tiers.")
                % {"line": line_no, "code": account.code}
            )
        lines.append(
            _Line(
                line_no, account, activity_id, third_party, debit, credit, (line.label or "")[:200]
            )
        )
    prepared = _Prepared(
        journal=journal,
        fiscal_year=fiscal_year,
        date=data.date,
        label=label[:200],
        piece_ref=(data.piece_ref or "")[:40],
        piece_date=data.piece_date,
        idempotency_key=data.idempotency_key or None,
        source=data.source[:40],
        reverses=reverses,
        lines=lines,
    )
    if strict:
        _check_balanced(prepared)
    prepared.payload_hash = _payload_hash(prepared)
    return prepared


def _check_balanced(prepared: _Prepared) -> None:
    if len(prepared.lines) < 2:
        raise ApplicationError(_("Une écriture a au moins deux lignes."))
    debit = sum((line.debit for line in prepared.lines), ZERO)
    credit = sum((line.credit for line in prepared.lines), ZERO)
    if debit != credit:
        raise ApplicationError(
            _("Écriture déséquilibrée : débit %(debit)s, crédit %(credit)s.")
            % {"debit": debit, "credit": credit}
        )
    if prepared.journal.exempt_from_activity_balance:
        return
    by_activity: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    for line in prepared.lines:
        by_activity[line.activity_id] += line.debit - line.credit
    unbalanced = [key for key, value in by_activity.items() if value]
    if unbalanced:
        codes = dict(
            Activity.objects.filter(pk__in=[k for k in unbalanced if k]).values_list(
                "pk", "analytic_code"
            )
        )
        names = ", ".join(codes.get(k, "STRUCTURE") if k else "STRUCTURE" for k in unbalanced)
        raise ApplicationError(
            _(
                "Écriture déséquilibrée par activité (%(activities)s) : chaque activité doit "
                "s'équilibrer ; passez les flux entre activités par un compte de liaison."
            )
            % {"activities": names}
        )


def _check_postable(prepared: _Prepared, refs: _Refs, *, allow_soft_locked: bool) -> None:
    fiscal_year = prepared.fiscal_year
    if fiscal_year.status == FiscalYear.Status.CLOSED:
        raise ApplicationError(_("L'exercice %(year)s est clôturé.") % {"year": fiscal_year})
    lock = refs.period_lock(prepared.date)
    day = prepared.date.strftime("%d/%m/%Y")
    if lock is None:
        raise ApplicationError(_("Aucune période ne couvre le %(date)s.") % {"date": day})
    if lock == Period.Lock.HARD or (lock == Period.Lock.SOFT and not allow_soft_locked):
        raise ApplicationError(_("La période du %(date)s est verrouillée.") % {"date": day})


def _payload_hash(prepared: _Prepared) -> str:
    """What an idempotency key promises: the same key always carries this same payload."""
    payload: dict[str, Any] = {
        "journal": prepared.journal.code,
        "date": prepared.date.isoformat(),
        "label": prepared.label,
        "piece_ref": prepared.piece_ref,
        "piece_date": prepared.piece_date.isoformat() if prepared.piece_date else None,
        "reverses": prepared.reverses.pk if prepared.reverses else None,
        "lines": [
            [
                line.account.code,
                line.activity_id,
                line.third_party.code if line.third_party else None,
                str(line.debit),
                str(line.credit),
                line.label,
            ]
            for line in prepared.lines
        ],
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _existing_for_key(prepared: _Prepared) -> Entry | None:
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


def _entry_row(prepared: _Prepared, *, user: User | None) -> Entry:
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


def _line_rows(entry: Entry, prepared: _Prepared) -> list[EntryLine]:
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


@contextmanager
def _soft_locked_allowed(allowed: bool) -> Iterator[None]:
    """Soft-locked periods accept postings from the accounting team only: the services say so
    to the database for the duration of one validation."""
    if not allowed:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('accounting.allow_soft_locked', 'on', true)")
    try:
        yield
    finally:
        if not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('accounting.allow_soft_locked', '', true)")


def _validate_ids(ids: list[int], *, user: User | None, allow_soft_locked: bool) -> None:
    """Validate drafts: the database's row trigger numbers, stamps and chains each one, and the
    statement trigger checks them and adds them to the monthly balances."""
    with _soft_locked_allowed(allow_soft_locked), db_errors(), connection.cursor() as cursor:
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
    refs = _Refs()
    refs.preload([data])
    prepared = _prepare(data, refs, reverses=reverses)
    existing = _existing_for_key(prepared)
    if existing is not None:
        return existing
    _check_postable(prepared, refs, allow_soft_locked=allow_soft_locked)
    try:
        # A batch of one: one round trip, checked, numbered and chained by the database.
        with transaction.atomic(), _soft_locked_allowed(allow_soft_locked):
            (entry_id,) = _post_batch([prepared], user=user)
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
    prepared = _prepare(data, _Refs(), strict=False)
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
    prepared = _prepare(data, _Refs(), strict=False)
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
    refs = _Refs()
    data = EntryInput(entry.journal, entry.date, entry.label, lines)
    prepared = _prepare(data, refs, reverses=entry.reverses)
    _check_postable(prepared, refs, allow_soft_locked=allow_soft_locked)
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
    refs = _Refs()
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
    with _soft_locked_allowed(allow_soft_locked), _Poster(user) as poster:
        for start, end in itertools.pairwise(_chunk_bounds(len(ordered))):
            chunk: list[_Prepared] = []
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
    position: int, data: EntryInput, refs: _Refs, allow_soft_locked: bool
) -> _Prepared:
    try:
        prepared = _prepare(data, refs)
        _check_postable(prepared, refs, allow_soft_locked=allow_soft_locked)
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

    def send(self, prepared_list: list[_Prepared]) -> None:
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


def _post_batch(prepared_list: list[_Prepared], *, user: User | None) -> list[int]:
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


def _batch_params(prepared_list: list[_Prepared], user_id: int | None) -> list[Any]:
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
