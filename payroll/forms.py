from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from payroll.models import Absence, PayProfile


class RunCreateForm(forms.Form):
    period = forms.DateField(
        label=_("Mois"),
        # A month field shows its value as YYYY-MM; an empty one reads "--------- ----".
        widget=forms.DateInput(format="%Y-%m", attrs={"type": "month"}),
        input_formats=["%Y-%m"],
    )


class PayslipCorrectionForm(forms.Form):
    gross = forms.DecimalField(
        label=_("Salaire brut rectifié (€)"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.00"),
        max_value=Decimal("1000000"),
        help_text=_(
            "Le bulletin émis reste tel quel ; un bulletin rectificatif le remplace, et la "
            "comptabilité reçoit l'extourne de l'ancien et l'écriture du nouveau."
        ),
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


class PayrollSettingsForm(forms.Form):
    valid_from = forms.DateField(
        label=_("Applicable à partir du"), widget=forms.DateInput(attrs={"type": "date"})
    )
    headcount = forms.IntegerField(label=_("Effectif"), min_value=1)
    at_rate = forms.DecimalField(
        label=_("Taux accident du travail (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=20,
    )
    collective_agreement = forms.CharField(
        label=_("Convention collective (IDCC)"), max_length=120, required=False
    )
    mutuelle_employee = forms.DecimalField(
        label=_("Complémentaire santé, part salariale (€/mois)"),
        max_digits=8,
        decimal_places=2,
        min_value=0,
        initial=0,
    )
    mutuelle_employer = forms.DecimalField(
        label=_("Complémentaire santé, part patronale (€/mois)"),
        max_digits=8,
        decimal_places=2,
        min_value=0,
        initial=0,
    )
    prevoyance_employee_rate = forms.DecimalField(
        label=_("Prévoyance, taux salarial (% de la tranche 1)"),
        max_digits=6,
        decimal_places=3,
        min_value=0,
        max_value=100,
        initial=0,
    )
    prevoyance_employer_rate = forms.DecimalField(
        label=_("Prévoyance, taux patronal (% de la tranche 1)"),
        max_digits=6,
        decimal_places=3,
        min_value=0,
        max_value=100,
        initial=0,
    )
    mobility_rate = forms.DecimalField(
        label=_("Versement mobilité (%)"),
        max_digits=5,
        decimal_places=3,
        min_value=0,
        max_value=100,
        initial=0,
    )
    alsace_moselle = forms.BooleanField(label=_("Régime local d'Alsace-Moselle"), required=False)


class AbsenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=Absence.Kind.choices)
    start = forms.DateField(label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Au (inclus)"), widget=forms.DateInput(attrs={"type": "date"}))
    subrogation = forms.BooleanField(
        label=_("Subrogation : la coopérative perçoit les indemnités journalières"),
        required=False,
    )


class SalaryChoiceForm(forms.Form):
    gross = forms.DecimalField(
        label=_("Brut retenu (€)"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("1000000"),
    )


class PayProfileForm(forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=PayProfile.Status.choices)
    fixed_gross = forms.DecimalField(
        label=_("Part fixe (brut mensuel, €)"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("1000000"),
        help_text=_("Montant fixé au contrat CESA (art. L7331-2 du Code du travail)."),
    )
    variable_advance = forms.DecimalField(
        label=_("Avance mensuelle sur la part variable (brut, €)"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("1000000"),
        initial=Decimal("0"),
        help_text=_("Régularisée en fin d'année (ou à la sortie) selon le résultat de l'activité."),
    )
    pas_rate = forms.DecimalField(
        label=_("Taux personnalisé de prélèvement à la source (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("43"),
        required=False,
        help_text=_("Vide : grille du taux neutre."),
    )
