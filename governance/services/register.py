"""The associates register: admission (application → vote → subscription → register), shares,
exits with the share refund schedule, and SCIC voting colleges."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepreneurs.models import Entrepreneur, Stage
from entrepreneurs.services import entrepreneur_become_associate
from governance.models import (
    AdmissionApplication,
    Associate,
    AssociateCategory,
    AuditEvent,
    College,
    ConsentChannel,
    DecisionClass,
    ExitReason,
    Resolution,
    ShareRefund,
    ShareSubscription,
)
from governance.services.audit import audit_record
from governance.services.statutes import active_profile
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id

# Default delay to refund the shares of a leaving associate [to check against the statutes:
# SCOP statutes commonly set up to five years].
REFUND_DELAY_YEARS = 5
# SCIC voting colleges [M, loi 47-1775 art. 19 octies]: at least three, each between 10 % and
# 50 % of the votes, the shares adding up to all the votes. Shares are exact fractions: three
# equal colleges weigh 1/3 each, not 33.33 %.
COLLEGE_MIN_COUNT = 3
COLLEGE_MIN_WEIGHT = Fraction(1, 10)
COLLEGE_MAX_WEIGHT = Fraction(1, 2)


def college_weight_parse(text: str) -> Fraction:
    """A college's share of the votes as typed: a fraction ("1/3") or a percent ("40", "33,5 %")."""
    cleaned = text.strip().replace("%", "").replace(",", ".").replace(" ", "")
    try:
        if "/" in cleaned:
            numerator, denominator = cleaned.split("/", 1)
            share = Fraction(int(numerator), int(denominator))
        else:
            share = Fraction(Decimal(cleaned)) / 100
    except (ValueError, ZeroDivisionError, ArithmeticError) as exc:
        raise ApplicationError(
            _("Poids de collège illisible (« %(text)s ») : écrivez 1/3 ou 40 %%.") % {"text": text}
        ) from exc
    return share


def college_weights_validate(weights: Sequence[Fraction | Decimal]) -> None:
    shares = [Fraction(w) / 100 if isinstance(w, Decimal) else Fraction(w) for w in weights]
    if len(shares) < COLLEGE_MIN_COUNT:
        raise ApplicationError(_("Une SCIC qui vote par collèges en compte au moins trois."))
    for share in shares:
        if not COLLEGE_MIN_WEIGHT <= share <= COLLEGE_MAX_WEIGHT:
            raise ApplicationError(
                _("Chaque collège pèse entre 10 %% et 50 %% des voix (%(weight)s).")
                % {"weight": f"{share.numerator}/{share.denominator}"}
            )
    if sum(shares, Fraction(0)) != 1:
        raise ApplicationError(_("Les poids des collèges doivent totaliser 100 %."))


@transaction.atomic
def college_set(*, weights: dict[str, Fraction | Decimal]) -> list[College]:
    """Replace the colleges' shares of the votes as a whole (validated together), creating
    missing ones. A share is an exact fraction (a Decimal is read as a percent)."""
    college_weights_validate(list(weights.values()))
    shares = {
        name: Fraction(w) / 100 if isinstance(w, Decimal) else Fraction(w)
        for name, w in weights.items()
    }
    existing = {c.name: c for c in College.objects.select_for_update()}
    unknown = set(existing) - set(weights)
    if unknown:
        raise ApplicationError(
            _("Tous les collèges existants doivent recevoir un poids : %(names)s.")
            % {"names": ", ".join(sorted(unknown))}
        )
    colleges = []
    for name, share in shares.items():
        college = existing.get(name)
        if college is None:
            college = College.objects.create(
                cooperative_id=require_cooperative_id(),
                name=name,
                weight_numerator=share.numerator,
                weight_denominator=share.denominator,
            )
        else:
            college.weight_numerator = share.numerator
            college.weight_denominator = share.denominator
            college.save(update_fields=["weight_numerator", "weight_denominator"])
        colleges.append(college)
    return colleges


