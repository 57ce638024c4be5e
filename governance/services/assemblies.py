"""Statute profiles, assemblies, convocation with the frozen voter roll, attendance and proxies."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import (
    Assembly,
    Associate,
    Attendance,
    AuditEvent,
    Convocation,
    DecisionClass,
    Participation,
    PresenceMode,
    Proxy,
    Resolution,
    RollEntry,
    StatuteProfile,
    StatuteRule,
)
from governance.rules import PRESETS, Rule, proxy_cap
from governance.services.audit import audit_record
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id

# --------------------------------------------------------------------------- statute profiles


@transaction.atomic
def statute_profile_create_from_preset(*, preset: str, activate: bool = True) -> StatuteProfile:
    """Create (or return, if already created) the profile of a preset, marked to check."""
    if preset not in PRESETS:
        raise ApplicationError(_("Modèle de statuts inconnu."))
    spec = PRESETS[preset]
    profile: StatuteProfile | None = StatuteProfile.objects.filter(name=spec.name).first()
    if profile is None:
        profile = StatuteProfile.objects.create(
            cooperative_id=require_cooperative_id(),
            name=spec.name,
            preset=spec.key,
            to_check=True,
            convocation_delay_days=spec.convocation_delay_days,
            second_convocation_delay_days=spec.second_convocation_delay_days,
        )
        StatuteRule.objects.bulk_create(
            StatuteRule(cooperative_id=profile.cooperative_id, profile=profile, **vars(rule))
            for rule in spec.rules
        )
    if activate and not profile.is_active:
        statute_profile_activate(profile=profile)
        profile.refresh_from_db()
    return profile


@transaction.atomic
def statute_profile_activate(*, profile: StatuteProfile) -> StatuteProfile:
    StatuteProfile.objects.select_for_update().filter(is_active=True).update(is_active=False)
    StatuteProfile.objects.filter(pk=profile.pk).update(is_active=True)
    created_statuteprofile: StatuteProfile = StatuteProfile.objects.get(pk=profile.pk)
    return created_statuteprofile


def rule_for(*, profile: StatuteProfile, decision_class: str, convocation: int) -> Rule:
    rule = StatuteRule.objects.filter(
        profile=profile, decision_class=decision_class, convocation=convocation
    ).first()
    if rule is None:
        raise ApplicationError(
            _("Le profil statutaire « %(profile)s » n'a pas de règle pour ce type de décision.")
            % {"profile": profile.name}
        )
    return Rule.from_model(rule)


# --------------------------------------------------------------------------- assemblies


def _active_profile() -> StatuteProfile:
    profile: StatuteProfile | None = StatuteProfile.objects.filter(is_active=True).first()
    if profile is None:
        raise ApplicationError(_("Choisissez d'abord le profil statutaire de la coopérative."))
    return profile


@transaction.atomic
def assembly_create(
    *,
    title: str,
    kind: str,
    mode: str,
    scheduled_at: dt.datetime,
    place: str = "",
    correspondence_deadline: dt.datetime | None = None,
    profile: StatuteProfile | None = None,
) -> Assembly:
    if kind not in Assembly.Kind.values or mode not in Assembly.Mode.values:
        raise ApplicationError(_("Type ou modalité d'assemblée inconnu."))
    if correspondence_deadline is not None and correspondence_deadline >= scheduled_at:
        raise ApplicationError(
            _("La date limite du vote par correspondance doit précéder l'assemblée.")
        )
    created_assembly: Assembly = Assembly.objects.create(
        cooperative_id=require_cooperative_id(),
        title=title,
        kind=kind,
        mode=mode,
        scheduled_at=scheduled_at,
        place=place,
        correspondence_deadline=correspondence_deadline,
        profile=profile or _active_profile(),
    )
    return created_assembly


def _lock_assembly(assembly: Assembly) -> Assembly:
    locked: Assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    return locked


@transaction.atomic
def resolution_add(
    *,
    assembly: Assembly,
    title: str,
    text: str,
    decision_class: str = DecisionClass.ORDINARY,
    secret: bool = False,
    management_supported: bool = True,
    seats: int = 1,
) -> Resolution:
    """Add a resolution to the agenda. An election has `seats` to fill; in a SCOP (a profile
    from a SCOP preset) at least two thirds of those elected must be employee associates."""
    assembly = _lock_assembly(assembly)
    if assembly.status != Assembly.Status.DRAFT:
        raise ApplicationError(_("L'ordre du jour est arrêté une fois l'assemblée convoquée."))
    if decision_class not in DecisionClass.values:
        raise ApplicationError(_("Nature de décision inconnue."))
    rule = rule_for(
        profile=assembly.profile, decision_class=decision_class, convocation=assembly.convocation
    )
    if assembly.mode == Assembly.Mode.WRITTEN and not rule.written_consultation_allowed:
        raise ApplicationError(
            _(
                "Les statuts n'admettent pas la consultation écrite pour ce type de décision "
                "(%(rule)s) : réunissez une assemblée."
            )
            % {"rule": rule.citation}
        )
    if rule.secret_ballot_mandatory:
        secret = True
    if not text.strip() or not title.strip():
        raise ApplicationError(_("Une résolution a un titre et un texte."))
    election = decision_class == DecisionClass.ELECTION
    if seats < 1 or (seats != 1 and not election):
        raise ApplicationError(_("Seule une élection a plusieurs sièges, au moins un."))
    position = (assembly.resolutions.aggregate(m=Max("position"))["m"] or 0) + 1
    created_resolution: Resolution = Resolution.objects.create(
        cooperative_id=assembly.cooperative_id,
        assembly=assembly,
        position=position,
        title=title.strip(),
        text=text.strip(),
        decision_class=decision_class,
        secret=secret,
        management_supported=management_supported,
        seats=seats,
        employee_quota=election and assembly.profile.preset.startswith("scop"),
    )
    return created_resolution


def roll_hash_compute(
    *, assembly_id: int, entries: list[tuple[int, str, str, *tuple[str, ...]]]
) -> str:
    """SHA-256 of the canonical JSON of the roll: (associate id, name, college) sorted by id,
    and the college's frozen weight (SCIC) as a fourth item when there is one."""
    payload = {
        "assembly": assembly_id,
        "roll": [list(entry) for entry in sorted(entries)],
    }
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def roll_hash_of(assembly: Assembly) -> str:
    rows = RollEntry.objects.filter(assembly=assembly).values_list(
        "associate_id", "full_name", "college_name", "college_weight"
    )
    entries: list[tuple[int, str, str, *tuple[str, ...]]] = [
        (associate_id, name, college)
        if weight is None
        else (associate_id, name, college, str(weight))
        for associate_id, name, college, weight in rows
    ]
    return roll_hash_compute(assembly_id=assembly.pk, entries=entries)


