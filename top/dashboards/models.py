"""What the dashboards keep: settings, the entrepreneur's projection of upcoming jobs, and the
monthly snapshots behind the reports."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.models import TenantModel


class DashboardSettings(TenantModel):
    report_day = models.PositiveSmallIntegerField(
        _("jour d'envoi des rapports mensuels"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    reserve_months = models.DecimalField(
        _("réserve cible (mois de coût salarial)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(3),
    )
    revenue_drop_percent = models.PositiveSmallIntegerField(
        _("alerte de baisse du chiffre d'affaires (%)"), default=20
    )
    no_salary_months = models.PositiveSmallIntegerField(
        _("alerte après N mois sans salaire"), default=3
    )

    class Meta:
        verbose_name = _("réglages des tableaux de bord")
        constraints = [
            models.UniqueConstraint(fields=("cooperative",), name="dashboardsettings_one"),
            models.CheckConstraint(
                condition=Q(report_day__gte=1, report_day__lte=28), name="dashboardsettings_day"
            ),
        ]


class ForecastItem(TenantModel):
    """An upcoming job or expected payment, entered by the entrepreneur ("projection des
    chantiers"), weighted by its probability in the treasury projection."""

    activity = models.ForeignKey(
        "entrepreneurs.Activity",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("activité"),
    )
    label = models.CharField(_("chantier ou paiement attendu"), max_length=200)
    expected_on = models.DateField(_("date attendue"))
    amount = models.DecimalField(
        _("montant HT (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    probability = models.PositiveSmallIntegerField(
        _("probabilité (%)"), default=100, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("prévision")
        verbose_name_plural = _("prévisions")
        ordering = ("expected_on",)
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="forecast_amount_positive"),
            models.CheckConstraint(
                condition=Q(probability__gte=1, probability__lte=100),
                name="forecast_probability_range",
            ),
        ]
        indexes = [
            models.Index(fields=("cooperative", "activity", "expected_on"), name="forecast_idx")
        ]

    def __str__(self) -> str:
        return self.label


class ReserveTarget(TenantModel):
    """A reserve target entered for one activity; without one, the dashboards use the
    cooperative's rule (N months of salary cost)."""

    activity = models.OneToOneField(
        "entrepreneurs.Activity",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("activité"),
    )
    amount = models.DecimalField(_("réserve cible (€)"), max_digits=12, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("réserve cible")
        verbose_name_plural = _("réserves cibles")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="reservetarget_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.amount}"


class ReportSnapshot(TenantModel):
    """A month's figures frozen when its report is made, so "last month's report" never changes
    when late entries arrive. One per (kind, month, subject)."""

    class Kind(models.TextChoices):
        ENTREPRENEUR = "entrepreneur", _("Entrepreneur·e")
        SUPPORT = "support", _("Équipe d'appui")
        COOPERATIVE = "cooperative", _("Coopérative")

    class Status(models.TextChoices):
        PENDING = "pending", _("En préparation")
        RENDERED = "rendered", _("Prêt")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("En échec")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    month = models.DateField(_("mois"))  # first day of the month
    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    figures = models.JSONField(default=dict)
    pdf = models.FileField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rapport mensuel")
        verbose_name_plural = _("rapports mensuels")
        ordering = ("-month", "kind")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "kind", "month", "entrepreneur", "recipient"),
                nulls_distinct=False,
                name="reportsnapshot_once",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="reportsnapshot_first_day"),
        ]
