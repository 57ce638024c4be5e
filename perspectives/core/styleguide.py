"""The design system's living reference: every component of `docs/design-system.md` on one
page, drawn by the same stylesheet, script and filters as the application. Any signed-in person
may open it (it shows example data only); the browser tests run axe-core on it too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from perspectives.core.charts import Chart, Series
from perspectives.core.formats import month_short


@dataclass(frozen=True)
class ExamplePerson:
    first_name: str
    last_name: str


class ExampleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom du client"), max_length=100)
    amount = forms.DecimalField(
        label=gettext_lazy("Montant hors taxes (€)"),
        decimal_places=2,
        help_text=gettext_lazy("Avec deux décimales au plus, par exemple 1250,50."),
    )
    due_on = forms.DateField(
        label=gettext_lazy("Échéance"), widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Type de document"),
        choices=[("quote", gettext_lazy("Devis")), ("invoice", gettext_lazy("Facture"))],
    )


def _example_chart() -> Chart:
    months = [dt.date(2026, month, 1) for month in range(7, 13)]
    return Chart(
        title=_("Chiffre d'affaires et charges par mois"),
        categories=tuple(month_short(m) for m in months),
        series=(
            Series(
                _("Chiffre d'affaires"),
                (None, Decimal(4200), Decimal(3900), Decimal(5100), Decimal(4700), Decimal(1800)),
            ),
            Series(
                _("Charges"),
                (None, Decimal(2100), Decimal(2500), Decimal(2300), Decimal(2600), Decimal(900)),
                kind="line",
            ),
        ),
        unit="€",
        partial=5,
    )


@require_GET
@login_required
def styleguide(request: HttpRequest) -> HttpResponse:
    form = ExampleForm(data={"name": "", "amount": "12,345", "due_on": "2026-12-31"})
    form.is_valid()  # shows a field error, a value kept and a help text
    people = [
        ExamplePerson("Léa", "Martin"),
        ExamplePerson("Karim", "Benali"),
        ExamplePerson("Anne-Sophie", "Dupont-Lefèvre"),
    ]
    return render(
        request,
        "core/styleguide.html",
        {
            "form": form,
            "chart": _example_chart(),
            "amounts": [Decimal("17522"), Decimal("-1234.5"), Decimal("0.07")],
            "day": dt.date(2026, 12, 6),
            "moment": dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC),
            "people": people,
            "rows": [
                (people[0], _("Formation"), Decimal("3000"), "success", _("Payée")),
                (people[1], _("Bâtiment"), Decimal("17522.4"), "warning", _("En retard")),
                (people[2], _("Communication"), Decimal("-250"), "info", _("Avoir")),
            ],
        },
    )