def _check_candidate(
    *, user: User | None, entrepreneur: Entrepreneur | None, category: str
) -> None:
    if category not in AssociateCategory.values:
        raise ApplicationError(_("Catégorie d'associé·e inconnue."))
    if (
        entrepreneur is not None
        and user is not None
        and entrepreneur.user_id not in (None, user.pk)
    ):
        raise ApplicationError(_("Ce dossier d'entrepreneur·e appartient à une autre personne."))
    if category == AssociateCategory.EMPLOYEE and (
        entrepreneur is None or entrepreneur.stage != Stage.CESA
    ):
        raise ApplicationError(
            _("Un·e associé·e salarié·e est titulaire d'un CESA en cours dans la coopérative.")
        )
    current = Associate.objects.filter(exited_on__isnull=True)
    if user is not None and current.filter(user=user).exists():
        raise ApplicationError(_("Cette personne est déjà associée."))
    if entrepreneur is not None and current.filter(entrepreneur=entrepreneur).exists():
        raise ApplicationError(_("Cette personne est déjà associée."))


@transaction.atomic
def admission_apply(
    *,
    full_name: str,
    category: str,
    applied_on: dt.date,
    user: User | None = None,
    entrepreneur: Entrepreneur | None = None,
    college: College | None = None,
    shares_requested: int = 1,
) -> AdmissionApplication:
    if not full_name.strip():
        raise ApplicationError(_("Indiquez le nom de la personne candidate."))
    if shares_requested < 1:
        raise ApplicationError(_("Une candidature porte sur au moins une part."))
    if entrepreneur is not None and user is None:
        user = entrepreneur.user
    _check_candidate(user=user, entrepreneur=entrepreneur, category=category)
    try:
        with transaction.atomic():
            application: AdmissionApplication = AdmissionApplication.objects.create(
                cooperative_id=require_cooperative_id(),
                full_name=full_name.strip(),
                category=category,
                applied_on=applied_on,
                user=user,
                entrepreneur=entrepreneur,
                college=college,
                shares_requested=shares_requested,
            )
            return application
    except IntegrityError as exc:
        raise ApplicationError(_("Une candidature de cette personne est déjà en cours.")) from exc


@transaction.atomic
def admission_decide(
    *,
    application: AdmissionApplication,
    approved: bool,
    decided_on: dt.date,
    resolution: Resolution | None = None,
) -> AdmissionApplication:
    """The vote on the application (loi 78-763 art. 7: by the assembly, ordinary majority). When
    the vote took place on the platform, `resolution` must be the closed admission resolution and
    its outcome decides."""
    application = AdmissionApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != AdmissionApplication.Status.APPLIED:
        raise ApplicationError(_("Cette candidature a déjà été tranchée."))
    if decided_on < application.applied_on:
        raise ApplicationError(_("La décision ne peut précéder la candidature."))
    if resolution is not None:
        if resolution.decision_class != DecisionClass.ADMISSION:
            raise ApplicationError(_("Cette résolution ne porte pas sur une admission."))
        if resolution.status != Resolution.Status.CLOSED:
            raise ApplicationError(_("Le vote sur cette résolution n'est pas clos."))
        if approved != (resolution.outcome == Resolution.Outcome.ADOPTED):
            raise ApplicationError(_("La décision doit suivre le résultat du vote."))
    application.status = (
        AdmissionApplication.Status.APPROVED if approved else AdmissionApplication.Status.REJECTED
    )
    application.decided_on = decided_on
    application.resolution = resolution
    application.save(update_fields=["status", "decided_on", "resolution"])
    return application


