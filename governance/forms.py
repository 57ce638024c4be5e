from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.models import Assembly, Choice, DecisionClass, PresenceMode


class AssemblyForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=Assembly.Kind.choices)
    mode = forms.ChoiceField(label=_("Modalité"), choices=Assembly.Mode.choices)
    scheduled_at = forms.DateTimeField(
        label=_("Date et heure"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Lieu"), max_length=250, required=False)
    correspondence_deadline = forms.DateTimeField(
        label=_("Date limite du vote par correspondance"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    kind = forms.ChoiceField(label=_("Nature des décisions"), choices=Assembly.Kind.choices)
    response_deadline = forms.DateTimeField(
        label=_("Date limite des réponses"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class ConsultationAnswerForm(forms.Form):
    """One for / against / abstain per resolution (fields `resolution_<id>`)."""

    otp_code = forms.CharField(required=False, max_length=12)

    def __init__(self, *args: Any, resolutions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for resolution in resolutions:
            self.fields[f"resolution_{resolution.pk}"] = forms.ChoiceField(
                label=f"{resolution.position}. {resolution.title}",
                choices=Choice.choices,
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[int, str]:
        return {
            int(name.removeprefix("resolution_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("resolution_")
        }


class AssemblyDocumentForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200, required=False)
    file = forms.FileField(
        label=_("Fichier (PDF, ODT, ODS, DOCX, XLSX, PNG ou JPEG, 20 Mo au plus)")
    )


class AmendmentForm(forms.Form):
    text = forms.CharField(
        label=_("Texte proposé (remplace celui de la résolution)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    proposed_by = forms.CharField(label=_("Auteur·rice"), max_length=200)
    management_supported = forms.BooleanField(label=_("Agréé par la gérance"), required=False)


class ResolutionForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=250)
    text = forms.CharField(label=_("Texte"), widget=forms.Textarea(attrs={"rows": 4}))
    decision_class = forms.ChoiceField(label=_("Nature"), choices=DecisionClass.choices)
    secret = forms.BooleanField(label=_("Scrutin secret"), required=False)
    management_supported = forms.BooleanField(
        label=_("Présentée ou agréée par la gérance"), required=False, initial=True
    )


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Votre vote"), choices=Choice.choices)
    voter = forms.IntegerField(required=False, widget=forms.HiddenInput)
    correspondence = forms.BooleanField(required=False, widget=forms.HiddenInput)
    otp_code = forms.CharField(required=False, max_length=12)
    candidates = forms.TypedMultipleChoiceField(required=False, coerce=int)

    def __init__(self, *args: Any, candidacies: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedMultipleChoiceField, self.fields["candidates"])
        field.choices = [(c, c) for c in candidacies or []]


class ProxyForm(forms.Form):
    holder = forms.TypedChoiceField(
        label=_("Donner pouvoir à"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, holders: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        holder = cast(forms.TypedChoiceField, self.fields["holder"])
        holder.choices = [("", _("Pouvoir en blanc (au président·e)")), *holders]


class RoomCountsForm(forms.Form):
    votes_for = forms.IntegerField(label=_("Pour"), min_value=0)
    votes_against = forms.IntegerField(label=_("Contre"), min_value=0)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), min_value=0)


class AttendanceForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    mode = forms.ChoiceField(
        choices=[
            (PresenceMode.ROOM, PresenceMode.ROOM.label),
            (PresenceMode.VIDEO, PresenceMode.VIDEO.label),
        ]
    )
