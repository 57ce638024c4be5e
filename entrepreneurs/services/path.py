"""The entrepreneur's path: prospect → CAPE → CESA → associate → exit, as dated, kept steps.

Every transition goes through `path_step_record`, which checks the rules under a row lock on the
entrepreneur (so two concurrent transitions cannot both pass), appends the step, and updates the
denormalised position on the file (stage, CESA start, CAPE length, associate and exit dates).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from entrepreneurs.models import Entrepreneur, PathStep, Stage
from entrepreneurs.services.accompaniment import FIRST_YEAR, LAST_YEAR
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id

Kind = PathStep.Kind

# CAPE: one year at most, renewable twice (Code du travail, L.5142-1 and R.5142-3 et seq.).
CAPE_MAX_DAYS = 366
CAPE_MAX_RENEWALS = 2
# L.7331-3: associate within three years of the CESA, reduced by the CAPE's length.
ASSOCIATE_DELAY_YEARS = 3


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


def associate_deadline(*, cesa_start: dt.date | None, cape_days: int) -> dt.date | None:
    """The date by which a CESA holder must become associate (L.7331-3), or None."""
    if cesa_start is None:
        return None
    return add_years(cesa_start, ASSOCIATE_DELAY_YEARS) - dt.timedelta(days=cape_days)


@dataclass
class PathState:
    """What the path's rules need to know of a file: its position and the steps so far. Read
    from the database for a recorded file (`_path_state`), or built step by step in memory for
    files opened in bulk (`entrepreneur_prepare`)."""

    stage: str = Stage.PROSPECT
    associate_since: dt.date | None = None
    last_date: dt.date | None = None
    cape_start: dt.date | None = None
    # The CAPE's planned end, its renewals included.
    cape_end: dt.date | None = None
    renewals: int = 0


def _path_state(entrepreneur: Entrepreneur) -> PathState:
    state = PathState(stage=entrepreneur.stage, associate_since=entrepreneur.associate_since)
    for kind, date, planned_end in PathStep.objects.filter(entrepreneur=entrepreneur).values_list(
        "kind", "date", "planned_end"
    ):
        state.last_date = date if state.last_date is None else max(state.last_date, date)
        if kind == Kind.CAPE_START:
            state.cape_start = date
        if kind in (Kind.CAPE_START, Kind.CAPE_RENEWAL) and planned_end is not None:
            state.cape_end = (
                planned_end if state.cape_end is None else max(state.cape_end, planned_end)
            )
        if kind == Kind.CAPE_RENEWAL:
            state.renewals += 1
    return state


def _check(
    state: PathState,
    kind: str,
    date: dt.date,
    planned_end: dt.date | None,
    weekly_hours: Decimal | None,
    fixed_pay: Decimal | None,
    exit_reason: str,
) -> None:
    for day in (date, planned_end):
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ApplicationError(
                _("Les dates du parcours doivent être comprises entre %(first)s et %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
    stage = state.stage
    if stage == Stage.EXITED:
        raise ApplicationError(_("Ce parcours est terminé : la sortie a déjà été enregistrée."))
    if state.last_date is not None and date < state.last_date:
        raise ApplicationError(
            _("La date doit suivre la dernière étape du parcours (%(date)s).")
            % {"date": state.last_date.strftime("%d/%m/%Y")}
        )
    if kind in (Kind.INFO_SESSION, Kind.DIAGNOSTIC) and stage != Stage.PROSPECT:
        raise ApplicationError(_("Cette étape n'a lieu qu'avant le CAPE ou le CESA."))
    if kind == Kind.CAPE_START:
        if stage != Stage.PROSPECT:
            raise ApplicationError(
                _("Un CAPE ne peut commencer qu'avant le CESA, et une seule fois.")
            )
        if planned_end is None or planned_end <= date:
            raise ApplicationError(_("La fin prévue du CAPE doit suivre son début."))
        if (planned_end - date).days > CAPE_MAX_DAYS:
            raise ApplicationError(_("Un CAPE dure un an au plus (renouvelable deux fois)."))
    if kind == Kind.CAPE_RENEWAL:
        if stage != Stage.CAPE:
            raise ApplicationError(_("Seul un CAPE en cours peut être renouvelé."))
        if state.renewals >= CAPE_MAX_RENEWALS:
            raise ApplicationError(_("Un CAPE ne peut être renouvelé que deux fois."))
        if state.cape_start is None:  # the stage says CAPE but no CAPE step exists: refuse
            raise ApplicationError(_("Le début du CAPE est introuvable dans le parcours."))
        current_end = state.cape_end
        if planned_end is None or current_end is None or planned_end <= current_end:
            raise ApplicationError(_("Le renouvellement doit prolonger la fin prévue du CAPE."))
        if (planned_end - current_end).days > CAPE_MAX_DAYS:
            raise ApplicationError(_("Un renouvellement dure un an au plus."))
    if kind == Kind.CAPE_END:
        if stage != Stage.CAPE:
            raise ApplicationError(_("Il n'y a pas de CAPE en cours à terminer."))
        if state.cape_start is None:
            raise ApplicationError(_("Le début du CAPE est introuvable dans le parcours."))
    if kind == Kind.CESA_START:
        if stage == Stage.CAPE:
            raise ApplicationError(
                _("Terminez d'abord le CAPE : un CESA suit un CAPE terminé ou commence sans CAPE.")
            )
        if stage != Stage.PROSPECT and stage != Stage.CAPE_ENDED:
            raise ApplicationError(_("Un CESA est déjà en cours."))
        if weekly_hours is not None and not (Decimal(0) < weekly_hours <= Decimal(48)):
            raise ApplicationError(
                _("La durée hebdomadaire doit être comprise entre 0 et 48 heures.")
            )
        if fixed_pay is not None and fixed_pay < 0:
            raise ApplicationError(_("La part fixe de la rémunération ne peut pas être négative."))
    if kind == Kind.ASSOCIATE:
        if stage != Stage.CESA:
            raise ApplicationError(_("Seul·e un·e titulaire d'un CESA peut devenir associé·e."))
        if state.associate_since is not None:
            raise ApplicationError(_("Cette personne est déjà associée."))
    if kind == Kind.EXIT and not exit_reason:
        raise ApplicationError(_("Indiquez le motif de sortie."))


def _advance(
    state: PathState,
    entrepreneur: Entrepreneur,
    kind: str,
    date: dt.date,
    planned_end: dt.date | None,
) -> None:
    """After a step has passed the checks: the file's denormalised position and the state."""
    state.last_date = date
    if kind == Kind.CAPE_START:
        state.cape_start, state.cape_end = date, planned_end
        entrepreneur.stage = Stage.CAPE
    elif kind == Kind.CAPE_RENEWAL:
        state.cape_end, state.renewals = planned_end, state.renewals + 1
    elif kind == Kind.CAPE_END:
        entrepreneur.stage = Stage.CAPE_ENDED
        if state.cape_start is not None:  # always, after _check
            entrepreneur.cape_days = (date - state.cape_start).days
    elif kind == Kind.CESA_START:
        entrepreneur.stage = Stage.CESA
        entrepreneur.cesa_start = date
    elif kind == Kind.ASSOCIATE:
        entrepreneur.associate_since = date
    elif kind == Kind.EXIT:
        entrepreneur.stage = Stage.EXITED
        entrepreneur.exited_on = date
    state.stage, state.associate_since = entrepreneur.stage, entrepreneur.associate_since


