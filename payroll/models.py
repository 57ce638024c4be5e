"""Models of the payroll app: the legal reference table and each cooperative's settings."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
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


class PayProfile(TenantModel):
    """How an entrepreneur is paid: the gross chosen for the monthly payslips (the fixed part plus
    the monthly advance on the variable part), the status and the withholding rate."""

    class Status(models.TextChoices):
        NON_CADRE = "non-cadre", _("Non-cadre")
        CADRE = "cadre", _("Cadre")

    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.NON_CADRE
    )
    monthly_gross = models.DecimalField(
        _("salaire brut mensuel"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    pas_rate = models.DecimalField(
        _("taux personnalisé de prélèvement à la source (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )

    class Meta:
        verbose_name = _("profil de rémunération")
        verbose_name_plural = _("profils de rémunération")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "entrepreneur"), name="payprofile_one_per_entrepreneur"
            ),
            models.CheckConstraint(
                condition=Q(monthly_gross__gte=0), name="payprofile_gross_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entrepreneur_id}: {self.monthly_gross}"


class PayrollRun(TenantModel):
    """The payroll of one month: draft → computed → validated → paid."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        COMPUTING = "computing", _("Calcul en cours")
        COMPUTED = "computed", _("Calculée")
        VALIDATED = "validated", _("Validée")
        PAID = "paid", _("Payée")

    period = models.DateField(_("mois"))
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    expected = models.PositiveIntegerField(_("bulletins attendus"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    validated_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("paie mensuelle")
        verbose_name_plural = _("paies mensuelles")
        ordering = ("-period",)
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "period"), name="payrollrun_one_per_month"
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="payrollrun_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m}"

    @property
    def is_locked(self) -> bool:
        return self.status in (self.Status.VALIDATED, self.Status.PAID)


def payslip_pdf_path(instance: Payslip, filename: str) -> str:
    """Under the cooperative's own folder; a random name reveals nothing."""
    import secrets

    return f"cooperatives/{instance.cooperative_id}/payslips/{secrets.token_hex(16)}.pdf"


class Payslip(TenantModel):
    """One entrepreneur's payslip of a run. A draft is recomputed freely; once issued, a database
    trigger refuses any change but the PDF, and any deletion: a correction is a new payslip."""

    run = models.ForeignKey(PayrollRun, on_delete=models.PROTECT, related_name="payslips")
    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur", on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveSmallIntegerField(default=1)
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period = models.DateField(_("mois"))
    status = models.CharField(_("statut"), max_length=10)
    gross = models.DecimalField(_("brut"), max_digits=10, decimal_places=2)
    net_social = models.DecimalField(_("net social"), max_digits=10, decimal_places=2)
    net_before_tax = models.DecimalField(_("net avant impôt"), max_digits=10, decimal_places=2)
    net_paid = models.DecimalField(_("net payé"), max_digits=10, decimal_places=2)
    employer_cost = models.DecimalField(_("coût employeur"), max_digits=10, decimal_places=2)
    reduction = models.DecimalField(_("RGDU"), max_digits=10, decimal_places=2)
    # The engine's whole output (lines, rates, cumulatives) as decimal strings.
    data = models.JSONField()
    computed_at = models.DateTimeField(default=timezone.now)
    issued_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to=payslip_pdf_path, max_length=300, blank=True)

    class Meta:
        verbose_name = _("bulletin de paie")
        verbose_name_plural = _("bulletins de paie")
        ordering = ("-period", "entrepreneur_id", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "run", "entrepreneur", "version"),
                name="payslip_unique_version",
            ),
            models.CheckConstraint(condition=Q(gross__gte=0), name="payslip_gross_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} #{self.entrepreneur_id} v{self.version}"
