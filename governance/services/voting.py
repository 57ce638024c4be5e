"""Casting and counting votes.

Design of the vote storage (issue #6, "Security of the vote"):

- One vote per eligible voter per resolution is guaranteed by the database: `Participation` is
  UNIQUE (cooperative, resolution, voter), and the participation and its ballot are inserted in
  one transaction, so a refused participation leaves no ballot.
- No vote after close: `vote_cast` reads the resolution `FOR SHARE` and checks its state under
  that lock (server clock for the correspondence deadline); `resolution_close` takes it
  `FOR UPDATE`, so a close waits for the votes in flight and every later vote sees it closed. A
  database trigger repeats the check on every participation and ballot insert.
- Secrecy: `Participation` says who voted (and the choice only for nominal resolutions);
  `Ballot` says what was chosen, with no voter, no timestamp and a random UUID key, and the
  database refuses to update or delete it. Participations carry a day, not a time. What remains
  is the "trusted server" level the research describes (about CNIL level 1). While a vote is
  open, PostgreSQL's own bookkeeping (heap order, the inserting transaction id `xmin`, which a
  ballot shares with its participation) could still correlate; at close `ballots_shuffle`
  rewrites the ballots in a random order in the closing transaction, which erases both. The
  write-ahead log and backups taken during the vote keep that order; results of secret
  resolutions are shown only after close.
- Receipt: each ballot has a random tracker shown once to the voter; after close the sorted
  tracker list is published with the counts, so a voter can check their ballot is in the count,
  and anyone can recount the published ballots.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import (
    Assembly,
    Attendance,
    AuditEvent,
    Ballot,
    BallotMark,
    Candidacy,
    Choice,
    College,
    Convocation,
    DecisionClass,
    Participation,
    PresenceMode,
    Proxy,
    Resolution,
    RollEntry,
    StatuteProfile,
)
from governance.rules import (
    CollegeTally,
    majority_compute,
    quorum_compute,
    weighted_majority_compute,
)
from governance.services.amendments import amendment_apply, amendments_pending
from governance.services.assemblies import (
    presence_for,
    remote_presence_check,
    roll_weight_label,
)
from governance.services.audit import audit_record
from governance.services.elections import election_count, election_marks_check
from governance.services.statutes import assembly_rule, statutes_of
from perspectives.core.exceptions import ApplicationError


def weighted_share_quantize(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class Receipt:
    resolution_id: int
    voter_id: int
    tracker: str


def _resolution_for_share(resolution_id: int) -> str:
    """Lock the resolution's assembly (FOR KEY SHARE, the lock the attendance row's foreign key
    takes anyway), then the resolution FOR SHARE: the same order as the closes (assembly, then
    resolutions, FOR UPDATE), so a vote in flight and a close never wait for each other
    crosswise."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM governance_assembly WHERE id = "
            "(SELECT assembly_id FROM governance_resolution WHERE id = %s) FOR KEY SHARE",
            [resolution_id],
        )
        cursor.execute(
            "SELECT status FROM governance_resolution WHERE id = %s FOR SHARE", [resolution_id]
        )
        row = cursor.fetchone()
    if row is None:
        raise ApplicationError(_("Résolution introuvable."))
    return str(row[0])


def _is_candidate_election(resolution: Resolution) -> bool:
    """An election with candidacies is voted by ticking names; one without (the renewal of a
    named manager, say) is a for / against / abstain resolution like any other."""
    return (
        resolution.decision_class == DecisionClass.ELECTION
        and Candidacy.objects.filter(resolution=resolution, withdrawn_at__isnull=True).exists()
    )