@transaction.atomic
def admission_complete(
    *,
    application: AdmissionApplication,
    subscribed_on: dt.date,
    number: int,
    nominal_value: Decimal,
    paid_amount: Decimal,
    recorded_by: User | None,
) -> Associate:
    """The approved candidate subscribes their shares and joins the register. For a CESA holder
    this also records the associate step of their path (which clears the L.7331-3 alert)."""
    application = AdmissionApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != AdmissionApplication.Status.APPROVED:
        raise ApplicationError(_("Seule une admission votée peut être inscrite au registre."))
    if application.decided_on is not None and subscribed_on < application.decided_on:
        raise ApplicationError(_("La souscription ne peut précéder la décision d'admission."))
    entrepreneur = application.entrepreneur
    if entrepreneur is not None:
        entrepreneur = Entrepreneur.objects.select_for_update().get(pk=entrepreneur.pk)
    _check_candidate(
        user=application.user, entrepreneur=entrepreneur, category=application.category
    )
    _check_shares(number=number, nominal_value=nominal_value, paid_amount=paid_amount)
    try:
        with transaction.atomic():
            associate: Associate = Associate.objects.create(
                cooperative_id=application.cooperative_id,
                user=application.user,
                entrepreneur=entrepreneur,
                full_name=application.full_name,
                category=application.category,
                college=application.college,
                admitted_on=subscribed_on,
            )
    except IntegrityError as exc:
        raise ApplicationError(_("Cette personne est déjà associée.")) from exc
    ShareSubscription.objects.create(
        cooperative_id=associate.cooperative_id,
        associate=associate,
        subscribed_on=subscribed_on,
        number=number,
        nominal_value=nominal_value,
        paid_amount=paid_amount,
    )
    application.status = AdmissionApplication.Status.ADMITTED
    application.associate = associate
    application.save(update_fields=["status", "associate"])
    # Employee associates are CESA holders: their path records the associate step. Other
    # associates (non-employees, SCIC colleges) may have no file or no CESA.
    if (
        entrepreneur is not None
        and entrepreneur.stage == Stage.CESA
        and entrepreneur.associate_since is None
    ):
        entrepreneur_become_associate(
            entrepreneur=entrepreneur,
            date=subscribed_on,
            recorded_by=recorded_by,
            comment=_("Inscription au registre des associé·es"),
        )
    return associate


@transaction.atomic
def associate_import(
    *,
    full_name: str,
    category: str,
    admitted_on: dt.date,
    number: int,
    nominal_value: Decimal,
    paid_amount: Decimal,
    user: User | None = None,
    entrepreneur: Entrepreneur | None = None,
    college: College | None = None,
) -> Associate:
    """Enter a line of an existing register (people who became associates before the platform):
    no application, and no path step, since their path already records the associate date."""
    if category not in AssociateCategory.values:
        raise ApplicationError(_("Catégorie d'associé·e inconnue."))
    if entrepreneur is not None:
        if entrepreneur.associate_since is None:
            raise ApplicationError(
                _("Son parcours ne dit pas qu'elle est associée : passez par une admission.")
            )
        user = user or entrepreneur.user
    _check_shares(number=number, nominal_value=nominal_value, paid_amount=paid_amount)
    try:
        with transaction.atomic():
            associate: Associate = Associate.objects.create(
                cooperative_id=require_cooperative_id(),
                user=user,
                entrepreneur=entrepreneur,
                full_name=full_name,
                category=category,
                college=college,
                admitted_on=admitted_on,
            )
    except IntegrityError as exc:
        raise ApplicationError(_("Cette personne est déjà associée.")) from exc
    ShareSubscription.objects.create(
        cooperative_id=associate.cooperative_id,
        associate=associate,
        subscribed_on=admitted_on,
        number=number,
        nominal_value=nominal_value,
        paid_amount=paid_amount,
    )
    return associate


def _check_shares(*, number: int, nominal_value: Decimal, paid_amount: Decimal) -> None:
    if number < 1:
        raise ApplicationError(_("Souscrivez au moins une part."))
    if nominal_value <= 0:
        raise ApplicationError(_("La valeur nominale d'une part doit être positive."))
    if paid_amount < 0 or paid_amount > number * nominal_value:
        raise ApplicationError(
            _("Le montant libéré doit être compris entre 0 et le montant souscrit.")
        )


@transaction.atomic
def share_subscribe(
    *,
    associate: Associate,
    subscribed_on: dt.date,
    number: int,
    nominal_value: Decimal,
    paid_amount: Decimal,
) -> ShareSubscription:
    associate = Associate.objects.select_for_update().get(pk=associate.pk)
    if associate.exited_on is not None:
        raise ApplicationError(_("Cette personne n'est plus associée."))
    _check_shares(number=number, nominal_value=nominal_value, paid_amount=paid_amount)
    created_sharesubscription: ShareSubscription = ShareSubscription.objects.create(
        cooperative_id=associate.cooperative_id,
        associate=associate,
        subscribed_on=subscribed_on,
        number=number,
        nominal_value=nominal_value,
        paid_amount=paid_amount,
    )
    return created_sharesubscription


