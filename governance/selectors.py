"""Reads of the governance app. Object access for members goes through `*_get_for_member`, which
gives the same 404 for a missing object, another cooperative's, and one the member may not see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.law import FormLaw
from governance.models import (
    AdmissionApplication,
    Assembly,
    AssemblyDocument,
    Associate,
    AuditEvent,
    Ballot,
    ConvocationDispatch,
    DecisionClass,
    MajorityBase,
    Participation,
    Proxy,
    QuorumBase,
    Resolution,
    RollEntry,
    StatuteProfile,
    StatuteRule,
)
from governance.rules import quorum_compute
from governance.services.assemblies import Presence, assembly_presence, presence_for
from governance.services.statutes import assembly_rule
from perspectives.accounts.models import User
from perspectives.tenancy.models import Membership, Role

MANAGER_ROLES = (Role.MANAGER, Role.ADMIN)
# Below this many voters, the counts of a secret ballot can reveal individual votes.
SMALL_ELECTORATE = 5


def is_governance_manager(membership: Membership) -> bool:
    return membership.has_role(*MANAGER_ROLES)


def associate_list(*, current_only: bool = False) -> QuerySet[Associate]:
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)
    queryset: QuerySet[Associate] = Associate.objects.select_related("college").annotate(
        shares=Coalesce(Sum("subscriptions__number"), 0),
        subscribed=Coalesce(
            Sum(
                ExpressionWrapper(
                    F("subscriptions__number") * F("subscriptions__nominal_value"),
                    output_field=money,
                )
            ),
            Value(Decimal(0)),
            output_field=money,
        ),
        paid=Coalesce(Sum("subscriptions__paid_amount"), Value(Decimal(0)), output_field=money),
    )
    if current_only:
        queryset = queryset.filter(exited_on__isnull=True)
    return queryset.order_by("full_name", "pk")


def associate_for_member(*, membership: Membership) -> Associate | None:
    associate: Associate | None = Associate.objects.filter(
        user_id=membership.user_id, exited_on__isnull=True
    ).first()
    return associate


def admission_list() -> QuerySet[AdmissionApplication]:
    return AdmissionApplication.objects.order_by("-applied_on", "pk")


def assembly_list_for_member(*, membership: Membership) -> QuerySet[Assembly]:
    """Managers see assemblies in preparation too; other members once they are convened."""
    queryset = Assembly.objects.all()
    if not is_governance_manager(membership):
        queryset = queryset.exclude(status=Assembly.Status.DRAFT)
    return queryset.order_by("-scheduled_at", "pk")


def assembly_get_for_member(*, membership: Membership, assembly_id: int) -> Assembly:
    assembly: Assembly = get_object_or_404(
        assembly_list_for_member(membership=membership).select_related("profile"), pk=assembly_id
    )
    return assembly


def resolution_get_for_member(
    *, membership: Membership, assembly_id: int, resolution_id: int
) -> Resolution:
    assembly = assembly_get_for_member(membership=membership, assembly_id=assembly_id)
    resolution: Resolution = get_object_or_404(
        Resolution.objects.select_related("assembly"), assembly=assembly, pk=resolution_id
    )
    return resolution


def assembly_document_get_for_member(
    *, membership: Membership, assembly_id: int, document_id: int
) -> AssemblyDocument:
    """A document of an assembly the member sees; whether they may read it is
    `may_read_documents`."""
    assembly = assembly_get_for_member(membership=membership, assembly_id=assembly_id)
    document: AssemblyDocument = get_object_or_404(
        AssemblyDocument.objects.select_related("assembly"), assembly=assembly, pk=document_id
    )
    return document


def may_read_documents(*, assembly: Assembly, membership: Membership) -> bool:
    """The associates on the roll (once convened) and the managers."""
    return is_governance_manager(membership) or (
        RollEntry.objects.filter(assembly=assembly, user_id=membership.user_id).exists()
    )


def roll_entry_for_member(*, assembly: Assembly, membership: Membership) -> RollEntry | None:
    entry: RollEntry | None = RollEntry.objects.filter(
        assembly=assembly, user_id=membership.user_id
    ).first()
    return entry


def proxy_given(*, entry: RollEntry) -> Proxy | None:
    proxy: Proxy | None = (
        Proxy.objects.filter(grantor=entry, revoked_at__isnull=True)
        .select_related("holder")
        .first()
    )
    return proxy


def proxies_held(*, entry: RollEntry) -> list[Proxy]:
    return list(
        Proxy.objects.filter(holder=entry, revoked_at__isnull=True).select_related("grantor")
    )


@dataclass(frozen=True)
class VoteWaiting:
    assembly: Assembly
    resolutions: int


def votes_waiting(*, user_id: int, now: dt.datetime | None = None) -> list[VoteWaiting]:
    """The assemblies where this person can vote now and has not: resolutions open in session,
    a written consultation open to answers, or a vote by correspondence before its deadline.
    One associate who gave a proxy votes through it, not here."""
    now = now or timezone.now()
    entries = list(
        RollEntry.objects.filter(user_id=user_id)
        .filter(
            Q(assembly__status=Assembly.Status.OPEN)
            | Q(
                assembly__status=Assembly.Status.CONVENED,
                assembly__correspondence_deadline__gte=now,
            )
        )
        .exclude(pk__in=Proxy.objects.filter(revoked_at__isnull=True).values("grantor_id"))
        .select_related("assembly")
    )
    waiting = []
    for entry in entries:
        assembly = entry.assembly
        resolutions = Resolution.objects.filter(assembly=assembly).exclude(
            status=Resolution.Status.CLOSED
        )
        if assembly.status == Assembly.Status.OPEN and assembly.mode != Assembly.Mode.WRITTEN:
            resolutions = resolutions.filter(status=Resolution.Status.OPEN)
        count = resolutions.exclude(participations__voter=entry).count()
        if count:
            waiting.append(VoteWaiting(assembly, count))
    return waiting


@dataclass(frozen=True)
class Ballotable:
    """One vote `entry` may cast on a resolution: their own, or one per proxy held."""

    voter: RollEntry
    done: bool


def my_votes(*, entry: RollEntry) -> dict[int, list[Ballotable]]:
    """Per resolution id: the votes this associate may cast and whether each is done."""
    voters = [entry] + [proxy.grantor for proxy in proxies_held(entry=entry)]
    own_proxy = proxy_given(entry=entry)
    if own_proxy is not None:
        voters = voters[1:]
    cast = set(
        Participation.objects.filter(voter__in=voters).values_list("resolution_id", "voter_id")
    )
    return {
        resolution_id: [Ballotable(voter=v, done=(resolution_id, v.pk) in cast) for v in voters]
        for resolution_id in Resolution.objects.filter(assembly_id=entry.assembly_id).values_list(
            "pk", flat=True
        )
    }


def assembly_live(*, assembly: Assembly) -> Presence:
    return assembly_presence(assembly=assembly)


def resolution_trackers(*, resolution: Resolution) -> list[str]:
    """The published receipt list: only after close, sorted so the order reveals nothing."""
    if resolution.status != Resolution.Status.CLOSED:
        return []
    return sorted(Ballot.objects.filter(resolution=resolution).values_list("tracker", flat=True))


def participation_list(*, assembly: Assembly) -> QuerySet[Participation]:
    """Who voted and how (never what, for secret resolutions); shown after close."""
    return (
        Participation.objects.filter(resolution__assembly=assembly)
        .select_related("voter", "cast_by", "resolution")
        .order_by("resolution__position", "voter__full_name")
    )


@dataclass(frozen=True)
class QuorumLine:
    decision_class: str
    label: str
    reached: bool
    required: int
    explanation: str


def assembly_quorum_status(*, assembly: Assembly, presence: Presence) -> list[QuorumLine]:
    """For each kind of decision on the agenda, whether the quorum is reached right now."""
    lines = []
    labels = dict(DecisionClass.choices)
    classes = sorted(set(assembly.resolutions.values_list("decision_class", flat=True)))
    for decision_class in classes:
        rule = assembly_rule(assembly=assembly, decision_class=decision_class)
        counted = (
            presence
            if rule.remote_participation_allowed and assembly.remote_session_valid
            else presence_for(assembly=assembly, rule=rule)
        )
        result = quorum_compute(
            rule=rule,
            eligible=assembly.roll_size,
            present_or_represented=counted.present_or_represented,
        )
        lines.append(
            QuorumLine(
                decision_class=decision_class,
                label=str(labels[decision_class]),
                reached=result.reached,
                required=result.required,
                explanation=result.explanation,
            )
        )
    return lines


# --------------------------------------------------------------------------- statutes


@dataclass(frozen=True)
class RuleLine:
    """One rule of the profile as the statutes page shows it, with the law's floor."""

    rule: StatuteRule
    label: str
    quorum: str
    majority: str
    floor: str
    ways: list[str]


