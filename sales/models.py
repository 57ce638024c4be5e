"""Sales: customers, the catalogue, quotes, invoices and credit notes, their lines, payments.

The cooperative invoices under its own name for each entrepreneur's activity. A quote, an
invoice and a credit note share one table (`Document`) and one line table: their amounts are
computed the same way (EN 16931, `sales/totals.py`). What makes an invoice an invoice lives in
the database (`sales/sql/`): the number is assigned by the database at validation from a counter
row per (cooperative, series, year), continuous and chronological; a validated invoice or credit
note and its lines never change and are never deleted.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.models import TenantModel

MONEY = {"max_digits": 14, "decimal_places": 2}
PRICE = {"max_digits": 14, "decimal_places": 4}
QUANTITY = {"max_digits": 12, "decimal_places": 4}
RATE = {"max_digits": 5, "decimal_places": 2}
PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
# Retention guarantee (retenue de garantie, loi 71-584 of 16 July 1971): at most 5 %.
RETENTION_MAX = Decimal(5)
SERIES_RE = r"^[A-Z]{1,4}$"


class OperationCategory(models.TextChoices):
    """Décret 2022-1299: the category of operation printed on every invoice."""

    GOODS = "goods", _("Livraison de biens")
    SERVICES = "services", _("Prestation de services")
    MIXED = "mixed", _("Livraison de biens et prestation de services")


class Unit(models.TextChoices):
    """UN/ECE recommendation 20 codes (EN 16931 BT-130)."""

    UNIT = "C62", _("unité")
    HOUR = "HUR", _("heure")
    DAY = "DAY", _("jour")
    PACKAGE = "XPK", _("forfait")
    KILOGRAM = "KGM", _("kg")
    METRE = "MTR", _("m")
    SQUARE_METRE = "MTK", _("m²")
    LITRE = "LTR", _("litre")


class SalesSettings(TenantModel):
    """The cooperative's invoicing facts that the cooperative table does not hold: the mandatory
    mentions of a seller, the VAT regime, the default terms and the series."""

    legal_form_label = models.CharField(_("forme juridique (telle qu'imprimée)"), max_length=120)
    share_capital = models.CharField(
        _("capital social"),
        max_length=60,
        help_text=_("Tel qu'il s'imprime, par exemple « capital variable » ou « 12 000 € »."),
    )
    rcs = models.CharField(_("RCS (ville)"), max_length=120, help_text=_("« RCS Perpignan »"))
    vat_number = models.CharField(_("numéro de TVA intracommunautaire"), max_length=20)
    email = models.EmailField(_("courriel de facturation"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    vat_on_debits = models.BooleanField(
        _("option pour le paiement de la TVA d'après les débits"),
        default=False,
        help_text=_("Sans l'option, la TVA des services est due à l'encaissement."),
    )
    late_penalty_rate = models.DecimalField(
        _("taux des pénalités de retard (%)"),
        default=Decimal("12.15"),
        validators=PERCENT,
        **RATE,  # type: ignore[arg-type]
    )
    payment_days = models.PositiveSmallIntegerField(
        _("délai de paiement (jours)"), default=30, validators=[MaxValueValidator(60)]
    )
    discount_terms = models.CharField(
        _("conditions d'escompte"),
        max_length=200,
        default="Pas d'escompte pour paiement anticipé.",
    )
    # The e-reporting (flux 10) names the accredited platform that transmits it (scheme 0238).
    platform_registration = models.CharField(
        _("immatriculation de la plateforme agréée"), max_length=20, blank=True
    )
    platform_name = models.CharField(_("nom de la plateforme agréée"), max_length=120, blank=True)
    invoice_series = models.CharField(_("série des factures"), max_length=4, default="F")
    credit_note_series = models.CharField(_("série des avoirs"), max_length=4, default="AV")
    quote_validity_days = models.PositiveSmallIntegerField(
        _("validité des devis (jours)"), default=30
    )
    reminder_days = models.CharField(
        _("relances (jours après l'échéance)"),
        max_length=60,
        default="7,30",
        blank=True,
        help_text=_(
            "Par exemple « 7,30 » : une relance à J+7, puis une mise en demeure à J+30 (la "
            "dernière étape). Vide : pas de relance automatique."
        ),
    )

    class Meta:
        verbose_name = _("réglages de facturation")
        verbose_name_plural = _("réglages de facturation")
        constraints = [
            models.UniqueConstraint(fields=("cooperative",), name="salessettings_one"),
            models.CheckConstraint(
                condition=Q(invoice_series__regex=SERIES_RE, credit_note_series__regex=SERIES_RE),
                name="salessettings_series_format",
            ),
            models.CheckConstraint(
                condition=Q(reminder_days__regex=r"^([0-9]{1,3}(,[0-9]{1,3})*)?$"),
                name="salessettings_reminder_days_format",
            ),
        ]


class Customer(TenantModel):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Entreprise")
        INDIVIDUAL = "individual", _("Particulier")
        PUBLIC = "public", _("Organisme public")

    activity = models.ForeignKey(
        "entrepreneurs.Activity",
        on_delete=models.PROTECT,
        related_name="customers",
        verbose_name=_("activité"),
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("nom ou raison sociale"), max_length=200)
    legal_form = models.CharField(_("forme juridique"), max_length=60, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    vat_number = models.CharField(_("numéro de TVA"), max_length=20, blank=True)
    service_code = models.CharField(_("code service (Chorus Pro)"), max_length=100, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    address_line = models.CharField(_("adresse"), max_length=250)
    address_line2 = models.CharField(_("complément d'adresse"), max_length=250, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10)
    city = models.CharField(_("ville"), max_length=120)
    country = models.CharField(_("pays (ISO)"), max_length=2, default="FR")
    delivery_address_line = models.CharField(_("adresse de livraison"), max_length=250, blank=True)
    delivery_postal_code = models.CharField(
        _("code postal de livraison"), max_length=10, blank=True
    )
    delivery_city = models.CharField(_("ville de livraison"), max_length=120, blank=True)
    # The auxiliary account (411) the customer's invoices post to, created at the first one.
    third_party = models.ForeignKey(
        "accounting.ThirdParty",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                condition=Q(siren="") | Q(siren__regex=r"^[0-9]{9}$"), name="customer_siren"
            ),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siret__regex=r"^[0-9]{14}$"), name="customer_siret"
            ),
            models.CheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"), name="customer_country"
            ),
        ]
        indexes = [
            models.Index(fields=("cooperative", "activity", "name"), name="customer_activity_idx")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_professional(self) -> bool:
        return self.kind != self.Kind.INDIVIDUAL


class Contact(TenantModel):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("nom"), max_length=150)
    role = models.CharField(_("fonction"), max_length=100, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ("name",)


class Product(TenantModel):
    class Kind(models.TextChoices):
        SERVICE = "service", _("Service")
        GOODS = "goods", _("Bien")

    activity = models.ForeignKey(
        "entrepreneurs.Activity",
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("activité"),
    )
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    label = models.CharField(_("libellé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unité"), max_length=3, choices=Unit.choices, default=Unit.UNIT)
    unit_price = models.DecimalField(_("prix unitaire HT"), **PRICE)  # type: ignore[arg-type]
    vat_rate = models.DecimalField(
        _("taux de TVA (%)"),
        default=Decimal("20.00"),
        validators=PERCENT,
        **RATE,  # type: ignore[arg-type]
    )
    revenue_account = models.CharField(
        _("compte de produit"), max_length=20, blank=True, help_text=_("Vide : 706 ou 707.")
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("produit ou service")
        verbose_name_plural = _("catalogue")
        ordering = ("label",)
        constraints = [
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="product_price_positive"),
        ]
        indexes = [
            models.Index(fields=("cooperative", "activity", "label"), name="product_activity_idx")
        ]

    def __str__(self) -> str:
        return self.label


class InvoiceCounter(TenantModel):
    """The last number given in one series and year, and the date of that invoice. Written only
    by the numbering trigger, whose row lock serialises validations of the series."""

    series = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)
    last_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "series", "year"), name="invoicecounter_unique"
            )
        ]


class Document(TenantModel):
    class Kind(models.TextChoices):
        QUOTE = "quote", _("Devis")
        INVOICE = "invoice", _("Facture")
        CREDIT_NOTE = "credit_note", _("Avoir")

    class InvoiceKind(models.TextChoices):
        """UNTDID 1001 document type codes (EN 16931 BT-3)."""

        STANDARD = "380", _("Facture")
        DEPOSIT = "386", _("Facture d'acompte")
        CREDIT_NOTE = "381", _("Avoir")
        QUOTE = "310", _("Devis")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        # Waiting for support staff: the activity does not validate its own documents, or this
        # one is above its cap. Still unnumbered; its lines no longer change.
        PENDING = "pending", _("À valider")
        VALIDATED = "validated", _("Validée")
        SENT = "sent", _("Envoyé")
        ACCEPTED = "accepted", _("Accepté")
        REFUSED = "refused", _("Refusé")
        EXPIRED = "expired", _("Expiré")

    activity = models.ForeignKey(
        "entrepreneurs.Activity",
        on_delete=models.PROTECT,
        related_name="sales_documents",
        verbose_name=_("activité"),
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="documents", verbose_name=_("client")
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    type_code = models.CharField(
        _("code de type"), max_length=3, choices=InvoiceKind.choices, default="380"
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Given by the database at validation (invoices, credit notes) or creation (quotes).
    series = models.CharField(_("série"), max_length=4, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField(_("numéro"), max_length=30, blank=True)
    title = models.CharField(_("objet"), max_length=200, blank=True)
    issue_date = models.DateField(_("date"), null=True, blank=True)
    delivery_date = models.DateField(_("date de livraison ou d'exécution"), null=True, blank=True)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    validity_date = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    category = models.CharField(
        _("catégorie d'opération"),
        max_length=10,
        choices=OperationCategory.choices,
        default=OperationCategory.SERVICES,
    )
    # Frozen at validation: VAT due on receipts (services, no debit option) posts to 44574.
    vat_on_receipts = models.BooleanField(default=True)
    reverse_charge = models.BooleanField(
        _("autoliquidation (sous-traitance du bâtiment)"), default=False
    )
    vat_exemption = models.CharField(_("mention d'exonération de TVA"), max_length=200, blank=True)
    discount_percent = models.DecimalField(
        _("remise globale (%)"),
        default=Decimal(0),
        validators=PERCENT,
        **RATE,  # type: ignore[arg-type]
    )
    payment_terms = models.CharField(_("conditions de paiement"), max_length=300, blank=True)
    discount_terms = models.CharField(_("conditions d'escompte"), max_length=200, blank=True)
    late_penalty_rate = models.DecimalField(
        _("taux des pénalités de retard (%)"),
        null=True,
        blank=True,
        **RATE,  # type: ignore[arg-type]
    )
    fixed_indemnity = models.BooleanField(
        _("indemnité forfaitaire de 40 € pour frais de recouvrement"), default=False
    )
    buyer_reference = models.CharField(_("référence de commande"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Links between documents: an invoice from a quote (a balance invoice deducts the quote's
    # validated deposit invoices), a credit note citing its invoice.
    quote = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("devis"),
    )
    credited_invoice = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("facture rectifiée"),
    )
    # A progress invoice (situation de travaux) of its quote: the quote's cumulative progress
    # it brings the billing to, in percent.
    progress_percent = models.DecimalField(
        _("avancement cumulé (%)"),
        null=True,
        blank=True,
        validators=PERCENT,
        **RATE,  # type: ignore[arg-type]
    )
    # Retention guarantee (building works, loi 71-584): the rate set on the quote, withheld by
    # each of its situations on their amount including VAT. The withheld part goes to 4117, not
    # 411, and the customer owes it only once released (`RetentionRelease`).
    retention_percent = models.DecimalField(
        _("retenue de garantie (%)"),
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(RETENTION_MAX)],
        **RATE,  # type: ignore[arg-type]
    )
    retention_amount = models.DecimalField(default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    # A credit note on a situation whose retention is still withheld takes back part of it: the
    # retention's share of what it credits (or, with `credits_retention`, all of it: the customer
    # keeps the retention, e.g. for reserves not lifted), credited to 4117 instead of 411. Set at
    # validation; the release then only releases what is left.
    credits_retention = models.BooleanField(_("avoir sur la retenue de garantie"), default=False)
    retention_credited = models.DecimalField(default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    # Totals (EN 16931 BT-106…BT-115), computed by the services on every change of a draft.
    lines_total = models.DecimalField(default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    allowance_total = models.DecimalField(default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    total_without_vat = models.DecimalField(default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    vat_total = models.DecimalField(default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    total_with_vat = models.DecimalField(default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    prepaid_total = models.DecimalField(default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    amount_due = models.DecimalField(default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    # The sales entry posted at validation.
    entry = models.ForeignKey(
        "accounting.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    submitted_at = models.DateTimeField(_("soumis à validation le"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_note = models.CharField(_("motif du renvoi"), max_length=300, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    lines: models.Manager[DocumentLine]

    class Meta:
        verbose_name = _("document de vente")
        verbose_name_plural = _("documents de vente")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "series", "year", "sequence"),
                condition=Q(sequence__isnull=False),
                name="document_unique_sequence",
            ),
            models.UniqueConstraint(
                fields=("cooperative", "number"),
                condition=~Q(number=""),
                name="document_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind="quote",
                    status__in=["draft", "pending", "sent", "accepted", "refused", "expired"],
                )
                | Q(
                    kind__in=["invoice", "credit_note"],
                    status__in=["draft", "pending", "validated"],
                ),
                name="document_status_of_kind",
            ),
            models.CheckConstraint(
                condition=~Q(status="validated")
                | Q(
                    sequence__isnull=False,
                    issue_date__isnull=False,
                    validated_at__isnull=False,
                    entry__isnull=False,
                ),
                name="document_validated_complete",
            ),
            models.CheckConstraint(
                condition=Q(kind="credit_note") | Q(credited_invoice__isnull=True),
                name="document_only_credit_notes_cite",
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__isnull=True)
                | Q(
                    kind="invoice",
                    quote__isnull=False,
                    progress_percent__gt=0,
                    progress_percent__lte=100,
                ),
                name="document_progress_of_a_quote",
            ),
            models.CheckConstraint(
                condition=Q(retention_percent__gte=0, retention_percent__lte=RETENTION_MAX),
                name="document_retention_rate",
            ),
            models.CheckConstraint(
                condition=Q(retention_amount=0)
                | Q(
                    progress_percent__isnull=False,
                    retention_amount__gt=0,
                    retention_amount__lte=F("amount_due"),
                ),
                name="document_retention_of_situations",
            ),
            models.CheckConstraint(
                condition=Q(retention_credited=0, credits_retention=False)
                | Q(
                    kind="credit_note",
                    retention_credited__gte=0,
                    retention_credited__lte=F("total_with_vat"),
                ),
                name="document_retention_credited_by_credit_notes",
            ),
            models.CheckConstraint(
                condition=Q(total_with_vat=F("total_without_vat") + F("vat_total")),
                name="document_total_with_vat",
            ),
            models.CheckConstraint(
                condition=Q(amount_due=F("total_with_vat") - F("prepaid_total")),
                name="document_amount_due",
            ),
        ]
        indexes = [
            models.Index(
                fields=("cooperative", "activity", "kind", "-created_at"),
                name="document_activity_idx",
            ),
            models.Index(fields=("cooperative", "kind", "-created_at"), name="document_kind_idx"),
            models.Index(fields=("cooperative", "customer"), name="document_customer_idx"),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.get_kind_display()} ({_('brouillon')})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_invoice_like(self) -> bool:
        return self.kind in (self.Kind.INVOICE, self.Kind.CREDIT_NOTE)

    @property
    def is_numbered(self) -> bool:
        return self.status not in (self.Status.DRAFT, self.Status.PENDING)

    @property
    def retention_released(self) -> Decimal:
        """What the release of the retention moved back to 411 (nothing before it)."""
        if not self.retention_amount or not hasattr(self, "retention_release"):
            return Decimal("0.00")
        return self.retention_release.amount

    def owed(self, *, paid: Decimal, credited_to_receivable: Decimal) -> Decimal:
        """The invoice's balance on 411: its amount due less the retention withheld on 4117,
        plus what the release moved back, less payments and what credit notes credited to 411
        (their total less the part they took back of the retention)."""
        return (
            self.amount_due
            - self.retention_amount
            + self.retention_released
            - paid
            - credited_to_receivable
        )

    @property
    def net_to_pay(self) -> Decimal:
        """The amount due (BT-115) less the retention withheld."""
        return self.amount_due - self.retention_amount


class DocumentLine(TenantModel):
    class Kind(models.TextChoices):
        ITEM = "item", _("Ligne")
        SECTION = "section", _("Titre de section")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.ITEM)
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    label = models.CharField(_("désignation"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    quantity = models.DecimalField(
        _("quantité"),
        default=Decimal(1),
        **QUANTITY,  # type: ignore[arg-type]
    )
    unit = models.CharField(_("unité"), max_length=3, choices=Unit.choices, default=Unit.UNIT)
    unit_price = models.DecimalField(
        _("prix unitaire HT"),
        default=Decimal(0),
        **PRICE,  # type: ignore[arg-type]
    )
    discount_percent = models.DecimalField(
        _("remise (%)"),
        default=Decimal(0),
        validators=PERCENT,
        **RATE,  # type: ignore[arg-type]
    )
    vat_rate = models.DecimalField(
        _("TVA (%)"),
        default=Decimal("20.00"),
        validators=PERCENT,
        **RATE,  # type: ignore[arg-type]
    )
    account = models.CharField(_("compte"), max_length=20, blank=True)
    # BT-131: quantity × price, less the line's discount, rounded to the cent.
    net_amount = models.DecimalField(default=Decimal(0), **MONEY)  # type: ignore[arg-type]

    class Meta:
        verbose_name = _("ligne")
        verbose_name_plural = _("lignes")
        ordering = ("document", "position")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "document", "position"), name="documentline_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100)
                & Q(vat_rate__gte=0, vat_rate__lte=100),
                name="documentline_rates",
            ),
        ]


class Payment(TenantModel):
    class Method(models.TextChoices):
        TRANSFER = "transfer", _("Virement")
        CHEQUE = "cheque", _("Chèque")
        CARD = "card", _("Carte")
        CASH = "cash", _("Espèces")

    invoice = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="payments", verbose_name=_("facture")
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("montant"), **MONEY)  # type: ignore[arg-type]
    method = models.CharField(_("mode"), max_length=10, choices=Method.choices)
    reference = models.CharField(_("référence"), max_length=100, blank=True)
    # VAT moved from pending (44574) to collected (44571) by this payment.
    vat_released = models.DecimalField(default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    entry = models.ForeignKey(
        "accounting.Entry", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("encaissement")
        verbose_name_plural = _("encaissements")
        ordering = ("date", "pk")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]


def document_pdf_path(instance: DocumentFile, filename: str) -> str:
    """Under the cooperative's folder, with a name nobody can guess from the document's id."""
    from django.utils.crypto import salted_hmac

    digest = salted_hmac("sales.document-pdf", str(instance.document_id)).hexdigest()[:32]
    return f"cooperatives/{instance.cooperative_id}/sales/{digest}.pdf"


class DocumentFile(TenantModel):
    """The PDF (Factur-X for invoices and credit notes) of a document, rendered by a worker."""

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="file")
    pdf = models.FileField(upload_to=document_pdf_path, max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("fichier de document")
        verbose_name_plural = _("fichiers de documents")


class QuoteAcceptance(TenantModel):
    """The customer's "bon pour accord" given through the signed link: who, when, from where,
    and the SHA-256 of the quote's PDF they were shown."""

    quote = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="acceptance")
    accepted = models.BooleanField(_("accepté"))
    name = models.CharField(_("nom du signataire"), max_length=150)
    answered_at = models.DateTimeField(_("date et heure"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    pdf_sha256 = models.CharField(_("empreinte du PDF"), max_length=64)

    class Meta:
        verbose_name = _("réponse à un devis")
        verbose_name_plural = _("réponses aux devis")


class ValidationRule(TenantModel):
    """Whether an activity's entrepreneurs validate their own invoices and send their own quotes,
    and up to which amount (excluding VAT). Without a rule, they do, whatever the amount."""

    activity = models.OneToOneField(
        "entrepreneurs.Activity",
        on_delete=models.CASCADE,
        related_name="sales_validation_rule",
        verbose_name=_("activité"),
    )
    self_validation = models.BooleanField(
        _("autovalidation"),
        default=True,
        help_text=_("Décoché : chaque devis et chaque facture passe par l'équipe d'appui."),
    )
    amount_cap = models.DecimalField(
        _("plafond d'autovalidation (€ HT)"),
        null=True,
        blank=True,
        help_text=_("Vide : sans plafond. Au-dessus, le document passe par l'équipe d'appui."),
        **MONEY,  # type: ignore[arg-type]
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("règle de validation")
        verbose_name_plural = _("règles de validation")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cap__isnull=True) | Q(amount_cap__gte=0),
                name="validationrule_cap_positive",
            ),
        ]


