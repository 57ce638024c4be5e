"""Models of the payroll app: the legal reference table and each cooperative's settings."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
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
    # The part of `monthly_gross` that is an advance on the variable part (L7332-3): settled
    # by the yearly regularisation payslip against the activity's actual result.
    variable_advance = models.DecimalField(
        _("avance mensuelle sur la part variable"),
        max_digits=10,
        decimal_places=2,
        default=Decimal(0),
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
            models.CheckConstraint(
                condition=Q(variable_advance__gte=0, variable_advance__lte=F("monthly_gross")),
                name="payprofile_advance_within_gross",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entrepreneur_id}: {self.monthly_gross}"

    @property
    def fixed_gross(self) -> Decimal:
        """The contractual fixed part (L7331-2 d)."""
        return self.monthly_gross - self.variable_advance


class PayrollRun(TenantModel):
    """The payroll of one month: draft → computed → validated → paid."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        COMPUTING = "computing", _("Calcul en cours")
        COMPUTED = "computed", _("Calculée")
        VALIDATING = "validating", _("Validation en cours")
        VALIDATED = "validated", _("Validée")
        PAID = "paid", _("Payée")

    period = models.DateField(_("mois"))
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    expected = models.PositiveIntegerField(_("bulletins attendus"), default=0)
    # Drafts computed since this moment belong to the current computation: a recomputation is
    # not shown as done while its tasks still wait.
    computation_started_at = models.DateTimeField(_("calcul lancé le"), null=True, blank=True)
    # Why the last validation was refused (the ledger's reason), until the next one.
    validation_error = models.TextField(_("refus de la validation"), blank=True)
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
        return self.status in (self.Status.VALIDATING, self.Status.VALIDATED, self.Status.PAID)


def payslip_pdf_path(instance: Payslip, filename: str) -> str:
    """Under the cooperative's own folder, named by a keyed hash of the payslip: the name reveals
    nothing and cannot be guessed, and rendering again (a worker killed mid-way, then retried)
    writes the same file instead of leaving a second one."""
    from django.utils.crypto import salted_hmac

    digest = salted_hmac("payroll.payslip-pdf", str(instance.pk)).hexdigest()[:32]
    return f"cooperatives/{instance.cooperative_id}/payslips/{digest}.pdf"


