"""Assemblies, convocation with the frozen voter roll and statutes, attendance, remote
presence and proxies."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.law import law_for, proxy_law_cap
from governance.models import (
    Assembly,
    Associate,
    Attendance,
    AuditEvent,
    Convocation,
    ConvocationDispatch,
    DecisionClass,
    Participation,
    PresenceMode,
    Proxy,
    ProxyCap,
    Resolution,
    RollEntry,
    StatuteProfile,
)
from governance.rules import Rule, Statutes
from governance.services.audit import audit_record
from governance.services.convocation import (
    convocation_delay_days,
    convocation_problems,
    dispatches_create,
)
from governance.services.statutes import (
    active_profile,
    assembly_rule,
    statutes_of,
    statutes_of_profile,
)
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id

# --------------------------------------------------------------------------- assemblies


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
        profile=profile or active_profile(),
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
    continuing_employees: int = 0,
    continuing_others: int = 0,
) -> Resolution:
    """Add a resolution to the agenda. An election has `seats` to fill; where the statutes
    reserve two thirds of the mandates to employee associates (SCOP, loi 78-763 art. 15), the
    quota is checked on the whole body after the election: those elected and the members whose
    mandates go on (`continuing_employees`, `continuing_others`)."""
    assembly = _lock_assembly(assembly)
    if assembly.status != Assembly.Status.DRAFT:
        raise ApplicationError(_("L'ordre du jour est arrêté une fois l'assemblée convoquée."))
    if decision_class not in DecisionClass.values:
        raise ApplicationError(_("Nature de décision inconnue."))
    rule = assembly_rule(assembly=assembly, decision_class=decision_class)
    if assembly.mode == Assembly.Mode.WRITTEN and not rule.written_consultation_allowed:
        raise ApplicationError(
            _(
                "Les statuts n'admettent pas la consultation écrite pour ce type de décision "
                "(%(rule)s) : réunissez une assemblée."
            )
            % {"rule": rule.reference}
        )
    if rule.secret_ballot_mandatory:
        secret = True
    if not text.strip() or not title.strip():
        raise ApplicationError(_("Une résolution a un titre et un texte."))
    election = decision_class == DecisionClass.ELECTION
    if seats < 1 or (seats != 1 and not election):
        raise ApplicationError(_("Seule une élection a plusieurs sièges, au moins un."))
    if min(continuing_employees, continuing_others) < 0 or (
        not election and continuing_employees + continuing_others
    ):
        raise ApplicationError(
            _("Les mandats conservés se comptent pour une élection, en nombres positifs.")
        )
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
        employee_quota=election and statutes_of(assembly).employee_quota,
        continuing_employees=continuing_employees,
        continuing_others=continuing_others,
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


def roll_weight_label(
    weight: Decimal | None, numerator: int | None, denominator: int | None
) -> str | None:
    """A roll line's college weight as frozen: the exact share ("1/3"), or on rolls frozen
    before shares were stored, the percent ("33.33"). None without colleges."""
    if numerator is not None and denominator is not None:
        return f"{numerator}/{denominator}"
    return None if weight is None else str(weight)


def roll_hash_of(assembly: Assembly) -> str:
    rows = RollEntry.objects.filter(assembly=assembly).values_list(
        "associate_id",
        "full_name",
        "college_name",
        "college_weight",
        "college_weight_numerator",
        "college_weight_denominator",
    )
    entries: list[tuple[int, str, str, *tuple[str, ...]]] = []
    for associate_id, name, college, weight, numerator, denominator in rows:
        label = roll_weight_label(weight, numerator, denominator)
        entries.append(
            (associate_id, name, college) if label is None else (associate_id, name, college, label)
        )
    return roll_hash_compute(assembly_id=assembly.pk, entries=entries)


def convocation_delay_check(*, assembly: Assembly, now: dt.datetime) -> None:
    """The statutory delay between sending and the assembly (or, for a written consultation,
    the answer deadline: at least the profile's answer delay, R.223-22; it runs from receipt,
    checked again when the consultation closes)."""
    delay = convocation_delay_days(assembly)
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
            "Les statuts imposent de convoquer au moins %(days)s jours avant l'assemblée "
            "(%(source)s) : convoquez au plus tard le %(limit)s."
        )
        % {
            "days": delay,
            "limit": limit.strftime("%d/%m/%Y %H:%M"),
            "source": _delay_source(assembly),
        }
    )


def _delay_source(assembly: Assembly) -> str:
    statutes = statutes_of(assembly)
    law = law_for(statutes.legal_form)
    if assembly.convocation == Convocation.FIRST:
        article = statutes.articles.get("convocation_delay_article", "")
        source = law.convocation_delay_source
    else:
        article = statutes.articles.get("second_convocation_delay_article", "")
        source = law.second_convocation_delay_source
    return f"{_('statuts')} {article} ; {source}" if article else source


def roll_freeze(*, assembly: Assembly, now: dt.datetime) -> Assembly:
    """Freeze the voter roll (the current associates) and its hash on a locked draft assembly,
    mark it convened and record the audit event. Later register changes do not alter it."""
    if assembly.status != Assembly.Status.DRAFT:
        raise ApplicationError(_("Cette assemblée est déjà convoquée."))
    if not assembly.resolutions.exists():
        raise ApplicationError(_("L'ordre du jour ne comporte aucune résolution."))
    profile = StatuteProfile.objects.get(pk=assembly.profile_id)
    if not profile.is_active:
        raise ApplicationError(
            _("Le profil statutaire de cette assemblée n'est plus celui en vigueur.")
        )
    if not profile.signed_off:
        raise ApplicationError(
            _(
                "Le profil statutaire « %(profile)s » n'est pas vérifié au regard de vos "
                "statuts : faites-le vérifier et signer (page « Statuts ») avant de convoquer."
            )
            % {"profile": profile.name}
        )
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
            college_weight_numerator=associate.college.weight_numerator
            if associate.college
            else None,
            college_weight_denominator=associate.college.weight_denominator
            if associate.college
            else None,
        )
        for associate in associates.select_related("college")
    ]
    if not entries:
        raise ApplicationError(_("Le registre ne compte aucun·e associé·e."))
    RollEntry.objects.bulk_create(entries)
    statutes = statutes_of_profile(profile)
    assembly.roll_hash = roll_hash_of(assembly)
    assembly.roll_size = len(entries)
    assembly.status = Assembly.Status.CONVENED
    assembly.convened_at = now
    assembly.profile_snapshot = statutes.to_dict()
    assembly.save(
        update_fields=["roll_hash", "roll_size", "status", "convened_at", "profile_snapshot"]
    )
    dispatches_create(assembly=assembly)
    audit_record(
        kind=AuditEvent.Kind.CONVENED,
        assembly=assembly,
        payload={
            "roll_hash": assembly.roll_hash,
            "roll_size": assembly.roll_size,
            "mode": assembly.mode,
            "statutes": statutes.digest(),
            "channels": sorted(
                [entry_id, channel]
                for entry_id, channel in ConvocationDispatch.objects.filter(
                    assembly=assembly
                ).values_list("entry_id", "channel")
            ),
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
    # Assemblies convened before consents and letters were tracked (no frozen statutes) keep
    # the convocation they had; the others open only on a regular one.
    problems = convocation_problems(assembly=assembly) if assembly.profile_snapshot else []
    if problems:
        shown = " ".join(problems[:5])
        more = len(problems) - 5
        raise ApplicationError(
            _("Convocation irrégulière : l'assemblée ne peut s'ouvrir. %(problems)s%(more)s")
            % {
                "problems": shown,
                "more": "" if more <= 0 else _(" (et %(n)s autres)") % {"n": more},
            }
        )
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
    if mode == PresenceMode.VIDEO:
        remote_presence_check(assembly=assembly, rule=None)
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
        statutes = statutes_of(assembly)
        cap = proxy_cap(statutes=statutes, associates=assembly.roll_size)
        if cap is not None and held >= cap:
            raise ApplicationError(
                _(
                    "%(name)s détient déjà %(held)s pouvoir(s) : le plafond est de %(cap)s pour "
                    "%(size)s associé·es (%(source)s)."
                )
                % {
                    "name": holder.full_name,
                    "held": held,
                    "cap": cap,
                    "size": assembly.roll_size,
                    "source": proxy_cap_source(statutes),
                }
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


def assembly_presence(*, assembly: Assembly, remote: bool = True) -> Presence:
    """The live counts behind the quorum. A named proxy counts when its holder takes part (room
    or video); a blank proxy always counts (it goes to the chair). With `remote` False (a
    decision the statutes or the law keep from remote participants, `presence_for`), those
    following by video are not present, nor the proxies they hold."""
    attendances = Attendance.objects.filter(assembly=assembly)
    counts = dict.fromkeys(PresenceMode.values, 0)
    for mode in attendances.values_list("mode", flat=True):
        counts[mode] += 1
    if not remote:
        counts[PresenceMode.VIDEO] = 0
    present_modes = (PresenceMode.ROOM, PresenceMode.VIDEO) if remote else (PresenceMode.ROOM,)
    present_holders = attendances.filter(mode__in=present_modes).values("entry_id")
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


def presence_for(*, assembly: Assembly, rule: Rule) -> Presence:
    """Who counts as present or represented for a decision under `rule`: those following by
    video only where the rule admits remote presence and the session was recorded as carrying
    voice and a continuous retransmission."""
    return assembly_presence(
        assembly=assembly,
        remote=rule.remote_participation_allowed and assembly.remote_session_valid,
    )


# --------------------------------------------------------------------------- remote presence


def remote_presence_check(*, assembly: Assembly, rule: Rule | None) -> None:
    """Refuse remote presence (with the reason and the law) unless the rule (None: any decision
    on the agenda) admits it and the session carries voice and a continuous retransmission."""
    statutes = statutes_of(assembly)
    law = law_for(statutes.legal_form)
    if rule is None:
        classes = set(assembly.resolutions.values_list("decision_class", flat=True))
        allowed = any(
            r.remote_participation_allowed
            for r in statutes.rules
            if r.convocation == assembly.convocation and r.decision_class in classes
        )
        reference = law.remote_source
    else:
        allowed = rule.remote_participation_allowed
        reference = rule.reference
        if rule.decision_class in law.remote_excluded:
            raise ApplicationError(
                _(
                    "Pas de participation à distance pour cette décision (%(law)s) : votez en "
                    "salle ou donnez pouvoir."
                )
                % {"law": law.remote_excluded_source}
            )
    if not allowed:
        raise ApplicationError(
            _(
                "La participation à distance n'est pas admise pour cette décision (%(rule)s ; "
                "%(law)s) : votez en salle, donnez pouvoir ou, si les statuts l'admettent, votez "
                "par correspondance avant la date limite."
            )
            % {"rule": reference, "law": law.remote_source}
        )
    if not assembly.remote_session_valid:
        raise ApplicationError(
            _(
                "La séance à distance n'est pas enregistrée comme transmettant la voix avec une "
                "retransmission continue et simultanée des délibérations (%(law)s) : une "
                "participation en ligne ne vaut pas présence. Votez en salle ou donnez pouvoir."
            )
            % {"law": law.remote_technical_source}
        )


@transaction.atomic
def assembly_remote_session_record(
    *,
    assembly: Assembly,
    means: str,
    voice: bool,
    continuous: bool,
    by: User | None,
    now: dt.datetime | None = None,
) -> Assembly:
    """The bureau records the means of the remote session and whether it carries at least the
    participants' voice and a continuous, simultaneous retransmission of the deliberations
    (R.223-20-1, R.225-97). Only then do those following online count as present, where the
    statutes (or, in an SA, the law) admit it."""
    assembly = _lock_assembly(assembly)
    if assembly.mode not in (Assembly.Mode.REMOTE, Assembly.Mode.HYBRID):
        raise ApplicationError(
            _("Seule une assemblée à distance ou hybride a une séance à distance.")
        )
    if assembly.status not in (Assembly.Status.CONVENED, Assembly.Status.OPEN):
        raise ApplicationError(
            _("La séance à distance s'enregistre entre la convocation et la clôture.")
        )
    if not means.strip():
        raise ApplicationError(_("Indiquez le moyen de participation à distance."))
    if Attendance.objects.filter(assembly=assembly, mode=PresenceMode.VIDEO).exists():
        raise ApplicationError(
            _("Des associé·es suivent déjà à distance : ces moyens ne se changent plus.")
        )
    assembly.remote_means = means.strip()[:250]
    assembly.remote_voice = voice
    assembly.remote_continuous = continuous
    assembly.remote_recorded_at = now or timezone.now()
    assembly.remote_recorded_by = by
    assembly.save(
        update_fields=[
            "remote_means",
            "remote_voice",
            "remote_continuous",
            "remote_recorded_at",
            "remote_recorded_by",
        ]
    )
    audit_record(
        kind=AuditEvent.Kind.REMOTE_SESSION,
        assembly=assembly,
        payload={
            "means": assembly.remote_means,
            "voice": voice,
            "continuous": continuous,
            "by": None if by is None else by.pk,
        },
    )
    return assembly


# --------------------------------------------------------------------------- proxies caps


def proxy_cap(*, statutes: Statutes, associates: int) -> int | None:
    """Proxies one associate may hold on top of their own vote: in a SCOP the law's cap (loi
    78-763 art. 14), lowered by the statutes if they say so; elsewhere the statutes' cap, or
    none (the law sets none: L.223-28, L.225-106)."""
    if statutes.proxy_cap == ProxyCap.LAW:
        cap = proxy_law_cap(associates=associates)
        return cap if statutes.proxy_max is None else min(cap, statutes.proxy_max)
    if statutes.proxy_cap == ProxyCap.STATUTES:
        return statutes.proxy_max
    return None


def proxy_cap_source(statutes: Statutes) -> str:
    article = statutes.articles.get("proxy_article", "")
    source = law_for(statutes.legal_form).proxy_source
    return f"{_('statuts')} {article} ; {source}" if article else source