@transaction.atomic
def resolution_open(*, resolution: Resolution) -> Resolution:
    resolution = (
        Resolution.objects.select_for_update().select_related("assembly").get(pk=resolution.pk)
    )
    if resolution.assembly.status != Assembly.Status.OPEN:
        raise ApplicationError(_("L'assemblée n'est pas en séance."))
    if resolution.status != Resolution.Status.PENDING:
        raise ApplicationError(_("Le vote sur cette résolution est déjà ouvert ou clos."))
    pending = amendments_pending(resolution=resolution)
    if pending:
        raise ApplicationError(
            _("Votez d'abord les amendements à cette résolution (n° %(positions)s).")
            % {"positions": ", ".join(str(p) for p in pending)}
        )
    resolution.status = Resolution.Status.OPEN
    resolution.save(update_fields=["status"])
    audit_record(
        kind=AuditEvent.Kind.RESOLUTION_OPENED,
        assembly=resolution.assembly,
        payload={"resolution": resolution.pk},
    )
    return resolution


# Long on purpose: one transaction under the resolution's lock; the order of the checks (channel,
# deadline, proxy, uniqueness) is the rule.
@transaction.atomic
def vote_cast(
    *,
    resolution: Resolution,
    cast_by: RollEntry,
    choice: str,
    voter: RollEntry | None = None,
    correspondence: bool = False,
    candidates: list[int] | None = None,
) -> Receipt:
    """Cast `cast_by`'s own vote, or (with `voter`) the vote of an associate whose proxy they
    hold. `correspondence` is the vote by correspondence, before the statutory deadline. In an
    election, `candidates` are the candidacy ids ticked ("for"), none for a blank ballot."""
    voter = voter or cast_by
    candidates = list(candidates or [])
    if choice not in Choice.values:
        raise ApplicationError(_("Choix de vote inconnu."))
    status = _resolution_for_share(resolution.pk)
    resolution = Resolution.objects.select_related("assembly", "assembly__profile").get(
        pk=resolution.pk
    )
    if _is_candidate_election(resolution):
        election_marks_check(resolution=resolution, choice=choice, candidates=candidates)
    elif candidates:
        raise ApplicationError(_("Cette résolution n'est pas une élection."))
    assembly = resolution.assembly
    if cast_by.assembly_id != assembly.pk or voter.assembly_id != assembly.pk:
        raise ApplicationError(_("Vous n'êtes pas sur la liste d'émargement de cette assemblée."))
    now = timezone.now()  # the server's clock, read under the lock
    if assembly.mode == Assembly.Mode.WRITTEN:
        channel = _written_answer_check(
            assembly=assembly, status=status, voter=voter, cast_by=cast_by, now=now
        )
        correspondence = False
    elif correspondence:
        rule = assembly_rule(assembly=assembly, decision_class=resolution.decision_class)
        if not rule.correspondence_allowed:
            raise ApplicationError(
                _("Les statuts n'admettent pas le vote par correspondance (%(rule)s).")
                % {"rule": rule.reference}
            )
        if voter.pk != cast_by.pk:
            raise ApplicationError(_("Le vote par correspondance est personnel."))
        deadline = assembly.correspondence_deadline
        if (
            assembly.status != Assembly.Status.CONVENED
            or status != Resolution.Status.PENDING
            or deadline is None
            or now >= deadline
        ):
            raise ApplicationError(_("Le vote par correspondance est clos pour cette assemblée."))
        channel = Participation.Channel.CORRESPONDENCE
    else:
        if status != Resolution.Status.OPEN or assembly.status != Assembly.Status.OPEN:
            raise ApplicationError(_("Le vote sur cette résolution n'est pas ouvert."))
        # Voting online in session: whoever casts is in the room (signed on the attendance
        # sheet by the bureau), or present remotely where the rule admits it through a session
        # recorded as carrying voice and a continuous retransmission.
        in_room = Attendance.objects.filter(
            assembly=assembly, entry=cast_by, mode=PresenceMode.ROOM
        ).exists()
        if not in_room:
            remote_presence_check(
                assembly=assembly,
                rule=assembly_rule(assembly=assembly, decision_class=resolution.decision_class),
            )
        channel = Participation.Channel.ONLINE
    if voter.pk != cast_by.pk:
        proxy = (
            Proxy.objects.select_for_update()
            .filter(assembly=assembly, grantor=voter, holder=cast_by, revoked_at__isnull=True)
            .first()
        )
        if proxy is None:
            raise ApplicationError(
                _("Vous ne détenez pas de pouvoir de %(name)s pour cette assemblée.")
                % {"name": voter.full_name}
            )
        channel = Participation.Channel.PROXY
    elif (
        channel != Participation.Channel.WRITTEN
        and Proxy.objects.filter(assembly=assembly, grantor=voter, revoked_at__isnull=True).exists()
    ):
        raise ApplicationError(_("Vous avez donné pouvoir : révoquez-le avant de voter vous-même."))
    try:
        with transaction.atomic():
            Participation.objects.create(
                cooperative_id=resolution.cooperative_id,
                resolution=resolution,
                voter=voter,
                cast_by=cast_by,
                channel=channel,
                choice="" if resolution.secret else choice,
                day=timezone.localdate(now),
            )
    except IntegrityError as exc:
        raise ApplicationError(
            _("Un vote de %(name)s est déjà enregistré sur cette résolution.")
            % {"name": voter.full_name}
        ) from exc
    ballot = Ballot.objects.create(
        cooperative_id=resolution.cooperative_id,
        resolution=resolution,
        choice=choice,
        college_name=voter.college_name,
    )
    BallotMark.objects.bulk_create(
        BallotMark(
            cooperative_id=resolution.cooperative_id,
            resolution=resolution,
            ballot=ballot,
            candidacy_id=candidacy_id,
        )
        for candidacy_id in candidates
    )
    # Casting online or by correspondence marks the voter on the attendance sheet.
    modes: dict[str, str] = {
        Participation.Channel.CORRESPONDENCE: PresenceMode.CORRESPONDENCE,
        Participation.Channel.WRITTEN: PresenceMode.WRITTEN,
    }
    mode = modes.get(channel, PresenceMode.VIDEO)
    Attendance.objects.bulk_create(
        [
            Attendance(
                cooperative_id=assembly.cooperative_id, assembly=assembly, entry=cast_by, mode=mode
            )
        ],
        ignore_conflicts=True,
    )
    return Receipt(resolution_id=resolution.pk, voter_id=voter.pk, tracker=ballot.tracker)


