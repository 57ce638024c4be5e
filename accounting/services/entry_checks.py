"""The checks every posting goes through, public so that every way into the ledger (the
services, the batch pipeline, the FEC import) refuses the same things with the same French
message naming the line, before anything is written. The database enforces the same rules
(`accounting/sql/`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounting.models import Account, Entry, FiscalYear, Journal, Period, ThirdParty
from entrepreneurs.models import Activity
from perspectives.core.exceptions import ApplicationError

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
class PreparedLine:
    line_no: int
    account: Account
    activity_id: int | None
    third_party: ThirdParty | None
    debit: Decimal
    credit: Decimal
    label: str


@dataclass
class Prepared:
    journal: Journal
    fiscal_year: FiscalYear
    date: dt.date
    label: str
    piece_ref: str
    piece_date: dt.date | None
    idempotency_key: str | None
    source: str
    reverses: Entry | None
    lines: list[PreparedLine]
    payload_hash: str = field(default="")


class Refs:
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
                activity_id = activity_id_of(line.activity)
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


def line_amount(value: Decimal | int | str, line_no: int, side: object) -> Decimal:
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


def activity_id_of(ref: Activity | int | None) -> int | None:
    if ref is None:
        return None
    if isinstance(ref, Activity):
        return int(ref.pk)
    return int(ref)


def entry_prepare(
    data: EntryInput, refs: Refs, *, reverses: Entry | None = None, strict: bool = True
) -> Prepared:
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
    lines: list[PreparedLine] = []
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
        debit = line_amount(line.debit, line_no, _DEBIT)
        credit = line_amount(line.credit, line_no, _CREDIT)
        if debit and credit:
            raise ApplicationError(
                _("Ligne %(line)s : une ligne est au débit ou au crédit, pas les deux.")
                % {"line": line_no}
            )
        if strict and not debit and not credit:
            raise ApplicationError(_("Ligne %(line)s : montant nul.") % {"line": line_no})
        activity_id = activity_id_of(line.activity)
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
            PreparedLine(
                line_no, account, activity_id, third_party, debit, credit, (line.label or "")[:200]
            )
        )
    prepared = Prepared(
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
        entry_check_balanced(prepared)
    prepared.payload_hash = payload_hash(prepared)
    return prepared


def entry_check_balanced(prepared: Prepared) -> None:
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


def entry_check_postable(prepared: Prepared, refs: Refs, *, allow_soft_locked: bool) -> None:
    fiscal_year = prepared.fiscal_year
    if fiscal_year.status == FiscalYear.Status.CLOSED:
        raise ApplicationError(_("L'exercice %(year)s est clôturé.") % {"year": fiscal_year})
    lock = refs.period_lock(prepared.date)
    day = prepared.date.strftime("%d/%m/%Y")
    if lock is None:
        raise ApplicationError(_("Aucune période ne couvre le %(date)s.") % {"date": day})
    if lock == Period.Lock.HARD or (lock == Period.Lock.SOFT and not allow_soft_locked):
        raise ApplicationError(_("La période du %(date)s est verrouillée.") % {"date": day})


def payload_hash(prepared: Prepared) -> str:
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


@contextmanager
def soft_locked_allowed(allowed: bool) -> Iterator[None]:
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
