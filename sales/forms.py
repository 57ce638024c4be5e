"""Forms of the sales pages: they parse; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from entrepreneurs.models import Activity
from perspectives.tenancy.models import Membership
from sales import selectors
from sales.models import Customer, DocumentLine, OperationCategory, Payment, Product, Unit
from sales.services import LineData

LINE_ROWS = 8
VAT_CHOICES = [
    ("20.00", "20 %"),
    ("10.00", "10 %"),
    ("5.50", "5,5 %"),
    ("2.10", "2,1 %"),
    ("0.00", "0 %"),
]


class _ActivityForm(forms.Form):
    activity = forms.ModelChoiceField(
        queryset=Activity.all_cooperatives.none(), label=_("Activité")
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        activities = selectors.activities_for(membership=membership)
        field: forms.ModelChoiceField = self.fields["activity"]  # type: ignore[type-arg,assignment]
        field.queryset = activities
        if len(activities) == 1:
            field.initial = activities[0].pk


class CustomerForm(_ActivityForm):
    kind = forms.ChoiceField(label=_("Type"), choices=Customer.Kind.choices)
    name = forms.CharField(label=_("Nom ou raison sociale"), max_length=200)
    legal_form = forms.CharField(label=_("Forme juridique"), max_length=60, required=False)
    siret = forms.CharField(label=_("SIRET"), max_length=17, required=False)
    siren = forms.CharField(label=_("SIREN"), max_length=11, required=False)
    vat_number = forms.CharField(label=_("Numéro de TVA"), max_length=20, required=False)
    service_code = forms.CharField(label=_("Code service (Chorus Pro)"), required=False)
    email = forms.EmailField(label=_("Courriel"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    address_line = forms.CharField(label=_("Adresse"), max_length=250)
    address_line2 = forms.CharField(label=_("Complément"), max_length=250, required=False)
    postal_code = forms.CharField(label=_("Code postal"), max_length=10)
    city = forms.CharField(label=_("Ville"), max_length=120)
    country = forms.CharField(label=_("Pays (code ISO)"), max_length=2, initial="FR")


class ProductForm(_ActivityForm):
    kind = forms.ChoiceField(label=_("Nature"), choices=Product.Kind.choices)
    label = forms.CharField(label=_("Libellé"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    unit = forms.ChoiceField(label=_("Unité"), choices=Unit.choices)
    unit_price = forms.DecimalField(label=_("Prix unitaire HT"), max_digits=14, decimal_places=4)
    vat_rate = forms.ChoiceField(label=_("TVA"), choices=VAT_CHOICES)
    revenue_account = forms.CharField(label=_("Compte de produit"), required=False, max_length=20)


class DocumentForm(forms.Form):
    kind = forms.CharField(widget=forms.HiddenInput)
    customer = forms.ModelChoiceField(queryset=Customer.all_cooperatives.none(), label=_("Client"))
    title = forms.CharField(label=_("Objet"), max_length=200, required=False)
    delivery_date = forms.DateField(
        label=_("Date de livraison ou d'exécution"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    category = forms.ChoiceField(
        label=_("Catégorie d'opération"),
        choices=OperationCategory.choices,
        initial=OperationCategory.SERVICES,
    )
    discount_percent = forms.DecimalField(
        label=_("Remise globale (%)"), max_digits=5, decimal_places=2, initial=0, required=False
    )
    reverse_charge = forms.BooleanField(label=_("Autoliquidation"), required=False)
    retention_percent = forms.DecimalField(
        label=_("Retenue de garantie (%)"),
        help_text=_("Devis de travaux : retenue sur chaque situation, 5 % au plus."),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(5),
        initial=0,
        required=False,
    )
    vat_exemption = forms.CharField(label=_("Mention d'exonération"), required=False)
    buyer_reference = forms.CharField(
        label=_("Référence de commande"),
        required=False,
        help_text=_("Pour un organisme public : le numéro d'engagement (Chorus Pro)."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["customer"]  # type: ignore[type-arg,assignment]
        field.queryset = selectors.customer_list(membership=membership)

    def clean_discount_percent(self) -> Decimal:
        return self.cleaned_data.get("discount_percent") or Decimal(0)

    def clean_retention_percent(self) -> Decimal:
        return self.cleaned_data.get("retention_percent") or Decimal(0)


class LineForm(forms.Form):
    label = forms.CharField(label=_("Désignation"), max_length=200, required=False)
    section = forms.BooleanField(label=_("Titre de section"), required=False)
    quantity = forms.DecimalField(
        label=_("Quantité"), max_digits=12, decimal_places=4, required=False
    )
    unit = forms.ChoiceField(label=_("Unité"), choices=Unit.choices, required=False)
    unit_price = forms.DecimalField(
        label=_("Prix unitaire HT"), max_digits=14, decimal_places=4, required=False
    )
    discount_percent = forms.DecimalField(
        label=_("Remise (%)"), max_digits=5, decimal_places=2, required=False
    )
    vat_rate = forms.ChoiceField(label=_("TVA"), choices=VAT_CHOICES, required=False)

    def has_content(self) -> bool:
        return bool(self.cleaned_data.get("label"))

    def line_data(self) -> LineData:
        data = self.cleaned_data
        if data.get("section"):
            return LineData(label=data["label"], kind=DocumentLine.Kind.SECTION)
        return LineData(
            label=data["label"],
            quantity=data.get("quantity") or Decimal(1),
            unit=data.get("unit") or Unit.UNIT,
            unit_price=data.get("unit_price") or Decimal(0),
            discount_percent=data.get("discount_percent") or Decimal(0),
            vat_rate=data.get("vat_rate") or "20.00",
        )


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Montant"), max_digits=14, decimal_places=2)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("Mode"), choices=Payment.Method.choices)
    reference = forms.CharField(label=_("Référence"), max_length=100, required=False)


class RetentionReleaseForm(forms.Form):
    works_accepted_on = forms.DateField(
        label=_("Date de réception des travaux"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date = forms.DateField(
        label=_("Date de libération"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Aujourd'hui si vide."),
    )


class RetentionCreditForm(forms.Form):
    """A credit note on the retention alone: what the customer keeps of it, excluding VAT."""

    label = forms.CharField(
        label=_("Désignation"), max_length=200, initial=_("Retenue de garantie conservée")
    )
    amount = forms.DecimalField(
        label=_("Montant repris HT"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    vat_rate = forms.ChoiceField(label=_("TVA"), choices=VAT_CHOICES)

    def line(self) -> LineData:
        data = self.cleaned_data
        return LineData(label=data["label"], unit_price=data["amount"], vat_rate=data["vat_rate"])


class QuoteInvoiceForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Facturer"),
        choices=[
            ("whole", _("le devis (solde)")),
            ("deposit", _("un acompte")),
            ("progress", _("une situation de travaux")),
        ],
    )
    percent = forms.DecimalField(
        label=_("Acompte, ou avancement cumulé des travaux (%)"),
        max_digits=5,
        decimal_places=2,
        required=False,
    )
    amount = forms.DecimalField(
        label=_("ou montant TTC"), max_digits=14, decimal_places=2, required=False
    )


class EmailForm(forms.Form):
    recipient = forms.EmailField(
        label=_("Destinataire"), help_text=_("Vide : le courriel du client."), required=False
    )
    message = forms.CharField(
        label=_("Message ajouté au courriel"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReturnForm(forms.Form):
    note = forms.CharField(label=_("Motif du renvoi"), max_length=300)


class ValidationRuleForm(forms.Form):
    self_validation = forms.BooleanField(label=_("Autovalidation"), required=False)
    amount_cap = forms.DecimalField(
        label=_("Plafond (€ HT)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
        help_text=_("Vide : sans plafond."),
    )


class ReminderStepsForm(forms.Form):
    steps = forms.CharField(
        label=_("Relances (jours après l'échéance)"),
        max_length=60,
        required=False,
        help_text=_("Par exemple « 7, 30 » ; la dernière étape est la mise en demeure."),
    )


class SeriesForm(forms.Form):
    invoice_series = forms.CharField(label=_("Série des factures"), max_length=4, required=False)
    credit_note_series = forms.CharField(label=_("Série des avoirs"), max_length=4, required=False)
