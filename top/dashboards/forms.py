from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from entrepreneurs.models import Activity
from top.dashboards.models import DashboardSettings


class _ActivityForm(forms.Form):
    """A choice among the entrepreneur's activities, from the list already loaded (the page
    renders it without another query); cleaned into the Activity."""

    activity = forms.TypedChoiceField(label=_("Activité"), coerce=int)

    def __init__(self, *args: Any, activities: list[Activity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.activities = {a.pk: a for a in activities}
        field = cast(forms.TypedChoiceField, self.fields["activity"])
        field.choices = [(a.pk, str(a)) for a in activities]
        if len(activities) == 1:
            field.initial = activities[0].pk

    def clean_activity(self) -> Activity:
        return self.activities[self.cleaned_data["activity"]]


class ForecastForm(_ActivityForm):
    label = forms.CharField(label=_("Chantier ou paiement attendu"), max_length=200)
    expected_on = forms.DateField(
        label=_("Date attendue"), widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = forms.DecimalField(
        label=_("Montant HT (€)"), max_digits=12, decimal_places=2, min_value=0.01
    )
    probability = forms.IntegerField(
        label=_("Probabilité (%)"), min_value=1, max_value=100, initial=100
    )


class ReserveTargetForm(_ActivityForm):
    amount = forms.DecimalField(
        label=_("Réserve cible (€)"),
        help_text=_("Laissez vide pour revenir à la règle de la coopérative."),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
    )


class DashboardSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DashboardSettings
        fields = ("reserve_months", "revenue_drop_percent", "no_salary_months", "report_day")
