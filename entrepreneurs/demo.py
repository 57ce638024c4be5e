"""Demo history of the entrepreneurs app: paths, activities, a year of accompaniment, workshops,
documents (some expiring) and a few people near the three-year associate deadline.

Dates are anchored on today, so the demo always shows current alerts; the random choices come
from the given generator, so the same seed gives the same people, paths and notes.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from entrepreneurs.models import (
    Action,
    Activity,
    ActivityMember,
    Appointment,
    Document,
    Entrepreneur,
    Establishment,
    Goal,
    Note,
    PathStep,
    SkillOffer,
    Stage,
    Workshop,
    WorkshopRegistration,
)
from perspectives.tenancy.models import Cooperative

Kind = PathStep.Kind
SHARED_NOTES = (
    "Point sur les devis en cours : deux signés, un en attente.",
    "Tarifs revus à la hausse de 5 % pour couvrir les charges.",
    "Prévoir la déclaration des congés d'été.",
    "Relancer les factures impayées de plus de 30 jours.",
    "Objectif : deux nouveaux clients d'ici la fin du trimestre.",
)
STAFF_NOTES = (
    "Trésorerie tendue, à suivre de près le mois prochain.",
    "Envisage d'arrêter : préparer l'entretien de sortie au bon moment.",
    "Très autonome, peut accompagner un·e nouvel·le entrant·e.",
)
SKILLS = (
    ("Identité visuelle", "logo, charte graphique"),
    ("Rénovation énergétique", "isolation, diagnostic"),
    ("Formation bureautique", "tableur, traitement de texte"),
    ("Taille et entretien", "haies, vergers"),
    ("Électricité", "mise aux normes"),
    ("Rédaction web", "site, réseaux sociaux"),
)
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _path(
    entrepreneur: Entrepreneur, rng: random.Random, today: dt.date, profile: str
) -> list[PathStep]:
    """Steps for one person, and the file's position set to match them."""
    steps: list[tuple[str, dt.date, dict[str, object]]] = []

    def step(kind: str, day: dt.date, **extra: object) -> None:
        steps.append((kind, day, extra))

    if profile == "prospect":
        start = today - dt.timedelta(days=rng.randint(10, 90))
        step(Kind.INFO_SESSION, start)
        step(Kind.DIAGNOSTIC, start + dt.timedelta(days=14))
    elif profile == "cape":
        start = today - dt.timedelta(days=rng.randint(30, 300))
        step(Kind.INFO_SESSION, start - dt.timedelta(days=40))
        step(Kind.CAPE_START, start, planned_end=start + dt.timedelta(days=364))
        entrepreneur.stage = Stage.CAPE
    else:
        # CESA holders: a CAPE of 3 to 12 months before, for most of them.
        if profile == "near_deadline":
            cesa = today - dt.timedelta(days=3 * 365 - rng.randint(30, 150))
        elif profile in ("associate", "exited"):
            cesa = today - dt.timedelta(days=rng.randint(60, 5 * 365))
        else:  # still within the three years that L.7331-3 allows before joining
            cesa = today - dt.timedelta(days=rng.randint(60, 900))
        cape_days = 0
        if rng.random() < 0.8:
            cape_days = rng.randint(90, 360)
            cape = cesa - dt.timedelta(days=cape_days + 1)
            if profile == "near_deadline":  # keep the deadline inside the alert window
                cape_days = 0
                cape = cesa - dt.timedelta(days=1)
            step(Kind.INFO_SESSION, cape - dt.timedelta(days=30))
            step(Kind.CAPE_START, cape, planned_end=cape + dt.timedelta(days=364))
            step(Kind.CAPE_END, cape + dt.timedelta(days=cape_days))
        else:
            step(Kind.DIAGNOSTIC, cesa - dt.timedelta(days=20))
        hours = None if rng.random() < 0.7 else Decimal(rng.choice(("17.50", "24.00", "35.00")))
        step(
            Kind.CESA_START,
            cesa,
            weekly_hours=hours,
            fixed_pay=Decimal(rng.choice(("600.00", "900.00", "1200.00"))),
        )
        entrepreneur.stage = Stage.CESA
        entrepreneur.cesa_start = cesa
        entrepreneur.cape_days = cape_days
        if profile == "associate":
            joined = min(today, cesa + dt.timedelta(days=rng.randint(300, 900)))
            step(Kind.ASSOCIATE, joined)
            entrepreneur.associate_since = joined
        if profile == "exited":
            left = min(
                today - dt.timedelta(days=5), cesa + dt.timedelta(days=rng.randint(200, 700))
            )
            step(Kind.EXIT, left, exit_reason=rng.choice(PathStep.ExitReason.values))
            entrepreneur.stage = Stage.EXITED
            entrepreneur.exited_on = left
    return [
        PathStep(
            cooperative_id=entrepreneur.cooperative_id,
            entrepreneur=entrepreneur,
            kind=kind,
            date=day,
            **extra,
        )
        for kind, day, extra in steps
    ]


