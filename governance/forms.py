from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.models import (
    Assembly,
    AssociateCategory,
    Choice,
    ConsentChannel,
    DecisionClass,
    ExitReason,
    MajorityBase,
    PresenceMode,
    ProxyCap,
    QuorumBase,
)


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
    seats = forms.IntegerField(
        label=_("Élection : sièges à pourvoir"),
        min_value=1,
        max_value=50,
        initial=1,
        required=False,
    )
    continuing_employees = forms.IntegerField(
        label=_("Élection : mandats en cours conservés par des associé·es salarié·es"),
        min_value=0,
        max_value=100,
        initial=0,
        required=False,
    )
    continuing_others = forms.IntegerField(
        label=_("Élection : mandats en cours conservés par d'autres associé·es"),
        min_value=0,
        max_value=100,
        initial=0,
        required=False,
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
    # One associate (entry), the ticked ones (entries), or everyone not yet present (all).
    entry = forms.IntegerField(widget=forms.HiddenInput, required=False)
    entries = forms.TypedMultipleChoiceField(coerce=int, required=False)
    all = forms.BooleanField(required=False)
    mode = forms.ChoiceField(
        choices=[
            (PresenceMode.ROOM, PresenceMode.ROOM.label),
            (PresenceMode.VIDEO, PresenceMode.VIDEO.label),
        ]
    )


# --------------------------------------------------------------------------- statutes


class StatuteTermsForm(forms.Form):
    """The profile-level rules, each with the statutes' article that sets it."""

    convocation_delay_days = forms.IntegerField(
        label=_("Délai de convocation (jours avant l'assemblée)"), min_value=0, max_value=365
    )
    convocation_delay_article = forms.CharField(
        label=_("Article des statuts"), max_length=120, required=False
    )
    second_convocation_delay_days = forms.IntegerField(
        label=_("Délai de seconde convocation (jours)"), min_value=0, max_value=365
    )
    second_convocation_delay_article = forms.CharField(
        label=_("Article des statuts"), max_length=120, required=False
    )
    written_answer_delay_days = forms.IntegerField(
        label=_("Délai de réponse à une consultation écrite (jours, à compter de la réception)"),
        min_value=0,
        max_value=365,
    )
    written_answer_delay_article = forms.CharField(
        label=_("Article des statuts"), max_length=120, required=False
    )
    proxy_cap = forms.ChoiceField(label=_("Plafond des pouvoirs"), choices=ProxyCap.choices)
    proxy_max = forms.IntegerField(
        label=_("Pouvoirs au plus par mandataire, selon les statuts"),
        min_value=1,
        max_value=1000,
        required=False,
    )
    proxy_article = forms.CharField(label=_("Article des statuts"), max_length=120, required=False)
    employee_quota = forms.BooleanField(
        label=_("Deux tiers au moins des mandats aux associé·es salarié·es"), required=False
    )
    employee_quota_article = forms.CharField(
        label=_("Article des statuts"), max_length=120, required=False
    )
    automatic_admission = forms.BooleanField(
        label=_("Admission de plein droit des salarié·es qui la demandent"), required=False
    )
    automatic_admission_months = forms.IntegerField(
        label=_("Ancienneté requise (mois)"), min_value=0, max_value=120, required=False
    )
    automatic_admission_article = forms.CharField(
        label=_("Article des statuts"), max_length=120, required=False
    )
    source = forms.CharField(
        label=_("Clauses des statuts (texte, pour mémoire)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class StatuteRuleForm(forms.Form):
    """One decision class on one convocation: quorum, majority, ways of taking part."""

    quorum_base = forms.ChoiceField(label=_("Quorum"), choices=QuorumBase.choices)
    quorum_numerator = forms.IntegerField(label=_("Quorum : numérateur"), min_value=0)
    quorum_denominator = forms.IntegerField(label=_("Quorum : dénominateur"), min_value=1)
    majority_base = forms.ChoiceField(
        label=_("Majorité calculée sur"), choices=MajorityBase.choices
    )
    majority_numerator = forms.IntegerField(label=_("Majorité : numérateur"), min_value=1)
    majority_denominator = forms.IntegerField(label=_("Majorité : dénominateur"), min_value=1)
    majority_strict = forms.BooleanField(
        label=_("« Plus de » la fraction (sinon « au moins »)"), required=False
    )
    remote_participation_allowed = forms.BooleanField(
        label=_("Participation à distance (visioconférence) réputée présence"), required=False
    )
    correspondence_allowed = forms.BooleanField(label=_("Vote par correspondance"), required=False)
    written_consultation_allowed = forms.BooleanField(
        label=_("Consultation écrite"), required=False
    )
    second_round_if_majority_missed = forms.BooleanField(
        label=_("Seconde consultation si la majorité de tous les associé·es manque"),
        required=False,
    )
    secret_ballot_mandatory = forms.BooleanField(label=_("Scrutin secret"), required=False)
    statutes_article = forms.CharField(
        label=_("Article des statuts"), max_length=120, required=False
    )


class CollegeWeightsForm(forms.Form):
    """SCIC colleges: each one's share of the votes, "1/3" or "40 %"; a new college below."""

    new_name = forms.CharField(label=_("Nouveau collège"), max_length=120, required=False)
    new_weight = forms.CharField(label=_("Son poids"), max_length=20, required=False)

    def __init__(self, *args: Any, colleges: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.colleges = colleges
        for college in colleges:
            self.fields[f"weight_{college.pk}"] = forms.CharField(
                label=_("Poids du collège « %(name)s » (1/3 ou 40 %%)") % {"name": college.name},
                max_length=20,
                initial=f"{college.weight_numerator}/{college.weight_denominator}",
            )
        self.order_fields([f"weight_{c.pk}" for c in colleges] + ["new_name", "new_weight"])

    def weights(self) -> dict[str, str]:
        weights = {c.name: self.cleaned_data[f"weight_{c.pk}"] for c in self.colleges}
        name = (self.cleaned_data.get("new_name") or "").strip()
        if name:
            weights[name] = self.cleaned_data.get("new_weight") or ""
        return weights


# --------------------------------------------------------------------------- convocations


class ConvocationUpdateForm(forms.Form):
    """An associate's postal address and written consent to e-mail convocation."""

    postal_address = forms.CharField(
        label=_("Adresse postale (lettres recommandées)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    consent_on = forms.DateField(
        label=_("Accord écrit pour la convocation par e-mail, daté du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Vide : pas d'accord, convocation par lettre recommandée."),
    )
    consent_how = forms.ChoiceField(
        label=_("Accord donné par"),
        choices=[("", "—"), *ConsentChannel.choices],
        required=False,
    )
    consent_address = forms.EmailField(
        label=_("Adresse e-mail indiquée par l'associé·e"), required=False
    )


class LettersForm(forms.Form):
    """Registered letters posted on one day: a number for each letter posted."""

    posted_on = forms.DateField(
        label=_("Lettres postées le"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, dispatches: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dispatches = dispatches
        for dispatch in dispatches:
            self.fields[f"number_{dispatch.pk}"] = forms.CharField(
                label=_("N° de recommandé : %(name)s") % {"name": dispatch.entry.full_name},
                max_length=40,
                required=False,
            )

    def numbers(self) -> dict[int, str]:
        return {
            d.pk: self.cleaned_data[f"number_{d.pk}"]
            for d in self.dispatches
            if (self.cleaned_data.get(f"number_{d.pk}") or "").strip()
        }


class ReceiptForm(forms.Form):
    dispatch = forms.IntegerField(widget=forms.HiddenInput)
    received_on = forms.DateField(
        label=_("Avis de réception daté du"), widget=forms.DateInput(attrs={"type": "date"})
    )


class RemoteSessionForm(forms.Form):
    means = forms.CharField(
        label=_("Moyen de participation à distance"),
        max_length=250,
        help_text=_("Par exemple : visioconférence (son et image) depuis la salle."),
    )
    voice = forms.BooleanField(
        label=_("Transmet au moins la voix des participant·es"), required=False
    )
    continuous = forms.BooleanField(
        label=_("Retransmission continue et simultanée des délibérations"), required=False
    )


class DeadlineForm(forms.Form):
    deadline = forms.DateTimeField(
        label=_("Nouvelle date limite des réponses"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class AutomaticAdmissionForm(forms.Form):
    decided_on = forms.DateField(
        label=_("Admis·e de plein droit le"), widget=forms.DateInput(attrs={"type": "date"})
    )


# --------------------------------------------------------------------------- the register

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AdmissionApplicationForm(forms.Form):
    """An application: an entrepreneur of the cooperative, or a person without a file (an
    employee of the structure, a legal person, a supporter in a SCIC college)."""

    entrepreneur = forms.TypedChoiceField(
        label=_("Entrepreneur·e de la coopérative"), required=False, coerce=int, empty_value=None
    )
    full_name = forms.CharField(
        label=_("Ou nom de la personne (physique ou morale)"), max_length=250, required=False
    )
    category = forms.ChoiceField(label=_("Catégorie"), choices=AssociateCategory.choices)
    college = forms.TypedChoiceField(
        label=_("Collège (SCIC)"), required=False, coerce=int, empty_value=None
    )
    applied_on = forms.DateField(label=_("Candidature du"), widget=_DATE)
    shares_requested = forms.IntegerField(label=_("Parts demandées"), min_value=1, initial=1)

    def __init__(
        self,
        *args: Any,
        entrepreneurs: list[tuple[int, str]],
        colleges: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entrepreneur"].choices = [("", "—"), *entrepreneurs]  # type: ignore[attr-defined]
        self.fields["college"].choices = [("", "—"), *colleges]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("entrepreneur") and not (data.get("full_name") or "").strip():
            raise forms.ValidationError(
                _("Choisissez un·e entrepreneur·e ou indiquez le nom de la personne.")
            )
        return data


class AdmissionDecisionForm(forms.Form):
    approved = forms.TypedChoiceField(
        label=_("Décision"),
        choices=[("1", _("Admission votée")), ("0", _("Admission refusée"))],
        coerce=lambda value: value == "1",
    )
    decided_on = forms.DateField(label=_("Décision du"), widget=_DATE)


class ShareSubscriptionForm(forms.Form):
    subscribed_on = forms.DateField(label=_("Souscrites le"), widget=_DATE)
    number = forms.IntegerField(label=_("Nombre de parts"), min_value=1)
    nominal_value = forms.DecimalField(
        label=_("Valeur nominale d'une part (€)"), max_digits=10, decimal_places=2, min_value=0
    )
    paid_amount = forms.DecimalField(
        label=_("Montant libéré (€)"), max_digits=12, decimal_places=2, min_value=0
    )


class SharePaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Montant versé (€)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )


class AssociateExitForm(forms.Form):
    exited_on = forms.DateField(label=_("Sortie le"), widget=_DATE)
    reason = forms.ChoiceField(label=_("Motif"), choices=ExitReason.choices)
    refund_due_on = forms.DateField(
        label=_("Remboursement des parts dû le (vide : délai des statuts)"),
        required=False,
        widget=_DATE,
    )


class ShareRefundForm(forms.Form):
    refunded_on = forms.DateField(label=_("Remboursées le"), widget=_DATE)
    number = forms.IntegerField(
        label=_("Parts remboursées (vide : toutes, après la sortie)"), min_value=1, required=False
    )