class Payslip(TenantModel):
    """One entrepreneur's payslip of a run. A draft is recomputed freely; once issued, a database
    trigger refuses any change but the PDF, and any deletion: a correction is a new payslip."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Bulletin mensuel")
        REGULARISATION = "regularisation", _("Régularisation de la part variable")

    run = models.ForeignKey(PayrollRun, on_delete=models.PROTECT, related_name="payslips")
    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("nature"), max_length=14, choices=Kind.choices, default=Kind.MONTHLY)
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
                fields=("cooperative", "run", "entrepreneur", "kind", "version"),
                name="payslip_unique_kind_version",
            ),
            models.CheckConstraint(condition=Q(gross__gte=0), name="payslip_gross_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} #{self.entrepreneur_id} v{self.version}"


class SalaryProposal(TenantModel):
    """What a run suggests paying an entrepreneur, from the activity's treasury, and the gross
    the payroll officer chose (the profile's by default) before computing the payslips."""

    run = models.ForeignKey(PayrollRun, on_delete=models.CASCADE, related_name="proposals")
    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur", on_delete=models.PROTECT, related_name="+"
    )
    activity = models.ForeignKey(
        "entrepreneurs.Activity", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The entrepreneur's share of the activity's future treasury (total employer cost it allows).
    budget = models.DecimalField(_("budget salarial"), max_digits=12, decimal_places=2)
    # None: the budget does not even cover a zero salary's fixed contributions.
    suggested_gross = models.DecimalField(
        _("brut suggéré"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    chosen_gross = models.DecimalField(_("brut retenu"), max_digits=10, decimal_places=2)
    chosen_cost = models.DecimalField(
        _("coût employeur du brut retenu"), max_digits=10, decimal_places=2
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("proposition de salaire")
        verbose_name_plural = _("propositions de salaire")
        ordering = ("run", "entrepreneur_id")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "run", "entrepreneur"), name="salaryproposal_unique"
            ),
            models.CheckConstraint(
                condition=Q(chosen_gross__gte=0), name="salaryproposal_gross_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} #{self.entrepreneur_id}: {self.chosen_gross}"

    @property
    def over_budget(self) -> Decimal:
        """How much the chosen salary's employer cost exceeds the budget (0 when it fits)."""
        return max(Decimal(0), self.chosen_cost - self.budget)


class Absence(TenantModel):
    """Paid leave or sick leave of an entrepreneur within a run's month, entered by the payroll
    officer. Overlaps are refused by a trigger as well as by the service."""

    class Kind(models.TextChoices):
        PAID_LEAVE = "paid_leave", _("Congés payés")
        SICK = "sick", _("Arrêt maladie")

    run = models.ForeignKey(PayrollRun, on_delete=models.PROTECT, related_name="absences")
    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("nature"), max_length=12, choices=Kind.choices)
    start = models.DateField(_("du"))
    end = models.DateField(_("au"))
    # A sick leave continuing one of the previous month keeps its first day (waiting days,
    # employer top-up delays run from it).
    spell_start = models.DateField(_("début de l'arrêt"))
    subrogation = models.BooleanField(
        _("subrogation (la coopérative perçoit les indemnités journalières)"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ("run", "entrepreneur_id", "start")
        indexes = [
            models.Index(fields=("cooperative", "entrepreneur", "start"), name="absence_by_person")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="absence_dates_order"),
            models.CheckConstraint(
                condition=Q(spell_start__lte=F("start")), name="absence_spell_before_start"
            ),
            models.CheckConstraint(
                condition=Q(kind="sick") | Q(subrogation=False),
                name="absence_subrogation_only_sick",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entrepreneur_id} {self.kind} {self.start}–{self.end}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class OpeningBalance(TenantModel):
    """What an entrepreneur's payslips of a calendar year already added up to before the
    cooperative's payroll moved here (from its previous software's last payslip): the
    year-to-date figures the next payslips build on (the progressive reduction's cumulated
    gross, SMIC base and reduction; the net and taxable cumulatives), and the paid-leave
    counters then. Read only until the person's first payslip issued here, which carries them
    on."""

    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("année"))
    gross = models.DecimalField(_("brut cumulé"), max_digits=12, decimal_places=2)
    hours = models.DecimalField(_("heures rémunérées cumulées"), max_digits=8, decimal_places=2)
    smic = models.DecimalField(
        _("SMIC de référence cumulé (réduction générale)"), max_digits=12, decimal_places=2
    )
    reduction = models.DecimalField(
        _("réduction générale cumulée"), max_digits=12, decimal_places=2
    )
    net_social = models.DecimalField(_("net social cumulé"), max_digits=12, decimal_places=2)
    taxable = models.DecimalField(_("net imposable cumulé"), max_digits=12, decimal_places=2)
    employer_cost = models.DecimalField(_("coût employeur cumulé"), max_digits=12, decimal_places=2)
    leave_acquired = models.DecimalField(
        _("congés acquis (jours ouvrables)"), max_digits=6, decimal_places=2
    )
    leave_taken = models.DecimalField(
        _("congés pris (jours ouvrables)"), max_digits=6, decimal_places=2
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cumul de reprise")
        verbose_name_plural = _("cumuls de reprise")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "entrepreneur", "year"),
                name="openingbalance_one_per_year",
            ),
            models.CheckConstraint(
                condition=Q(
                    gross__gte=0,
                    hours__gte=0,
                    smic__gte=0,
                    reduction__gte=0,
                    net_social__gte=0,
                    taxable__gte=0,
                    employer_cost__gte=0,
                    leave_acquired__gte=0,
                    leave_taken__gte=0,
                ),
                name="openingbalance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entrepreneur_id} {self.year}: {self.gross}"

    @property
    def leave_remaining(self) -> Decimal:
        return self.leave_acquired - self.leave_taken
