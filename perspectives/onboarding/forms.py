from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.models import LegalForm


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