# --- E-invoicing through the cooperative's accredited platform (PA) ---------------------------


class LifecycleCode(models.TextChoices):
    """The reform's lifecycle statuses (XP Z12-012); 200, 213 (the platform), 210 (the buyer)
    and 212 (the seller) are mandatory, the others optional between platforms."""

    DEPOSITED = "200", _("Déposée")
    ISSUED = "201", _("Émise par la plateforme")
    RECEIVED = "202", _("Reçue par la plateforme")
    MADE_AVAILABLE = "203", _("Mise à disposition")
    TAKEN_IN_CHARGE = "204", _("Prise en charge")
    APPROVED = "205", _("Approuvée")
    PARTLY_APPROVED = "206", _("Approuvée partiellement")
    DISPUTED = "207", _("En litige")
    SUSPENDED = "208", _("Suspendue")
    COMPLETED = "209", _("Complétée")
    REFUSED = "210", _("Refusée")
    PAYMENT_SENT = "211", _("Paiement transmis")
    CASHED = "212", _("Encaissée")
    REJECTED = "213", _("Rejetée")


class EInvoiceSubmission(TenantModel):
    """An invoice or credit note handed to the customer's platform through the cooperative's:
    the platform's flow id, found again by our `trackingId` (the document's id)."""

    document = models.OneToOneField(
        Document, on_delete=models.PROTECT, related_name="einvoice_submission"
    )
    flow_id = models.CharField(_("identifiant du flux"), max_length=100)
    processing_rule = models.CharField(_("règle de traitement"), max_length=20, default="B2B")
    sha256 = models.CharField(max_length=64)
    submitted_at = models.DateTimeField(_("transmise le"), default=timezone.now)

    class Meta:
        verbose_name = _("transmission à la plateforme")
        verbose_name_plural = _("transmissions à la plateforme")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "flow_id"), name="einvoicesubmission_unique_flow"
            ),
        ]