@transaction.atomic
def share_pay(*, subscription: ShareSubscription, amount: Decimal) -> ShareSubscription:
    """Pay up part of a subscription; the database refuses more than what was subscribed."""
    if amount <= 0:
        raise ApplicationError(_("Le montant versé doit être positif."))
    try:
        with transaction.atomic():
            updated = ShareSubscription.objects.filter(pk=subscription.pk).update(
                paid_amount=F("paid_amount") + amount
            )
    except IntegrityError as exc:
        raise ApplicationError(_("Ce versement dépasse le montant souscrit.")) from exc
    if not updated:
        raise ApplicationError(_("Souscription introuvable."))
    created_sharesubscription: ShareSubscription = ShareSubscription.objects.get(pk=subscription.pk)
    return created_sharesubscription


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def associate_exit(
    *,
    associate: Associate,
    exited_on: dt.date,
    reason: str,
    refund_due_on: dt.date | None = None,
) -> Associate:
    """Record the associate's exit and when their shares are to be refunded. Frozen voter rolls
    of assemblies already convened are not touched."""
    associate = Associate.objects.select_for_update().get(pk=associate.pk)
    if associate.exited_on is not None:
        raise ApplicationError(_("Cette sortie est déjà enregistrée."))
    if reason not in ExitReason.values:
        raise ApplicationError(_("Indiquez le motif de sortie."))
    if exited_on < associate.admitted_on:
        raise ApplicationError(_("La sortie ne peut précéder l'admission."))
    due = refund_due_on or add_years(exited_on, REFUND_DELAY_YEARS)
    if due < exited_on:
        raise ApplicationError(_("Le remboursement des parts ne peut précéder la sortie."))
    associate.exited_on = exited_on
    associate.exit_reason = reason
    associate.refund_due_on = due
    associate.save(update_fields=["exited_on", "exit_reason", "refund_due_on"])
    return associate


@transaction.atomic
def associate_refund_record(*, associate: Associate, refunded_on: dt.date) -> Associate:
    associate = Associate.objects.select_for_update().get(pk=associate.pk)
    if associate.exited_on is None:
        raise ApplicationError(_("Les parts ne sont remboursées qu'après la sortie."))
    if associate.refunded_on is not None:
        raise ApplicationError(_("Le remboursement est déjà enregistré."))
    if refunded_on < associate.exited_on:
        raise ApplicationError(_("Le remboursement ne peut précéder la sortie."))
    associate.refunded_on = refunded_on
    associate.save(update_fields=["refunded_on"])
    return associate


@transaction.atomic
def share_refund_partial(
    *, associate: Associate, refunded_on: dt.date, number: int, by: User | None
) -> ShareRefund:
    """Refund some of the shares of an associate who stays: at least one share is kept (all of
    them is an exit). The amount is the nominal value of the latest subscription."""
    associate = Associate.objects.select_for_update().get(pk=associate.pk)
    if associate.exited_on is not None:
        raise ApplicationError(
            _("Cette personne est sortie : enregistrez le remboursement de toutes ses parts.")
        )
    if number < 1:
        raise ApplicationError(_("Remboursez au moins une part."))
    subscriptions = list(ShareSubscription.objects.filter(associate=associate))
    held = sum(s.number for s in subscriptions) - sum(
        ShareRefund.objects.filter(associate=associate).values_list("number", flat=True)
    )
    if number >= held:
        raise ApplicationError(
            _(
                "%(name)s détient %(held)s part(s) : un remboursement partiel en laisse au "
                "moins une (rembourser toutes les parts, c'est la sortie)."
            )
            % {"name": associate.full_name, "held": held}
        )
    if refunded_on < associate.admitted_on:
        raise ApplicationError(_("Le remboursement ne peut précéder l'admission."))
    nominal = subscriptions[-1].nominal_value
    refund: ShareRefund = ShareRefund.objects.create(
        cooperative_id=associate.cooperative_id,
        associate=associate,
        refunded_on=refunded_on,
        number=number,
        amount=nominal * number,
        recorded_by=by,
    )
    return refund


# --------------------------------------------------------------------------- convocation by e-mail


