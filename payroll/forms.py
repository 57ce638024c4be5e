from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from payroll.models import PayProfile


class RunCreateForm(forms.Form):
    period = forms.DateField(
        label=_("Mois"), widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m"]
    )


class SimulatorForm(forms.Form):
    MODES = (("gross", _("Je choisis mon brut")), ("budget", _("Je pars de mon budget")))

    mode = forms.ChoiceField(label=_("Calcul"), choices=MODES, initial="gross")
    amount = forms.DecimalField(
        label=_("Montant mensuel (€)"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("1000000"),
        initial=Decimal("2000.00"),
    )
    status = forms.ChoiceField(
        label=_("Statut"), choices=PayProfile.Status.choices, initial=PayProfile.Status.NON_CADRE
    )