class DocumentEmail(TenantModel):
    """One e-mail of a document to its customer, with the PDF attached: the sending of a quote
    or an invoice, or a payment reminder (`step`: days past the due date). Sent by a worker; a
    failed one shows its error and is sent again on request."""

    class Kind(models.TextChoices):
        SEND = "send", _("Envoi")
        REMINDER = "reminder", _("Relance")

    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échec")
        # A reminder whose invoice was settled before the worker sent it.
        CANCELLED = "cancelled", _("Annulé")

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="emails", verbose_name=_("document")
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.SEND)
    step = models.PositiveSmallIntegerField(_("étape de relance (jours)"), null=True, blank=True)
    recipient = models.EmailField(_("destinataire"))
    subject = models.CharField(_("objet"), max_length=200)
    message = models.TextField(_("message"), blank=True)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PENDING)
    error = models.CharField(_("erreur"), max_length=300, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    requested_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("envoi par e-mail")
        verbose_name_plural = _("envois par e-mail")
        ordering = ("requested_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="send", step__isnull=True)
                | Q(kind="reminder", step__isnull=False),
                name="documentemail_step_of_kind",
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False),
                name="documentemail_sent_at",
            ),
            # One reminder per invoice and step, whatever runs twice.
            models.UniqueConstraint(
                fields=("cooperative", "document", "step"),
                condition=Q(kind="reminder"),
                name="documentemail_one_reminder_per_step",
            ),
        ]
        indexes = [
            models.Index(fields=("cooperative", "document"), name="documentemail_document_idx")
        ]