def _written_answer_check(
    *, assembly: Assembly, status: str, voter: RollEntry, cast_by: RollEntry, now: dt.datetime
) -> str:
    """A written consultation is answered personally, online, until its deadline (checked on
    the server's clock under the resolution's lock)."""
    if voter.pk != cast_by.pk:
        raise ApplicationError(
            _("La réponse à une consultation écrite est personnelle : pas de vote par pouvoir.")
        )
    if now >= assembly.scheduled_at:
        raise ApplicationError(
            _(
                "La consultation écrite est close depuis le %(deadline)s : votre réponse n'est "
                "pas enregistrée."
            )
            % {"deadline": timezone.localtime(assembly.scheduled_at).strftime("%d/%m/%Y %H:%M")}
        )
    if assembly.status != Assembly.Status.OPEN or status != Resolution.Status.OPEN:
        raise ApplicationError(
            _("La consultation écrite n'est pas ouverte : votre réponse n'est pas enregistrée.")
        )
    return str(Participation.Channel.WRITTEN)


@transaction.atomic
def resolution_record_room_counts(
    *, resolution: Resolution, votes_for: int, votes_against: int, votes_abstain: int
) -> Resolution:
    """The bureau enters the show-of-hands counts of the room (votes not cast online)."""
    resolution = (
        Resolution.objects.select_for_update().select_related("assembly").get(pk=resolution.pk)
    )
    if resolution.status != Resolution.Status.OPEN:
        raise ApplicationError(_("Le vote sur cette résolution n'est pas ouvert."))
    if resolution.assembly.mode == Assembly.Mode.WRITTEN:
        raise ApplicationError(_("Une consultation écrite n'a pas de vote en salle."))
    if _is_candidate_election(resolution):
        raise ApplicationError(_("Une élection se vote à bulletin secret, pas à main levée."))
    if college_weights(assembly=resolution.assembly) is not None:
        raise ApplicationError(
            _(
                "Vote par collèges : chaque voix doit être rattachée à son collège, les "
                "décomptes à main levée ne sont pas admis. Faites voter la salle en ligne."
            )
        )
    if min(votes_for, votes_against, votes_abstain) < 0:
        raise ApplicationError(_("Les décomptes sont des nombres positifs."))
    presence = presence_for(
        assembly=resolution.assembly,
        rule=assembly_rule(assembly=resolution.assembly, decision_class=resolution.decision_class),
    )
    online = resolution.participations.count()
    room_total = votes_for + votes_against + votes_abstain
    if room_total + online > presence.present_or_represented:
        raise ApplicationError(
            _(
                "%(room)s voix en salle et %(online)s en ligne dépassent les %(present)s "
                "associé·es présent·es ou représenté·es."
            )
            % {
                "room": room_total,
                "online": online,
                "present": presence.present_or_represented,
            }
        )
    resolution.room_for = votes_for
    resolution.room_against = votes_against
    resolution.room_abstain = votes_abstain
    resolution.save(update_fields=["room_for", "room_against", "room_abstain"])
    return resolution


