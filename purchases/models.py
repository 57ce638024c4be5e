"""Purchases: suppliers and their invoices (received as e-invoices or entered), expense reports
with mileage allowances, routing addresses at the accredited platform (PA), and SEPA credit
transfer batches that pay them."""

from __future__ import annotations

import secrets
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.models import TenantModel
from purchases.reason_codes import reason_code_label

AMOUNT: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
RATE: dict[str, Any] = {"max_digits": 5, "decimal_places": 2}


def _private_path(folder: str, instance: TenantModel, filename: str) -> str:
    """Under the cooperative's own folder; the name is random so it reveals nothing."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"cooperatives/{instance.cooperative_id}/{folder}/{secrets.token_hex(16)}{suffix}"


def invoice_path(instance: SupplierInvoice, filename: str) -> str:
    return _private_path("purchases/invoices", instance, filename)


def receipt_path(instance: ExpenseLine, filename: str) -> str:
    return _private_path("purchases/receipts", instance, filename)


def batch_path(instance: PaymentBatch, filename: str) -> str:
    return _private_path("purchases/sepa", instance, filename)


class PurchaseSettings(TenantModel):
    """The cooperative's purchase rules (one row; defaults until someone edits them)."""

    class SepaVersion(models.TextChoices):
        PAIN_001_001_09 = "pain.001.001.09", "pain.001.001.09"
        PAIN_001_001_03 = "pain.001.001.03", "pain.001.001.03"

    self_validation_cap = models.DecimalField(
        _("plafond d'auto-validation (TTC)"),
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_(
            "Une facture fournisseur jusqu'à ce montant peut être validée par l'entrepreneur·e."
        ),
        **AMOUNT,
    )
    receipt_required_above = models.DecimalField(
        _("justificatif obligatoire au-delà de (TTC)"),
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal(0))],
        **AMOUNT,
    )
    expense_payable_account = models.CharField(
        _("compte des frais à rembourser"), max_length=20, default="467"
    )
    debtor_name = models.CharField(_("titulaire du compte payeur"), max_length=70, blank=True)
    debtor_iban = models.CharField(_("IBAN payeur"), max_length=34, blank=True)
    debtor_bic = models.CharField(_("BIC payeur"), max_length=11, blank=True)
    sepa_version = models.CharField(
        _("version SEPA"),
        max_length=20,
        choices=SepaVersion.choices,
        default=SepaVersion.PAIN_001_001_09,
    )
    # The cooperative's accredited platform (PA): the roots of its AFNOR XP Z12-013 Flow and
    # Directory Services (the directory's defaults to the flow's when a PA serves both under
    # one root) and the access token it issued.
    platform_url = models.URLField(
        _("adresse de l'API Flux (Flow Service) de la plateforme agréée"), blank=True
    )
    platform_directory_url = models.URLField(
        _("adresse de l'API Annuaire (Directory Service) de la plateforme agréée"), blank=True
    )
    # Encrypted (perspectives.core.secrets): a Fernet token of at most 200 characters in clear.
    platform_token = models.CharField(
        _("jeton d'accès à la plateforme (chiffré)"), max_length=500, blank=True
    )
    # OAuth2 client credentials (RFC 6749 §4.4), for a platform that issues short-lived access
    # tokens rather than one fixed token: its token endpoint, our client id and secret. The
    # secret is encrypted like the token and never shown back.
    platform_token_url = models.URLField(
        _("adresse d'obtention des jetons (OAuth2) de la plateforme agréée"), blank=True
    )
    platform_client_id = models.CharField(
        _("identifiant client OAuth2 à la plateforme"), max_length=200, blank=True
    )
    platform_client_secret = models.CharField(
        _("secret client OAuth2 à la plateforme (chiffré)"), max_length=500, blank=True
    )
    # The `updatedAt` of the last flow received: the next search asks for the ones after it.
    platform_cursor = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("réglages des achats")
        verbose_name_plural = _("réglages des achats")
        constraints = [
            models.UniqueConstraint(fields=("cooperative",), name="purchasesettings_one"),
        ]


