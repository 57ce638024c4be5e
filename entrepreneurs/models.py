"""Entrepreneurs, their path, their activities, and the accompaniment kept by support staff."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entrepreneurs.validators import validate_iban, validate_siret
from perspectives.tenancy.models import TenantModel

PERCENT = [MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))]


class Sector(TenantModel):
    name = models.CharField(_("nom"), max_length=120)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("pôle")
        verbose_name_plural = _("pôles")
        ordering = ("position", "name")
        constraints = [
            models.UniqueConstraint(fields=("cooperative", "name"), name="sector_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Establishment(TenantModel):
    """A site of the cooperative with its own SIRET (the building sector often has one)."""

    name = models.CharField(_("nom"), max_length=120)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    is_main = models.BooleanField(_("établissement principal"), default=False)

    class Meta:
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        ordering = ("-is_main", "name")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "name"), name="establishment_unique_name"
            ),
            models.UniqueConstraint(
                fields=("cooperative",), condition=Q(is_main=True), name="establishment_one_main"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Stage(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    CAPE = "cape", _("CAPE")
    CAPE_ENDED = "cape_ended", _("CAPE terminé")
    CESA = "cesa", _("CESA")
    EXITED = "exited", _("Sorti·e")


class EntrySituation(models.TextChoices):
    JOB_SEEKER = "job_seeker", _("Demandeur·se d'emploi")
    JOB_SEEKER_ARE = "job_seeker_are", _("Demandeur·se d'emploi indemnisé·e (ARE)")
    JOB_SEEKER_NO_ARE = "job_seeker_no_are", _("Demandeur·se d'emploi non indemnisé·e")
    BENEFIT = "benefit", _("Allocataire du RSA")
    ASS = "ass", _("Allocataire de l'ASS")
    EMPLOYEE = "employee", _("Salarié·e")
    SELF_EMPLOYED = "self_employed", _("Indépendant·e")
    STUDENT = "student", _("Étudiant·e")
    OTHER = "other", _("Autre")


class Civility(models.TextChoices):
    WOMAN = "woman", _("Madame")
    MAN = "man", _("Monsieur")
    OTHER = "other", _("Autre ou non précisé")


class EducationLevel(models.TextChoices):
    """The levels of the national nomenclature of qualifications (décret 2019-14)."""

    NONE = "none", _("Sans diplôme")
    LEVEL_3 = "3", _("Niveau 3 (CAP, BEP)")
    LEVEL_4 = "4", _("Niveau 4 (baccalauréat)")
    LEVEL_5 = "5", _("Niveau 5 (bac + 2 : BTS, DUT)")
    LEVEL_6 = "6", _("Niveau 6 (bac + 3 ou 4 : licence, maîtrise)")
    LEVEL_7 = "7", _("Niveau 7 (bac + 5 : master)")
    LEVEL_8 = "8", _("Niveau 8 (doctorat)")


class Prescriber(models.TextChoices):
    FRANCE_TRAVAIL = "france_travail", _("France Travail")
    MISSION_LOCALE = "mission_locale", _("Mission locale")
    CAP_EMPLOI = "cap_emploi", _("Cap emploi")
    DEPARTMENT = "department", _("Département (RSA)")
    NETWORK = "network", _("Réseau, bouche-à-oreille")
    OTHER = "other", _("Autre")


class Entrepreneur(TenantModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte"),
    )
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    address_line = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="entrepreneurs", verbose_name=_("pôle")
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accompagnateur·rice référent·e"),
    )
    civility = models.CharField(_("civilité"), max_length=10, choices=Civility.choices, blank=True)
    education_level = models.CharField(
        _("niveau de formation"), max_length=10, choices=EducationLevel.choices, blank=True
    )
    entry_situation = models.CharField(
        _("situation à l'entrée"), max_length=20, choices=EntrySituation.choices, blank=True
    )
    unemployment_rights_end = models.DateField(
        _("fin des droits au chômage"), null=True, blank=True
    )
    rqth = models.BooleanField(_("reconnaissance de travailleur handicapé (RQTH)"), default=False)
    qpv = models.BooleanField(_("réside en quartier prioritaire (QPV)"), default=False)
    zrr = models.BooleanField(_("réside en zone de revitalisation rurale (ZRR)"), default=False)
    prescriber = models.CharField(
        _("prescripteur"), max_length=20, choices=Prescriber.choices, blank=True
    )
    emergency_contact_name = models.CharField(_("personne à prévenir"), max_length=150, blank=True)
    emergency_contact_phone = models.CharField(
        _("téléphone de la personne à prévenir"), max_length=30, blank=True
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    # Current position on the path, kept by the path services from the steps below.
    stage = models.CharField(
        _("étape"), max_length=10, choices=Stage.choices, default=Stage.PROSPECT
    )
    cesa_start = models.DateField(_("début du CESA"), null=True, blank=True)
    cape_days = models.PositiveIntegerField(_("durée du CAPE (jours)"), default=0)
    associate_since = models.DateField(_("associé·e depuis"), null=True, blank=True)
    exited_on = models.DateField(_("sorti·e le"), null=True, blank=True)
    # Archived files leave the portfolio; they stay for the ledger, payroll and register.
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)
    # Optimistic locking: every edit of the file must name the version it started from.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("entrepreneur·e")
        verbose_name_plural = _("entrepreneur·es")
        ordering = ("last_name", "first_name")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "user"),
                condition=Q(user__isnull=False),
                name="entrepreneur_unique_user",
            ),
            models.CheckConstraint(
                condition=Q(stage="exited") | Q(exited_on__isnull=True),
                name="entrepreneur_exit_date_only_when_exited",
            ),
            models.CheckConstraint(
                condition=~Q(stage="cesa") | Q(cesa_start__isnull=False),
                name="entrepreneur_cesa_has_start",
            ),
            models.CheckConstraint(
                condition=Q(archived_at__isnull=True) | Q(stage="exited"),
                name="entrepreneur_archived_only_after_exit",
            ),
        ]
        indexes = [
            models.Index(fields=("cooperative", "sector"), name="entrepreneur_sector_idx"),
            models.Index(fields=("cooperative", "referent"), name="entrepreneur_referent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_associate(self) -> bool:
        return self.associate_since is not None


class PathStep(TenantModel):
    """One dated event of an entrepreneur's path. Append-only: the history is never rewritten."""

    class Kind(models.TextChoices):
        INFO_SESSION = "info_session", _("Réunion d'information")
        DIAGNOSTIC = "diagnostic", _("Diagnostic")
        CAPE_START = "cape_start", _("Début du CAPE")
        CAPE_RENEWAL = "cape_renewal", _("Renouvellement du CAPE")
        CAPE_END = "cape_end", _("Fin du CAPE")
        CESA_START = "cesa_start", _("Début du CESA")
        ASSOCIATE = "associate", _("Associé·e")
        EXIT = "exit", _("Sortie")

    class ExitReason(models.TextChoices):
        OWN_COMPANY = "own_company", _("Création de sa propre entreprise")
        SALARIED_JOB = "salaried_job", _("Emploi salarié")
        STOP = "stop", _("Arrêt de l'activité")
        OTHER = "other", _("Autre")

    entrepreneur = models.ForeignKey(
        Entrepreneur, on_delete=models.PROTECT, related_name="path_steps"
    )
    kind = models.CharField(_("étape"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    planned_end = models.DateField(_("fin prévue"), null=True, blank=True)
    weekly_hours = models.DecimalField(
        _("heures hebdomadaires"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Vide : contrat sans durée du travail (« équivalent heures »)."),
    )
    fixed_pay = models.DecimalField(
        _("part fixe de la rémunération (brut mensuel)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    exit_reason = models.CharField(
        _("motif de sortie"), max_length=20, choices=ExitReason.choices, blank=True
    )
    comment = models.TextField(_("commentaire"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("étape du parcours")
        verbose_name_plural = _("étapes du parcours")
        ordering = ("date", "recorded_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_end__gte=F("date")),
                name="pathstep_planned_end_after_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind="exit") | ~Q(exit_reason=""), name="pathstep_exit_has_reason"
            ),
            models.UniqueConstraint(
                fields=("cooperative", "entrepreneur"),
                condition=Q(kind="exit"),
                name="pathstep_one_exit",
            ),
            models.UniqueConstraint(
                fields=("cooperative", "entrepreneur"),
                condition=Q(kind="associate"),
                name="pathstep_one_associate",
            ),
        ]
        indexes = [
            models.Index(fields=("cooperative", "entrepreneur", "date"), name="pathstep_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.date})"


class Activity(TenantModel):
    """The analytic unit of the ledger ("enseigne"): one or several entrepreneurs' business."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspendue")
        CLOSED = "closed", _("Fermée")

    analytic_code = models.CharField(
        _("code analytique"),
        max_length=20,
        validators=[
            RegexValidator(
                r"^[A-Z0-9][A-Z0-9_-]*$",
                _("Lettres majuscules, chiffres, « - » et « _ » seulement."),
            )
        ],
    )
    name = models.CharField(_("nom"), max_length=150)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="activities", verbose_name=_("pôle")
    )
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("établissement"),
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    contribution_rate = models.DecimalField(
        _("taux de contribution (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Vide : le taux de la coopérative."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("activité")
        verbose_name_plural = _("activités")
        ordering = ("analytic_code",)
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "analytic_code"), name="activity_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="activity_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(contribution_rate__isnull=True)
                | Q(contribution_rate__gte=0, contribution_rate__lte=100),
                name="activity_contribution_rate_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.analytic_code} · {self.name}"


class ActivityMember(TenantModel):
    """An entrepreneur's share of an activity. The shares of an activity sum to 100 % (décret
    2015-1363), checked by a deferred database trigger at commit."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="members")
    entrepreneur = models.ForeignKey(
        Entrepreneur, on_delete=models.PROTECT, related_name="activity_shares"
    )
    share = models.DecimalField(_("part (%)"), max_digits=5, decimal_places=2, validators=PERCENT)

    class Meta:
        verbose_name = _("répartition")
        verbose_name_plural = _("répartitions")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "activity", "entrepreneur"),
                name="activitymember_unique",
            ),
            models.CheckConstraint(
                condition=Q(share__gt=0, share__lte=100), name="activitymember_share_range"
            ),
        ]


class Appointment(TenantModel):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("En présentiel")
        VIDEO = "video", _("En visio")
        PHONE = "phone", _("Par téléphone")

    class Kind(models.TextChoices):
        DIAGNOSTIC = "diagnostic", _("Diagnostic")
        FOLLOW_UP = "follow_up", _("Suivi individuel")
        TRAINING = "training", _("Formation")
        EXIT = "exit", _("Entretien de sortie")
        OTHER = "other", _("Autre")

    entrepreneur = models.ForeignKey(
        Entrepreneur, on_delete=models.PROTECT, related_name="appointments"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("avec"),
    )
    starts_at = models.DateTimeField(_("date et heure"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("durée (minutes)"), default=60, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    mode = models.CharField(_("modalité"), max_length=10, choices=Mode.choices)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    cancelled = models.BooleanField(_("annulé"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rendez-vous")
        verbose_name_plural = _("rendez-vous")
        ordering = ("-starts_at",)
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=600),
                name="appointment_duration_range",
            ),
        ]
        indexes = [
            models.Index(fields=("cooperative", "entrepreneur", "starts_at"), name="appt_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.starts_at:%Y-%m-%d %H:%M}"


class Note(TenantModel):
    class Visibility(models.TextChoices):
        SHARED = "shared", _("Partagée avec l'entrepreneur·e")
        STAFF = "staff", _("Réservée à l'équipe")

    entrepreneur = models.ForeignKey(Entrepreneur, on_delete=models.PROTECT, related_name="notes")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    visibility = models.CharField(_("visibilité"), max_length=10, choices=Visibility.choices)
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=("cooperative", "entrepreneur", "visibility"), name="note_idx"),
        ]


class Goal(TenantModel):
    """A goal of an entrepreneur's action plan."""

    entrepreneur = models.ForeignKey(Entrepreneur, on_delete=models.PROTECT, related_name="goals")
    title = models.CharField(_("objectif"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ("created_at",)


class Action(TenantModel):
    class Status(models.TextChoices):
        TODO = "todo", _("À faire")
        DOING = "doing", _("En cours")
        DONE = "done", _("Faite")
        DROPPED = "dropped", _("Abandonnée")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsable"),
    )
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.TODO
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ("due_date", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_at__isnull=False) | ~Q(status="done"),
                name="action_done_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=("cooperative", "status", "due_date"), name="action_due_idx")
        ]


class Workshop(TenantModel):
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    link = models.URLField(_("lien de visio"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The printable attendance sheet, rendered by a Celery worker (WeasyPrint).
    attendance_sheet = models.FileField(max_length=300, blank=True)
    attendance_sheet_rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        ordering = ("-starts_at",)
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="workshop_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="workshop_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class WorkshopRegistration(TenantModel):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="registrations")
    entrepreneur = models.ForeignKey(
        Entrepreneur, on_delete=models.PROTECT, related_name="workshop_registrations"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)
    attended = models.BooleanField(_("présent·e"), null=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "workshop", "entrepreneur"), name="registration_unique"
            ),
        ]


def document_path(instance: Document, filename: str) -> str:
    """Under the cooperative's own folder; the name is random so it reveals nothing."""
    import secrets
    from pathlib import PurePosixPath

    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"cooperatives/{instance.cooperative_id}/documents/{secrets.token_hex(16)}{suffix}"


class Document(TenantModel):
    class Kind(models.TextChoices):
        DECENNIAL_INSURANCE = "decennial", _("Assurance décennale")
        LIABILITY_INSURANCE = "liability", _("Responsabilité civile professionnelle")
        DIPLOMA = "diploma", _("Diplôme, qualification")
        CONTRACT = "contract", _("Contrat")
        IDENTITY = "identity", _("Pièce d'identité")
        OTHER = "other", _("Autre")

    entrepreneur = models.ForeignKey(
        Entrepreneur, on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(_("fichier"), upload_to=document_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    expires_on = models.DateField(_("expire le"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ("-uploaded_at",)
        indexes = [models.Index(fields=("cooperative", "expires_on"), name="document_expiry_idx")]

    def __str__(self) -> str:
        return self.title


class SkillOffer(TenantModel):
    """What an entrepreneur offers to others, for joint jobs (the skills directory)."""

    entrepreneur = models.ForeignKey(
        Entrepreneur, on_delete=models.CASCADE, related_name="skill_offers"
    )
    title = models.CharField(_("compétence ou offre"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(_("mots-clés"), max_length=250, blank=True)
    is_published = models.BooleanField(_("visible dans l'annuaire"), default=True)

    class Meta:
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        ordering = ("title",)


class CollaborationRequest(TenantModel):
    sender = models.ForeignKey(
        Entrepreneur, on_delete=models.PROTECT, related_name="collaboration_requests_sent"
    )
    subject = models.CharField(_("objet"), max_length=200)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("demande de collaboration")
        verbose_name_plural = _("demandes de collaboration")
        ordering = ("-created_at",)


class CollaborationRecipient(TenantModel):
    request = models.ForeignKey(
        CollaborationRequest, on_delete=models.CASCADE, related_name="recipients"
    )
    entrepreneur = models.ForeignKey(
        Entrepreneur, on_delete=models.PROTECT, related_name="collaboration_requests_received"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "request", "entrepreneur"), name="collab_recipient_unique"
            ),
        ]


class AccompanimentSettings(TenantModel):
    """Per-cooperative settings of the accompaniment (one row per cooperative)."""

    associate_alert_months = models.PositiveSmallIntegerField(
        _("alerte avant l'échéance du sociétariat (mois)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    yearly_interviews_required = models.PositiveSmallIntegerField(
        _("entretiens individuels par an"), default=2
    )
    document_alert_days = models.PositiveSmallIntegerField(
        _("alerte avant l'expiration d'un document (jours)"), default=30
    )

    class Meta:
        verbose_name = _("réglages de l'accompagnement")
        constraints = [
            models.UniqueConstraint(fields=("cooperative",), name="accompanimentsettings_one"),
        ]


class AlertNotice(TenantModel):
    """An alert e-mail sent to one person for one period: the unique key makes the periodic
    alert task idempotent (a re-run for the same week sends nothing twice)."""

    class Kind(models.TextChoices):
        WEEKLY_DIGEST = "weekly_digest", _("Récapitulatif hebdomadaire")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    period = models.CharField(max_length=10)  # ISO week, e.g. 2026-W48
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "user", "kind", "period"), name="alertnotice_once"
            ),
        ]