def _percent_label(share: Fraction) -> str:
    """A share as the percent older rolls stored ("33.33"), when it has two decimals at most."""
    percent = share * 100
    if (100 % percent.denominator) != 0:
        return f"{share.numerator}/{share.denominator}"
    return str(
        (Decimal(percent.numerator) / Decimal(percent.denominator)).quantize(Decimal("0.01"))
    )


def college_weights_labelled(*, assembly: Assembly) -> dict[str, tuple[Fraction, str]] | None:
    """Each college's exact share of the votes on the assembly's roll and how it was frozen
    (see `roll_weight_label`), or None when the cooperative does not vote by colleges. Rolls
    frozen before weights were stored with them read the colleges' current weights."""
    rows = set(
        RollEntry.objects.filter(assembly=assembly)
        .exclude(college_name="")
        .values_list(
            "college_name",
            "college_weight",
            "college_weight_numerator",
            "college_weight_denominator",
        )
    )
    if not rows:
        return None
    weights: dict[str, tuple[Fraction, str]] = {}
    unfrozen = set()
    for name, percent, numerator, denominator in rows:
        label = roll_weight_label(percent, numerator, denominator)
        if label is None:
            unfrozen.add(name)
            continue
        if numerator is not None and denominator is not None:
            share = Fraction(numerator, denominator)
        else:
            share = Fraction(percent or 0) / 100
        if weights.setdefault(name, (share, label)) != (share, label):
            raise ApplicationError(
                _("Anomalie : deux poids pour le collège %(name)s sur la liste figée.")
                % {"name": name}
            )
    if unfrozen:
        current = {c.name: c.weight for c in College.objects.filter(name__in=unfrozen)}
        missing = sorted(unfrozen - set(current))
        if missing:
            raise ApplicationError(
                _("Collège sans poids : %(names)s.") % {"names": ", ".join(missing)}
            )
        weights.update({name: (share, _percent_label(share)) for name, share in current.items()})
    return weights


def college_weights(*, assembly: Assembly) -> dict[str, Fraction] | None:
    """The exact shares of the votes of the colleges on the assembly's roll, as frozen."""
    labelled = college_weights_labelled(assembly=assembly)
    if labelled is None:
        return None
    return {name: share for name, (share, _label) in labelled.items()}


def blank_proxies_by_college(*, resolution: Resolution, assembly: Assembly) -> dict[str, int]:
    """Blank proxies of associates who did not vote on `resolution` nor attend, per college
    name ("" without colleges)."""
    counts: dict[str, int] = {}
    for name in (
        Proxy.objects.filter(assembly=assembly, holder__isnull=True, revoked_at__isnull=True)
        .exclude(grantor__participations__resolution=resolution)
        .exclude(grantor__attendances__assembly=assembly)
        .values_list("grantor__college_name", flat=True)
    ):
        counts[name] = counts.get(name, 0) + 1
    return counts


