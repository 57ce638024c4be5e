from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounting.models import FiscalYear

MAX_RANGE_DAYS = 366 * 5


class DateRangeForm(forms.Form):
    """?from=&to= of every statement; defaults to the current fiscal year."""

    date_from = forms.DateField(label=_("Du"), required=False)
    date_to = forms.DateField(label=_("Au"), required=False)

    def __init__(self, data: Any, *, year: FiscalYear | None, today: dt.date) -> None:
        data = {"date_from": data.get("from", ""), "date_to": data.get("to", "")}
        super().__init__(data)
        self.year = year
        self.today = today

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start = cleaned.get("date_from") or (self.year.start_date if self.year else None)
        end = cleaned.get("date_to") or (self.year.end_date if self.year else self.today)
        start = start or end.replace(month=1, day=1)
        if start > end:
            raise forms.ValidationError(_("La date de début suit la date de fin."))
        if (end - start).days > MAX_RANGE_DAYS:
            raise forms.ValidationError(_("Choisissez une période de cinq ans au plus."))
        cleaned["date_from"], cleaned["date_to"] = start, end
        return cleaned

    def range(self) -> tuple[dt.date, dt.date]:
        if self.is_valid():
            return self.cleaned_data["date_from"], self.cleaned_data["date_to"]
        end = self.year.end_date if self.year else self.today
        start = self.year.start_date if self.year else end.replace(month=1, day=1)
        return start, end


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("Au"), required=False)

    def __init__(self, data: Any, *, today: dt.date) -> None:
        super().__init__({"as_of": data.get("as_of", "")})
        self.today = today

    def day(self) -> dt.date:
        if self.is_valid() and self.cleaned_data.get("as_of"):
            value: dt.date = self.cleaned_data["as_of"]
            return value
        return self.today
