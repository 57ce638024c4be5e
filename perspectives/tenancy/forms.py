from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.models import Role


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"), max_length=254)
    roles = forms.MultipleChoiceField(
        label=_("Rôles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un rôle.")},
    )


class NewAccountForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    password1 = forms.CharField(
        label=_("Mot de passe"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif data.get("password1"):
            try:
                password_validation.validate_password(str(data["password1"]))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