def convocation_delay_check(*, assembly: Assembly, now: dt.datetime) -> None:
    """The statutory delay between sending and the assembly (or, for a written consultation,
    the answer deadline: R.223-22 gives associates at least fifteen days to answer)."""
    delay = (
        assembly.profile.convocation_delay_days
        if assembly.convocation == Convocation.FIRST
        else assembly.profile.second_convocation_delay_days
    )
    if assembly.scheduled_at - now >= dt.timedelta(days=delay):
        return
    limit = timezone.localtime(assembly.scheduled_at - dt.timedelta(days=delay))
    if assembly.mode == Assembly.Mode.WRITTEN:
        raise ApplicationError(
            _(
                "Les statuts laissent au moins %(days)s jours pour répondre à une consultation "
                "écrite : envoyez-la au plus tard le %(limit)s ou reportez la date limite."
            )
            % {"days": delay, "limit": limit.strftime("%d/%m/%Y %H:%M")}
        )
    raise ApplicationError(
        _(
            "Les statuts imposent de convoquer au moins %(days)s jours avant l'assemblée : "
            "convoquez au plus tard le %(limit)s."
        )
        % {"days": delay, "limit": limit.strftime("%d/%m/%Y %H:%M")}
    )


def roll_freeze(*, assembly: Assembly, now: dt.datetime) -> Assembly:
    """Freeze the voter roll (the current associates) and its hash on a locked draft assembly,
    mark it convened and record the audit event. Later register changes do not alter it."""
    if assembly.status != Assembly.Status.DRAFT:
        raise ApplicationError(_("Cette assemblée est déjà convoquée."))
    if not assembly.resolutions.exists():
        raise ApplicationError(_("L'ordre du jour ne comporte aucune résolution."))
    convocation_delay_check(assembly=assembly, now=now)
    today = timezone.localdate(now)
    associates = Associate.objects.filter(exited_on__isnull=True, admitted_on__lte=today)
    entries = [
        RollEntry(
            cooperative_id=assembly.cooperative_id,
            assembly=assembly,
            associate=associate,
            user_id=associate.user_id,
            full_name=associate.full_name,
            college_name=associate.college.name if associate.college else "",
            college_weight=associate.college.weight if associate.college else None,
        )
        for associate in associates.select_related("college")
    ]
    if not entries:
        raise ApplicationError(_("Le registre ne compte aucun·e associé·e."))
    RollEntry.objects.bulk_create(entries)
    assembly.roll_hash = roll_hash_of(assembly)
    assembly.roll_size = len(entries)
    assembly.status = Assembly.Status.CONVENED
    assembly.convened_at = now
    assembly.save(update_fields=["roll_hash", "roll_size", "status", "convened_at"])
    audit_record(
        kind=AuditEvent.Kind.CONVENED,
        assembly=assembly,
        payload={
            "roll_hash": assembly.roll_hash,
            "roll_size": assembly.roll_size,
            "mode": assembly.mode,
            "resolutions": list(
                assembly.resolutions.order_by("position").values_list("pk", flat=True)
            ),
            "documents": [
                [pk, sha256]
                for pk, sha256 in assembly.documents.order_by("pk").values_list("pk", "sha256")
            ],
        },
    )
    return assembly


