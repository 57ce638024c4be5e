"""Closing a fiscal year: hard locks, the seal, and the opening entries (à-nouveaux) of the next.

Closing hard-locks every period, stores the SHA-256 of the year's FEC while the database writes
the head of its hash chain (the seal), then posts the next year's opening entries in the
à-nouveaux journal: one validated entry per analytic section, dated the first day of the next
year, carrying each balance-sheet account (classes 1 to 5) per third party, and the section's
result of the year on 120 (profit) or 129 (loss). Income and expense accounts (classes 6 and 7)
start again from zero. Results of earlier years never carried forward (a history imported or
posted without closings) go to the report à nouveau, 110 or 119. Each entry balances, since each
section's balance-sheet balances are the opposite of its results.

Every step is idempotent: the opening entries carry keys (year and section), so closing again,
or after a crash between the seal and the opening entries, posts only what is missing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from accounting import fec
from accounting.models import Account, Entry, EntryLine, FiscalYear, Journal, Period, ThirdParty
from accounting.services.batch import entries_post_bulk
from accounting.services.entry_checks import EntryInput, LineInput
from accounting.services.errors import db_errors
from accounting.services.fiscal import fiscal_year_create, fiscal_year_for_date
from entrepreneurs.models import Activity
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.jobs import job_enqueue, job_latest
from perspectives.tenancy.models import Cooperative, Job

ZERO = Decimal("0.00")
RESULT_PROFIT, RESULT_LOSS = "120", "129"
CARRIED_PROFIT, CARRIED_LOSS = "110", "119"
SOURCE = "opening"


def opening_key(fiscal_year: FiscalYear, activity_id: int | None) -> str:
    return f"opening:{fiscal_year.pk}:{activity_id or 'structure'}"


@transaction.atomic
def fiscal_year_close(
    *, fiscal_year: FiscalYear, fec_sha256: str = "", user: User | None = None
) -> FiscalYear:
    """Hard-lock every period, seal the year (chain head by the database, FEC fingerprint) and
    post the next year's opening entries. Closing a closed year again only posts the opening
    entries that would be missing."""
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    if fiscal_year.status == FiscalYear.Status.CLOSED:
        opening_entries_generate(fiscal_year=fiscal_year, user=user)
        return fiscal_year
    fiscal_year_close_check(fiscal_year=fiscal_year)
    with db_errors():
        Period.objects.filter(fiscal_year=fiscal_year).exclude(lock=Period.Lock.HARD).update(
            lock=Period.Lock.HARD
        )
        # Hard-locked and without drafts, the year's FEC is final: its fingerprint is the seal's.
        if not fec_sha256:
            cooperative = Cooperative.objects.get(pk=require_cooperative_id())
            fec_sha256 = fec.sha256_of(fec.fec_lines(cooperative, fiscal_year))
        FiscalYear.objects.filter(pk=fiscal_year.pk).update(
            status=FiscalYear.Status.CLOSED, fec_sha256=fec_sha256
        )
    fiscal_year.refresh_from_db()
    opening_entries_generate(fiscal_year=fiscal_year, user=user)
    return fiscal_year


def fiscal_year_close_check(*, fiscal_year: FiscalYear) -> None:
    """Refuse, with the reason, a year that cannot close now (a closed one can: its missing
    opening entries are posted again)."""
    if fiscal_year.status == FiscalYear.Status.CLOSED:
        return
    if fiscal_year.status != FiscalYear.Status.CLOSING:
        raise ApplicationError(_("L'exercice doit d'abord passer en clôture."))
    from accounting.selectors import fiscal_year_earlier_open

    earlier = fiscal_year_earlier_open(fiscal_year=fiscal_year)
    if earlier is not None:
        raise ApplicationError(
            _("L'exercice %(year)s, antérieur, doit être clôturé d'abord.") % {"year": earlier}
        )
    drafts = Entry.objects.filter(fiscal_year=fiscal_year, status=Entry.Status.DRAFT).count()
    if drafts:
        raise ApplicationError(
            _("%(count)s brouillard(s) restent dans l'exercice : validez-les ou supprimez-les.")
            % {"count": drafts}
        )


# A closing runs in a Celery worker (the FEC of a large year and its opening entries take
# seconds); its state is its job's (perspectives.tenancy.jobs): pending or running, or failed with
# the refusal's message, which the closing page shows.


def fiscal_year_close_request(*, fiscal_year: FiscalYear, user: User | None) -> None:
    """Check that the year can close, then hand the closing to a worker. Asking again while it
    is pending or running changes nothing (and two closings would not differ: closing is
    idempotent)."""
    from accounting.tasks import fiscal_year_close_task

    fiscal_year_close_check(fiscal_year=fiscal_year)
    if closing_state(fiscal_year=fiscal_year) == RUNNING:
        return
    job_enqueue(
        fiscal_year_close_task,
        fiscal_year_id=fiscal_year.pk,
        user_id=user.pk if user else None,
    )


def fiscal_year_close_run(*, fiscal_year: FiscalYear, user: User | None) -> None:
    """The worker's part. A refusal (ApplicationError) fails the job with its message."""
    fiscal_year_close(fiscal_year=fiscal_year, user=user)


