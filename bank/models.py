"""The cooperative's bank accounts, the statements imported from the bank's files and their
lines, and what reconciles each line with the ledger.

A bank line is the bank's own record of a movement: it is never edited after import. Its
`fingerprint` is what makes a re-import of an overlapping file add nothing twice: the bank's
transaction id when the file has one, else a hash of the line's content and its rank among
identical lines of the same day (bank/importers/base.py); the database refuses a second line
with the same fingerprint on the same account.
"""

from __future__ import annotations

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.models import TenantModel

AMOUNT = {"max_digits": 14, "decimal_places": 2}
BALANCE = {"max_digits": 18, "decimal_places": 2}


class BankAccount(TenantModel):
    """A bank account of the cooperative, posted on its own 512x account through a bank journal.
    One is the default; others may be dedicated to one activity (its movements then belong to
    that activity's section unless a reconciliation says otherwise)."""

    name = models.CharField(_("nom"), max_length=100)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    account = models.ForeignKey(
        "accounting.Account",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("compte de banque (512)"),
    )
    journal = models.ForeignKey(
        "accounting.Journal",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("journal de banque"),
    )
    is_default = models.BooleanField(_("compte principal"), default=False)
    activity = models.ForeignKey(
        "entrepreneurs.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activité dédiée"),
        help_text=_("Vide : le compte de la coopérative, commun à toutes les activités."),
    )
    # The column mapping of this bank's CSV exports (bank/importers/csvfile.py, CsvMapping).
    csv_mapping = models.JSONField(_("format CSV de la banque"), default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("compte bancaire")
        verbose_name_plural = _("comptes bancaires")
        ordering = ("-is_default", "name", "pk")
        constraints = [
            models.UniqueConstraint(fields=("cooperative", "iban"), name="bankaccount_unique_iban"),
            models.UniqueConstraint(
                fields=("cooperative", "account"), name="bankaccount_unique_ledger_account"
            ),
            models.UniqueConstraint(
                fields=("cooperative",),
                condition=Q(is_default=True),
                name="bankaccount_one_default",
            ),
            models.CheckConstraint(
                condition=Q(iban__regex=r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$"),
                name="bankaccount_iban_compact",
            ),
            models.CheckConstraint(
                condition=Q(bic="") | Q(bic__regex=r"^[A-Z0-9]{8}([A-Z0-9]{3})?$"),
                name="bankaccount_bic_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.iban_display})"

    @property
    def iban_display(self) -> str:
        return " ".join(self.iban[i : i + 4] for i in range(0, len(self.iban), 4))


def statement_file_path(instance: Statement, filename: str) -> str:
    """Under the cooperative's own folder; a random name, so a path reveals nothing."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return (
        f"cooperatives/{instance.cooperative_id}/bank/statements/"
        f"{instance.bank_account_id}-{secrets.token_hex(16)}{suffix}"
    )


class Statement(TenantModel):
    """One imported statement: the file as received, its period and the bank's balances. Its
    opening balance plus its movements equal its closing balance, and it follows on from the
    previous statement of the account (checked at import)."""

    class Format(models.TextChoices):
        CAMT053 = "camt053", _("ISO 20022 camt.053")
        OFX = "ofx", _("OFX")
        CFONB120 = "cfonb120", _("CFONB 120")
        CSV = "csv", _("CSV")

    class State(models.TextChoices):
        OPEN = "open", _("À rapprocher")
        RECONCILED = "reconciled", _("Rapproché")

    bank_account = models.ForeignKey(
        BankAccount, on_delete=models.PROTECT, related_name="statements"
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    file = models.FileField(_("fichier"), upload_to=statement_file_path, max_length=300)
    file_name = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    file_sha256 = models.CharField(max_length=64)
    bank_reference = models.CharField(_("référence du relevé"), max_length=100, blank=True)
    start_date = models.DateField(_("du"))
    end_date = models.DateField(_("au"))
    opening_balance = models.DecimalField(_("solde initial"), **BALANCE)  # type: ignore[arg-type]
    closing_balance = models.DecimalField(_("solde final"), **BALANCE)  # type: ignore[arg-type]
    line_count = models.PositiveIntegerField(_("lignes ajoutées"), default=0)
    duplicate_count = models.PositiveIntegerField(_("lignes déjà connues"), default=0)
    state = models.CharField(_("état"), max_length=12, choices=State.choices, default=State.OPEN)
    imported_at = models.DateTimeField(_("importé le"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("relevé")
        verbose_name_plural = _("relevés")
        ordering = ("-end_date", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="statement_end_after_start"
            ),
        ]
        indexes = [
            models.Index(
                fields=("cooperative", "bank_account", "end_date"), name="statement_account_end_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank_account.name} {self.start_date:%d/%m/%Y} → {self.end_date:%d/%m/%Y}"


class BankLine(TenantModel):
    """A movement as the bank reported it: signed amount (credit to the account > 0)."""

    class State(models.TextChoices):
        OPEN = "open", _("À rapprocher")
        RECONCILED = "reconciled", _("Rapprochée")

    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="lines")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="lines")
    booking_date = models.DateField(_("date d'opération"))
    value_date = models.DateField(_("date de valeur"), null=True, blank=True)
    amount = models.DecimalField(_("montant"), **AMOUNT)  # type: ignore[arg-type]
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    counterparty = models.CharField(_("contrepartie"), max_length=140, blank=True)
    counterparty_iban = models.CharField(_("IBAN de la contrepartie"), max_length=34, blank=True)
    label = models.CharField(_("libellé"), max_length=500, blank=True)
    reference = models.CharField(_("référence"), max_length=140, blank=True)
    bank_transaction_id = models.CharField(_("identifiant bancaire"), max_length=100, blank=True)
    bank_code = models.CharField(_("code opération"), max_length=40, blank=True)
    fingerprint = models.CharField(max_length=64)
    # A batch booked as one movement keeps its transactions: [{"amount": "…", "counterparty":
    # "…", "reference": "…", "label": "…"}, …].
    details = models.JSONField(_("détail du lot"), default=list, blank=True)
    state = models.CharField(_("état"), max_length=12, choices=State.choices, default=State.OPEN)

    class Meta:
        verbose_name = _("ligne de relevé")
        verbose_name_plural = _("lignes de relevé")
        ordering = ("booking_date", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "bank_account", "fingerprint"),
                name="bankline_unique_fingerprint",
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="bankline_amount_not_zero"),
        ]
        indexes = [
            models.Index(
                fields=("cooperative", "bank_account", "booking_date"),
                name="bankline_account_date_idx",
            ),
            models.Index(
                fields=("cooperative", "bank_account", "amount"),
                condition=Q(state="open"),
                name="bankline_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking_date:%d/%m/%Y} {self.amount} {self.label[:40]}"

    @property
    def is_batch(self) -> bool:
        return len(self.details) > 1


class Reconciliation(TenantModel):
    """A bank line confirmed against the ledger: the bank entry posted for it (512 against the
    items it settles or the accounts it was split on) and the lettering codes it set. Undoing
    it reverses the entry and clears the lettering; the row stays, dated, as history.

    A payment the ledger already holds (a SEPA batch marked sent, salaries marked paid) is not
    posted twice: its 512 lines are pointed (PointedLine) and no entry is posted, unless they
    sit on another 512 than the bank account's, which an entry then transfers."""

    bank_line = models.ForeignKey(
        BankLine, on_delete=models.PROTECT, related_name="reconciliations"
    )
    entry = models.ForeignKey(
        "accounting.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    # [[account id, lettering code], …]
    letterings = models.JSONField(default=list, blank=True)
    # VAT on receipts released by the entry: [[411 item line id, "amount"], …]
    vat_released = models.JSONField(default=list, blank=True)
    rule = models.ForeignKey(
        "ReconciliationRule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reconciliations",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    reversal = models.ForeignKey(
        "accounting.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("rapprochement")
        verbose_name_plural = _("rapprochements")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "bank_line"),
                condition=Q(undone_at__isnull=True),
                name="reconciliation_one_active_per_line",
            ),
            models.CheckConstraint(
                condition=Q(undone_at__isnull=True, reversal__isnull=True)
                | Q(undone_at__isnull=False, reversal__isnull=False)
                | Q(undone_at__isnull=False, entry__isnull=True, reversal__isnull=True),
                name="reconciliation_undone_has_reversal",
            ),
        ]


class PointedLine(TenantModel):
    """A 512 line of the ledger that a bank line accounts for: a payment posted before the bank
    reported it. Pointed once at a time; undoing the reconciliation frees it (the row stays)."""

    reconciliation = models.ForeignKey(
        Reconciliation, on_delete=models.PROTECT, related_name="pointed_lines"
    )
    entry_line = models.ForeignKey(
        "accounting.EntryLine", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    amount = models.DecimalField(_("montant"), **AMOUNT)  # type: ignore[arg-type]
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("ligne pointée")
        verbose_name_plural = _("lignes pointées")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "entry_line"),
                condition=Q(is_active=True),
                name="pointedline_once",
            ),
        ]


class ReconciliationRule(TenantModel):
    """A rule the cooperative writes: "label contains FRAIS CB → 627". Applied to new lines
    at import when `auto_apply`, otherwise offered as a suggestion."""

    class Direction(models.TextChoices):
        ANY = "any", _("Débits et crédits")
        DEBIT = "debit", _("Débits (sorties)")
        CREDIT = "credit", _("Crédits (entrées)")

    name = models.CharField(_("nom"), max_length=100)
    label_contains = models.CharField(
        _("le libellé contient"),
        max_length=100,
        help_text=_(
            "Sans distinction de casse ; cherché dans le libellé, la contrepartie et la référence."
        ),
    )
    direction = models.CharField(
        _("sens"), max_length=6, choices=Direction.choices, default=Direction.ANY
    )
    account = models.ForeignKey(
        "accounting.Account",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("compte de contrepartie"),
    )
    activity = models.ForeignKey(
        "entrepreneurs.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activité"),
        help_text=_("Vide : l'activité du compte bancaire dédié, sinon la structure."),
    )
    auto_apply = models.BooleanField(_("appliquer à l'import"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("règle de rapprochement")
        verbose_name_plural = _("règles de rapprochement")
        ordering = ("name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "name"), name="reconciliationrule_unique_name"
            ),
            models.CheckConstraint(
                condition=~Q(label_contains=""), name="reconciliationrule_pattern"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def matches(self, line: BankLine) -> bool:
        if self.direction == self.Direction.DEBIT and line.amount > 0:
            return False
        if self.direction == self.Direction.CREDIT and line.amount < 0:
            return False
        text = f"{line.label} {line.counterparty} {line.reference}".upper()
        return self.label_contains.upper() in text


class EntryTemplate(TenantModel):
    """A recurring entry by hand (rent split between activities, insurance): its lines carry
    either a fixed amount or a share (percent) of a total typed when the entry is made."""

    name = models.CharField(_("nom"), max_length=100)
    journal = models.ForeignKey(
        "accounting.Journal", on_delete=models.PROTECT, related_name="+", verbose_name=_("journal")
    )
    label = models.CharField(_("libellé"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("modèle d'écriture")
        verbose_name_plural = _("modèles d'écriture")
        ordering = ("name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "name"), name="entrytemplate_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def uses_shares(self) -> bool:
        return any(line.share is not None for line in self.lines.all())


class EntryTemplateLine(TenantModel):
    """One line of a template: debit or credit, a fixed `amount` or a `share` of the total."""

    class Side(models.TextChoices):
        DEBIT = "debit", _("Débit")
        CREDIT = "credit", _("Crédit")

    template = models.ForeignKey(EntryTemplate, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveSmallIntegerField()
    account = models.CharField(_("compte"), max_length=20)
    activity = models.ForeignKey(
        "entrepreneurs.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activité"),
    )
    third_party = models.CharField(_("tiers"), max_length=17, blank=True)
    side = models.CharField(_("sens"), max_length=6, choices=Side.choices)
    amount = models.DecimalField(_("montant"), null=True, blank=True, **AMOUNT)  # type: ignore[arg-type]
    share = models.DecimalField(
        _("part (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    label = models.CharField(_("libellé"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ligne de modèle d'écriture")
        verbose_name_plural = _("lignes de modèle d'écriture")
        ordering = ("template", "line_no")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "template", "line_no"), name="entrytemplateline_unique_no"
            ),
            models.CheckConstraint(
                condition=(Q(amount__isnull=False, share__isnull=True, amount__gt=0))
                | (Q(amount__isnull=True, share__isnull=False, share__gt=0, share__lte=100)),
                name="entrytemplateline_amount_or_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} #{self.line_no}"


def entry_attachment_path(instance: EntryAttachment, filename: str) -> str:
    """Under the cooperative's own folder; a random name, so a path reveals nothing."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"cooperatives/{instance.cooperative_id}/bank/entries/{secrets.token_hex(16)}{suffix}"


class EntryAttachment(TenantModel):
    """A supporting document (PDF or image) of an entry typed by hand, draft or validated."""

    entry = models.ForeignKey(
        "accounting.Entry",
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="+",
        verbose_name=_("écriture"),
    )
    file = models.FileField(_("fichier"), upload_to=entry_attachment_path, max_length=300)
    name = models.CharField(_("nom"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("taille"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pièce jointe d'écriture")
        verbose_name_plural = _("pièces jointes d'écriture")
        ordering = ("entry", "pk")
        indexes = [models.Index(fields=("cooperative", "entry"), name="entryattachment_entry")]

    def __str__(self) -> str:
        return self.name
