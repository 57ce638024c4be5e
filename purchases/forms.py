from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from entrepreneurs.models import Activity
from purchases.models import (
    ExpenseCategory,
    LifecycleStatus,
    MileageAllowance,
    PurchaseSettings,
    Supplier,
    SupplierInvoice,
)
from purchases.reason_codes import DEFAULT_REASON_CODES, reason_code_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class _ActivityForm(forms.Form):
    activity = forms.ModelChoiceField(
        label=_("Activité"),
        # The tenant manager refuses to run outside a cooperative: the choices are set per request.
        queryset=Activity.all_cooperatives.none(),
    )

    def __init__(self, *args: object, activities: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if activities is not None:
            self.fields["activity"].queryset = activities  # type: ignore[attr-defined]


class EInvoiceUploadForm(_ActivityForm):
    file = forms.FileField(
        label=_("Facture électronique (Factur-X, CII ou UBL)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.xml,application/pdf,text/xml"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].required = False
        self.fields["activity"].empty_label = _("Selon l'adresse de réception")  # type: ignore[attr-defined]


class ManualInvoiceForm(_ActivityForm):
    supplier = forms.ModelChoiceField(
        label=_("Fournisseur"), queryset=Supplier.all_cooperatives.none(), required=False
    )
    supplier_name = forms.CharField(
        label=_("ou nouveau fournisseur"), max_length=200, required=False
    )
    number = forms.CharField(label=_("Numéro de la facture"), max_length=60)
    issue_date = forms.DateField(label=_("Date"), widget=DATE)
    due_date = forms.DateField(label=_("Échéance"), widget=DATE, required=False)
    label = forms.CharField(label=_("Libellé"), max_length=200)
    account_code = forms.CharField(label=_("Compte de charge"), max_length=20, initial="604")
    amount_excl_tax = forms.DecimalField(label=_("Montant HT"), **MONEY)
    vat_rate = forms.DecimalField(
        label=_("Taux de TVA (%)"), max_digits=5, decimal_places=2, initial=Decimal("20")
    )
    attachment = forms.FileField(
        label=_("Pièce (PDF ou photo)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )

    def __init__(self, *args: object, suppliers: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if suppliers is not None:
            self.fields["supplier"].queryset = suppliers  # type: ignore[attr-defined]


class SupplierForm(forms.Form):
    name = forms.CharField(label=_("Raison sociale"), max_length=200)
    siren = forms.CharField(label=_("SIREN"), max_length=11, required=False)
    vat_number = forms.CharField(label=_("Numéro de TVA"), max_length=20, required=False)
    country = forms.CharField(label=_("Pays (code ISO)"), max_length=2, initial="FR")
    iban = forms.CharField(label=_("IBAN"), max_length=42, required=False)
    bic = forms.CharField(label=_("BIC"), max_length=11, required=False)
    email = forms.EmailField(label=_("Adresse e-mail"), required=False)
    address_line = forms.CharField(label=_("Adresse"), max_length=250, required=False)
    address_line2 = forms.CharField(label=_("Complément d'adresse"), max_length=250, required=False)
    postal_code = forms.CharField(label=_("Code postal"), max_length=10, required=False)
    city = forms.CharField(label=_("Ville"), max_length=120, required=False)
    contact_name = forms.CharField(label=_("Contact"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("E-mail du contact"), required=False)
    contact_phone = forms.CharField(label=_("Téléphone du contact"), max_length=30, required=False)


class _ReasonForm(forms.Form):
    """A status sent to the supplier with its reason: words, and a code from the status's list.
    Any code reaches the service, which checks it against the list and says why in French."""

    status = ""
    reason = forms.CharField(max_length=300)
    reason_code = forms.CharField(
        label=_("Code motif transmis"), required=False, widget=forms.Select
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The labels in the language of the request.
        field = self.fields["reason_code"]
        field.widget.choices = reason_code_choices(self.status)
        field.initial = DEFAULT_REASON_CODES[self.status]


class RefuseForm(_ReasonForm):
    status = LifecycleStatus.Code.REFUSED.value

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Motif du refus")


class DisputeForm(_ReasonForm):
    status = LifecycleStatus.Code.DISPUTED.value
    prefix = "dispute"  # on the page with the refusal's form

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Motif du litige")


class AssignForm(_ActivityForm):
    pass


class ExpenseLineForm(_ActivityForm):
    date = forms.DateField(label=_("Date"), widget=DATE)
    category = forms.ChoiceField(label=_("Catégorie"), choices=ExpenseCategory.choices)
    label = forms.CharField(label=_("Libellé"), max_length=200, required=False)
    amount_incl_tax = forms.DecimalField(label=_("Montant TTC"), **MONEY)
    vat_recoverable = forms.DecimalField(
        label=_("dont TVA récupérable"), initial=Decimal("0.00"), **MONEY
    )
    receipt = forms.FileField(
        label=_("Justificatif (photo ou PDF)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*,application/pdf", "capture": "environment"}
        ),
    )


class MileageForm(_ActivityForm):
    date = forms.DateField(label=_("Date"), widget=DATE)
    vehicle = forms.ChoiceField(label=_("Véhicule"), choices=MileageAllowance.Vehicle.choices)
    fiscal_power = forms.IntegerField(label=_("Puissance fiscale (CV)"), min_value=0, initial=5)
    electric = forms.BooleanField(label=_("Électrique"), required=False)
    km = forms.DecimalField(label=_("Kilomètres"), max_digits=8, decimal_places=1)
    purpose = forms.CharField(label=_("Motif"), max_length=200)
    route = forms.CharField(label=_("Trajet"), max_length=200, required=False)


class ExpenseMonthForm(forms.Form):
    month = forms.DateField(label=_("Mois (un jour du mois)"), widget=DATE)


class PaymentBatchForm(forms.Form):
    execution_date = forms.DateField(label=_("Date d'exécution"), widget=DATE)
    invoices = forms.ModelMultipleChoiceField(
        label=_("Factures fournisseurs"),
        queryset=SupplierInvoice.all_cooperatives.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reports = forms.ModelMultipleChoiceField(
        label=_("Notes de dépenses"),
        queryset=SupplierInvoice.all_cooperatives.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    runs = forms.ModelMultipleChoiceField(
        label=_("Salaires nets des paies validées"),
        queryset=SupplierInvoice.all_cooperatives.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: object,
        invoices: object,
        reports: object,
        runs: object = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["invoices"].queryset = invoices  # type: ignore[attr-defined]
        self.fields["reports"].queryset = reports  # type: ignore[attr-defined]
        if runs is not None:
            self.fields["runs"].queryset = runs  # type: ignore[attr-defined]
            self.fields["runs"].label_from_instance = _run_label  # type: ignore[attr-defined]


def _run_label(run: Any) -> str:
    return str(_("Paie de %(month)s") % {"month": f"{run.period:%m/%Y}"})


class InvoiceDraftForm(forms.Form):
    number = forms.CharField(label=_("Numéro de la facture"), max_length=60)
    issue_date = forms.DateField(label=_("Date"), widget=DATE)
    due_date = forms.DateField(label=_("Échéance"), widget=DATE, required=False)
    nature = forms.ChoiceField(label=_("Nature"), choices=SupplierInvoice.Nature.choices)


class InvoiceLineForm(forms.Form):
    """One line of a draft; a row left without a label is ignored."""

    label = forms.CharField(label=_("Libellé"), max_length=200, required=False)
    account_code = forms.CharField(label=_("Compte de charge"), max_length=20, initial="604")
    amount_excl_tax = forms.DecimalField(label=_("Montant HT"), required=False, **MONEY)
    vat_rate = forms.DecimalField(
        label=_("Taux de TVA (%)"), max_digits=5, decimal_places=2, initial=Decimal("20")
    )
    vat_amount = forms.DecimalField(label=_("TVA (vide : calculée)"), required=False, **MONEY)
    deductible_vat = forms.DecimalField(
        label=_("dont TVA déductible (vide : toute)"), required=False, **MONEY
    )

    def has_content(self) -> bool:
        return bool(self.cleaned_data.get("label"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("label") and data.get("amount_excl_tax") is None:
            self.add_error("amount_excl_tax", _("Indiquez le montant HT de la ligne."))
        return data


class CreditNoteForm(forms.Form):
    """A credit note entered by hand against an invoice: one line, as on the supplier's paper."""

    number = forms.CharField(label=_("Numéro de l'avoir"), max_length=60)
    issue_date = forms.DateField(label=_("Date"), widget=DATE)
    label = forms.CharField(label=_("Libellé"), max_length=200)
    account_code = forms.CharField(label=_("Compte de charge"), max_length=20)
    amount_excl_tax = forms.DecimalField(label=_("Montant HT"), min_value=Decimal("0.01"), **MONEY)
    vat_rate = forms.DecimalField(label=_("Taux de TVA (%)"), max_digits=5, decimal_places=2)
    attachment = forms.FileField(
        label=_("Pièce (PDF ou photo)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )


class CreditedInvoiceForm(forms.Form):
    credited_invoice = forms.ModelChoiceField(
        label=_("Facture annulée par l'avoir"),
        queryset=SupplierInvoice.all_cooperatives.none(),
        required=False,
    )

    def __init__(self, *args: object, invoices: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["credited_invoice"].queryset = invoices  # type: ignore[attr-defined]


class PurchaseSettingsForm(forms.Form):
    self_validation_cap = forms.DecimalField(
        label=_("Plafond d'auto-validation des factures (TTC)"),
        min_value=Decimal(0),
        help_text=_(
            "Une facture fournisseur jusqu'à ce montant peut être validée par l'entrepreneur·e."
        ),
        **MONEY,
    )
    receipt_required_above = forms.DecimalField(
        label=_("Justificatif obligatoire au-delà de (TTC)"), min_value=Decimal(0), **MONEY
    )
    expense_payable_account = forms.CharField(
        label=_("Compte des frais à rembourser"), max_length=20
    )
    debtor_name = forms.CharField(
        label=_("Titulaire du compte payeur"), max_length=70, required=False
    )
    debtor_iban = forms.CharField(label=_("IBAN payeur"), max_length=42, required=False)
    debtor_bic = forms.CharField(label=_("BIC payeur"), max_length=11, required=False)
    sepa_version = forms.ChoiceField(
        label=_("Version des fichiers de virement"), choices=PurchaseSettings.SepaVersion.choices
    )
    platform_url = forms.URLField(
        label=_("Adresse de l'API de la plateforme agréée"),
        required=False,
        assume_scheme="https",
    )
    platform_directory_url = forms.URLField(
        label=_("Adresse de l'annuaire de la plateforme"),
        required=False,
        assume_scheme="https",
        help_text=_("Laissez vide si la plateforme sert l'annuaire à la même adresse."),
    )
    # Write-only: the saved token is never put back into the page.
    platform_token = forms.CharField(
        label=_("Nouveau jeton d'accès à la plateforme"),
        max_length=200,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Laissez vide pour garder le jeton enregistré."),
    )
    clear_token = forms.BooleanField(label=_("Effacer le jeton enregistré"), required=False)
    platform_token_url = forms.URLField(
        label=_("Adresse d'obtention des jetons OAuth2"),
        required=False,
        assume_scheme="https",
        help_text=_(
            "Pour une plateforme qui délivre ses jetons (OAuth2, client credentials) ; laissez "
            "vide si elle vous a remis un jeton fixe."
        ),
    )
    platform_client_id = forms.CharField(
        label=_("Identifiant client OAuth2"), max_length=200, required=False
    )
    # Write-only, as the token.
    platform_client_secret = forms.CharField(
        label=_("Nouveau secret client OAuth2"),
        max_length=200,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Laissez vide pour garder le secret enregistré."),
    )
    clear_client_secret = forms.BooleanField(
        label=_("Effacer le secret client enregistré"), required=False
    )
