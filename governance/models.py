"""Governance: the associates register, statute profiles, general assemblies and their votes.

Vote storage (see docs in `governance/services/voting.py`): every vote writes two rows in one
transaction, a `Participation` (who voted, for whom, through which channel; unique per voter and
resolution) and a `Ballot` (what was chosen: no voter, no timestamp, a random UUID key, immutable
by trigger). Nominal (open) resolutions also keep the choice on the participation; secret ones
never do, so a secret ballot cannot be joined back to its voter through the database schema.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.models import LegalForm, TenantModel

# --------------------------------------------------------------------------- register


class College(TenantModel):
    """A SCIC voting college (collège de vote) and its share of the votes, stored exactly as a
    fraction (1/3 stays a third: no rounding, so equal colleges are equal)."""

    name = models.CharField(_("nom"), max_length=120)
    weight_numerator = models.PositiveIntegerField(_("part des voix (numérateur)"))
    weight_denominator = models.PositiveIntegerField(_("part des voix (dénominateur)"))

    class Meta:
        verbose_name = _("collège de vote")
        verbose_name_plural = _("collèges de vote")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(fields=("cooperative", "name"), name="college_unique_name"),
            models.CheckConstraint(
                condition=Q(weight_denominator__gte=1)
                & Q(weight_numerator__lte=F("weight_denominator")),
                name="college_weight_fraction",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weight(self) -> Fraction:
        return Fraction(self.weight_numerator, self.weight_denominator)


class AssociateCategory(models.TextChoices):
    EMPLOYEE = "employee", _("Associé·e salarié·e")
    OTHER = "other", _("Autre associé·e")


class ConsentChannel(models.TextChoices):
    REGISTERED_LETTER = "registered_letter", _("Lettre recommandée")
    ELECTRONIC = "electronic", _("Voie électronique")
    SIGNED_FORM = "signed_form", _("Formulaire signé remis à la coopérative")


class ExitReason(models.TextChoices):
    RESIGNATION = "resignation", _("Démission")
    EXCLUSION = "exclusion", _("Exclusion")
    END_OF_EMPLOYMENT = "end_of_employment", _("Fin du contrat de travail")
    DEATH = "death", _("Décès")
    OTHER = "other", _("Autre")


class Associate(TenantModel):
    """One line of the associates register. One associate, one vote (loi 47-1775)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte"),
    )
    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entrepreneur·e"),
    )
    full_name = models.CharField(_("nom"), max_length=250)
    category = models.CharField(_("catégorie"), max_length=20, choices=AssociateCategory.choices)
    college = models.ForeignKey(
        College,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="associates",
        verbose_name=_("collège"),
    )
    admitted_on = models.DateField(_("admis·e le"))
    exited_on = models.DateField(_("sorti·e le"), null=True, blank=True)
    exit_reason = models.CharField(
        _("motif de sortie"), max_length=20, choices=ExitReason.choices, blank=True
    )
    refund_due_on = models.DateField(_("remboursement des parts dû le"), null=True, blank=True)
    refunded_on = models.DateField(_("parts remboursées le"), null=True, blank=True)
    postal_address = models.TextField(_("adresse postale (convocations)"), blank=True)
    # Written consent to be convened by e-mail (R.223-20 al. 2, R.225-63): without it, the
    # convocation goes by registered letter.
    email_consent_on = models.DateField(
        _("accord pour la convocation par e-mail le"), null=True, blank=True
    )
    email_consent_how = models.CharField(
        _("accord donné par"), max_length=20, choices=ConsentChannel.choices, blank=True
    )
    email_consent_address = models.EmailField(_("adresse e-mail indiquée"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("associé·e")
        verbose_name_plural = _("associé·es")
        ordering = ("full_name", "pk")
        constraints = [
            # One current line per person; a person who left and is admitted again gets a new
            # line, so the register keeps the first membership and its exit.
            models.UniqueConstraint(
                fields=("cooperative", "user"),
                condition=Q(user__isnull=False, exited_on__isnull=True),
                name="associate_one_current_per_user",
            ),
            models.UniqueConstraint(
                fields=("cooperative", "entrepreneur"),
                condition=Q(entrepreneur__isnull=False, exited_on__isnull=True),
                name="associate_one_current_per_entrepreneur",
            ),
            models.CheckConstraint(
                condition=(Q(exited_on__isnull=True) & Q(exit_reason=""))
                | (Q(exited_on__isnull=False) & ~Q(exit_reason="")),
                name="associate_exit_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(exited_on__gte=F("admitted_on")),
                name="associate_exit_after_admission",
            ),
            models.CheckConstraint(
                condition=Q(refund_due_on__isnull=True) | Q(exited_on__isnull=False),
                name="associate_refund_only_after_exit",
            ),
            models.CheckConstraint(
                condition=Q(
                    email_consent_on__isnull=True, email_consent_how="", email_consent_address=""
                )
                | (
                    Q(email_consent_on__isnull=False)
                    & ~Q(email_consent_how="")
                    & ~Q(email_consent_address="")
                ),
                name="associate_email_consent_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_active(self) -> bool:
        return self.exited_on is None


class ShareSubscription(TenantModel):
    """Shares subscribed by an associate (number × nominal value), and how much is paid up."""

    associate = models.ForeignKey(Associate, on_delete=models.PROTECT, related_name="subscriptions")
    subscribed_on = models.DateField(_("souscrites le"))
    number = models.PositiveIntegerField(_("nombre de parts"))
    nominal_value = models.DecimalField(_("valeur nominale"), max_digits=10, decimal_places=2)
    paid_amount = models.DecimalField(_("montant libéré"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("souscription de parts")
        verbose_name_plural = _("souscriptions de parts")
        ordering = ("subscribed_on", "pk")
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="subscription_number_positive"),
            models.CheckConstraint(
                condition=Q(nominal_value__gt=0), name="subscription_nominal_positive"
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0)
                & Q(paid_amount__lte=F("number") * F("nominal_value")),
                name="subscription_paid_within_subscribed",
            ),
        ]

    @property
    def subscribed_amount(self) -> Decimal:
        return self.number * self.nominal_value


class ShareRefund(TenantModel):
    """Shares refunded to an associate who stays (a partial refund, within what the statutes
    allow); a full refund follows the exit (`Associate.refunded_on`)."""

    associate = models.ForeignKey(Associate, on_delete=models.PROTECT, related_name="refunds")
    refunded_on = models.DateField(_("remboursées le"))
    number = models.PositiveIntegerField(_("nombre de parts"))
    amount = models.DecimalField(_("montant remboursé"), max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("remboursement partiel de parts")
        verbose_name_plural = _("remboursements partiels de parts")
        ordering = ("refunded_on", "pk")
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="share_refund_number_positive"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="share_refund_amount_positive"),
        ]


class AdmissionApplication(TenantModel):
    """Admission as a workflow: application → vote → subscription → register."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Candidature reçue")
        APPROVED = "approved", _("Admission votée")
        REJECTED = "rejected", _("Admission refusée")
        ADMITTED = "admitted", _("Inscrit·e au registre")
        WITHDRAWN = "withdrawn", _("Retirée")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    full_name = models.CharField(_("nom"), max_length=250)
    category = models.CharField(_("catégorie"), max_length=20, choices=AssociateCategory.choices)
    college = models.ForeignKey(College, on_delete=models.PROTECT, null=True, blank=True)
    applied_on = models.DateField(_("candidature du"))
    shares_requested = models.PositiveIntegerField(_("parts demandées"), default=1)
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.APPLIED
    )
    decided_on = models.DateField(_("décision du"), null=True, blank=True)
    # Admitted without a vote, as the statutes of a SCOP may provide (loi 78-763 art. 8).
    automatic = models.BooleanField(_("admission de plein droit"), default=False)
    resolution = models.ForeignKey(
        "Resolution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("résolution d'admission"),
    )
    associate = models.ForeignKey(
        Associate, on_delete=models.PROTECT, null=True, blank=True, related_name="applications"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("candidature au sociétariat")
        verbose_name_plural = _("candidatures au sociétariat")
        ordering = ("-applied_on", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "user"),
                condition=Q(user__isnull=False, status__in=("applied", "approved")),
                name="admission_one_open_per_user",
            ),
            models.UniqueConstraint(
                fields=("cooperative", "entrepreneur"),
                condition=Q(entrepreneur__isnull=False, status__in=("applied", "approved")),
                name="admission_one_open_per_entrepreneur",
            ),
            models.CheckConstraint(
                condition=Q(status="admitted", associate__isnull=False)
                | (~Q(status="admitted") & Q(associate__isnull=True)),
                name="admission_admitted_has_associate",
            ),
            models.CheckConstraint(
                condition=Q(status__in=("applied", "withdrawn")) | Q(decided_on__isnull=False),
                name="admission_decision_dated",
            ),
            models.CheckConstraint(
                condition=Q(automatic=False) | Q(resolution__isnull=True),
                name="admission_automatic_without_vote",
            ),
        ]


# --------------------------------------------------------------------------- statute profiles


class DecisionClass(models.TextChoices):
    ORDINARY = "ordinary", _("Décision ordinaire")
    ACCOUNTS = "accounts", _("Approbation des comptes")
    EXTRAORDINARY = "extraordinary", _("Décision extraordinaire")
    ELECTION = "election", _("Élection des gérant·es / administrateur·rices")
    ADMISSION = "admission", _("Admission d'associé·es")
    # Decisions the law reserves to every associate's consent (a commitment that grows,
    # Code civil 1836 al. 2; a change of nationality, L.223-30).
    UNANIMITY = "unanimity", _("Décision à l'unanimité")


class Convocation(models.IntegerChoices):
    FIRST = 1, _("Première convocation")
    SECOND = 2, _("Seconde convocation")


class QuorumBase(models.TextChoices):
    NONE = "none", _("Pas de quorum")
    ASSOCIATES = "associates", _("Associé·es présent·es ou représenté·es / ayant droit de vote")


class MajorityBase(models.TextChoices):
    ALL_ASSOCIATES = "all", _("Tous les associé·es ayant droit de vote")
    PRESENT_OR_REPRESENTED = "present", _("Associé·es présent·es ou représenté·es")
    VOTES_CAST = "cast", _("Suffrages exprimés (hors abstentions et blancs)")


class ProxyCap(models.TextChoices):
    LAW = "law", _("Plafond légal des SCOP (1 pouvoir sous 20 associé·es, 1/20 au-delà)")
    STATUTES = "statutes", _("Plafond fixé par les statuts")
    NONE = "none", _("Pas de plafond")


class StatuteProfile(TenantModel):
    """The cooperative's rules for its assemblies, as data: delays, proxies, mandates and, per
    decision class and convocation, quorum, majority and the ways of taking part
    (`StatuteRule`). Created from the preset of the cooperative's legal form (the law's floor,
    `governance.law`), edited by the managers with the statutes' article of each rule, and
    signed off as "checked against our statutes" before any convocation."""

    name = models.CharField(_("nom"), max_length=120)
    preset = models.CharField(_("modèle d'origine"), max_length=40, blank=True)
    legal_form = models.CharField(_("forme juridique"), max_length=20, choices=LegalForm.choices)
    is_active = models.BooleanField(_("profil en vigueur"), default=False)
    convocation_delay_days = models.PositiveSmallIntegerField(
        _("délai de convocation (jours)"), default=15
    )
    convocation_delay_article = models.CharField(
        _("article des statuts (délai de convocation)"), max_length=120, blank=True
    )
    second_convocation_delay_days = models.PositiveSmallIntegerField(
        _("délai de seconde convocation (jours)"), default=15
    )
    second_convocation_delay_article = models.CharField(
        _("article des statuts (seconde convocation)"), max_length=120, blank=True
    )
    written_answer_delay_days = models.PositiveSmallIntegerField(
        _("délai de réponse à une consultation écrite (jours, à compter de la réception)"),
        default=15,
    )
    written_answer_delay_article = models.CharField(
        _("article des statuts (consultation écrite)"), max_length=120, blank=True
    )
    proxy_cap = models.CharField(
        _("plafond des pouvoirs"), max_length=20, choices=ProxyCap.choices, default=ProxyCap.NONE
    )
    proxy_max = models.PositiveSmallIntegerField(
        _("pouvoirs au plus par mandataire (statuts)"), null=True, blank=True
    )
    proxy_article = models.CharField(
        _("article des statuts (pouvoirs)"), max_length=120, blank=True
    )
    employee_quota = models.BooleanField(
        _("deux tiers au moins des mandats aux associé·es salarié·es"), default=False
    )
    employee_quota_article = models.CharField(
        _("article des statuts (mandats)"), max_length=120, blank=True
    )
    automatic_admission = models.BooleanField(
        _("admission de plein droit des salarié·es qui la demandent"), default=False
    )
    automatic_admission_months = models.PositiveSmallIntegerField(
        _("ancienneté requise (mois)"), null=True, blank=True
    )
    automatic_admission_article = models.CharField(
        _("article des statuts (admission)"), max_length=120, blank=True
    )
    source = models.TextField(_("clauses des statuts"), blank=True)
    checked_at = models.DateTimeField(_("vérifié au regard des statuts le"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vérifié par"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("profil statutaire")
        verbose_name_plural = _("profils statutaires")
        ordering = ("-is_active", "name")
        constraints = [
            models.UniqueConstraint(fields=("cooperative", "name"), name="profile_unique_name"),
            models.UniqueConstraint(
                fields=("cooperative",), condition=Q(is_active=True), name="profile_one_active"
            ),
            models.CheckConstraint(
                condition=Q(checked_at__isnull=True, checked_by__isnull=True)
                | Q(checked_at__isnull=False, checked_by__isnull=False),
                name="profile_sign_off_complete",
            ),
            models.CheckConstraint(
                condition=~Q(proxy_cap="statutes") | Q(proxy_max__gte=1),
                name="profile_statutes_cap_set",
            ),
            models.CheckConstraint(
                condition=Q(automatic_admission=False)
                | Q(automatic_admission_months__isnull=False),
                name="profile_admission_seniority_set",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def signed_off(self) -> bool:
        return self.checked_at is not None


class StatuteRule(TenantModel):
    """Quorum and majority for one decision class on one convocation.

    Thresholds are fractions (numerator / denominator); `*_strict` means "more than" (e.g. more
    than half), otherwise "at least" (e.g. at least three quarters)."""

    profile = models.ForeignKey(StatuteProfile, on_delete=models.CASCADE, related_name="rules")
    decision_class = models.CharField(max_length=20, choices=DecisionClass.choices)
    convocation = models.PositiveSmallIntegerField(choices=Convocation.choices)
    quorum_base = models.CharField(max_length=20, choices=QuorumBase.choices)
    quorum_numerator = models.PositiveSmallIntegerField(default=0)
    quorum_denominator = models.PositiveSmallIntegerField(default=1)
    majority_base = models.CharField(max_length=20, choices=MajorityBase.choices)
    majority_numerator = models.PositiveSmallIntegerField(default=1)
    majority_denominator = models.PositiveSmallIntegerField(default=2)
    majority_strict = models.BooleanField(default=True)
    written_consultation_allowed = models.BooleanField(default=False)
    correspondence_allowed = models.BooleanField(default=False)
    # Present at the meeting through a session carrying voice and a continuous retransmission
    # (R.223-20-1, R.225-97), where the statutes (or, in an SA, the law) allow it.
    remote_participation_allowed = models.BooleanField(default=False)
    # L.223-29 al. 2: a first consultation that misses the majority of all associates is
    # followed by a second one, instead of the resolution being rejected.
    second_round_if_majority_missed = models.BooleanField(default=False)
    secret_ballot_mandatory = models.BooleanField(default=False)
    citation = models.CharField(_("source"), max_length=250)
    statutes_article = models.CharField(_("article des statuts"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("règle statutaire")
        verbose_name_plural = _("règles statutaires")
        ordering = ("decision_class", "convocation")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "profile", "decision_class", "convocation"),
                name="rule_unique_class_convocation",
            ),
            models.CheckConstraint(
                condition=Q(quorum_denominator__gte=1)
                & Q(majority_denominator__gte=1)
                & Q(quorum_numerator__lte=F("quorum_denominator"))
                & Q(majority_numerator__lte=F("majority_denominator")),
                name="rule_fractions_valid",
            ),
            models.CheckConstraint(
                condition=Q(quorum_base="none", quorum_numerator=0) | ~Q(quorum_base="none"),
                name="rule_no_quorum_no_threshold",
            ),
            models.CheckConstraint(
                condition=Q(second_round_if_majority_missed=False)
                | Q(convocation=1, majority_base="all"),
                name="rule_second_round_after_first",
            ),
        ]


# --------------------------------------------------------------------------- assemblies


class Assembly(TenantModel):
    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Assemblée générale ordinaire")
        EXTRAORDINARY = "extraordinary", _("Assemblée générale extraordinaire")
        COMBINED = "combined", _("Assemblée générale mixte")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("En présentiel")
        REMOTE = "remote", _("À distance")
        HYBRID = "hybrid", _("Hybride")
        # A written consultation (or a simple online decision) outside any meeting, where the
        # statutes allow it: `scheduled_at` is then the deadline for answers.
        WRITTEN = "written", _("Consultation écrite")

    class Status(models.TextChoices):
        DRAFT = "draft", _("En préparation")
        CONVENED = "convened", _("Convoquée")
        OPEN = "open", _("En séance")
        CLOSED = "closed", _("Clôturée")

    title = models.CharField(_("intitulé"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    mode = models.CharField(_("modalité"), max_length=20, choices=Mode.choices)
    convocation = models.PositiveSmallIntegerField(
        _("convocation"), choices=Convocation.choices, default=Convocation.FIRST
    )
    first_assembly = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="second_assembly",
        verbose_name=_("assemblée de première convocation"),
    )
    profile = models.ForeignKey(StatuteProfile, on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField(_("date et heure"))
    place = models.CharField(_("lieu"), max_length=250, blank=True)
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    correspondence_deadline = models.DateTimeField(
        _("date limite du vote par correspondance"), null=True, blank=True
    )
    convened_at = models.DateTimeField(_("convoquée le"), null=True, blank=True)
    roll_hash = models.CharField(_("empreinte de la liste d'émargement"), max_length=64, blank=True)
    roll_size = models.PositiveIntegerField(_("associé·es sur la liste"), default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    president = models.CharField(_("président·e de séance"), max_length=200, blank=True)
    secretary = models.CharField(_("secrétaire"), max_length=200, blank=True)
    scrutineers = models.CharField(_("scrutateur·rices"), max_length=400, blank=True)
    minutes_file = models.FileField(_("procès-verbal"), max_length=300, blank=True)
    minutes_generated_at = models.DateTimeField(null=True, blank=True)
    # The statute profile in force, frozen at convocation (its SHA-256 is in the convocation's
    # audit event): the assembly is held, counted and verified under these rules, whatever
    # the profile becomes later.
    profile_snapshot = models.JSONField(_("règles statutaires figées"), default=dict, blank=True)
    # The remote session, as recorded by the bureau: remote participants count as present only
    # through a session carrying their voice with a continuous and simultaneous retransmission
    # of the deliberations (R.223-20-1, R.225-97).
    remote_means = models.CharField(
        _("moyen de participation à distance"), max_length=250, blank=True
    )
    remote_voice = models.BooleanField(_("transmet au moins la voix"), default=False)
    remote_continuous = models.BooleanField(
        _("retransmission continue et simultanée des délibérations"), default=False
    )
    remote_recorded_at = models.DateTimeField(null=True, blank=True)
    remote_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The convocation letters to send by registered post, one page per associate without a
    # recorded consent to e-mail convocation, rendered by a worker.
    letters_file = models.FileField(_("lettres de convocation"), max_length=300, blank=True)
    letters_generated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("assemblée générale")
        verbose_name_plural = _("assemblées générales")
        ordering = ("-scheduled_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(convened_at__isnull=False) & ~Q(roll_hash="")),
                name="assembly_convened_has_roll",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="assembly_closed_dated",
            ),
            models.CheckConstraint(
                condition=Q(convocation=1, first_assembly__isnull=True)
                | Q(convocation=2, first_assembly__isnull=False),
                name="assembly_second_follows_first",
            ),
            models.CheckConstraint(
                condition=~Q(mode="written") | Q(correspondence_deadline__isnull=True),
                name="assembly_written_no_correspondence",
            ),
            models.CheckConstraint(
                condition=Q(remote_recorded_at__isnull=False)
                | Q(remote_voice=False, remote_continuous=False, remote_means=""),
                name="assembly_remote_session_recorded",
            ),
        ]

    @property
    def remote_session_valid(self) -> bool:
        return self.remote_recorded_at is not None and self.remote_voice and self.remote_continuous

    def __str__(self) -> str:
        return self.title


def assembly_document_path(instance: AssemblyDocument, filename: str) -> str:
    """Under the cooperative's own folder; a random name, so a path reveals nothing."""
    from pathlib import PurePosixPath

    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return (
        f"cooperatives/{instance.cooperative_id}/governance/documents/"
        f"{instance.assembly_id}-{secrets.token_hex(16)}{suffix}"
    )


class AssemblyDocument(TenantModel):
    """A document submitted to the associates with the convocation (or the written
    consultation): accounts, reports, draft statutes. Attached while the assembly is a draft;
    the database refuses any change once it is convened, and the convocation's audit event
    records each file's SHA-256."""

    assembly = models.ForeignKey(Assembly, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(_("fichier"), upload_to=assembly_document_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document de l'assemblée")
        verbose_name_plural = _("documents de l'assemblée")
        ordering = ("uploaded_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "assembly", "title"), name="assembly_document_unique_title"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Resolution(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("À voter")
        OPEN = "open", _("Vote ouvert")
        CLOSED = "closed", _("Vote clos")

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("Adoptée")
        REJECTED = "rejected", _("Rejetée")
        NO_QUORUM = "no_quorum", _("Quorum non atteint")
        # L.223-29 al. 2: the majority of all associates was missed at the first consultation;
        # the associates are convened or consulted a second time.
        SECOND_ROUND = "second_round", _("Seconde consultation")

    assembly = models.ForeignKey(Assembly, on_delete=models.PROTECT, related_name="resolutions")
    position = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=250)
    text = models.TextField(_("texte de la résolution"))
    decision_class = models.CharField(
        _("nature"), max_length=20, choices=DecisionClass.choices, default=DecisionClass.ORDINARY
    )
    secret = models.BooleanField(_("scrutin secret"), default=False)
    management_supported = models.BooleanField(
        _("présentée ou agréée par la gérance"),
        default=True,
        help_text=_("Les pouvoirs en blanc votent pour ces résolutions et contre les autres."),
    )
    # Amendments are resolutions too, voted before the resolution they amend; when one is
    # adopted, its text becomes the amended resolution's and the text first put on the agenda
    # stays in `original_text` (empty while never amended).
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("amendement de"),
    )
    proposed_by = models.CharField(_("auteur·rice de l'amendement"), max_length=200, blank=True)
    original_text = models.TextField(_("texte initial"), blank=True)
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    # Elections of managers: seats to fill, and whether (SCOP) at least two thirds of those
    # elected must be employee associates (loi 78-763; statuts types CG Scop).
    seats = models.PositiveSmallIntegerField(_("sièges à pourvoir"), default=1)
    employee_quota = models.BooleanField(
        _("deux tiers au moins d'associé·es salarié·es parmi les mandats"), default=False
    )
    # The members of the body whose mandates go on after this election: the employee quota is
    # checked on the whole body (loi 78-763 art. 15), not on those elected alone.
    continuing_employees = models.PositiveSmallIntegerField(
        _("mandats en cours conservés : associé·es salarié·es"), default=0
    )
    continuing_others = models.PositiveSmallIntegerField(
        _("mandats en cours conservés : autres"), default=0
    )
    # Counts the bureau enters for votes by show of hands in the room (not cast online).
    room_for = models.PositiveIntegerField(default=0)
    room_against = models.PositiveIntegerField(default=0)
    room_abstain = models.PositiveIntegerField(default=0)
    # Frozen at close.
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(null=True, blank=True)
    present_or_represented = models.PositiveIntegerField(null=True, blank=True)
    # SCIC colleges: the weighted shares (percent) of for and against, frozen at close.
    weighted_for = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    weighted_against = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    explanation = models.TextField(_("règle appliquée"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("résolution")
        verbose_name_plural = _("résolutions")
        ordering = ("assembly", "position")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "assembly", "position"), name="resolution_unique_position"
            ),
            models.CheckConstraint(
                condition=(Q(status="closed") & ~Q(outcome="") & Q(closed_at__isnull=False))
                | (~Q(status="closed") & Q(outcome="")),
                name="resolution_outcome_only_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(weighted_for__isnull=True, weighted_against__isnull=True)
                | Q(
                    weighted_for__gte=0,
                    weighted_against__gte=0,
                    weighted_for__lte=100,
                    weighted_against__lte=100,
                    status="closed",
                ),
                name="resolution_weighted_shares_valid",
            ),
            models.CheckConstraint(
                condition=Q(seats__gte=1)
                & (
                    Q(decision_class="election")
                    | Q(seats=1, employee_quota=False, continuing_employees=0, continuing_others=0)
                ),
                name="resolution_seats_only_for_elections",
            ),
            models.CheckConstraint(
                condition=Q(amends__isnull=True, proposed_by="")
                | Q(amends__isnull=False) & ~Q(proposed_by=""),
                name="resolution_amendment_has_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class RollEntry(TenantModel):
    """The voter roll, frozen at convocation: later register changes do not alter it."""

    assembly = models.ForeignKey(Assembly, on_delete=models.PROTECT, related_name="roll")
    associate = models.ForeignKey(Associate, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    full_name = models.CharField(max_length=250)
    college_name = models.CharField(max_length=120, blank=True)
    # SCIC: the college's share of the votes at convocation, frozen with the roll (and in its
    # hash) as an exact fraction, so editing the colleges later changes no vote already
    # convened. Rolls frozen before fractions were stored keep their percent (`college_weight`).
    college_weight = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    college_weight_numerator = models.PositiveIntegerField(null=True, blank=True)
    college_weight_denominator = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("inscrit·e sur la liste d'émargement")
        verbose_name_plural = _("liste d'émargement")
        ordering = ("full_name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "assembly", "associate"), name="roll_unique_associate"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Proxy(TenantModel):
    """A pouvoir: the grantor is represented by another associate (or a blank proxy)."""

    assembly = models.ForeignKey(Assembly, on_delete=models.PROTECT, related_name="proxies")
    grantor = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="given_proxies")
    holder = models.ForeignKey(
        RollEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_proxies",
        help_text=_("Vide : pouvoir en blanc."),
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pouvoir")
        verbose_name_plural = _("pouvoirs")
        ordering = ("granted_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "assembly", "grantor"),
                condition=Q(revoked_at__isnull=True),
                name="proxy_one_active_per_grantor",
            ),
            models.CheckConstraint(condition=~Q(grantor=F("holder")), name="proxy_not_to_oneself"),
        ]


class PresenceMode(models.TextChoices):
    ROOM = "room", _("En salle")
    VIDEO = "video", _("En visioconférence")
    CORRESPONDENCE = "correspondence", _("Par correspondance")
    PROXY = "proxy", _("Représenté·e")
    WRITTEN = "written", _("A répondu à la consultation écrite")


class Attendance(TenantModel):
    """The attendance sheet: how each associate took part (represented ones are derived from
    their active proxy when the sheet is read, and recorded here when the assembly opens)."""

    assembly = models.ForeignKey(Assembly, on_delete=models.PROTECT, related_name="attendances")
    entry = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="attendances")
    mode = models.CharField(max_length=20, choices=PresenceMode.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("feuille de présence")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "assembly", "entry"), name="attendance_unique_entry"
            ),
        ]


class Choice(models.TextChoices):
    FOR = "for", _("Pour")
    AGAINST = "against", _("Contre")
    ABSTAIN = "abstain", _("Abstention")


class Participation(TenantModel):
    """Who voted on a resolution (one per voter, by the database), never what in secret votes."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("En ligne")
        PROXY = "proxy", _("Par pouvoir")
        CORRESPONDENCE = "correspondence", _("Par correspondance")
        WRITTEN = "written", _("Consultation écrite")

    resolution = models.ForeignKey(
        Resolution, on_delete=models.PROTECT, related_name="participations"
    )
    voter = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="participations")
    cast_by = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    # Nominal votes only: empty for secret ballots.
    choice = models.CharField(max_length=10, choices=Choice.choices, blank=True)
    # Day granularity only, so timing cannot be joined with anything.
    day = models.DateField(default=timezone.localdate)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "resolution", "voter"), name="participation_one_per_voter"
            ),
        ]


def new_tracker() -> str:
    return secrets.token_hex(8)


class Ballot(TenantModel):
    """What was chosen. No voter, no timestamp, a random key: see the module docstring.

    `tracker` is the voter's receipt: shown once at casting, published in the tracker list after
    close so each voter can check their ballot was counted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="ballots")
    choice = models.CharField(max_length=10, choices=Choice.choices)
    tracker = models.CharField(max_length=16, default=new_tracker)
    # SCIC: the voter's college (from the frozen roll), so each college's result can be
    # weighted. Empty when the cooperative does not vote by colleges.
    college_name = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "resolution", "tracker"), name="ballot_unique_tracker"
            ),
        ]