RUNNING = {"state": "running"}


def closing_state(*, fiscal_year: FiscalYear) -> dict[str, str] | None:
    """{"state": "running"}, {"state": "refused", "message": …} or None (nothing pending)."""
    from accounting.tasks import fiscal_year_close_task

    job = job_latest(fiscal_year_close_task, fiscal_year_id=fiscal_year.pk)
    if job is None or job.state == Job.State.DONE:
        return None
    if job.state == Job.State.FAILED:
        return {"state": "refused", "message": job.error}
    return RUNNING


@dataclass
class _Section:
    balances: dict[tuple[int, int | None], Decimal]  # (account, third party) → debit − credit
    result: Decimal = ZERO  # this year's: income − expenses
    carried: Decimal = ZERO  # earlier years' never carried forward


def _sections(fiscal_year: FiscalYear) -> dict[int | None, _Section]:
    from accounting.selectors import balance_start  # selectors import the services package

    start = balance_start(fiscal_year.end_date)
    # Lines of validated entries (an anti-join on the few drafts) by account ids: no join to
    # the entries nor the accounts over a year of lines.
    drafts = Entry.objects.filter(status=Entry.Status.DRAFT).values("pk")
    lines = EntryLine.objects.exclude(entry_id__in=drafts).filter(date__lte=fiscal_year.end_date)
    if start is not None:
        lines = lines.filter(date__gte=start)
    codes = dict(Account.objects.values_list("pk", "code"))
    balance_sheet = Q(account_id__in=[pk for pk, code in codes.items() if code[0] in "12345"])
    pnl = Q(account_id__in=[pk for pk, code in codes.items() if code[0] in "67"])
    sections: dict[int | None, _Section] = defaultdict(lambda: _Section({}))
    for row in (
        lines.filter(balance_sheet)
        .values("activity_id", "account_id", "third_party_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    ):
        amount = row["d"] - row["c"]
        if amount:
            sections[row["activity_id"]].balances[(row["account_id"], row["third_party_id"])] = (
                amount
            )
    for row in (
        lines.filter(pnl)
        .values("activity_id")
        .annotate(
            year_d=Sum("debit", filter=Q(date__gte=fiscal_year.start_date)),
            year_c=Sum("credit", filter=Q(date__gte=fiscal_year.start_date)),
            before_d=Sum("debit", filter=Q(date__lt=fiscal_year.start_date)),
            before_c=Sum("credit", filter=Q(date__lt=fiscal_year.start_date)),
        )
        .order_by()
    ):
        section = sections[row["activity_id"]]
        section.result = (row["year_c"] or ZERO) - (row["year_d"] or ZERO)
        section.carried = (row["before_c"] or ZERO) - (row["before_d"] or ZERO)
    return sections


def _result_line(
    amount: Decimal, profit: Account, loss: Account, label: str, activity_id: int | None
) -> LineInput:
    if amount > 0:
        return LineInput(profit, credit=amount, activity=activity_id, label=label)
    return LineInput(loss, debit=-amount, activity=activity_id, label=label)


# Long on purpose: one pass from the closed year's balances, per activity then per account
# and third party, to opening entries posted together (all or nothing).
def opening_entries_generate(*, fiscal_year: FiscalYear, user: User | None = None) -> list[int]:
    """Post the opening entries of the year after a closed `fiscal_year` (created if missing);
    the ids of the entries posted now (none when they all exist)."""
    if fiscal_year.status != FiscalYear.Status.CLOSED:
        raise ApplicationError(_("Les à-nouveaux se génèrent à la clôture de l'exercice."))
    journal = Journal.objects.filter(kind=Journal.Kind.OPENING).first()
    if journal is None:
        raise ApplicationError(_("Aucun journal d'à-nouveaux : créez-en un."))
    accounts = Account.objects.in_bulk()
    by_code = {a.code: a for a in accounts.values()}
    missing = [
        code
        for code in (RESULT_PROFIT, RESULT_LOSS, CARRIED_PROFIT, CARRIED_LOSS)
        if code not in by_code
    ]
    if missing:
        raise ApplicationError(
            _("Comptes de résultat absents du plan : %(codes)s.") % {"codes": ", ".join(missing)}
        )
    sections = _sections(fiscal_year)
    existing = set(
        Entry.objects.filter(
            idempotency_key__in=[opening_key(fiscal_year, key) for key in sections]
        ).values_list("idempotency_key", flat=True)
    )
    third_parties = ThirdParty.objects.in_bulk(
        {tp for s in sections.values() for _account, tp in s.balances if tp}
    )
    codes = dict(Activity.objects.values_list("pk", "analytic_code"))
    day = fiscal_year.end_date + dt.timedelta(days=1)
    next_year = fiscal_year_for_date(day) or fiscal_year_create(start_date=day)
    year_label = str(fiscal_year)
    entries: list[EntryInput] = []
    unbalanced: list[str] = []
    for activity_id in sorted(sections, key=lambda k: (k is not None, codes.get(k or 0, ""))):
        key = opening_key(fiscal_year, activity_id)
        if key in existing:
            continue
        section = sections[activity_id]
        lines = [
            LineInput(
                accounts[account_id],
                debit=amount if amount > 0 else ZERO,
                credit=-amount if amount < 0 else ZERO,
                activity=activity_id,
                third_party=third_parties[tp] if tp else None,
            )
            for (account_id, tp), amount in sorted(
                section.balances.items(),
                key=lambda item: (
                    accounts[item[0][0]].code,
                    third_parties[item[0][1]].code if item[0][1] else "",
                ),
            )
        ]
        if section.result:
            lines.append(
                _result_line(
                    section.result,
                    by_code[RESULT_PROFIT],
                    by_code[RESULT_LOSS],
                    _("Résultat de l'exercice %(year)s") % {"year": year_label},
                    activity_id,
                )
            )
        if section.carried:
            lines.append(
                _result_line(
                    section.carried,
                    by_code[CARRIED_PROFIT],
                    by_code[CARRIED_LOSS],
                    _("Résultats antérieurs reportés"),
                    activity_id,
                )
            )
        if not lines:
            continue
        debit = sum((Decimal(line.debit) for line in lines), ZERO)
        credit = sum((Decimal(line.credit) for line in lines), ZERO)
        if debit != credit:
            unbalanced.append(codes.get(activity_id, "STRUCTURE") if activity_id else "STRUCTURE")
            continue
        entries.append(
            EntryInput(
                journal=journal,
                date=next_year.start_date,
                label=_("À-nouveaux de l'exercice %(year)s") % {"year": year_label},
                lines=lines,
                idempotency_key=key,
                piece_ref=f"AN-{fiscal_year.end_date:%Y%m%d}",
                piece_date=next_year.start_date,
                source=SOURCE,
            )
        )
    if unbalanced:
        raise ApplicationError(
            _(
                "Sections dont le grand livre ne s'équilibre pas (%(sections)s) : leurs "
                "à-nouveaux ne peuvent pas être générés."
            )
            % {"sections": ", ".join(unbalanced)}
        )
    result = entries_post_bulk(entries=entries, user=user, allow_soft_locked=True)
    return result.created
