from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bank.models import Statement
from entrepreneurs.models import Activity

MAX_UPLOAD_BYTES = 30 * 1024 * 1024


class BankAccountForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=100, required=False)
    iban = forms.CharField(label=_("IBAN"), max_length=42)
    bic = forms.CharField(
        label=_("BIC"), max_length=14, required=False, help_text=_("Déduit de l'IBAN si vide.")
    )
    account_code = forms.CharField(
        label=_("Compte comptable"),
        max_length=20,
        required=False,
        help_text=_("512 ou un sous-compte 512x ; choisi automatiquement si vide."),
    )
    activity = forms.ModelChoiceField(
        label=_("Activité dédiée"),
        queryset=Activity.all_cooperatives.none(),
        required=False,
        empty_label=_("— aucune (compte de la coopérative)"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = Activity.objects.order_by("analytic_code")  # type: ignore[attr-defined]


class StatementUploadForm(forms.Form):
    file = forms.FileField(label=_("Relevé"), help_text=_("camt.053, OFX, CFONB 120 ou CSV."))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Deviner d'après le fichier")), *Statement.Format.choices],
        required=False,
    )
    closing_balance = forms.DecimalField(
        label=_("Solde final"),
        max_digits=18,
        decimal_places=2,
        required=False,
        help_text=_("Pour un CSV qui ne donne pas de solde."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 30 Mo : découpez-le."))
        return upload