class SectorSeries(TenantModel):
    """A sector's own numbering series for invoices and credit notes (the cooperative's
    otherwise): each series is its own continuous sequence per year."""

    sector = models.OneToOneField(
        "entrepreneurs.Sector",
        on_delete=models.CASCADE,
        related_name="sales_series",
        verbose_name=_("pôle"),
    )
    invoice_series = models.CharField(_("série des factures"), max_length=4)
    credit_note_series = models.CharField(_("série des avoirs"), max_length=4)

    class Meta:
        verbose_name = _("série de numérotation d'un pôle")
        verbose_name_plural = _("séries de numérotation des pôles")
        constraints = [
            models.CheckConstraint(
                condition=Q(invoice_series__regex=SERIES_RE, credit_note_series__regex=SERIES_RE)
                & ~Q(invoice_series="DE")
                & ~Q(credit_note_series="DE"),
                name="sectorseries_format",
            ),
        ]


class LifecycleStatus(TenantModel):
    """One step of an issued invoice's life at the platforms: received from the platform
    (deposited, rejected, refused by the buyer…) or sent by the cooperative (212, once per
    payment, `sent_at` empty until the platform took it)."""

    class Origin(models.TextChoices):
        PLATFORM = "platform", _("Plateforme")
        COOPERATIVE = "cooperative", _("Coopérative")

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="lifecycle_statuses"
    )
    # Choices name the known codes; another code a platform sends is kept as it comes.
    code = models.CharField(_("statut"), max_length=3, choices=LifecycleCode.choices)
    origin = models.CharField(_("émis par"), max_length=12, choices=Origin.choices)
    reason = models.TextField(_("motif"), blank=True)
    amount = models.DecimalField(_("montant"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    flow_id = models.CharField(max_length=100, blank=True)
    occurred_at = models.DateTimeField(_("date"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("statut de cycle de vie")
        verbose_name_plural = _("statuts de cycle de vie")
        ordering = ("occurred_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "flow_id"),
                condition=~Q(flow_id=""),
                name="lifecyclestatus_unique_flow",
            ),
            models.UniqueConstraint(
                fields=("cooperative", "payment", "code"),
                condition=Q(payment__isnull=False),
                name="lifecyclestatus_once_per_payment",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="lifecyclestatus_amount_positive",
            ),
        ]
        indexes = [models.Index(fields=("cooperative", "document"), name="lifecycle_document")]


class LifecycleCursor(TenantModel):
    """Where the search for the statuses of issued invoices resumes: the `updatedAt` of the
    last `CustomerInvoiceLC` flow handled."""

    updated_after = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("cooperative",), name="lifecyclecursor_one"),
        ]


class UnmatchedLifecycleStatus(TenantModel):
    """A status the platform sent that names no invoice of the cooperative for sure: kept with
    what it said of the invoice and why it matched none, never attached to a guess."""

    flow_id = models.CharField(max_length=100)
    code = models.CharField(_("statut"), max_length=3)
    invoice_number = models.CharField(_("numéro de facture"), max_length=100, blank=True)
    invoice_flow_id = models.CharField(max_length=100, blank=True)
    tracking_id = models.CharField(max_length=36, blank=True)
    issue_date = models.DateField(_("date de facture"), null=True, blank=True)
    seller_siren = models.CharField(_("SIREN du vendeur"), max_length=9, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    why = models.TextField(_("pourquoi non rattaché"))
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now)

    class Meta:
        verbose_name = _("statut non rattaché")
        verbose_name_plural = _("statuts non rattachés")
        ordering = ("received_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "flow_id"), name="unmatchedlifecyclestatus_unique_flow"
            ),
        ]

    @property
    def code_label(self) -> str:
        """The status's name when the code is one of the reform's, else the code itself."""
        if self.code in LifecycleCode.values:
            return str(LifecycleCode(self.code).label)
        return self.code