def _fraction_text(numerator: int, denominator: int) -> str:
    return f"{numerator}/{denominator}"


def rule_line(rule: StatuteRule, law: FormLaw) -> RuleLine:
    labels = dict(DecisionClass.choices)
    bases = dict(MajorityBase.choices)
    quorum = (
        str(_("aucun"))
        if rule.quorum_base == QuorumBase.NONE
        else _("%(fraction)s des associé·es")
        % {"fraction": _fraction_text(rule.quorum_numerator, rule.quorum_denominator)}
    )
    majority = _("%(cmp)s %(fraction)s — %(base)s") % {
        "cmp": _("plus de") if rule.majority_strict else _("au moins"),
        "fraction": _fraction_text(rule.majority_numerator, rule.majority_denominator),
        "base": str(bases[rule.majority_base]).lower(),
    }
    floor = law.floors.get((rule.decision_class, rule.convocation))
    if floor is None:
        floor_text = str(_("fixé par les statuts (Code de commerce L.227-9)"))
    else:
        floor_text = _(
            "quorum %(quorum)s ; majorité %(cmp)s %(fraction)s — %(base)s (%(source)s)"
        ) % {
            "quorum": _("aucun") if floor.quorum is None else str(floor.quorum),
            "cmp": _("plus de") if floor.strict else _("au moins"),
            "fraction": str(floor.majority),
            "base": str(bases[floor.majority_base]).lower(),
            "source": floor.source,
        }
    ways = [
        str(label)
        for allowed, label in (
            (rule.remote_participation_allowed, _("participation à distance")),
            (rule.correspondence_allowed, _("vote par correspondance")),
            (rule.written_consultation_allowed, _("consultation écrite")),
            (rule.second_round_if_majority_missed, _("seconde consultation (L.223-29 al. 2)")),
            (rule.secret_ballot_mandatory, _("scrutin secret")),
        )
        if allowed
    ]
    ordinal = _("1re convocation") if rule.convocation == 1 else _("2e convocation")
    return RuleLine(
        rule=rule,
        label=f"{labels[rule.decision_class]}, {ordinal}",
        quorum=str(quorum),
        majority=str(majority),
        floor=str(floor_text),
        ways=ways,
    )