def _step(
    entrepreneur: Entrepreneur,
    kind: str,
    date: dt.date,
    recorded_by: User | None,
    planned_end: dt.date | None,
    weekly_hours: Decimal | None,
    fixed_pay: Decimal | None,
    exit_reason: str,
    comment: str,
) -> PathStep:
    return PathStep(
        cooperative_id=entrepreneur.cooperative_id,
        entrepreneur=entrepreneur,
        kind=kind,
        date=date,
        planned_end=planned_end,
        weekly_hours=weekly_hours if kind == Kind.CESA_START else None,
        fixed_pay=fixed_pay if kind == Kind.CESA_START else None,
        exit_reason=exit_reason if kind == Kind.EXIT else "",
        comment=comment,
        recorded_by=recorded_by,
    )


@transaction.atomic
def path_step_record(
    *,
    entrepreneur: Entrepreneur,
    kind: str,
    date: dt.date,
    recorded_by: User | None,
    planned_end: dt.date | None = None,
    weekly_hours: Decimal | None = None,
    fixed_pay: Decimal | None = None,
    exit_reason: str = "",
    comment: str = "",
) -> PathStep:
    """Record one step of the path, if the path's rules allow it."""
    if kind not in Kind.values:
        raise ApplicationError(_("Étape de parcours inconnue."))
    entrepreneur = Entrepreneur.objects.select_for_update().get(pk=entrepreneur.pk)
    state = _path_state(entrepreneur)
    _check(state, kind, date, planned_end, weekly_hours, fixed_pay, exit_reason)
    step = _step(
        entrepreneur,
        kind,
        date,
        recorded_by,
        planned_end,
        weekly_hours,
        fixed_pay,
        exit_reason,
        comment,
    )
    step.save()
    _advance(state, entrepreneur, kind, date, planned_end)
    entrepreneur.version += 1
    entrepreneur.save(
        update_fields=[
            "stage",
            "cape_days",
            "cesa_start",
            "associate_since",
            "exited_on",
            "version",
        ]
    )
    return step


