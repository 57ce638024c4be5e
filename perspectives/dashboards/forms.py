from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from entrepreneurs.models import Activity


class ForecastForm(forms.Form):
    activity = forms.ModelChoiceField(
        label=_("Activité"), queryset=Activity.all_cooperatives.none()
    )
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

    def __init__(self, *args: Any, activities: list[Activity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["activity"]
        field.queryset = Activity.objects.filter(pk__in=[a.pk for a in activities])  # type: ignore[attr-defined]
        if len(activities) == 1:
            field.initial = activities[0].pk