# Long on purpose: the demo cooperative's people told in order, through the services.
def seed(*, cooperative: Cooperative, rng: random.Random) -> dict[str, int]:
    if PathStep.objects.exists():
        return _counts()
    today = timezone.localdate()
    people = list(Entrepreneur.objects.select_related("sector", "referent").order_by("pk"))
    profiles = []
    for index in range(len(people)):
        if index == 0:
            profiles.append("near_deadline")  # the demo entrepreneur sees the deadline alert
            continue
        roll = rng.random()
        profiles.append(
            "prospect"
            if roll < 0.12
            else "cape"
            if roll < 0.30
            else "associate"
            if roll < 0.55
            else "exited"
            if roll < 0.62
            else "near_deadline"
            if roll < 0.67
            else "cesa"
        )
    steps: list[PathStep] = []
    for person, profile in zip(people, profiles, strict=True):
        steps.extend(_path(person, rng, today, profile))
    PathStep.objects.bulk_create(steps)
    Entrepreneur.objects.bulk_update(
        people, ["stage", "cesa_start", "cape_days", "associate_since", "exited_on"]
    )

    building = Establishment.objects.get_or_create(
        cooperative_id=cooperative.pk, name="Bâtiment", defaults={"siret": "84213570900026"}
    )[0]
    Establishment.objects.get_or_create(
        cooperative_id=cooperative.pk,
        name="Siège",
        defaults={"is_main": True, "siret": "84213570900018"},
    )
    activities, members = [], []
    active = [p for p, profile in zip(people, profiles, strict=True) if profile != "prospect"]
    for number, person in enumerate(active, start=1):
        activities.append(
            Activity(
                cooperative_id=cooperative.pk,
                analytic_code=f"A{number:03d}",
                name=f"{person.first_name} {person.last_name} – {person.sector.name}",
                sector=person.sector,
                establishment=building if person.sector.name == "Bâtiment" else None,
                start_date=person.cesa_start or today - dt.timedelta(days=120),
                status=Activity.Status.CLOSED
                if person.stage == Stage.EXITED
                else Activity.Status.ACTIVE,
                end_date=person.exited_on,
            )
        )
    Activity.objects.bulk_create(activities)
    for activity, person in zip(activities, active, strict=True):
        members.append(
            ActivityMember(
                cooperative_id=cooperative.pk,
                activity=activity,
                entrepreneur=person,
                share=Decimal("100.00"),
            )
        )
    ActivityMember.objects.bulk_create(members)

    appointments, notes, goals, documents, offers = [], [], [], [], []
    followed = [
        p for p, profile in zip(people, profiles, strict=True) if profile not in ("exited",)
    ]
    for person in followed:
        for month in range(12):
            if rng.random() < 0.45:
                day = today - dt.timedelta(days=30 * month + rng.randint(0, 25))
                appointments.append(
                    Appointment(
                        cooperative_id=cooperative.pk,
                        entrepreneur=person,
                        staff=person.referent,
                        starts_at=_aware(day, rng.choice((9, 10, 14, 16))),
                        duration_minutes=rng.choice((45, 60, 90)),
                        mode=rng.choice(Appointment.Mode.values),
                        kind=Appointment.Kind.FOLLOW_UP
                        if rng.random() < 0.8
                        else Appointment.Kind.TRAINING,
                    )
                )
        if rng.random() < 0.5:
            day = today + dt.timedelta(days=rng.randint(1, 40))
            appointments.append(
                Appointment(
                    cooperative_id=cooperative.pk,
                    entrepreneur=person,
                    staff=person.referent,
                    starts_at=_aware(day, 10),
                    duration_minutes=60,
                    mode=Appointment.Mode.IN_PERSON,
                    kind=Appointment.Kind.FOLLOW_UP,
                )
            )
    Appointment.objects.bulk_create(appointments)
    for appointment in appointments:
        if appointment.starts_at.date() <= today:
            notes.append(
                Note(
                    cooperative_id=cooperative.pk,
                    entrepreneur=appointment.entrepreneur,
                    appointment=appointment,
                    author=appointment.staff,
                    visibility=Note.Visibility.SHARED,
                    body=rng.choice(SHARED_NOTES),
                    created_at=appointment.starts_at,
                )
            )
            if rng.random() < 0.2:
                notes.append(
                    Note(
                        cooperative_id=cooperative.pk,
                        entrepreneur=appointment.entrepreneur,
                        appointment=appointment,
                        author=appointment.staff,
                        visibility=Note.Visibility.STAFF,
                        body=rng.choice(STAFF_NOTES),
                        created_at=appointment.starts_at,
                    )
                )
    Note.objects.bulk_create(notes)

    for person in followed[: len(followed) // 2]:
        goals.append(
            Goal(
                cooperative_id=cooperative.pk,
                entrepreneur=person,
                title=rng.choice(
                    (
                        "Atteindre 3 000 € de chiffre d'affaires mensuel",
                        "Constituer une réserve de trésorerie",
                        "Trouver trois clients récurrents",
                    )
                ),
            )
        )
    Goal.objects.bulk_create(goals)
    Action.objects.bulk_create(
        Action(
            cooperative_id=cooperative.pk,
            goal=goal,
            title=title,
            owner=goal.entrepreneur.referent,
            due_date=today + dt.timedelta(days=rng.randint(-30, 60)),
        )
        for goal in goals
        for title in ("Mettre à jour la grille tarifaire", "Relancer les prospects")
    )

    workshops = [
        Workshop(
            cooperative_id=cooperative.pk,
            title=title,
            starts_at=_aware(today + dt.timedelta(days=offset), 9),
            ends_at=_aware(today + dt.timedelta(days=offset), 12),
            place="Salle de la coopérative",
            capacity=12,
        )
        for title, offset in (
            ("Fixer ses prix", -60),
            ("Piloter sa trésorerie", -20),
            ("Répondre à un appel d'offres", 12),
            ("Préparer ses congés", 30),
        )
    ]
    Workshop.objects.bulk_create(workshops)
    WorkshopRegistration.objects.bulk_create(
        WorkshopRegistration(
            cooperative_id=cooperative.pk,
            workshop=workshop,
            entrepreneur=person,
            attended=(rng.random() < 0.85) if workshop.starts_at.date() < today else None,
        )
        for workshop in workshops
        for person in rng.sample(followed, min(len(followed), rng.randint(5, 11)))
    )

    for person, profile in zip(people, profiles, strict=True):
        if profile == "prospect" or rng.random() < 0.6:
            continue
        kind = (
            Document.Kind.DECENNIAL_INSURANCE
            if person.sector.name == "Bâtiment"
            else Document.Kind.LIABILITY_INSURANCE
        )
        document = Document(
            cooperative_id=cooperative.pk,
            entrepreneur=person,
            kind=kind,
            title=str(kind.label),
            original_name="attestation.pdf",
            content_type="application/pdf",
            size=len(MINIMAL_PDF),
            expires_on=today + dt.timedelta(days=rng.randint(-20, 330)),
        )
        document.file.save("attestation.pdf", ContentFile(MINIMAL_PDF), save=False)
        documents.append(document)
    Document.objects.bulk_create(documents)

    for person in rng.sample(followed, min(len(followed), 25)):
        title, keywords = rng.choice(SKILLS)
        offers.append(
            SkillOffer(
                cooperative_id=cooperative.pk, entrepreneur=person, title=title, keywords=keywords
            )
        )
    SkillOffer.objects.bulk_create(offers)
    return _counts()


def _counts() -> dict[str, int]:
    return {
        "path_steps": PathStep.objects.count(),
        "activities": Activity.objects.count(),
        "appointments": Appointment.objects.count(),
        "workshops": Workshop.objects.count(),
    }