@dataclass
class PreparedFile:
    """A file checked but not saved yet: the entrepreneur and the steps of their path."""

    entrepreneur: Entrepreneur
    steps: list[PathStep] = field(default_factory=list)


def entrepreneur_prepare(
    *,
    entrepreneur: Entrepreneur,
    steps: Sequence[tuple[str, dt.date, dt.date | None, str]],
    recorded_by: User | None,
    comment: str = "",
) -> PreparedFile:
    """Check a new file and its path (kind, date, planned end, exit reason) by the same rules as
    `path_step_record`, without touching the database: files opened by the thousand (an import)
    are then written at once by `entrepreneurs_create_many`."""
    entrepreneur.full_clean(
        exclude=["cooperative", "sector", "user", "referent"],
        validate_unique=False,
        validate_constraints=False,
    )
    prepared = PreparedFile(entrepreneur=entrepreneur)
    state = PathState(stage=entrepreneur.stage, associate_since=entrepreneur.associate_since)
    for kind, date, planned_end, exit_reason in steps:
        if kind not in Kind.values:
            raise ApplicationError(_("Étape de parcours inconnue."))
        _check(state, kind, date, planned_end, None, None, exit_reason)
        prepared.steps.append(
            _step(
                entrepreneur, kind, date, recorded_by, planned_end, None, None, exit_reason, comment
            )
        )
        _advance(state, entrepreneur, kind, date, planned_end)
    return prepared


@transaction.atomic
def entrepreneurs_create_many(*, files: list[PreparedFile]) -> list[Entrepreneur]:
    """Save files checked by `entrepreneur_prepare`: a few statements for the lot."""
    cooperative_id = require_cooperative_id()
    people = [prepared.entrepreneur for prepared in files]
    for person in people:
        person.cooperative_id = cooperative_id
    Entrepreneur.objects.bulk_create(people, batch_size=1000)
    steps = []
    for prepared in files:
        for step in prepared.steps:
            step.cooperative_id = cooperative_id
            step.entrepreneur = prepared.entrepreneur  # now with its primary key
            steps.append(step)
    PathStep.objects.bulk_create(steps, batch_size=1000)
    return people


def entrepreneur_become_associate(
    *, entrepreneur: Entrepreneur, date: dt.date, recorded_by: User | None, comment: str = ""
) -> PathStep:
    """Called when the associates register admits the person: the associate step of the path,
    which also clears the three-year deadline alert."""
    return path_step_record(
        entrepreneur=entrepreneur,
        kind=Kind.ASSOCIATE,
        date=date,
        recorded_by=recorded_by,
        comment=comment,
    )
