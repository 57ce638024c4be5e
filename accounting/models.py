"""The shared ledger: chart of accounts, journals, fiscal years and periods, third parties, entries
and their lines, and the per (account, activity, month) balances kept at validation.

The rules that make it a ledger live in the database (`accounting/sql/`, one file per function
and trigger, e.g. `accounting_entry_guard.sql`, `accounting_post_batch.sql`): validated entries
balance, in total and per activity; they are numbered without gaps per fiscal year and journal,
stamped and chained by the database; their lines never change except for the lettering;
nothing validated is ever deleted; nothing is validated into a locked period or a closed year.
The models below only declare the columns and the single-row constraints.

An entry line's `activity` is the analytic section: an entrepreneur's activity, or NULL for the
cooperative's own section ("structure").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.models import TenantModel

AMOUNT = {"max_digits": 14, "decimal_places": 2}
TOTAL = {"max_digits": 18, "decimal_places": 2}
HASH_LENGTH = 64

# PCG account numbers: three digits of the PCG class/subclass, then digits or letters.
ACCOUNT_CODE_RE = r"^[1-8][0-9]{2}[0-9A-Z]{0,17}$"
JOURNAL_CODE_RE = r"^[A-Z0-9]{1,10}$"
AUX_CODE_RE = r"^[A-Z0-9][A-Z0-9_-]{0,16}$"
LETTERING_RE = r"^[A-Z]{1,6}$"


def _cooperative_unindexed(*, db_constraint: bool = True) -> models.ForeignKey:  # type: ignore[type-arg]
    """TenantModel's cooperative, without its single-column index: on the ledger's big tables
    every index starts with cooperative already, and each extra index costs every posting."""
    return models.ForeignKey(
        "tenancy.Cooperative",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("coopérative"),
        db_index=False,
        db_constraint=db_constraint,
    )


# Entries and lines hold no foreign-key constraints: PostgreSQL checks those row by row at
# commit (a third of a bulk posting's time). Their references are checked set-based instead,
# by the database too (accounting/sql/): the batch posting and the draft triggers join every
# new row to its account, activity, third party, journal, year and reversed entry in the
# cooperative, and the referenced rows refuse to be deleted while used (db_constraint=False).


class Account(TenantModel):
    """An account of the cooperative's chart (PCG numbering)."""

    code = models.CharField(_("numéro"), max_length=20)
    label = models.CharField(_("intitulé"), max_length=200)
    requires_third_party = models.BooleanField(
        _("compte collectif"),
        default=False,
        help_text=_("Chaque ligne sur ce compte nomme un tiers (compte auxiliaire)."),
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")
        ordering = ("code",)
        constraints = [
            models.UniqueConstraint(fields=("cooperative", "code"), name="account_unique_code"),
            models.CheckConstraint(
                condition=Q(code__regex=ACCOUNT_CODE_RE), name="account_code_pcg"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def pcg_class(self) -> int:
        return int(self.code[0])


class Journal(TenantModel):
    class Kind(models.TextChoices):
        SALES = "sales", _("Ventes")
        PURCHASES = "purchases", _("Achats")
        BANK = "bank", _("Banque")
        MISCELLANEOUS = "miscellaneous", _("Opérations diverses")
        PAYROLL = "payroll", _("Paie")
        OPENING = "opening", _("À-nouveaux")

    code = models.CharField(_("code"), max_length=10)
    label = models.CharField(_("intitulé"), max_length=100)
    kind = models.CharField(_("type"), max_length=15, choices=Kind.choices)
    exempt_from_activity_balance = models.BooleanField(
        _("dispensé de l'équilibre par activité"),
        default=False,
        help_text=_(
            "Les écritures de ce journal doivent être équilibrées au total, pas activité par "
            "activité (réservé aux journaux propres de la coopérative)."
        ),
    )

    class Meta:
        verbose_name = _("journal")
        verbose_name_plural = _("journaux")
        ordering = ("code",)
        constraints = [
            models.UniqueConstraint(fields=("cooperative", "code"), name="journal_unique_code"),
            models.UniqueConstraint(
                fields=("cooperative",), condition=Q(kind="opening"), name="journal_one_opening"
            ),
            models.CheckConstraint(condition=Q(code__regex=JOURNAL_CODE_RE), name="journal_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class FiscalYear(TenantModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Ouvert")
        CLOSING = "closing", _("En clôture")
        CLOSED = "closed", _("Clôturé")

    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(_("clôturé le"), null=True, blank=True)
    # The seal of a closed year: the head of its hash chain and the SHA-256 of its FEC.
    chain_head = models.CharField(max_length=HASH_LENGTH, blank=True)
    chain_length = models.PositiveIntegerField(default=0)
    fec_sha256 = models.CharField(max_length=HASH_LENGTH, blank=True)

    class Meta:
        verbose_name = _("exercice")
        verbose_name_plural = _("exercices")
        ordering = ("start_date",)
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "start_date"), name="fiscalyear_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")), name="fiscalyear_end_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="fiscalyear_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        if self.start_date.month == 1 and self.end_date.year == self.start_date.year:
            return str(self.start_date.year)
        return f"{self.start_date:%Y-%m} → {self.end_date:%Y-%m}"


class Period(TenantModel):
    """One month of a fiscal year, with its lock: a soft lock lets only the accounting team post
    (services pass `allow_soft_locked`), a hard lock lets nobody, for ever."""

    class Lock(models.TextChoices):
        OPEN = "open", _("Ouverte")
        SOFT = "soft", _("Verrouillage provisoire")
        HARD = "hard", _("Verrouillage définitif")

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="periods")
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    lock = models.CharField(_("verrou"), max_length=5, choices=Lock.choices, default=Lock.OPEN)

    class Meta:
        verbose_name = _("période")
        verbose_name_plural = _("périodes")
        ordering = ("start_date",)
        constraints = [
            models.UniqueConstraint(fields=("cooperative", "start_date"), name="period_unique"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="period_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_date:%Y-%m}"


class ThirdParty(TenantModel):
    """A customer, supplier, employee or social body: an auxiliary account (CompAuxNum)."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("Client")
        SUPPLIER = "supplier", _("Fournisseur")
        EMPLOYEE = "employee", _("Salarié·e")
        SOCIAL_BODY = "social_body", _("Organisme social")
        OTHER = "other", _("Autre")

    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    code = models.CharField(_("compte auxiliaire"), max_length=17)
    name = models.CharField(_("nom"), max_length=200)
    account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="third_parties",
        verbose_name=_("compte collectif"),
    )
    activity = models.ForeignKey(
        "entrepreneurs.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="third_parties",
        verbose_name=_("activité"),
    )

    class Meta:
        verbose_name = _("tiers")
        verbose_name_plural = _("tiers")
        ordering = ("code",)
        constraints = [
            models.UniqueConstraint(fields=("cooperative", "code"), name="thirdparty_unique_code"),
            models.CheckConstraint(condition=Q(code__regex=AUX_CODE_RE), name="thirdparty_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Entry(TenantModel):
    """A journal entry. Drafts are free; validation (draft → validated, by the database trigger)
    numbers, stamps and chains it, and freezes it for ever."""

    cooperative = _cooperative_unindexed(db_constraint=False)  # type: ignore[assignment]

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillard")
        VALIDATED = "validated", _("Validée")

    # Indexes of entries and lines: only the composite ones (cooperative first, as row-level
    # security filters on it) and those a rule needs; every index costs each posting.
    journal = models.ForeignKey(
        Journal,
        on_delete=models.PROTECT,
        related_name="entries",
        db_index=False,
        db_constraint=False,
    )
    # No index of its own: validated entries are found by year through the chain and number
    # indexes (both start with cooperative and year), drafts through the drafts index. A year
    # index was what the planner picked to find the last number of a year it had no statistics
    # for yet (a new cooperative or year), scanning the whole year at each posting.
    fiscal_year = models.ForeignKey(
        FiscalYear,
        on_delete=models.PROTECT,
        related_name="entries",
        db_index=False,
        db_constraint=False,
    )
    date = models.DateField(_("date"))
    piece_ref = models.CharField(_("pièce"), max_length=40, blank=True)
    piece_date = models.DateField(_("date de la pièce"), null=True, blank=True)
    label = models.CharField(_("libellé"), max_length=200)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Set by the database at validation, never by the application. NULL (not "") on drafts:
    # the partial unique constraints and the status CHECK rely on it (hence the DJ001 noqa).
    number = models.PositiveIntegerField(_("numéro"), null=True, blank=True, editable=False)
    chain_seq = models.PositiveIntegerField(null=True, blank=True, editable=False)
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True, editable=False)
    prev_hash = models.CharField(  # noqa: DJ001
        max_length=HASH_LENGTH, null=True, blank=True, editable=False
    )
    hash = models.CharField(  # noqa: DJ001
        max_length=HASH_LENGTH, null=True, blank=True, editable=False
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    reverses = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
        verbose_name=_("extourne de"),
        db_index=False,
        db_constraint=False,
    )
    idempotency_key = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    payload_hash = models.CharField(max_length=HASH_LENGTH, blank=True)
    source = models.CharField(_("origine"), max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    lines: models.Manager[EntryLine]

    class Meta:
        verbose_name = _("écriture")
        verbose_name_plural = _("écritures")
        ordering = ("date", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "fiscal_year", "journal", "number"),
                condition=Q(number__isnull=False),
                name="entry_unique_number",
            ),
            models.UniqueConstraint(
                fields=("cooperative", "fiscal_year", "chain_seq"),
                condition=Q(chain_seq__isnull=False),
                name="entry_unique_chain_seq",
            ),
            models.UniqueConstraint(
                fields=("cooperative", "idempotency_key"),
                condition=Q(idempotency_key__isnull=False),
                name="entry_unique_idempotency_key",
            ),
            models.UniqueConstraint(
                fields=("cooperative", "reverses"),
                condition=Q(reverses__isnull=False),
                name="entry_one_reversal",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        status="draft",
                        number__isnull=True,
                        chain_seq__isnull=True,
                        validated_at__isnull=True,
                        prev_hash__isnull=True,
                        hash__isnull=True,
                    )
                    | Q(
                        status="validated",
                        number__gte=1,
                        chain_seq__gte=1,
                        validated_at__isnull=False,
                        prev_hash__isnull=False,
                        hash__isnull=False,
                    )
                ),
                name="entry_status_fields",
            ),
            models.CheckConstraint(
                condition=Q(idempotency_key__isnull=True) | ~Q(payload_hash=""),
                name="entry_key_has_payload_hash",
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) | ~Q(reverses=F("id")),
                name="entry_not_its_own_reversal",
            ),
        ]
        indexes = [
            models.Index(fields=("cooperative", "journal", "date"), name="entry_journal_date_idx"),
            # The drafts are few: statements exclude their lines through this small index.
            models.Index(
                fields=("cooperative", "id"),
                condition=Q(status="draft"),
                name="entry_drafts_idx",
            ),
            models.Index(fields=("cooperative", "date"), name="entry_date_idx"),
        ]

    def __str__(self) -> str:
        return self.reference or f"{self.journal.code} ({_('brouillard')})"

    @property
    def reference(self) -> str:
        """The EcritureNum: journal code and number in the fiscal year."""
        if self.number is None:
            return ""
        return f"{self.journal.code}{self.number:06d}"

    @property
    def is_validated(self) -> bool:
        return self.status == self.Status.VALIDATED


class EntryLine(TenantModel):
    cooperative = _cooperative_unindexed(db_constraint=False)  # type: ignore[assignment]
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="lines", db_index=False, db_constraint=False
    )
    line_no = models.PositiveSmallIntegerField(_("ligne"))
    # A copy of the entry's date, kept by the database, so ledgers and balances need no join.
    date = models.DateField(_("date"), editable=False)
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="lines", db_index=False, db_constraint=False
    )
    activity = models.ForeignKey(
        "entrepreneurs.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
        related_name="ledger_lines",
        verbose_name=_("activité"),
        help_text=_("Vide : la section propre de la coopérative."),
    )
    third_party = models.ForeignKey(
        ThirdParty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        db_index=False,
        db_constraint=False,
    )
    debit = models.DecimalField(_("débit"), default=0, **AMOUNT)  # type: ignore[arg-type]
    credit = models.DecimalField(_("crédit"), default=0, **AMOUNT)  # type: ignore[arg-type]
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    # NULL when not lettered: the lettering CHECK and the partial indexes rely on it.
    lettering = models.CharField(_("lettrage"), max_length=6, null=True, blank=True)  # noqa: DJ001
    lettering_date = models.DateField(_("date de lettrage"), null=True, blank=True)

    class Meta:
        verbose_name = _("ligne d'écriture")
        verbose_name_plural = _("lignes d'écriture")
        ordering = ("entry", "line_no")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "entry", "line_no"), name="entryline_unique_no"
            ),
            models.CheckConstraint(
                condition=Q(debit__gte=0, credit__gte=0), name="entryline_amounts_not_negative"
            ),
            models.CheckConstraint(condition=Q(debit=0) | Q(credit=0), name="entryline_one_side"),
            models.CheckConstraint(
                condition=Q(lettering__isnull=True, lettering_date__isnull=True)
                | Q(lettering__regex=LETTERING_RE, lettering_date__isnull=False),
                name="entryline_lettering_complete",
            ),
        ]
        indexes = [
            models.Index(
                fields=("cooperative", "account", "date"), name="entryline_account_date_idx"
            ),
            models.Index(
                fields=("cooperative", "activity", "date"), name="entryline_activity_date_idx"
            ),
            models.Index(fields=("cooperative", "date"), name="entryline_date_idx"),
            models.Index(
                fields=("cooperative", "account", "lettering"),
                condition=Q(lettering__isnull=False),
                name="entryline_lettering_idx",
            ),
            models.Index(
                fields=("cooperative", "third_party", "date"),
                condition=Q(third_party__isnull=False),
                name="entryline_third_party_idx",
            ),
            models.Index(
                fields=("cooperative", "account", "third_party"),
                condition=Q(lettering__isnull=True, third_party__isnull=False),
                name="entryline_open_items_idx",
            ),
        ]

    @property
    def amount(self) -> object:
        """Signed: debit positive, credit negative."""
        return self.debit - self.credit


class MonthlyBalance(TenantModel):
    """Σ validated lines per (account, activity, month), written only by the validation trigger.
    Balances and statements read these rows instead of scanning lines."""

    # No foreign-key constraint (each was checked once per new row, at commit) nor single-column
    # index: a balance only comes from validated lines, whose references the ledger checks and
    # whose accounts and activities cannot be deleted (accounting_referenced_guard).
    cooperative = _cooperative_unindexed(db_constraint=False)  # type: ignore[assignment]
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    activity = models.ForeignKey(
        "entrepreneurs.Activity",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    month = models.DateField(_("mois"))
    debit = models.DecimalField(default=0, **TOTAL)  # type: ignore[arg-type]
    credit = models.DecimalField(default=0, **TOTAL)  # type: ignore[arg-type]
    line_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("solde mensuel")
        verbose_name_plural = _("soldes mensuels")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "account", "activity", "month"),
                name="monthlybalance_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="monthlybalance_first_of_month"),
        ]
        indexes = [
            models.Index(fields=("cooperative", "month"), name="monthlybalance_month_idx"),
            models.Index(
                fields=("cooperative", "activity", "month"), name="monthlybalance_activity_idx"
            ),
        ]


class TreasuryGroup(TenantModel):
    """The accounts of one line of the treasury statement (état de trésorerie), by prefix.
    Defaults come from `services.chart.TREASURY_DEFAULTS`; a cooperative may override them."""

    class Key(models.TextChoices):
        CASH = "cash", _("Trésorerie disponible")
        TAXES_DUE = "taxes_due", _("Impôts et taxes à payer")
        SUPPLIERS_DUE = "suppliers_due", _("Fournisseurs à payer")
        SALARIES_DUE = "salaries_due", _("Salaires et charges sociales à payer")
        EXPENSES_TO_REIMBURSE = "expenses_due", _("Frais à rembourser")
        CUSTOMERS_TO_COLLECT = "customers_due", _("Clients à encaisser")

    key = models.CharField(_("ligne"), max_length=20, choices=Key.choices)
    prefixes = models.CharField(
        _("préfixes de comptes"),
        max_length=200,
        help_text=_("Séparés par des virgules, par exemple « 401,404 »."),
    )

    class Meta:
        verbose_name = _("regroupement de trésorerie")
        verbose_name_plural = _("regroupements de trésorerie")
        constraints = [
            models.UniqueConstraint(fields=("cooperative", "key"), name="treasurygroup_unique"),
            models.CheckConstraint(
                condition=Q(prefixes__regex=r"^[1-8][0-9]*(,[1-8][0-9]*)*$"),
                name="treasurygroup_prefixes",
            ),
        ]

    def prefix_list(self) -> list[str]:
        return [p for p in self.prefixes.split(",") if p]