@transaction.atomic
def assembly_convene(*, assembly: Assembly, now: dt.datetime | None = None) -> Assembly:
    """Convene the assembly: checks the statutory delay, freezes the voter roll (the current
    associates) and its hash. Later changes to the register do not alter this roll."""
    now = now or timezone.now()
    assembly = _lock_assembly(assembly)
    if assembly.mode == Assembly.Mode.WRITTEN:
        raise ApplicationError(_("Une consultation écrite s'envoie, elle ne se convoque pas."))
    return roll_freeze(assembly=assembly, now=now)


@transaction.atomic
def assembly_open(*, assembly: Assembly, now: dt.datetime | None = None) -> Assembly:
    now = now or timezone.now()
    assembly = _lock_assembly(assembly)
    if assembly.status != Assembly.Status.CONVENED:
        raise ApplicationError(_("Seule une assemblée convoquée peut être ouverte."))
    if timezone.localdate(now) < timezone.localdate(assembly.scheduled_at):
        raise ApplicationError(_("L'assemblée ne peut s'ouvrir avant sa date."))
    assembly.status = Assembly.Status.OPEN
    assembly.opened_at = now
    assembly.save(update_fields=["status", "opened_at"])
    audit_record(kind=AuditEvent.Kind.OPENED, assembly=assembly)
    return assembly


# --------------------------------------------------------------------------- attendance, proxies


def _active_proxies(assembly: Assembly) -> Q:
    return Q(assembly=assembly, revoked_at__isnull=True)


@transaction.atomic
def attendance_record(*, assembly: Assembly, entry: RollEntry, mode: str) -> Attendance:
    """Sign the attendance sheet (room or video). Someone present no longer needs their proxy:
    it is revoked, unless the holder already voted with it."""
    if mode not in (PresenceMode.ROOM, PresenceMode.VIDEO):
        raise ApplicationError(_("Mode de présence inconnu."))
    assembly = Assembly.objects.get(pk=assembly.pk)
    if assembly.mode == Assembly.Mode.WRITTEN:
        raise ApplicationError(_("Une consultation écrite n'a pas de feuille de présence."))
    if assembly.status not in (Assembly.Status.CONVENED, Assembly.Status.OPEN):
        raise ApplicationError(_("La feuille de présence n'est pas ouverte."))
    if entry.assembly_id != assembly.pk:
        raise ApplicationError(_("Cette personne n'est pas sur la liste d'émargement."))
    proxy = (
        Proxy.objects.select_for_update().filter(_active_proxies(assembly), grantor=entry).first()
    )
    if proxy is not None:
        proxy_revoke(proxy=proxy)
    try:
        with transaction.atomic():
            created_attendance: Attendance = Attendance.objects.create(
                cooperative_id=assembly.cooperative_id, assembly=assembly, entry=entry, mode=mode
            )
            return created_attendance
    except IntegrityError as exc:
        raise ApplicationError(_("Cette présence est déjà enregistrée.")) from exc