def statute_rules_in_order(*, profile: StatuteProfile) -> list[StatuteRule]:
    """The profile's rules in the order of the decision classes (ordinary decisions first),
    first convocation before the second."""
    order = {value: index for index, value in enumerate(DecisionClass.values)}
    return sorted(
        StatuteRule.objects.filter(profile=profile),
        key=lambda rule: (order[rule.decision_class], rule.convocation),
    )


def statute_profile_history(*, profile: StatuteProfile, limit: int = 30) -> list[dict[str, object]]:
    """Who changed, signed off or put in force this profile, and when (newest first)."""
    kinds = (
        AuditEvent.Kind.PROFILE_CHANGED,
        AuditEvent.Kind.PROFILE_SIGNED_OFF,
        AuditEvent.Kind.PROFILE_ACTIVATED,
    )
    events = list(
        AuditEvent.objects.filter(kind__in=kinds, payload__profile=profile.pk).order_by("-seq")[
            :limit
        ]
    )
    users = {
        user.pk: user.get_full_name() or user.email
        for user in User.objects.filter(pk__in={e.payload.get("by") for e in events})
    }
    return [
        {
            "at": event.created_at,
            "kind": event.get_kind_display(),
            "by": users.get(event.payload.get("by"), "—"),
            "changes": event.payload.get("changes", {}),
        }
        for event in events
    ]


# --------------------------------------------------------------------------- convocations


def dispatch_list(*, assembly: Assembly) -> QuerySet[ConvocationDispatch]:
    return (
        ConvocationDispatch.objects.filter(assembly=assembly)
        .select_related("entry")
        .order_by("entry__full_name", "pk")
    )


def letters_to_post(*, assembly: Assembly) -> list[ConvocationDispatch]:
    """Convocations still to send by registered letter: letters not posted, and e-mails that
    could not go (a letter replaces them)."""
    return [
        d
        for d in dispatch_list(assembly=assembly)
        if d.posted_on is None
        and d.sent_at is None
        and (d.channel != ConvocationDispatch.Channel.EMAIL or d.error)
    ]
