"""Cooperatives (the tenants), memberships, invitations, and the base of every tenant table."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.validators import validate_siren, validate_vat_number


class LegalForm(models.TextChoices):
    SCOP_SARL = "scop_sarl", _("SCOP SARL")
    SCOP_SA = "scop_sa", _("SCOP SA")
    SCOP_SAS = "scop_sas", _("SCOP SAS")
    SCIC_SARL = "scic_sarl", _("SCIC SARL")
    SCIC_SA = "scic_sa", _("SCIC SA")
    SCIC_SAS = "scic_sas", _("SCIC SAS")


class Role(models.TextChoices):
    ENTREPRENEUR = "entrepreneur", _("Entrepreneur·e")
    SUPPORT = "support", _("Équipe d'appui")
    ACCOUNTANT = "accountant", _("Comptable")
    PAYROLL = "payroll", _("Gestionnaire de paie")
    MANAGER = "manager", _("Gérant·e")
    ADMIN = "admin", _("Administrateur·rice")


# Roles that handle the cooperative's money, people or settings must use two-factor login.
PRIVILEGED_ROLES = frozenset({Role.MANAGER, Role.ACCOUNTANT, Role.PAYROLL, Role.ADMIN})
# Roles that see the whole cooperative's people (as opposed to an entrepreneur's own file).
STAFF_ROLES = frozenset({Role.SUPPORT, Role.ACCOUNTANT, Role.PAYROLL, Role.MANAGER, Role.ADMIN})


class ContributionBase(models.TextChoices):
    REVENUE = "revenue", _("Chiffre d'affaires")
    MARGIN = "margin", _("Marge brute")


class Cooperative(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=60, unique=True)
    siren = models.CharField(_("SIREN"), max_length=9, unique=True, validators=[validate_siren])
    vat_number = models.CharField(
        _("numéro de TVA intracommunautaire"),
        max_length=13,
        blank=True,
        validators=[validate_vat_number],
    )
    legal_form = models.CharField(_("forme juridique"), max_length=20, choices=LegalForm.choices)
    address_line = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("mois de début de l'exercice"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    default_contribution_rate = models.DecimalField(
        _("taux de contribution coopérative (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("11.00"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    contribution_base = models.CharField(
        _("assiette de la contribution coopérative"),
        max_length=10,
        choices=ContributionBase.choices,
        default=ContributionBase.REVENUE,
    )
    timezone = models.CharField(_("fuseau horaire"), max_length=64, default="Europe/Paris")
    created_at = models.DateTimeField(_("créée le"), default=now)

    class Meta:
        verbose_name = _("coopérative")
        verbose_name_plural = _("coopératives")
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="cooperative_fiscal_month_valid",
            ),
            models.CheckConstraint(
                condition=Q(default_contribution_rate__gte=0, default_contribution_rate__lte=100),
                name="cooperative_contribution_rate_valid",
            ),
            models.CheckConstraint(
                condition=Q(siren__regex=r"^[0-9]{9}$"), name="cooperative_siren_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name


def _roles_field(verbose_name: Any) -> ArrayField:  # type: ignore[type-arg]
    return ArrayField(
        models.CharField(max_length=20, choices=Role.choices), verbose_name=verbose_name
    )


_ROLE_VALUES = [role.value for role in Role]


class Membership(models.Model):
    """A user's place in one cooperative. Platform-level table: the middleware reads it before a
    cooperative is active, and the switcher lists a user's memberships across cooperatives."""

    cooperative = models.ForeignKey(
        Cooperative,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("coopérative"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("personne"),
    )
    roles = _roles_field(_("rôles"))
    created_at = models.DateTimeField(_("depuis le"), default=now)

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        constraints = [
            models.UniqueConstraint(fields=("cooperative", "user"), name="membership_unique_user"),
            models.CheckConstraint(condition=Q(roles__len__gte=1), name="membership_has_role"),
            models.CheckConstraint(
                condition=Q(roles__contained_by=_ROLE_VALUES), name="membership_roles_valid"
            ),
        ]
        indexes = [models.Index(fields=("user", "cooperative"), name="membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.cooperative}"

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def requires_mfa(self) -> bool:
        return any(role in PRIVILEGED_ROLES for role in self.roles)

    @property
    def is_staff_member(self) -> bool:
        return any(role in STAFF_ROLES for role in self.roles)

    def get_roles_display(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels[role]) for role in _ROLE_VALUES if role in self.roles]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An e-mailed link that lets one person join a cooperative with given roles.

    Platform-level table: the link is opened before its reader belongs to the cooperative. Only the
    SHA-256 of the token is stored, so a leaked database gives no usable links."""

    cooperative = models.ForeignKey(
        Cooperative,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("coopérative"),
    )
    email = models.EmailField(_("adresse e-mail"))
    roles = _roles_field(_("rôles"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                "cooperative",
                models.functions.Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_email",
            ),
            models.CheckConstraint(condition=Q(roles__len__gte=1), name="invitation_has_role"),
            models.CheckConstraint(
                condition=Q(roles__contained_by=_ROLE_VALUES), name="invitation_roles_valid"
            ),
            models.CheckConstraint(
                condition=~Q(accepted_at__isnull=False, revoked_at__isnull=False),
                name="invitation_not_accepted_and_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.cooperative}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


_M = TypeVar("_M", bound=models.Model)


class TenantManager(models.Manager[_M], Generic[_M]):
    """Default manager of every tenant table: scoped to the active cooperative, and raises
    `NoCooperativeContext` when none is active, so a forgotten scope fails loudly."""

    def get_queryset(self) -> models.QuerySet[_M]:
        return super().get_queryset().filter(cooperative_id=require_cooperative_id())


class TenantModel(models.Model):
    """Base of every table that belongs to one cooperative.

    `objects` is scoped and fail-closed. `all_cooperatives` is unscoped: use it only in reviewed
    platform code (PostgreSQL row-level security still applies to it)."""

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="+", verbose_name=_("coopérative")
    )

    objects = TenantManager()
    all_cooperatives = models.Manager()  # noqa: DJ012 - a second manager, not a field

    class Meta:
        abstract = True


class Job(TenantModel):
    """Work handed to a Celery worker, recorded in PostgreSQL first.

    The row is written in the requester's transaction, so a job asked for while the broker is
    down is not lost: the sweeper (Celery beat, every minute) hands out pending jobs the broker
    did not take, and again those whose worker died (running past the task's time limit). A job
    is done in the same transaction as its work; a duplicate delivery of a done job does nothing.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échec")

    task = models.CharField(_("tâche"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("confié au courtier le"), null=True, blank=True)
    # A worker took the message (it may still wait in that worker's reserve).
    received_at = models.DateTimeField(_("reçu par un worker le"), null=True, blank=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("travail en arrière-plan")
        verbose_name_plural = _("travaux en arrière-plan")
        ordering = ("-created_at",)
        constraints = [
            # The same work asked twice before a worker takes it is one job.
            models.UniqueConstraint(
                fields=("cooperative", "task", "kwargs"),
                condition=Q(state="pending"),
                name="job_one_pending",
            ),
        ]
        indexes = [
            models.Index(
                fields=("cooperative", "state", "created_at"),
                condition=Q(state__in=("pending", "running")),
                name="job_open",
            ),
            models.Index(fields=("cooperative", "created_at"), name="job_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk} ({self.state})"


class IdempotencyRecord(TenantModel):
    """A create that must happen once: a form's one-time token (the result is where the form
    redirected) or an API request's `Idempotency-Key` (the result is the stored response).

    The unique constraint makes two concurrent submissions of one key wait for each other: the
    second sees the first's outcome and answers it again (perspectives.tenancy.idempotency)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("personne"),
    )
    key = models.CharField(_("clé"), max_length=255)
    path = models.CharField(_("adresse"), max_length=500)
    # API: SHA-256 of the request's data, so that the same key with another body is refused.
    fingerprint = models.CharField(max_length=64, blank=True)
    # Forms: where the first submission redirected.
    location = models.CharField(max_length=1000, blank=True)
    # API: the first response, answered again to a replay.
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("envoi unique")
        verbose_name_plural = _("envois uniques")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "user", "key", "path"), name="idempotency_unique_key"
            ),
        ]
        indexes = [
            models.Index(
                fields=("cooperative", "user", "created_at"), name="idempotency_user_created_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.path} {self.key}"


class SettingChange(TenantModel):
    """Who changed which of the cooperative's settings, when, from what to what. A save that
    changes nothing is kept too: it is the manager's confirmation of a set-up step."""

    section = models.CharField(_("réglage"), max_length=40)
    changes = models.JSONField(_("changements"), default=dict)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("par"),
    )
    changed_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("modification d'un réglage")
        verbose_name_plural = _("modifications des réglages")
        ordering = ("-changed_at", "-pk")
        indexes = [
            models.Index(fields=("cooperative", "section", "changed_at"), name="settingchange_idx")
        ]

    def __str__(self) -> str:
        return f"{self.section} @ {self.changed_at:%Y-%m-%d %H:%M}"