@transaction.atomic
def associate_convocation_update(
    *,
    associate: Associate,
    postal_address: str,
    consent_on: dt.date | None,
    consent_how: str = "",
    consent_address: str = "",
    by: User | None,
) -> Associate:
    """The associate's postal address (for registered letters) and their written consent to
    be convened by e-mail: its date, how it was given and the address they indicated
    (R.223-20 al. 2, R.225-63). `consent_on` None withdraws the consent: letters again. Each
    change of consent is recorded in the governance audit chain."""
    associate = Associate.objects.select_for_update().get(pk=associate.pk)
    consent_address = consent_address.strip()
    if consent_on is None:
        consent_how, consent_address = "", ""
    else:
        if consent_on > timezone.localdate():
            raise ApplicationError(_("L'accord ne peut être daté du futur."))
        if consent_how not in ConsentChannel.values:
            raise ApplicationError(
                _(
                    "Indiquez comment l'accord écrit a été donné (lettre recommandée, voie "
                    "électronique ou formulaire signé)."
                )
            )
        try:
            validate_email(consent_address)
        except ValidationError as exc:
            raise ApplicationError(
                _("Indiquez l'adresse e-mail que l'associé·e a donnée pour ses convocations.")
            ) from exc
    before = (
        associate.email_consent_on,
        associate.email_consent_how,
        associate.email_consent_address,
    )
    associate.postal_address = postal_address.strip()
    associate.email_consent_on = consent_on
    associate.email_consent_how = consent_how
    associate.email_consent_address = consent_address
    associate.save(
        update_fields=[
            "postal_address",
            "email_consent_on",
            "email_consent_how",
            "email_consent_address",
        ]
    )
    if before != (consent_on, consent_how, consent_address):
        audit_record(
            kind=AuditEvent.Kind.EMAIL_CONSENT,
            payload={
                "associate": associate.pk,
                "consent_on": None if consent_on is None else consent_on.isoformat(),
                "how": consent_how,
                "address_sha256": hashlib.sha256(consent_address.encode()).hexdigest()
                if consent_address
                else "",
                "by": None if by is None else by.pk,
            },
        )
    return associate


# --------------------------------------------------------------------------- automatic admission


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


@transaction.atomic
def admission_admit_automatically(
    *, application: AdmissionApplication, decided_on: dt.date, by: User | None
) -> AdmissionApplication:
    """Admit without a vote an employee who applies, where the statutes of the SCOP provide it
    (loi 78-763 art. 8) and after the seniority they set; then subscription and register as
    for any admission (`admission_complete`)."""
    application = (
        AdmissionApplication.objects.select_for_update(of=("self",))
        .select_related("entrepreneur")
        .get(pk=application.pk)
    )
    profile = active_profile()
    if not profile.automatic_admission or profile.automatic_admission_months is None:
        raise ApplicationError(
            _("Les statuts ne prévoient pas d'admission de plein droit : l'assemblée vote.")
        )
    if not profile.signed_off:
        raise ApplicationError(
            _("Le profil statutaire n'est pas vérifié au regard de vos statuts.")
        )
    if application.status != AdmissionApplication.Status.APPLIED:
        raise ApplicationError(_("Cette candidature a déjà été tranchée."))
    if decided_on < application.applied_on or decided_on > timezone.localdate():
        raise ApplicationError(_("L'admission se date entre la candidature et aujourd'hui."))
    entrepreneur = application.entrepreneur
    if (
        application.category != AssociateCategory.EMPLOYEE
        or entrepreneur is None
        or entrepreneur.cesa_start is None
    ):
        raise ApplicationError(
            _("L'admission de plein droit est réservée aux salarié·es de la coopérative.")
        )
    eligible_on = _add_months(entrepreneur.cesa_start, profile.automatic_admission_months)
    if decided_on < eligible_on:
        raise ApplicationError(
            _(
                "Les statuts (%(article)s) demandent %(months)s mois d'ancienneté : admission "
                "de plein droit possible à partir du %(day)s."
            )
            % {
                "article": profile.automatic_admission_article,
                "months": profile.automatic_admission_months,
                "day": eligible_on.strftime("%d/%m/%Y"),
            }
        )
    application.status = AdmissionApplication.Status.APPROVED
    application.decided_on = decided_on
    application.automatic = True
    application.save(update_fields=["status", "decided_on", "automatic"])
    audit_record(
        kind=AuditEvent.Kind.ADMITTED_AUTOMATICALLY,
        payload={
            "application": application.pk,
            "decided_on": decided_on.isoformat(),
            "article": profile.automatic_admission_article,
            "by": None if by is None else by.pk,
        },
    )
    return application