@transaction.atomic
def proxy_grant(
    *,
    assembly: Assembly,
    grantor: RollEntry,
    holder: RollEntry | None,
    now: dt.datetime | None = None,
) -> Proxy:
    """Give a proxy to another associate on the roll (or a blank proxy, holder None). The
    assembly row is locked, so concurrent grants cannot exceed the cap together."""
    now = now or timezone.now()
    assembly = _lock_assembly(assembly)
    if assembly.mode == Assembly.Mode.WRITTEN:
        raise ApplicationError(
            _(
                "Pas de pouvoir dans une consultation écrite : chaque associé·e répond "
                "personnellement."
            )
        )
    if assembly.status not in (Assembly.Status.CONVENED, Assembly.Status.OPEN):
        raise ApplicationError(_("Les pouvoirs se donnent entre la convocation et la clôture."))
    if grantor.assembly_id != assembly.pk:
        raise ApplicationError(_("Seul·e un·e associé·e de la liste d'émargement donne pouvoir."))
    if holder is not None:
        if holder.assembly_id != assembly.pk:
            raise ApplicationError(
                _("Un·e associé·e ne peut se faire représenter que par un·e autre associé·e.")
            )
        if holder.pk == grantor.pk:
            raise ApplicationError(_("On ne se donne pas pouvoir à soi-même."))
        if Proxy.objects.filter(_active_proxies(assembly), grantor=holder).exists():
            raise ApplicationError(
                _("Cette personne a elle-même donné pouvoir : elle ne peut pas en recevoir.")
            )
        held = Proxy.objects.filter(_active_proxies(assembly), holder=holder).count()
        cap = proxy_cap(associates=assembly.roll_size)
        if held >= cap:
            raise ApplicationError(
                _(
                    "%(name)s détient déjà %(held)s pouvoir(s) : le plafond est de %(cap)s pour "
                    "%(size)s associé·es."
                )
                % {"name": holder.full_name, "held": held, "cap": cap, "size": assembly.roll_size}
            )
    if Participation.objects.filter(resolution__assembly=assembly, voter=grantor).exists():
        raise ApplicationError(_("Vous avez déjà voté : vous ne pouvez plus donner pouvoir."))
    if Attendance.objects.filter(assembly=assembly, entry=grantor).exists():
        raise ApplicationError(_("Vous êtes présent·e : vous votez vous-même."))
    if Proxy.objects.filter(_active_proxies(assembly), holder=grantor).exists():
        raise ApplicationError(
            _("Vous détenez des pouvoirs : vous ne pouvez pas vous faire représenter.")
        )
    try:
        with transaction.atomic():
            proxy: Proxy = Proxy.objects.create(
                cooperative_id=assembly.cooperative_id,
                assembly=assembly,
                grantor=grantor,
                holder=holder,
                granted_at=now,
            )
    except IntegrityError as exc:
        raise ApplicationError(_("Vous avez déjà donné pouvoir pour cette assemblée.")) from exc
    audit_record(
        kind=AuditEvent.Kind.PROXY_GRANTED,
        assembly=assembly,
        payload={"proxy": proxy.pk, "grantor": grantor.pk, "holder": proxy.holder_id},
    )
    return proxy


@transaction.atomic
def proxy_revoke(*, proxy: Proxy, now: dt.datetime | None = None) -> Proxy:
    """Revocable until the holder votes with it: the vote service reads the proxy FOR SHARE, so a
    revoke waits for a concurrent vote and then sees it."""
    proxy = Proxy.objects.select_for_update().select_related("assembly").get(pk=proxy.pk)
    if proxy.revoked_at is not None:
        raise ApplicationError(_("Ce pouvoir est déjà révoqué."))
    if proxy.assembly.status not in (Assembly.Status.CONVENED, Assembly.Status.OPEN):
        raise ApplicationError(_("L'assemblée est close : ce pouvoir n'est plus révocable."))
    if Participation.objects.filter(
        resolution__assembly_id=proxy.assembly_id, voter_id=proxy.grantor_id
    ).exists():
        raise ApplicationError(_("Ce pouvoir a déjà servi à voter : il n'est plus révocable."))
    proxy.revoked_at = now or timezone.now()
    proxy.save(update_fields=["revoked_at"])
    audit_record(
        kind=AuditEvent.Kind.PROXY_REVOKED,
        assembly=proxy.assembly,
        payload={"proxy": proxy.pk, "grantor": proxy.grantor_id, "holder": proxy.holder_id},
    )
    return proxy


@dataclass(frozen=True)
class Presence:
    room: int
    video: int
    correspondence: int
    represented: int
    blank_proxies: int
    written: int = 0  # answers to a written consultation

    @property
    def present_or_represented(self) -> int:
        return self.room + self.video + self.correspondence + self.represented + self.written


def assembly_presence(*, assembly: Assembly) -> Presence:
    """The live counts behind the quorum. A named proxy counts when its holder takes part (room
    or video); a blank proxy always counts (it goes to the chair)."""
    attendances = Attendance.objects.filter(assembly=assembly)
    counts = dict.fromkeys(PresenceMode.values, 0)
    for mode in attendances.values_list("mode", flat=True):
        counts[mode] += 1
    present_holders = attendances.filter(mode__in=(PresenceMode.ROOM, PresenceMode.VIDEO)).values(
        "entry_id"
    )
    proxies = Proxy.objects.filter(_active_proxies(assembly)).exclude(
        grantor_id__in=attendances.values("entry_id")
    )
    blank = proxies.filter(holder__isnull=True).count()
    named = proxies.filter(holder_id__in=present_holders).count()
    return Presence(
        room=counts[PresenceMode.ROOM],
        video=counts[PresenceMode.VIDEO],
        correspondence=counts[PresenceMode.CORRESPONDENCE],
        represented=named + blank,
        blank_proxies=blank,
        written=counts[PresenceMode.WRITTEN],
    )