def _blank_proxy_side(resolution: Resolution) -> str:
    """Blank proxies vote for the resolutions the management presents or supports and against
    the others (model statutes, art. 28; L.225-106); in an election between candidates they
    count as blank ballots (see `election_count`)."""
    if _is_candidate_election(resolution):
        return str(Choice.ABSTAIN)
    return str(Choice.FOR if resolution.management_supported else Choice.AGAINST)


def college_tallies(
    *, resolution: Resolution, assembly: Assembly, weights: dict[str, Fraction]
) -> list[CollegeTally]:
    """Per college: the ballots, and the blank proxies of members who did not vote (for the
    resolutions the management supports, against the others)."""
    counts: dict[str, dict[str, int]] = {name: dict.fromkeys(Choice.values, 0) for name in weights}
    for row in resolution.ballots.values("college_name", "choice").annotate(n=Count("id")):
        if row["college_name"] not in counts:
            raise ApplicationError(_("Anomalie : bulletin sans collège dans un vote par collèges."))
        counts[row["college_name"]][row["choice"]] += row["n"]
    side = _blank_proxy_side(resolution)
    for name, n in blank_proxies_by_college(resolution=resolution, assembly=assembly).items():
        counts[name][side] += n
    eligible = dict(
        RollEntry.objects.filter(assembly=assembly)
        .values("college_name")
        .annotate(n=Count("id"))
        .values_list("college_name", "n")
    )
    labels = {
        name: label
        for name, (_share, label) in (college_weights_labelled(assembly=assembly) or {}).items()
    }
    return [
        CollegeTally(
            name=name,
            weight=weights[name],
            weight_label=labels.get(name, ""),
            votes_for=counts[name][Choice.FOR],
            votes_against=counts[name][Choice.AGAINST],
            votes_abstain=counts[name][Choice.ABSTAIN],
            eligible=eligible.get(name, 0),
        )
        for name in sorted(weights)
    ]


def tally_ballots(*, resolution: Resolution) -> dict[str, int]:
    counts = dict.fromkeys(Choice.values, 0)
    for row in resolution.ballots.values("choice").annotate(n=Count("id")):
        counts[row["choice"]] = row["n"]
    return counts


def resolution_count(*, resolution: Resolution, assembly: Assembly) -> tuple[int, int, int]:
    """For, against, abstain: the ballots, the bureau's room counts and the blank proxies of
    associates who did not vote (for the resolutions the management presents or supports,
    against the others: model statutes, art. 28). Also used by the recount of
    `governance_verify`."""
    counts = tally_ballots(resolution=resolution)
    if sum(counts.values()) != resolution.participations.count():
        raise ApplicationError(_("Anomalie : le nombre de bulletins diffère des participations."))
    blank = sum(blank_proxies_by_college(resolution=resolution, assembly=assembly).values())
    counts[_blank_proxy_side(resolution)] += blank
    return (
        counts[Choice.FOR] + resolution.room_for,
        counts[Choice.AGAINST] + resolution.room_against,
        counts[Choice.ABSTAIN] + resolution.room_abstain,
    )