class Supplier(TenantModel):
    name = models.CharField(_("raison sociale"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    vat_number = models.CharField(_("numéro de TVA"), max_length=20, blank=True)
    country = models.CharField(_("pays"), max_length=2, default="FR")
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    address_line = models.CharField(_("adresse"), max_length=250, blank=True)
    address_line2 = models.CharField(_("complément d'adresse"), max_length=250, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail du contact"), blank=True)
    contact_phone = models.CharField(_("téléphone du contact"), max_length=30, blank=True)
    third_party = models.ForeignKey(
        "accounting.ThirdParty",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte auxiliaire"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fournisseur")
        verbose_name_plural = _("fournisseurs")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "siren"),
                condition=~Q(siren=""),
                name="supplier_unique_siren",
            ),
            models.CheckConstraint(
                condition=Q(siren="") | Q(siren__regex=r"^[0-9]{9}$"), name="supplier_siren_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SupplierInvoice(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("À valider")
        VALIDATED = "validated", _("Validée")
        PAID = "paid", _("Payée")
        REFUSED = "refused", _("Refusée")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Saisie")
        UPLOAD = "upload", _("Dépôt de fichier")
        PLATFORM = "platform", _("Plateforme agréée")

    class Format(models.TextChoices):
        NONE = "", _("Aucun (pièce scannée)")
        FACTURX = "facturx", "Factur-X"
        CII = "cii", "UN/CEFACT CII"
        UBL = "ubl", "UBL 2.1"

    class Nature(models.TextChoices):
        GOODS = "goods", _("Biens")
        SERVICES = "services", _("Services")
        MIXED = "mixed", _("Mixte")

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Facture")
        CREDIT_NOTE = "credit_note", _("Avoir")

    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    # A credit note (avoir) names the invoice it cancels in whole or in part; its amounts are
    # positive and post in reverse.
    credited_invoice = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("facture d'origine"),
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("fournisseur")
    )
    # Null: no activity matched; the invoice waits in the accountant's queue.
    activity = models.ForeignKey(
        "entrepreneurs.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplier_invoices",
        verbose_name=_("activité"),
    )
    number = models.CharField(_("numéro"), max_length=60)
    issue_date = models.DateField(_("date"))
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    nature = models.CharField(
        _("nature"), max_length=10, choices=Nature.choices, default=Nature.SERVICES
    )
    total_excl_tax = models.DecimalField(_("total HT"), **AMOUNT)
    total_vat = models.DecimalField(_("TVA"), **AMOUNT)
    total_incl_tax = models.DecimalField(_("total TTC"), **AMOUNT)
    # Deductible VAT on services, posted at validation to the pending account (4456x) and moved
    # to 44566 when the supplier is paid (VAT on services is deductible once paid).
    vat_pending = models.DecimalField(
        _("TVA déductible en attente de paiement"), default=Decimal("0.00"), **AMOUNT
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    source = models.CharField(
        _("origine"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.NONE, blank=True
    )
    routing_address = models.CharField(_("adresse de réception"), max_length=60, blank=True)
    platform_id = models.CharField(_("identifiant à la plateforme"), max_length=100, blank=True)
    attachment = models.FileField(_("pièce"), upload_to=invoice_path, max_length=300, blank=True)
    attachment_name = models.CharField(max_length=255, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_sha256 = models.CharField(max_length=64, blank=True)
    refusal_reason = models.CharField(_("motif du refus"), max_length=300, blank=True)
    entry = models.ForeignKey(
        "accounting.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment_entry = models.ForeignKey(
        "accounting.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    validated_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("facture fournisseur")
        verbose_name_plural = _("factures fournisseurs")
        ordering = ("-issue_date", "-pk")
        constraints = [
            # The same supplier never bills the same number twice: a second copy is a duplicate.
            models.UniqueConstraint(
                fields=("cooperative", "supplier", "number"), name="supplierinvoice_unique_number"
            ),
            models.UniqueConstraint(
                fields=("cooperative", "platform_id"),
                condition=~Q(platform_id=""),
                name="supplierinvoice_unique_platform_id",
            ),
            models.CheckConstraint(
                condition=Q(total_incl_tax=models.F("total_excl_tax") + models.F("total_vat")),
                name="supplierinvoice_totals",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["validated", "paid"]) | Q(activity__isnull=False),
                name="supplierinvoice_validated_has_activity",
            ),
            models.CheckConstraint(
                condition=Q(kind="credit_note") | Q(kind="invoice", credited_invoice__isnull=True),
                name="supplierinvoice_only_credit_notes_credit",
            ),
            models.CheckConstraint(
                condition=Q(kind="invoice")
                | ~Q(status__in=["validated", "paid"])
                | Q(credited_invoice__isnull=False),
                name="supplierinvoice_validated_credit_note_names_invoice",
            ),
        ]
        indexes = [
            models.Index(fields=("cooperative", "status"), name="supplierinvoice_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} · {self.number}"


class SupplierInvoiceLine(TenantModel):
    invoice = models.ForeignKey(SupplierInvoice, on_delete=models.CASCADE, related_name="lines")
    label = models.CharField(_("libellé"), max_length=200)
    account_code = models.CharField(_("compte de charge"), max_length=20, default="604")
    amount_excl_tax = models.DecimalField(_("montant HT"), **AMOUNT)
    vat_rate = models.DecimalField(_("taux de TVA (%)"), default=Decimal("20.00"), **RATE)
    vat_amount = models.DecimalField(_("TVA"), **AMOUNT)
    deductible_vat = models.DecimalField(_("TVA déductible"), **AMOUNT)

    class Meta:
        verbose_name = _("ligne de facture fournisseur")
        verbose_name_plural = _("lignes de factures fournisseurs")
        ordering = ("pk",)
        constraints = [
            models.CheckConstraint(
                condition=Q(deductible_vat__gte=0) & Q(deductible_vat__lte=models.F("vat_amount"))
                | Q(vat_amount__lt=0),
                name="supplierinvoiceline_deductible_within_vat",
            ),
        ]


class ExpenseCategory(models.TextChoices):
    """What was spent, and the PCG account it is charged to."""

    TRAVEL = "travel", _("Transport (train, avion, taxi)")
    LODGING = "lodging", _("Hébergement")
    MEALS = "meals", _("Repas")
    FUEL = "fuel", _("Carburant")
    TOLLS = "tolls", _("Péages et stationnement")
    SUPPLIES = "supplies", _("Fournitures")
    EQUIPMENT = "equipment", _("Petit équipement")
    TELECOM = "telecom", _("Téléphone et internet")
    POSTAGE = "postage", _("Frais postaux")
    DOCUMENTATION = "documentation", _("Documentation, formation")
    OTHER = "other", _("Autre")


EXPENSE_ACCOUNTS: dict[str, str] = {
    ExpenseCategory.TRAVEL: "625",
    ExpenseCategory.LODGING: "625",
    ExpenseCategory.MEALS: "625",
    ExpenseCategory.FUEL: "6061",
    ExpenseCategory.TOLLS: "625",
    ExpenseCategory.SUPPLIES: "6064",
    ExpenseCategory.EQUIPMENT: "6063",
    ExpenseCategory.TELECOM: "626",
    ExpenseCategory.POSTAGE: "626",
    ExpenseCategory.DOCUMENTATION: "618",
    ExpenseCategory.OTHER: "6063",
}
MILEAGE_ACCOUNT = "625"


class ExpenseReport(TenantModel):
    """One entrepreneur's monthly sheet (note de dépenses)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("À valider")
        VALIDATED = "validated", _("Validée")
        PAID = "paid", _("Remboursée")

    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur",
        on_delete=models.PROTECT,
        related_name="expense_reports",
        verbose_name=_("entrepreneur·e"),
    )
    month = models.DateField(_("mois"))
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    entry = models.ForeignKey(
        "accounting.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment_entry = models.ForeignKey(
        "accounting.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("note de dépenses")
        verbose_name_plural = _("notes de dépenses")
        ordering = ("-month", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "entrepreneur", "month"), name="expensereport_unique_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="expensereport_month_start"),
        ]

    def __str__(self) -> str:
        return f"{self.entrepreneur} · {self.month:%m/%Y}"


class ExpenseLine(TenantModel):
    report = models.ForeignKey(ExpenseReport, on_delete=models.CASCADE, related_name="lines")
    activity = models.ForeignKey(
        "entrepreneurs.Activity", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    category = models.CharField(_("catégorie"), max_length=15, choices=ExpenseCategory.choices)
    label = models.CharField(_("libellé"), max_length=200)
    amount_incl_tax = models.DecimalField(
        _("montant TTC"), validators=[MinValueValidator(Decimal("0.01"))], **AMOUNT
    )
    vat_recoverable = models.DecimalField(_("TVA récupérable"), default=Decimal("0.00"), **AMOUNT)
    receipt = models.FileField(
        _("justificatif"), upload_to=receipt_path, max_length=300, blank=True
    )
    receipt_name = models.CharField(max_length=255, blank=True)
    receipt_type = models.CharField(max_length=100, blank=True)
    receipt_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("dépense")
        verbose_name_plural = _("dépenses")
        ordering = ("date", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_incl_tax__gt=0)
                & Q(vat_recoverable__gte=0)
                & Q(vat_recoverable__lt=models.F("amount_incl_tax")),
                name="expenseline_amounts",
            ),
        ]


class MileageAllowance(TenantModel):
    """Business kilometres driven with a personal vehicle, paid at the official scale
    (barème kilométrique) on the year's cumulative distance."""

    class Vehicle(models.TextChoices):
        CAR = "car", _("Voiture")
        MOTORCYCLE = "motorcycle", _("Moto (> 50 cm³)")
        MOPED = "moped", _("Cyclomoteur (≤ 50 cm³)")

    report = models.ForeignKey(ExpenseReport, on_delete=models.CASCADE, related_name="mileage")
    activity = models.ForeignKey(
        "entrepreneurs.Activity", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    vehicle = models.CharField(_("véhicule"), max_length=12, choices=Vehicle.choices)
    fiscal_power = models.PositiveSmallIntegerField(_("puissance fiscale (CV)"), default=0)
    electric = models.BooleanField(_("électrique"), default=False)
    registration = models.CharField(_("immatriculation"), max_length=20, blank=True)
    purpose = models.CharField(_("motif"), max_length=200)
    route = models.CharField(_("trajet"), max_length=200, blank=True)
    km = models.DecimalField(
        _("kilomètres"),
        max_digits=8,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    # Kilometres of the same vehicle class already claimed this year: the scale's band is chosen
    # on the yearly total, so each claim pays f(before + km) − f(before).
    km_before = models.DecimalField(max_digits=9, decimal_places=1, default=Decimal(0))
    amount = models.DecimalField(_("indemnité"), **AMOUNT)
    scale_reference = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("indemnité kilométrique")
        verbose_name_plural = _("indemnités kilométriques")
        ordering = ("date", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(km__gt=0) & Q(amount__gte=0), name="mileage_positive"
            ),
        ]


class RoutingAddress(TenantModel):
    """An address of the cooperative in the e-invoicing directory: one per activity
    (`SIREN_<suffix>`), and the cooperative's own (no activity) as the fallback."""

    activity = models.OneToOneField(
        "entrepreneurs.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="routing_address",
    )
    address = models.CharField(_("adresse de facturation électronique"), max_length=60)
    registered_at = models.DateTimeField(_("inscrite à l'annuaire le"), null=True, blank=True)

    class Meta:
        verbose_name = _("adresse de réception")
        verbose_name_plural = _("adresses de réception")
        ordering = ("address",)
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "address"), name="routingaddress_unique_address"
            ),
            models.UniqueConstraint(
                fields=("cooperative",),
                condition=Q(activity__isnull=True),
                name="routingaddress_one_fallback",
            ),
        ]

    def __str__(self) -> str:
        return self.address


class LifecycleStatus(TenantModel):
    """A buyer's status sent back to the platform for a received invoice (CDAR codes)."""

    class Code(models.TextChoices):
        TAKEN_OVER = "204", _("Prise en charge")
        APPROVED = "205", _("Approuvée")
        DISPUTED = "207", _("En litige")
        REFUSED = "210", _("Refusée")
        PAYMENT_SENT = "211", _("Paiement transmis")

    invoice = models.ForeignKey(SupplierInvoice, on_delete=models.CASCADE, related_name="lifecycle")
    code = models.CharField(max_length=3, choices=Code.choices)
    reason = models.CharField(max_length=300, blank=True)
    # The reason code sent with a 207 or a 210 (CDAR MDT-113, `purchases.reason_codes`).
    reason_code = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("statut de cycle de vie")
        verbose_name_plural = _("statuts de cycle de vie")
        ordering = ("created_at", "pk")

    @property
    def reason_code_label(self) -> str:
        return reason_code_label(self.reason_code) if self.reason_code else ""


class PaymentBatch(TenantModel):
    """A SEPA credit transfer order (pain.001): one execution date, one reference."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Préparé")
        SENT = "sent", _("Envoyé à la banque")

    reference = models.CharField(_("référence"), max_length=35)
    execution_date = models.DateField(_("date d'exécution"))
    sepa_version = models.CharField(max_length=20)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    total = models.DecimalField(_("total"), **AMOUNT)
    file = models.FileField(upload_to=batch_path, max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lot de virements")
        verbose_name_plural = _("lots de virements")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "reference"), name="paymentbatch_unique_reference"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class Payment(TenantModel):
    """One transfer of a batch: a supplier invoice, an expense report or a payslip's net, one
    item each, and each paid by one batch only (the unique constraints)."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="payments")
    supplier_invoice = models.ForeignKey(
        SupplierInvoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expense_report = models.ForeignKey(
        ExpenseReport, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The net salary of a validated payroll run's payslip.
    payslip = models.ForeignKey(
        "payroll.Payslip", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    creditor_name = models.CharField(max_length=70)
    iban = models.CharField(max_length=34)
    bic = models.CharField(max_length=11, blank=True)
    amount = models.DecimalField(**AMOUNT)
    end_to_end_id = models.CharField(max_length=35)
    description = models.CharField(max_length=140)

    class Meta:
        verbose_name = _("virement")
        verbose_name_plural = _("virements")
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "supplier_invoice"),
                condition=Q(supplier_invoice__isnull=False),
                name="payment_unique_supplier_invoice",
            ),
            models.UniqueConstraint(
                fields=("cooperative", "expense_report"),
                condition=Q(expense_report__isnull=False),
                name="payment_unique_expense_report",
            ),
            models.UniqueConstraint(
                fields=("cooperative", "payslip"),
                condition=Q(payslip__isnull=False),
                name="payment_unique_payslip",
            ),
            models.CheckConstraint(
                condition=Q(
                    supplier_invoice__isnull=True,
                    expense_report__isnull=False,
                    payslip__isnull=True,
                )
                | Q(
                    supplier_invoice__isnull=False,
                    expense_report__isnull=True,
                    payslip__isnull=True,
                )
                | Q(
                    supplier_invoice__isnull=True,
                    expense_report__isnull=True,
                    payslip__isnull=False,
                ),
                name="payment_one_item",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
        ]