class EReport(TenantModel):
    """An e-reporting report (flux 10) handed to the platform: what it covers, the platform's
    flow id and the file's sha256. One per kind and period."""

    class Kind(models.TextChoices):
        TRANSACTIONS = "transactions", _("Transactions B2C (10.3)")
        PAYMENTS = "payments", _("Encaissements B2C (10.4)")

    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"))
    flow_id = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    submitted_at = models.DateTimeField(_("transmis le"), default=timezone.now)

    class Meta:
        verbose_name = _("rapport d'e-reporting")
        verbose_name_plural = _("rapports d'e-reporting")
        ordering = ("-start", "kind")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "kind", "start"), name="ereport_once_per_period"
            ),
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="ereport_period"),
        ]


class RetentionRelease(TenantModel):
    """The release of a situation's retention guarantee, one year after the acceptance of the
    works (or earlier, by a manager): its entry moves the amount from 4117 to 411, where the
    customer owes it like any receivable."""

    invoice = models.OneToOneField(
        Document,
        on_delete=models.PROTECT,
        related_name="retention_release",
        verbose_name=_("facture"),
    )
    works_accepted_on = models.DateField(_("date de réception des travaux"))
    date = models.DateField(_("date de libération"))
    amount = models.DecimalField(_("montant"), **MONEY)  # type: ignore[arg-type]
    entry = models.ForeignKey(
        "accounting.Entry", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("libération de retenue de garantie")
        verbose_name_plural = _("libérations de retenues de garantie")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="retentionrelease_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(date__gte=F("works_accepted_on")),
                name="retentionrelease_after_acceptance",
            ),
        ]