def ballots_shuffle(*, resolution: Resolution) -> int:
    """Rewrite the resolution's ballots (and election marks) in a random order, in the closing
    transaction: no insertion order, physical position or inserting-transaction id (`xmin`)
    then links a ballot to its participation. See governance/sql/governance_ballots_shuffle.sql."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT governance_ballots_shuffle(%s)", [resolution.pk])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _outcome(*, adopted: bool, second_round: bool) -> Resolution.Outcome:
    if adopted:
        return Resolution.Outcome.ADOPTED
    return Resolution.Outcome.SECOND_ROUND if second_round else Resolution.Outcome.REJECTED


@transaction.atomic
def resolution_close(*, resolution: Resolution, now: dt.datetime | None = None) -> Resolution:
    """Close the vote, count it and freeze the result with the rule applied. Takes the
    resolution FOR UPDATE: votes in flight finish first, later ones are refused."""
    if Assembly.objects.filter(pk=resolution.assembly_id, mode=Assembly.Mode.WRITTEN).exists():
        raise ApplicationError(
            _("Une consultation écrite se clôt en entier, à sa date limite ou par la gérance.")
        )
    return _resolution_close(resolution=resolution, now=now or timezone.now())


# Long on purpose: the count, quorum, majority and outcome of one resolution under its lock, in the
# order the minutes state them.
def _resolution_close(*, resolution: Resolution, now: dt.datetime) -> Resolution:
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if resolution.status == Resolution.Status.CLOSED:
        raise ApplicationError(_("Le vote sur cette résolution est déjà clos."))
    assembly = Assembly.objects.select_related("profile").get(pk=resolution.assembly_id)
    if assembly.status != Assembly.Status.OPEN:
        raise ApplicationError(_("L'assemblée n'est pas en séance."))
    votes_for, votes_against, votes_abstain = resolution_count(
        resolution=resolution, assembly=assembly
    )
    rule = assembly_rule(assembly=assembly, decision_class=resolution.decision_class)
    presence = presence_for(assembly=assembly, rule=rule)
    quorum = quorum_compute(
        rule=rule,
        eligible=assembly.roll_size,
        present_or_represented=presence.present_or_represented,
    )
    if not quorum.reached:
        outcome = Resolution.Outcome.NO_QUORUM
        explanation = quorum.explanation
    elif _is_candidate_election(resolution):
        election = election_count(
            resolution=resolution,
            assembly=assembly,
            rule=rule,
            present_or_represented=presence.present_or_represented,
            blank_proxies=blank_proxies_by_college(resolution=resolution, assembly=assembly),
            weights=college_weights(assembly=assembly),
        )
        for candidacy in Candidacy.objects.filter(resolution=resolution, withdrawn_at__isnull=True):
            candidacy.votes = election.votes[candidacy.pk]
            candidacy.elected = candidacy.pk in election.elected
            if candidacy.pk in election.shares:
                candidacy.weighted_votes = weighted_share_quantize(election.shares[candidacy.pk])
            candidacy.save(update_fields=["votes", "elected", "weighted_votes"])
        outcome = _outcome(
            adopted=bool(election.elected), second_round=rule.second_round_if_majority_missed
        )
        explanation = f"{quorum.explanation} {election.explanation}"
    elif (weights := college_weights(assembly=assembly)) is not None:
        weighted = weighted_majority_compute(
            rule=rule,
            colleges=college_tallies(resolution=resolution, assembly=assembly, weights=weights),
        )
        outcome = _outcome(adopted=weighted.adopted, second_round=weighted.second_round)
        explanation = f"{quorum.explanation} {weighted.explanation}"
        resolution.weighted_for = weighted_share_quantize(weighted.weighted_for)
        resolution.weighted_against = weighted_share_quantize(weighted.weighted_against)
    else:
        majority = majority_compute(
            rule=rule,
            eligible=assembly.roll_size,
            present_or_represented=presence.present_or_represented,
            votes_for=votes_for,
            votes_against=votes_against,
            votes_abstain=votes_abstain,
        )
        outcome = _outcome(adopted=majority.adopted, second_round=majority.second_round)
        explanation = f"{quorum.explanation} {majority.explanation}"
    ballots_shuffle(resolution=resolution)
    resolution.votes_for = votes_for
    resolution.votes_against = votes_against
    resolution.votes_abstain = votes_abstain
    resolution.present_or_represented = presence.present_or_represented
    resolution.outcome = outcome
    resolution.explanation = explanation
    resolution.status = Resolution.Status.CLOSED
    resolution.closed_at = now
    resolution.save()
    if resolution.amends_id is not None and outcome == Resolution.Outcome.ADOPTED:
        amendment_apply(amendment=resolution)
    audit_record(
        kind=AuditEvent.Kind.RESOLUTION_CLOSED,
        assembly=assembly,
        payload={
            "resolution": resolution.pk,
            "for": votes_for,
            "against": votes_against,
            "abstain": votes_abstain,
            "ballots": resolution.ballots.count(),
            "present_or_represented": presence.present_or_represented,
            "outcome": outcome,
        },
    )
    return resolution


@transaction.atomic
def assembly_close(*, assembly: Assembly, now: dt.datetime | None = None) -> Assembly:
    """Close every remaining vote, then the assembly. When a first convocation missed a quorum,
    the second convocation is prepared with the resolutions concerned."""
    now = now or timezone.now()
    assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if assembly.mode == Assembly.Mode.WRITTEN:
        raise ApplicationError(
            _("Une consultation écrite se clôt à sa date limite, ou quand tous ont répondu.")
        )
    return assembly_close_locked(assembly=assembly, now=now)


def assembly_close_locked(*, assembly: Assembly, now: dt.datetime) -> Assembly:
    """`assembly_close` on an assembly the caller has locked (FOR UPDATE) and checked."""
    if assembly.status != Assembly.Status.OPEN:
        raise ApplicationError(_("L'assemblée n'est pas en séance."))
    written = assembly.mode == Assembly.Mode.WRITTEN
    remaining = assembly.resolutions.exclude(status=Resolution.Status.CLOSED)
    # Amendments first: an adopted one changes the text of the resolution it amends.
    for resolution in sorted(remaining, key=lambda r: (r.amends_id is None, r.position)):
        _resolution_close(resolution=resolution, now=now)
    assembly.status = Assembly.Status.CLOSED
    assembly.closed_at = now
    assembly.save(update_fields=["status", "closed_at"])
    audit_record(kind=AuditEvent.Kind.CLOSED, assembly=assembly)
    # Amendments are not carried over: the resolution goes with the text it had reached. A
    # missed quorum calls the assembly again; a missed majority of all associates where the
    # statutes and L.223-29 al. 2 say so calls (or consults) the associates a second time. A
    # written consultation has no quorum round: the management consults again if it wishes.
    outcomes = [Resolution.Outcome.SECOND_ROUND]
    if not written:
        outcomes.append(Resolution.Outcome.NO_QUORUM)
    failed = list(
        assembly.resolutions.filter(outcome__in=outcomes, amends__isnull=True).order_by("position")
    )
    if failed and assembly.convocation == Convocation.FIRST:
        second_convocation_create(assembly=assembly, resolutions=failed, now=now)
    return assembly


def second_convocation_create(
    *, assembly: Assembly, resolutions: list[Resolution], now: dt.datetime
) -> Assembly:
    """The draft of the second convocation (or consultation), dated the first day the
    statutes' delay allows, under the profile now in force; it is convened (or sent) like any
    assembly, and the delay is checked again then."""
    statutes = statutes_of(assembly)
    written = assembly.mode == Assembly.Mode.WRITTEN
    delay = (
        statutes.written_answer_delay_days if written else statutes.second_convocation_delay_days
    )
    local = timezone.localtime(assembly.scheduled_at)
    day = timezone.localdate(now) + dt.timedelta(days=delay + 1)
    scheduled_at = local.replace(year=day.year, month=day.month, day=day.day)
    title = (
        _("%(title)s (seconde consultation)") if written else _("%(title)s (seconde convocation)")
    )
    second: Assembly = Assembly.objects.create(
        cooperative_id=assembly.cooperative_id,
        title=title % {"title": assembly.title},
        kind=assembly.kind,
        mode=assembly.mode,
        convocation=Convocation.SECOND,
        first_assembly=assembly,
        profile=StatuteProfile.objects.filter(is_active=True).first() or assembly.profile,
        scheduled_at=scheduled_at,
        place=assembly.place,
    )
    Resolution.objects.bulk_create(
        Resolution(
            cooperative_id=assembly.cooperative_id,
            assembly=second,
            position=index,
            title=resolution.title,
            text=resolution.text,
            decision_class=resolution.decision_class,
            secret=resolution.secret,
            management_supported=resolution.management_supported,
            seats=resolution.seats,
            employee_quota=resolution.employee_quota,
            continuing_employees=resolution.continuing_employees,
            continuing_others=resolution.continuing_others,
        )
        for index, resolution in enumerate(resolutions, start=1)
    )
    return second
