from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from entrepreneurs.models import (
    Action,
    Appointment,
    Document,
    Entrepreneur,
    Establishment,
    Note,
    PathStep,
    Sector,
    Stage,
)
from entrepreneurs.services.people import EDITABLE_FIELDS
from entrepreneurs.validators import validate_iban

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PortfolioFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    sector = forms.ModelChoiceField(
        label=_("Pôle"),
        # The tenant manager refuses to run outside a cooperative: the choices are set per request.
        queryset=Sector.all_cooperatives.none(),
        required=False,
        empty_label=_("Tous"),
    )
    stage = forms.ChoiceField(
        label=_("Étape"), choices=[("", _("Toutes")), *Stage.choices], required=False
    )
    referent = forms.TypedChoiceField(
        label=_("Référent·e"), required=False, coerce=int, empty_value=None
    )
    deadline = forms.TypedChoiceField(
        label=_("Échéance du sociétariat"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Toutes")), (6, _("dans les 6 mois")), (12, _("dans les 12 mois"))],
    )
    overdue = forms.BooleanField(label=_("Actions en retard"), required=False)
    archived = forms.BooleanField(label=_("Dossiers archivés"), required=False)

    def __init__(self, *args: Any, referents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.all()  # type: ignore[attr-defined]
        self.fields["referent"].choices = [("", _("Tous")), *referents]  # type: ignore[attr-defined]


class EntrepreneurForm(forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput)
    sector = forms.ModelChoiceField(label=_("Pôle"), queryset=Sector.all_cooperatives.none())

    class Meta:
        model = Entrepreneur
        # The referent is chosen elsewhere (portfolio assignment), not on the identity form.
        fields = tuple(name for name in EDITABLE_FIELDS if name != "referent")
        widgets = {"birth_date": DATE, "unemployment_rights_end": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.all()  # type: ignore[attr-defined]

    def clean_iban(self) -> str:
        value = str(self.cleaned_data.get("iban") or "").replace(" ", "").upper()
        validate_iban(value)
        return value


OPEN_STAGES = (
    ("prospect", _("Prospect (après une réunion d'information)")),
    ("cape", _("Entrée directe en CAPE")),
    ("cesa", _("Entrée directe en CESA")),
)


class EntrepreneurOpenForm(forms.ModelForm):  # type: ignore[type-arg]
    """A new file from the portfolio."""

    sector = forms.ModelChoiceField(label=_("Pôle"), queryset=Sector.all_cooperatives.none())
    stage = forms.ChoiceField(label=_("Entrée"), choices=OPEN_STAGES, initial="prospect")
    start_date = forms.DateField(
        label=_("Début du contrat (CAPE ou CESA)"), required=False, widget=DATE
    )
    planned_end = forms.DateField(label=_("Fin prévue (CAPE)"), required=False, widget=DATE)
    fixed_pay = forms.DecimalField(
        label=_("Part fixe mensuelle brute (CESA)"), required=False, max_digits=10, decimal_places=2
    )
    referent = forms.TypedChoiceField(
        label=_("Référent·e"), required=False, coerce=int, empty_value=None
    )
    invite = forms.BooleanField(
        label=_("Inviter la personne à se connecter (e-mail)"), required=False
    )

    class Meta:
        model = Entrepreneur
        fields = (
            "civility",
            "first_name",
            "last_name",
            "email",
            "phone",
            "sector",
            "birth_date",
            "education_level",
            "entry_situation",
            "unemployment_rights_end",
            "rqth",
            "qpv",
            "zrr",
            "prescriber",
        )
        widgets = {"birth_date": DATE, "unemployment_rights_end": DATE}

    def __init__(self, *args: Any, referents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.all()  # type: ignore[attr-defined]
        self.fields["referent"].choices = [("", "—"), *referents]  # type: ignore[attr-defined]


class ReferentForm(forms.Form):
    """One file's referent, or many at once from the portfolio (the files' `ids`)."""

    referent = forms.TypedChoiceField(
        label=_("Référent·e"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, referents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referent"].choices = [("", _("Aucun·e")), *referents]  # type: ignore[attr-defined]


class PathStepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Étape"), choices=PathStep.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    planned_end = forms.DateField(label=_("Fin prévue (CAPE)"), required=False, widget=DATE)
    weekly_hours = forms.DecimalField(
        label=_("Heures hebdomadaires (CESA, vide si sans durée du travail)"),
        required=False,
        max_digits=5,
        decimal_places=2,
    )
    fixed_pay = forms.DecimalField(
        label=_("Part fixe mensuelle brute (CESA)"), required=False, max_digits=10, decimal_places=2
    )
    exit_reason = forms.ChoiceField(
        label=_("Motif de sortie"),
        choices=[("", "—"), *PathStep.ExitReason.choices],
        required=False,
    )
    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AppointmentForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Date et heure"), widget=DATETIME)
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"), min_value=5, max_value=600, initial=60
    )
    mode = forms.ChoiceField(label=_("Modalité"), choices=Appointment.Mode.choices)
    kind = forms.ChoiceField(label=_("Type"), choices=Appointment.Kind.choices)
    shared_note = forms.CharField(
        label=_("Note partagée avec l'entrepreneur·e"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    staff_note = forms.CharField(
        label=_("Note réservée à l'équipe"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(label=_("Visibilité"), choices=Note.Visibility.choices)


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Objectif"), max_length=200)


class ActionForm(forms.Form):
    goal = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Action"), max_length=200)
    due_date = forms.DateField(label=_("Échéance"), required=False, widget=DATE)


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Action.Status.choices)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Document.Kind.choices)
    title = forms.CharField(label=_("Titre"), max_length=200, required=False)
    file = forms.FileField(label=_("Fichier (PDF, PNG ou JPEG, 10 Mo au plus)"))
    expires_on = forms.DateField(label=_("Expire le"), required=False, widget=DATE)


class WorkshopForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_at = forms.DateTimeField(label=_("Début"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Fin"), widget=DATETIME)
    place = forms.CharField(label=_("Lieu"), max_length=200, required=False)
    link = forms.URLField(label=_("Lien de visio"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500)


class RegistrationForm(forms.Form):
    entrepreneur = forms.IntegerField(label=_("Entrepreneur·e"), required=False)


class SkillOfferForm(forms.Form):
    title = forms.CharField(label=_("Compétence ou offre"), max_length=150)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    keywords = forms.CharField(label=_("Mots-clés"), required=False, max_length=250)


class CollaborationForm(forms.Form):
    recipients = forms.TypedMultipleChoiceField(label=_("Destinataires"), coerce=int)
    subject = forms.CharField(label=_("Objet"), max_length=200)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = choices  # type: ignore[attr-defined]


class SectorForm(forms.Form):
    name = forms.CharField(label=_("Nom du pôle"), max_length=120)


class ActivityForm(forms.Form):
    """An activity and its pay split: up to four entrepreneurs whose shares sum to 100 %."""

    SHARE_ROWS = 4

    analytic_code = forms.CharField(label=_("Code analytique"), max_length=20)
    name = forms.CharField(label=_("Nom"), max_length=150)
    sector = forms.ModelChoiceField(label=_("Pôle"), queryset=Sector.all_cooperatives.none())
    establishment = forms.ModelChoiceField(
        label=_("Établissement"), queryset=Establishment.all_cooperatives.none(), required=False
    )
    start_date = forms.DateField(label=_("Début"), widget=DATE)
    end_date = forms.DateField(label=_("Fin"), required=False, widget=DATE)
    contribution_rate = forms.DecimalField(
        label=_("Taux de contribution (%), vide : celui de la coopérative"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.all()  # type: ignore[attr-defined]
        self.fields["establishment"].queryset = Establishment.objects.all()  # type: ignore[attr-defined]
        people = Entrepreneur.objects.exclude(stage=Stage.EXITED).order_by(
            "last_name", "first_name"
        )
        choices = [("", "—"), *((p.pk, str(p)) for p in people)]
        for row in range(self.SHARE_ROWS):
            self.fields[f"entrepreneur_{row}"] = forms.TypedChoiceField(
                label=_("Entrepreneur·e %(n)s") % {"n": row + 1},
                choices=choices,
                coerce=int,
                empty_value=None,
                required=row == 0,
            )
            self.fields[f"share_{row}"] = forms.DecimalField(
                label=_("Part %(n)s (%%)") % {"n": row + 1},
                required=row == 0,
                max_digits=5,
                decimal_places=2,
                initial=Decimal(100) if row == 0 else None,
            )

    def shares(self) -> list[tuple[int | None, Decimal | None]]:
        rows = []
        for row in range(self.SHARE_ROWS):
            entrepreneur = self.cleaned_data.get(f"entrepreneur_{row}")
            share = self.cleaned_data.get(f"share_{row}")
            if entrepreneur is not None or share is not None:
                rows.append((entrepreneur, share))
        return rows
