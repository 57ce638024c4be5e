"""Demo data of the governance app, called by `seed_demo` inside each demo cooperative.

The statute profile of the cooperative's legal form, adapted to its (fictional) statutes, which
admit remote participation, votes by correspondence and, in the SCIC, written consultations,
and signed off by a manager. The register: every entrepreneur whose path says "associate" (with
their shares), one outside associate and one former associate whose shares are being refunded;
the associates with an account consented to e-mail convocation after the June assembly, so
June was convened by registered letters (posted, numbered) and the upcoming assembly goes by
e-mail to them and by letter to the others. A past ordinary assembly
(June) with attendance, proxies, live and room votes, an admission vote and a secret election,
closed with its results; and an upcoming assembly, convened, with proxies and votes by
correspondence already in; where the statutes allow it (the SCIC), an open written
consultation that a third of the associates have already answered. Admissions voted in June wait
for their share subscription, so the entrepreneurs' paths are not changed by this seed (their
counts stay the entrepreneurs app's).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from entrepreneurs.models import Entrepreneur, Stage
from governance import services
from governance.law import law_for
from governance.models import (
    Assembly,
    Associate,
    AssociateCategory,
    Ballot,
    ConvocationDispatch,
    Resolution,
    RollEntry,
    StatuteProfile,
)
from perspectives.accounts.models import User
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.models import Cooperative, Membership, Role

NOMINAL = Decimal("25.00")
# The demo statutes' articles admitting each way of taking part.
REMOTE_ARTICLE = "art. 22"
CORRESPONDENCE_ARTICLE = "art. 23"
WRITTEN_ARTICLE = "art. 24"


def _counts() -> dict[str, int]:
    return {
        "associates": Associate.objects.count(),
        "assemblies": Assembly.objects.count(),
        "ballots": Ballot.objects.count(),
    }


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def seed(*, cooperative: Cooperative, rng: random.Random) -> dict[str, int]:
    """Create this app's demo rows in the active cooperative (idempotent); returns counts."""
    if Associate.objects.exists():
        return _counts()
    today = timezone.localdate()
    manager = _manager()
    profile = _statutes(cooperative=cooperative, manager=manager)
    june = dt.date(today.year if today.month > 6 else today.year - 1, 6, 25)
    written = profile.rules.filter(convocation=1, written_consultation_allowed=True).exists()
    _register(rng=rng, before=june, managers=written)
    _past_assembly(rng=rng, day=june, manager=manager)
    _consents(after=june, today=today, manager=manager)
    _upcoming_assembly(rng=rng, today=today, manager=manager)
    if written:
        _open_consultation(rng=rng, today=today, manager=manager)
    return _counts()