# --- Branding of an activity's documents ------------------------------------------------------

ACCENT_RE = r"^#[0-9A-F]{6}$"


def branding_logo_path(instance: ActivityBranding, filename: str) -> str:
    """Under the cooperative's folder, with a name nobody can guess from the activity's id."""
    from django.utils.crypto import get_random_string

    extension = ".png" if filename.lower().endswith(".png") else ".jpg"
    return (
        f"cooperatives/{instance.cooperative_id}/sales/branding/{get_random_string(32)}{extension}"
    )


class ActivityBranding(TenantModel):
    """What an activity's PDF documents look like: a logo, an accent colour, a footer line.
    Without a row, the documents look as the cooperative's plain ones."""

    activity = models.OneToOneField(
        "entrepreneurs.Activity",
        on_delete=models.CASCADE,
        related_name="sales_branding",
        verbose_name=_("activité"),
    )
    logo = models.FileField(_("logo"), upload_to=branding_logo_path, max_length=300, blank=True)
    logo_content_type = models.CharField(max_length=20, blank=True)
    accent_color = models.CharField(_("couleur d'accent"), max_length=7, blank=True)
    footer = models.CharField(_("pied de page"), max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("charte graphique")
        verbose_name_plural = _("chartes graphiques")
        constraints = [
            models.CheckConstraint(
                condition=Q(accent_color="") | Q(accent_color__regex=ACCENT_RE),
                name="activitybranding_accent_hex",
            ),
        ]

    @property
    def accent_text_color(self) -> str:
        """White on a dark accent, black on a light one: whichever contrasts more, which is
        always at least 4.58:1 (WCAG AA for normal text asks 4.5:1)."""
        return accent_text_color(self.accent_color)


def _luminance(hex_color: str) -> float:
    channels = []
    for start in (1, 3, 5):
        value = int(hex_color[start : start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio between two #RRGGBB colours."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def accent_text_color(accent: str) -> str:
    if not accent:
        return ""
    white, dark = "#FFFFFF", "#000000"
    return white if contrast_ratio(accent, white) >= contrast_ratio(accent, dark) else dark
