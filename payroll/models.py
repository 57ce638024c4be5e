"""Models of the payroll app: the legal reference table and each cooperative's settings."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.models import TenantModel

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class LegalParameter(models.Model):
    """One dated legal value (rate, ceiling, amount, contribution rule) shared by every
    cooperative: a global table (see GLOBAL_MODELS), loaded from `payroll/parameters/*.toml`."""

    key = models.CharField(_("clé"), max_length=120)
    valid_from = models.DateField(_("applicable à partir du"))
    # A decimal as a string, or a structured value (contribution rule, tax grid).
    value = models.JSONField(_("valeur"))
    reference = models.TextField(_("référence légale"))
    source = models.CharField(_("fichier source"), max_length=60)

    class Meta:
        verbose_name = _("paramètre légal de paie")
        verbose_name_plural = _("paramètres légaux de paie")
        ordering = ("key", "valid_from")
        constraints = [
            models.UniqueConstraint(fields=("key", "valid_from"), name="legalparameter_unique"),
            models.CheckConstraint(condition=~Q(reference=""), name="legalparameter_sourced"),
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.valid_from}"


class PayrollSettings(TenantModel):
    """What the law leaves to each cooperative, dated like the legal parameters."""

    class LeaveMethod(models.TextChoices):
        BEST = "best", _("Le plus favorable (dixième ou maintien)")
        TENTH = "tenth", _("Règle du dixième")
        MAINTENANCE = "maintenance", _("Maintien de salaire")

    valid_from = models.DateField(_("applicable à partir du"))
    headcount = models.PositiveIntegerField(
        _("effectif"), validators=[MinValueValidator(1)], default=1
    )
    at_rate = models.DecimalField(
        _("taux accident du travail (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(20))],
    )
    collective_agreement = models.CharField(
        _("convention collective (IDCC)"), max_length=120, blank=True
    )
    mutuelle_employee = models.DecimalField(
        _("complémentaire santé, part salariale (€/mois)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    mutuelle_employer = models.DecimalField(
        _("complémentaire santé, part patronale (€/mois)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    prevoyance_employee_rate = models.DecimalField(
        _("prévoyance, taux salarial (% de la tranche 1)"),
        max_digits=6,
        decimal_places=3,
        default=Decimal(0),
        validators=PERCENT,
    )
    prevoyance_employer_rate = models.DecimalField(
        _("prévoyance, taux patronal (% de la tranche 1)"),
        max_digits=6,
        decimal_places=3,
        default=Decimal(0),
        validators=PERCENT,
    )
    mobility_rate = models.DecimalField(
        _("versement mobilité (%)"),
        max_digits=5,
        decimal_places=3,
        default=Decimal(0),
        validators=PERCENT,
    )
    alsace_moselle = models.BooleanField(_("régime local d'Alsace-Moselle"), default=False)
    leave_method = models.CharField(
        _("indemnité de congés payés"),
        max_length=12,
        choices=LeaveMethod.choices,
        default=LeaveMethod.BEST,
    )

    class Meta:
        verbose_name = _("paramètres de paie de la coopérative")
        verbose_name_plural = _("paramètres de paie de la coopérative")
        ordering = ("cooperative", "-valid_from")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "valid_from"), name="payrollsettings_unique_date"
            ),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="payrollsettings_headcount"),
            models.CheckConstraint(
                condition=Q(at_rate__gte=0, at_rate__lte=20), name="payrollsettings_at_rate"
            ),
            models.CheckConstraint(
                condition=Q(mutuelle_employee__gte=0, mutuelle_employer__gte=0),
                name="payrollsettings_mutuelle_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cooperative_id} @ {self.valid_from}"
