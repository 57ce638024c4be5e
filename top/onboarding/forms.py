from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounting.models import TreasuryGroup
from entrepreneurs.models import AccompanimentSettings
from perspectives.tenancy.models import Cooperative, LegalForm


class CooperativeCreateForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    slug = forms.SlugField(
        label=_("Identifiant d'adresse"),
        max_length=60,
        help_text=_("Lettres minuscules, chiffres et tirets : l'adresse sera /c/<identifiant>/."),
    )
    siren = forms.CharField(label=_("SIREN"), max_length=11)
    legal_form = forms.ChoiceField(label=_("Forme juridique"), choices=LegalForm.choices)
    city = forms.CharField(label=_("Ville"), max_length=120, required=False)
    manager_email = forms.EmailField(
        label=_("Adresse e-mail de la première gérante ou du premier gérant")
    )


class IdentityForm(forms.ModelForm):  # type: ignore[type-arg]
    # Wider than the model: spaces typed between the groups are removed before validation.
    siren = forms.CharField(label=_("SIREN"), max_length=11)
    vat_number = forms.CharField(
        label=_("Numéro de TVA intracommunautaire"), max_length=20, required=False
    )

    class Meta:
        model = Cooperative
        fields = (
            "name",
            "legal_form",
            "siren",
            "vat_number",
            "address_line",
            "postal_code",
            "city",
            "fiscal_year_start_month",
        )

    def clean_siren(self) -> str:
        return str(self.cleaned_data["siren"]).replace(" ", "")

    def clean_vat_number(self) -> str:
        return str(self.cleaned_data.get("vat_number") or "").replace(" ", "").upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        vat, siren = data.get("vat_number") or "", data.get("siren") or ""
        if vat and siren and vat[4:] != siren:
            self.add_error(
                "vat_number",
                _("Ce numéro de TVA n'est pas celui du SIREN %(siren)s.") % {"siren": siren},
            )
        return data


class ContributionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Cooperative
        fields = ("default_contribution_rate", "contribution_base")


class AccompanimentForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AccompanimentSettings
        fields = ("associate_alert_months", "yearly_interviews_required", "document_alert_days")


class TreasuryForm(forms.Form):
    def __init__(self, *args: Any, groups: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in TreasuryGroup.Key.choices:
            self.fields[key] = forms.CharField(
                label=label,
                max_length=200,
                initial=groups.get(key, ""),
                help_text=_("Préfixes de comptes séparés par des virgules, par exemple 401,404."),
            )


class AccountForm(forms.Form):
    code = forms.RegexField(
        label=_("Numéro de compte"),
        regex=r"^[1-8][0-9A-Za-z]{1,19}$",
        max_length=20,
        error_messages={"invalid": _("Un numéro de compte commence par un chiffre de 1 à 8.")},
    )
    label = forms.CharField(label=_("Intitulé"), max_length=200)
    requires_third_party = forms.BooleanField(
        label=_("Compte collectif (chaque ligne nomme un tiers)"), required=False
    )


IMPORT_KINDS = (
    ("entrepreneurs", _("Entrepreneur·es (avec parcours et dossier social)")),
    ("activities", _("Activités (codes analytiques et répartition)")),
    ("associates", _("Associé·es (avec leurs parts)")),
    ("customers", _("Clients")),
    ("suppliers", _("Fournisseurs")),
    (
        "payroll_opening",
        _("Cumuls de paie de reprise (bulletins de l'année émis par l'ancien logiciel)"),
    ),
    ("pay_profiles", _("Profils de rémunération (statut, part fixe, avance, taux PAS)")),
)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Que contient le fichier ?"), choices=IMPORT_KINDS)
    file = forms.FileField(
        label=_("Fichier CSV ou XLSX"),
        help_text=_("Séparateur ; ou , — UTF-8 ou Windows-1252 — dates JJ/MM/AAAA."),
    )
    activity_code = forms.CharField(
        label=_("Code analytique de l'activité (fichiers clients ou fournisseurs d'une activité)"),
        max_length=30,
        required=False,
    )
    dry_run = forms.BooleanField(
        label=_("Essai : vérifier le fichier sans rien écrire"), required=False, initial=True
    )


class FecImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier des écritures comptables (FEC)"),
        help_text=_(
            "Nommé SirenFECAAAAMMJJ (par exemple 123456789FEC20251231.txt), séparateur | ou "
            "tabulation, tel que votre ancien logiciel le produit."
        ),
    )
    activity_code = forms.CharField(
        label=_("Code analytique de l'activité (sinon : la structure)"),
        help_text=_(
            "Pour les écritures dont ni une colonne analytique ni un tiers connu ne donne "
            "l'activité."
        ),
        max_length=30,
        required=False,
    )
    dry_run = forms.BooleanField(
        label=_("Essai : vérifier le fichier sans rien écrire"), required=False, initial=True
    )


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Au"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("La fin de la période précède son début."))
        return data