class Candidacy(TenantModel):
    """A candidate in an election of managers: an associate on the assembly's frozen roll.

    `employee` is the candidate's category when the candidacy was filed (the SCOP two-thirds
    rule is checked on it). `votes` and `elected` are frozen at close."""

    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="candidacies")
    entry = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="candidacies")
    employee = models.BooleanField(_("associé·e salarié·e"))
    withdrawn_at = models.DateTimeField(_("candidature retirée le"), null=True, blank=True)
    votes = models.PositiveIntegerField(null=True, blank=True)
    # SCIC: the candidate's weighted share (percent) of the colleges' votes, frozen at close.
    weighted_votes = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    elected = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ("resolution", "entry__full_name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "resolution", "entry"), name="candidacy_unique_entry"
            ),
            models.CheckConstraint(
                condition=Q(votes__isnull=True, elected__isnull=True)
                | Q(votes__isnull=False, elected__isnull=False),
                name="candidacy_result_complete",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(votes__isnull=True),
                name="candidacy_withdrawn_has_no_result",
            ),
        ]

    def __str__(self) -> str:
        return self.entry.full_name


class BallotMark(TenantModel):
    """One name ticked on an election ballot: no voter, no timestamp, a random key, immutable.
    The database refuses more marks on a ballot than there are seats."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="+")
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="marks")
    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="marks")

    class Meta:
        verbose_name = _("suffrage nominatif")
        verbose_name_plural = _("suffrages nominatifs")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "ballot", "candidacy"), name="mark_one_per_candidate"
            ),
        ]


class AuditEvent(TenantModel):
    """Hash-chained record of the steps of the vote (never of a ballot's content). Each event's
    hash covers the previous one, so altering, removing or inserting any row breaks the chain
    (`manage.py governance_verify`). The database refuses updates and deletes."""

    class Kind(models.TextChoices):
        CONVENED = "convened", _("Convocation et gel de la liste d'émargement")
        PROXY_GRANTED = "proxy_granted", _("Pouvoir donné")
        PROXY_REVOKED = "proxy_revoked", _("Pouvoir révoqué")
        OPENED = "opened", _("Ouverture de la séance")
        RESOLUTION_OPENED = "resolution_opened", _("Ouverture d'un vote")
        RESOLUTION_CLOSED = "resolution_closed", _("Clôture et dépouillement d'un vote")
        CLOSED = "closed", _("Clôture de l'assemblée")
        MINUTES = "minutes", _("Procès-verbal")
        AMENDMENT_PROPOSED = "amendment_proposed", _("Dépôt d'un amendement")
        RESOLUTION_AMENDED = "resolution_amended", _("Texte d'une résolution amendé")
        CANDIDACY_WITHDRAWN = "candidacy_withdrawn", _("Retrait d'une candidature")
        PROFILE_CHANGED = "profile_changed", _("Profil statutaire modifié")
        PROFILE_SIGNED_OFF = (
            "profile_signed_off",
            _("Profil statutaire vérifié au regard des statuts"),
        )
        PROFILE_ACTIVATED = "profile_activated", _("Profil statutaire mis en vigueur")
        EMAIL_CONSENT = "email_consent", _("Accord pour la convocation par e-mail")
        LETTERS_SENT = "letters_sent", _("Convocations envoyées par lettre recommandée")
        LETTER_RECEIVED = "letter_received", _("Réception d'une lettre recommandée")
        REMOTE_SESSION = "remote_session", _("Séance à distance : moyens enregistrés")
        DEADLINE_EXTENDED = "deadline_extended", _("Date limite de réponse prolongée")
        ADMITTED_AUTOMATICALLY = "admitted_automatically", _("Admission de plein droit")

    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    assembly = models.ForeignKey(
        Assembly, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("événement d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ("seq",)
        constraints = [
            models.UniqueConstraint(fields=("cooperative", "seq"), name="audit_unique_seq"),
        ]


class ConvocationDispatch(TenantModel):
    """One associate's convocation (agenda and resolution texts), and its proof.

    The channel is decided at convocation: e-mail only for an associate whose written consent
    is recorded in time (R.223-20 al. 2, R.225-63; frozen here with its date), otherwise a
    registered letter, printed from the letters PDF and tracked by its sending date and
    registered-post number (and, where a delay runs from receipt, the date on the notice of
    receipt)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail (accord écrit de l'associé·e)")
        REGISTERED_LETTER = "registered_letter", _("Lettre recommandée")
        # Convocations sent before consents were recorded: kept as they were sent.
        UNCONSENTED_EMAIL = "unconsented_email", _("E-mail sans accord enregistré (ancien envoi)")

    assembly = models.ForeignKey(Assembly, on_delete=models.PROTECT, related_name="dispatches")
    entry = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(
        max_length=20, choices=Channel.choices, default=Channel.REGISTERED_LETTER
    )
    email = models.EmailField(blank=True)
    consent_on = models.DateField(null=True, blank=True)
    postal_address = models.TextField(blank=True)
    message_id = models.CharField(max_length=250, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)  # e-mail
    posted_on = models.DateField(_("postée le"), null=True, blank=True)  # registered letter
    registered_number = models.CharField(_("numéro de recommandé"), max_length=40, blank=True)
    received_on = models.DateField(_("reçue le"), null=True, blank=True)
    error = models.CharField(max_length=250, blank=True)

    class Meta:
        verbose_name = _("envoi de convocation")
        verbose_name_plural = _("envois de convocation")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "assembly", "entry"), name="dispatch_unique_entry"
            ),
            models.CheckConstraint(
                condition=~Q(channel="email")
                | (~Q(email="") & Q(consent_on__isnull=False) & Q(registered_number="")),
                name="dispatch_email_needs_consent",
            ),
            models.CheckConstraint(
                condition=Q(posted_on__isnull=True, registered_number="", received_on__isnull=True)
                | Q(channel="registered_letter", posted_on__isnull=False)
                & ~Q(registered_number=""),
                name="dispatch_letter_has_number",
            ),
        ]

    @property
    def sent_on(self) -> dt.date | None:
        if self.channel == self.Channel.REGISTERED_LETTER:
            return self.posted_on
        return None if self.sent_at is None else timezone.localdate(self.sent_at)

    @property
    def received(self) -> dt.date | None:
        """When the associate received it: the day an e-mail was sent, or the date on the
        registered letter's notice of receipt."""
        if self.channel != self.Channel.REGISTERED_LETTER:
            return None if self.sent_at is None else timezone.localdate(self.sent_at)
        return self.received_on


class VoteNotice(TenantModel):
    """The e-mail telling an associate on the roll that a vote waits for them: sent once per
    assembly (or written consultation), and only to an associate who gave an e-mail address
    with their written consent. A courtesy, not a convocation: the convocation's proof stays on
    `ConvocationDispatch`."""

    assembly = models.ForeignKey(Assembly, on_delete=models.PROTECT, related_name="vote_notices")
    entry = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField()
    message_id = models.CharField(max_length=250)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("avis de vote en attente")
        verbose_name_plural = _("avis de vote en attente")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "assembly", "entry"), name="vote_notice_unique_entry"
            ),
        ]
