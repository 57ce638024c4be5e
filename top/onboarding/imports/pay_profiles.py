"""Pay profiles for many people at once: each row names a person (by e-mail or by file number,
the number in the address of their file) and states their whole profile: status, fixed part,
monthly advance on the variable part and personalised withholding rate (an empty advance is
zero, an empty rate is the neutral grid's). The same file again changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from entrepreneurs.models import Entrepreneur
from payroll.models import PayProfile
from payroll.services import pay_profile_set
from perspectives.core.exceptions import ApplicationError
from top.onboarding.imports.base import Column, Context, Kind, Values, choice, email
from top.onboarding.imports.tabular import CellError, decimal, integer

ZERO = Decimal(0)
MAX_GROSS = Decimal(1_000_000)
MAX_PAS_RATE = Decimal(43)

STATUS = choice(
    [
        (("non", "cadre"), PayProfile.Status.NON_CADRE),
        (("non-cadre",), PayProfile.Status.NON_CADRE),
        (("cadre",), PayProfile.Status.CADRE),
    ],
    _lazy("statut"),
)

PAY_PROFILE_COLUMNS = (
    Column("email", "E-mail", email, aliases=("Adresse e-mail", "Email")),
    Column("file_number", "N° de dossier", integer, aliases=("Numéro de dossier", "Dossier")),
    # For the reader only: the person is found by e-mail or file number.
    Column("last_name", "Nom"),
    Column("first_name", "Prénom"),
    Column("status", "Statut", STATUS),
    Column(
        "fixed_gross",
        "Part fixe (brut mensuel)",
        decimal,
        required=True,
        aliases=("Part fixe", "Brut mensuel fixe"),
    ),
    Column(
        "variable_advance",
        "Avance sur la part variable (brut mensuel)",
        decimal,
        aliases=("Avance sur la part variable", "Avance mensuelle sur la part variable"),
    ),
    Column(
        "pas_rate",
        "Taux personnalisé de prélèvement à la source (%)",
        decimal,
        aliases=("Taux PAS", "Taux de prélèvement à la source"),
    ),
)


def _check(values: Values) -> None:
    if not values.get("email") and values.get("file_number") is None:
        raise CellError(_("indiquez l'e-mail ou le numéro de dossier de la personne."))
    values["status"] = values.get("status") or PayProfile.Status.NON_CADRE
    values["variable_advance"] = values.get("variable_advance") or ZERO
    for key in ("fixed_gross", "variable_advance"):
        if not ZERO <= values[key] <= MAX_GROSS:
            raise CellError(_("les montants vont de 0 à 1 000 000 €."))
    rate = values.get("pas_rate")
    if rate is not None and not ZERO <= rate <= MAX_PAS_RATE:
        raise CellError(_("le taux de prélèvement à la source va de 0 à 43 %."))


def _key(values: Values) -> tuple[object, ...]:
    if values.get("email"):
        return ("email", values["email"])
    return ("file", values["file_number"])


def _existing() -> dict[tuple[object, ...], Any]:
    found: dict[tuple[object, ...], Any] = {}
    for profile in PayProfile.objects.select_related("entrepreneur"):
        person = profile.entrepreneur
        found[("file", person.pk)] = profile
        if person.email:
            found[("email", person.email.lower())] = profile
    return found


def _person(values: Values, context: Context) -> Entrepreneur:
    if "people" not in context.cache:
        people = list(Entrepreneur.objects.all())
        context.cache["people"] = {
            "email": {p.email.lower(): p for p in people if p.email},
            "file": {p.pk: p for p in people},
        }
    people = context.cache["people"]
    by_file = people["file"].get(values.get("file_number"))
    by_email = people["email"].get(values.get("email") or "")
    if values.get("email") and by_email is None:
        raise ApplicationError(
            _("aucun dossier d'entrepreneur·e pour %(email)s.") % {"email": values["email"]}
        )
    if values.get("file_number") is not None and by_file is None:
        raise ApplicationError(
            _("aucun dossier d'entrepreneur·e n° %(number)s.") % {"number": values["file_number"]}
        )
    if by_email is not None and by_file is not None and by_email != by_file:
        raise ApplicationError(
            _("l'e-mail %(email)s et le dossier n° %(number)s désignent deux personnes.")
            % {"email": values["email"], "number": values["file_number"]}
        )
    person: Entrepreneur = by_email or by_file
    return person


def _write(values: Values, existing: PayProfile | None, context: Context) -> bool:
    person = _person(values, context)
    seen: set[int] = context.written.setdefault("people", set())
    if person.pk in seen:
        # One row by e-mail, another by file number: the same person twice.
        raise ApplicationError(
            _("%(name)s a déjà une ligne dans ce fichier.")
            % {"name": f"{person.first_name} {person.last_name}"}
        )
    monthly_gross = values["fixed_gross"] + values["variable_advance"]
    pas_rate: Decimal | None = values.get("pas_rate")
    if (
        existing is not None
        and existing.monthly_gross == monthly_gross
        and existing.variable_advance == values["variable_advance"]
        and existing.status == values["status"]
        and existing.pas_rate == pas_rate
    ):
        seen.add(person.pk)
        return False
    pay_profile_set(
        entrepreneur=person,
        monthly_gross=monthly_gross,
        variable_advance=values["variable_advance"],
        status=values["status"],
        pas_rate=pas_rate,
    )
    seen.add(person.pk)
    return True


def _export() -> list[list[object]]:
    return [
        [
            p.entrepreneur.email,
            p.entrepreneur.pk,
            p.entrepreneur.last_name,
            p.entrepreneur.first_name,
            p.get_status_display(),
            p.fixed_gross,
            p.variable_advance,
            "" if p.pas_rate is None else p.pas_rate,
        ]
        for p in PayProfile.objects.select_related("entrepreneur").order_by(
            "entrepreneur__last_name", "entrepreneur__first_name", "pk"
        )
    ]


PAY_PROFILES = Kind(
    key="pay_profiles",
    label=_lazy("Profils de rémunération"),
    columns=PAY_PROFILE_COLUMNS,
    natural_key=_key,
    existing=_existing,
    write=_write,
    check=_check,
    export=_export,
)