def _manager() -> User:
    membership = (
        Membership.objects.filter(
            cooperative_id=require_cooperative_id(), roles__contains=[Role.MANAGER]
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise RuntimeError("The demo cooperative has no manager.")
    return membership.user


def _statutes(*, cooperative: Cooperative, manager: User) -> StatuteProfile:
    """The preset of the cooperative's legal form, adapted to the demo statutes through the
    same services as the statutes page, and signed off."""
    profile = services.statute_profile_apply_preset(by=manager)
    law = law_for(cooperative.legal_form)
    for rule in profile.rules.order_by("decision_class", "convocation"):
        remote = rule.decision_class not in law.remote_excluded
        written = law.written_consultation_possible and cooperative.legal_form.startswith("scic")
        services.statute_rule_update(
            rule=rule,
            by=manager,
            remote_participation_allowed=remote,
            correspondence_allowed=True,
            written_consultation_allowed=written,
            statutes_article=", ".join(
                article
                for article, on in (
                    (REMOTE_ARTICLE, remote),
                    (CORRESPONDENCE_ARTICLE, True),
                    (WRITTEN_ARTICLE, written),
                )
                if on
            ),
        )
    return services.statute_profile_sign_off(profile=profile, by=manager)


def _address(rng: random.Random) -> str:
    street = rng.choice(("rue des Lilas", "avenue du Canigou", "chemin de la Têt", "rue Arago"))
    return f"{rng.randint(1, 80)} {street}\n66000 Perpignan"


def _consents(*, after: dt.date, today: dt.date, manager: User) -> None:
    """After the June assembly, the associates with an account give their written consent to
    e-mail convocation through the platform."""
    on = min(after + dt.timedelta(days=20), today)
    for associate in Associate.objects.filter(exited_on__isnull=True, user__isnull=False):
        services.associate_convocation_update(
            associate=associate,
            postal_address=associate.postal_address,
            consent_on=on,
            consent_how="electronic",
            consent_address=associate.user.email,  # type: ignore[union-attr]
            by=manager,
        )


def _post_letters(*, assembly: Assembly, posted_on: dt.date, manager: User) -> None:
    letters = ConvocationDispatch.objects.filter(
        assembly=assembly, channel=ConvocationDispatch.Channel.REGISTERED_LETTER
    ).order_by("pk")
    numbers = {d.pk: f"1A{180_000_000 + d.pk:011d}" for d in letters}
    if numbers:
        services.convocation_letters_record(
            assembly=assembly, posted_on=posted_on, numbers=numbers, by=manager
        )


def _register(*, rng: random.Random, before: dt.date, managers: bool) -> None:
    for entrepreneur in Entrepreneur.objects.filter(associate_since__isnull=False).order_by("pk"):
        number = rng.choice((4, 8, 20, 40))
        associate = services.associate_import(
            full_name=f"{entrepreneur.first_name} {entrepreneur.last_name}",
            category=AssociateCategory.EMPLOYEE,
            admitted_on=entrepreneur.associate_since,  # type: ignore[arg-type]
            number=number,
            nominal_value=NOMINAL,
            paid_amount=NOMINAL * number if rng.random() < 0.8 else NOMINAL * (number // 2),
            entrepreneur=entrepreneur,
        )
        if not entrepreneur.address_line:
            services.associate_convocation_update(
                associate=associate, postal_address=_address(rng), consent_on=None, by=None
            )
    outside = services.associate_import(
        full_name="Association Terres Catalanes Solidaires",
        category=AssociateCategory.OTHER,
        admitted_on=before - dt.timedelta(days=3 * 365),
        number=40,
        nominal_value=NOMINAL,
        paid_amount=NOMINAL * 40,
    )
    services.associate_convocation_update(
        associate=outside,
        postal_address="Association Terres Catalanes Solidaires\n12 place de la Loge\n"
        "66000 Perpignan",
        consent_on=None,
        by=None,
    )
    former = services.associate_import(
        full_name="Marc Vidal",
        category=AssociateCategory.OTHER,
        admitted_on=before - dt.timedelta(days=6 * 365),
        number=8,
        nominal_value=NOMINAL,
        paid_amount=NOMINAL * 8,
    )
    services.associate_exit(
        associate=former, exited_on=before - dt.timedelta(days=90), reason="resignation"
    )
    if managers:
        # In the SCIC the managers are associates too: their demo logins can answer the open
        # written consultation.
        cooperative_id = require_cooperative_id()
        for membership in Membership.objects.filter(
            cooperative_id=cooperative_id, roles__contains=[Role.MANAGER]
        ).select_related("user"):
            services.associate_import(
                full_name=membership.user.get_full_name(),
                category=AssociateCategory.EMPLOYEE,
                admitted_on=before - dt.timedelta(days=2 * 365),
                number=4,
                nominal_value=NOMINAL,
                paid_amount=NOMINAL * 4,
                user=membership.user,
            )


def _vote_session(
    *,
    rng: random.Random,
    assembly: Assembly,
    resolutions: list[Resolution],
    close_at: dt.datetime,
) -> None:
    """Attendance, proxies, then each resolution opened, voted (online and in the room) and
    closed, then the assembly closed."""
    entries = list(RollEntry.objects.filter(assembly=assembly).order_by("full_name", "pk"))
    rng.shuffle(entries)
    third = max(1, len(entries) // 3)
    online, room = entries[:third], entries[third : 2 * third]
    absent = entries[2 * third :]
    for entry in online:
        services.attendance_record(assembly=assembly, entry=entry, mode="video")
    for entry in room:
        services.attendance_record(assembly=assembly, entry=entry, mode="room")
    # Absent associates: some give a proxy to someone following online, one a blank proxy.
    proxies = []
    for grantor, holder in zip(absent[: len(online) // 2], online, strict=False):
        services.proxy_grant(assembly=assembly, grantor=grantor, holder=holder)
        proxies.append((grantor, holder))
    if len(absent) > len(proxies):
        services.proxy_grant(assembly=assembly, grantor=absent[len(proxies)], holder=None)
    for resolution in resolutions:
        services.resolution_open(resolution=resolution)
        weights = (0.88, 0.06, 0.06)
        for entry in online:
            choice = rng.choices(("for", "against", "abstain"), weights)[0]
            services.vote_cast(resolution=resolution, cast_by=entry, choice=choice)
        for grantor, holder in proxies:
            choice = rng.choices(("for", "against", "abstain"), weights)[0]
            services.vote_cast(resolution=resolution, cast_by=holder, voter=grantor, choice=choice)
        against = rng.randint(0, max(0, len(room) // 6))
        abstain = rng.randint(0, 1) if len(room) - against > 1 else 0
        services.resolution_record_room_counts(
            resolution=resolution,
            votes_for=len(room) - against - abstain,
            votes_against=against,
            votes_abstain=abstain,
        )
        services.resolution_close(resolution=resolution, now=close_at)
    services.assembly_close(assembly=assembly, now=close_at)


# Long on purpose: one demo assembly told in order (convened, held, voted, closed).
def _past_assembly(*, rng: random.Random, day: dt.date, manager: User) -> None:
    scheduled = _at(day, 18)
    assembly = services.assembly_create(
        title=f"Assemblée générale ordinaire {day.year}",
        kind=Assembly.Kind.ORDINARY,
        mode=Assembly.Mode.HYBRID,
        scheduled_at=scheduled,
        place="Salle des fêtes, Perpignan",
    )
    texts = [
        (
            "Approbation des comptes",
            f"L'assemblée générale, après avoir entendu le rapport de la gérance, approuve les "
            f"comptes de l'exercice {day.year - 1}.",
            "ordinary",
        ),
        (
            "Affectation du résultat",
            "L'assemblée décide d'affecter 45 % du résultat aux réserves impartageables, 40 % à "
            "la part travail et 15 % aux parts sociales.",
            "ordinary",
        ),
        (
            "Admission de nouveaux associés",
            "L'assemblée admet comme associé·es les entrepreneur·es salarié·es dont la "
            "candidature est jointe, sous réserve de la souscription de leurs parts.",
            "admission",
        ),
        (
            "Nomination de la gérance",
            "L'assemblée nomme la gérance pour une durée de deux ans.",
            "election",
        ),
    ]
    resolutions = [
        services.resolution_add(
            assembly=assembly, title=title, text=text, decision_class=decision_class
        )
        for title, text, decision_class in texts
    ]
    applicants = list(
        Entrepreneur.objects.filter(
            stage=Stage.CESA,
            associate_since__isnull=True,
            cesa_start__lt=day - dt.timedelta(days=60),
        ).order_by("cesa_start", "pk")[:3]
    )
    applications = [
        services.admission_apply(
            full_name=f"{person.first_name} {person.last_name}",
            category=AssociateCategory.EMPLOYEE,
            applied_on=day - dt.timedelta(days=40),
            entrepreneur=person,
            shares_requested=4,
        )
        for person in applicants
    ]
    outside = services.admission_apply(
        full_name="Coopérative Énergies du Conflent",
        category=AssociateCategory.OTHER,
        applied_on=day - dt.timedelta(days=40),
        shares_requested=20,
    )
    convened = scheduled - dt.timedelta(days=21)
    assembly = services.assembly_convene(assembly=assembly, now=convened)
    _post_letters(assembly=assembly, posted_on=timezone.localdate(convened), manager=manager)
    services.assembly_remote_session_record(
        assembly=assembly,
        means="Visioconférence (son et image), salle équipée d'un micro d'ambiance",
        voice=True,
        continuous=True,
        by=manager,
        now=convened,
    )
    assembly = services.assembly_open(assembly=assembly, now=scheduled)
    _vote_session(
        rng=rng,
        assembly=assembly,
        resolutions=resolutions,
        close_at=scheduled + dt.timedelta(hours=2),
    )
    admission = Resolution.objects.get(pk=resolutions[2].pk)
    adopted = admission.outcome == Resolution.Outcome.ADOPTED
    for application in [*applications, outside]:
        services.admission_decide(
            application=application, approved=adopted, decided_on=day, resolution=admission
        )
    if adopted:
        # The outside associate has subscribed; the entrepreneurs' subscriptions are pending.
        services.admission_complete(
            application=outside,
            subscribed_on=day + dt.timedelta(days=10),
            number=20,
            nominal_value=NOMINAL,
            paid_amount=NOMINAL * 20,
            recorded_by=None,
        )


def _upcoming_assembly(*, rng: random.Random, today: dt.date, manager: User) -> None:
    scheduled = _at(today + dt.timedelta(days=25), 18)
    assembly = services.assembly_create(
        title="Assemblée générale extraordinaire — révision des statuts",
        kind=Assembly.Kind.COMBINED,
        mode=Assembly.Mode.HYBRID,
        scheduled_at=scheduled,
        place="Maison de la coopération, Perpignan",
        correspondence_deadline=scheduled - dt.timedelta(days=1),
    )
    resolutions = [
        services.resolution_add(
            assembly=assembly,
            title="Modification de l'objet social",
            text="L'assemblée modifie l'article 3 des statuts pour ajouter les activités de "
            "formation professionnelle.",
            decision_class="extraordinary",
        ),
        services.resolution_add(
            assembly=assembly,
            title="Vote par correspondance électronique",
            text="L'assemblée autorise le vote par correspondance au moyen d'un formulaire "
            "électronique.",
            decision_class="extraordinary",
        ),
    ]
    # Through the managers' step: the e-mails and the letters PDF are handed to the workers.
    assembly = services.assembly_advance(assembly=assembly, step="convene")
    _post_letters(assembly=assembly, posted_on=today, manager=manager)
    entries = list(RollEntry.objects.filter(assembly=assembly).order_by("full_name", "pk"))
    rng.shuffle(entries)
    early = entries[: len(entries) // 5]
    for entry in early:
        for resolution in resolutions:
            services.vote_cast(
                resolution=resolution,
                cast_by=entry,
                choice=rng.choices(("for", "against", "abstain"), (0.8, 0.1, 0.1))[0],
                correspondence=True,
            )
    rest = entries[len(early) :]
    for grantor, holder in zip(rest[:2], rest[2:4], strict=False):
        services.proxy_grant(assembly=assembly, grantor=grantor, holder=holder)


def _open_consultation(*, rng: random.Random, today: dt.date, manager: User) -> None:
    consultation = services.consultation_create(
        title="Consultation écrite — adhésion au réseau régional des CAE",
        kind=Assembly.Kind.ORDINARY,
        response_deadline=_at(today + dt.timedelta(days=20), 12),
    )
    for title, text in (
        (
            "Adhésion au réseau régional",
            "Les associé·es décident que la coopérative adhère au réseau régional des "
            "coopératives d'activité et d'emploi d'Occitanie.",
        ),
        (
            "Cotisation annuelle",
            "Les associé·es fixent la cotisation annuelle au réseau à 0,2 % du chiffre "
            "d'affaires, plafonnée à 1 500 euros.",
        ),
    ):
        services.resolution_add(assembly=consultation, title=title, text=text)
    consultation = services.assembly_advance(assembly=consultation, step="send")
    _post_letters(assembly=consultation, posted_on=today, manager=manager)
    resolutions = list(consultation.resolutions.order_by("position").values_list("pk", flat=True))
    entries = list(RollEntry.objects.filter(assembly=consultation).order_by("full_name", "pk"))
    # The managers' demo logins are left to answer.
    managers = set(
        Membership.objects.filter(
            cooperative_id=require_cooperative_id(), roles__contains=[Role.MANAGER]
        ).values_list("user_id", flat=True)
    )
    entries = [e for e in entries if e.user_id not in managers]
    rng.shuffle(entries)
    for entry in entries[: len(entries) // 3]:
        services.consultation_answer(
            consultation=consultation,
            entry=entry,
            answers={
                pk: rng.choices(("for", "against", "abstain"), (0.8, 0.1, 0.1))[0]
                for pk in resolutions
            },
        )
