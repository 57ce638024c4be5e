"""What each kind of import reads: its template columns (French), the other headers it
accepts (enDI's exports), how a row is checked, its natural key, and how it is written through
the domain apps' services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from entrepreneurs.models import (
    Activity,
    Entrepreneur,
    PathStep,
    Sector,
)
from entrepreneurs.permissions import ACCOMPANIMENT_ROLES
from entrepreneurs.services import (
    PreparedFile,
    activity_create,
    activity_split_set,
    entrepreneur_prepare,
    entrepreneur_update,
    entrepreneurs_create_many,
    path_step_record,
)
from governance.models import Associate, AssociateCategory, College, ExitReason
from governance.services import associate_exit, associate_import
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.models import Membership
from top.onboarding.imports.base import (
    Column,
    Context,
    Kind,
    Numbered,
    Values,
    choice,
    email,
)
from top.onboarding.imports.pay_profiles import PAY_PROFILES
from top.onboarding.imports.payroll_opening import PAYROLL_OPENING
from top.onboarding.imports.tabular import (
    CellError,
    boolean,
    date,
    decimal,
    integer,
    normalise,
    text,
)
from top.onboarding.imports.third_parties import CUSTOMERS, SUPPLIERS

CIVILITY = choice(
    [
        (("madame",), "woman"),
        (("mme",), "woman"),
        (("femme",), "woman"),
        (("monsieur",), "man"),
        (("homme",), "man"),
        (("m",), "man"),
        (("autre",), "other"),
        (("non renseigne",), ""),
    ],
    _lazy("civilité"),
)
EDUCATION = choice(
    [
        (("sans",), "none"),
        (("aucun",), "none"),
        (("doctorat",), "8"),
        (("niveau 8",), "8"),
        (("bac 5",), "7"),
        (("master",), "7"),
        (("niveau 7",), "7"),
        (("bac 3",), "6"),
        (("bac 4",), "6"),
        (("licence",), "6"),
        (("maitrise",), "6"),
        (("niveau 6",), "6"),
        (("bac 2",), "5"),
        (("bts",), "5"),
        (("dut",), "5"),
        (("niveau 5",), "5"),
        (("cap",), "3"),
        (("bep",), "3"),
        (("niveau 3",), "3"),
        (("bac",), "4"),
        (("niveau 4",), "4"),
    ],
    _lazy("niveau de formation"),
)
SITUATION = choice(
    [
        (("non indemnise",), "job_seeker_no_are"),
        (("sans are",), "job_seeker_no_are"),
        (("are",), "job_seeker_are"),
        (("indemnise",), "job_seeker_are"),
        (("rsa",), "benefit"),
        (("ass",), "ass"),
        (("demandeu",), "job_seeker"),
        (("salari",), "employee"),
        (("independant",), "self_employed"),
        (("etudiant",), "student"),
        (("autre",), "other"),
        (("",), "other"),
    ],
    _lazy("situation à l'entrée"),
)
PRESCRIBER = choice(
    [
        (("france travail",), "france_travail"),
        (("pole emploi",), "france_travail"),
        (("mission locale",), "mission_locale"),
        (("cap emploi",), "cap_emploi"),
        (("departement",), "department"),
        (("rsa",), "department"),
        (("reseau",), "network"),
        (("bouche",), "network"),
        (("",), "other"),
    ],
    _lazy("prescripteur"),
)
EXIT_REASON = choice(
    [
        (("entreprise",), "own_company"),
        (("creation",), "own_company"),
        (("emploi",), "salaried_job"),
        (("cdi",), "salaried_job"),
        (("cdd",), "salaried_job"),
        (("arret",), "stop"),
        (("",), "other"),
    ],
    _lazy("motif de sortie"),
)


def _zone(value: object) -> str:
    return normalise(text(value))


# --------------------------------------------------------------------------- helpers


def _sector(context: Context, name: str) -> Sector:
    """The sector of that name, created if the cooperative has none yet."""
    key = normalise(name) or normalise(_("À classer"))
    if not context.sectors:
        context.sectors = {normalise(s.name): s for s in Sector.objects.all()}
    sector = context.sectors.get(key)
    if sector is None:
        position = max((s.position for s in context.sectors.values()), default=0) + 1
        sector = Sector.objects.create(
            cooperative_id=require_cooperative_id(), name=name or _("À classer"), position=position
        )
        context.sectors[key] = sector
    return sector


def _staff(context: Context, value: str) -> User:
    """A support staff member named by e-mail or by name (« Prénom Nom » or « Nom Prénom »)."""
    if not context.staff:
        for membership in Membership.objects.filter(
            cooperative_id=require_cooperative_id()
        ).select_related("user"):
            if membership.has_role(*ACCOMPANIMENT_ROLES):
                member = membership.user
                for name in (
                    member.email.lower(),
                    normalise(f"{member.first_name} {member.last_name}"),
                    normalise(f"{member.last_name} {member.first_name}"),
                ):
                    context.staff[name] = member
    user = context.staff.get(value.lower()) or context.staff.get(normalise(value))
    if user is None:
        raise ApplicationError(
            _(
                "référent·e « %(name)s » inconnu·e : invitez d'abord cette personne dans "
                "l'équipe d'appui."
            )
            % {"name": value}
        )
    return user


# --------------------------------------------------------------------------- kinds


# People -------------------------------------------------------------------


ENTREPRENEUR_COLUMNS = (
    Column("last_name", "Nom", required=True),
    Column("first_name", "Prénom", required=True),
    Column("email", "E-mail", email, aliases=("E-mail 1", "Adresse e-mail", "Email", "Courriel")),
    Column("phone", "Téléphone", aliases=("Tél. mobile", "Tél. fixe", "Telephone")),
    Column("civility", "Civilité", CIVILITY, aliases=("Sexe",)),
    Column("birth_date", "Date de naissance", date, aliases=("Naissance",)),
    Column("address_line", "Adresse"),
    Column("postal_code", "Code postal"),
    Column("city", "Ville"),
    Column("sector", "Pôle", aliases=("Secteur",)),
    Column("referent", "Référent·e", aliases=("Accompagnateur", "Référent", "Referente")),
    Column("education_level", "Niveau de formation", EDUCATION, aliases=("Niveau d'études",)),
    Column(
        "entry_situation", "Situation à l'entrée", SITUATION, aliases=("Statut social à l'entrée",)
    ),
    Column(
        "unemployment_rights_end",
        "Fin des droits au chômage",
        date,
        aliases=("Date de fin de droit",),
    ),
    Column("rqth", "RQTH", boolean),
    Column("qpv", "QPV", boolean),
    Column("zrr", "ZRR", boolean),
    Column("zone", "Zone d'habitation", _zone),
    Column("zone_qualification", "Qualification de la zone d'habitation", _zone),
    Column("prescriber", "Prescripteur", PRESCRIBER),
    Column("emergency_contact_name", "Personne à prévenir", aliases=("Contact urgent : Nom",)),
    Column(
        "emergency_contact_phone",
        "Téléphone de la personne à prévenir",
        aliases=("Contact urgent : Téléphone",),
    ),
    Column("info_session", "Réunion d'information", date, aliases=("Info coll.",)),
    Column("cape_start", "Début du CAPE", date),
    Column("cape_planned_end", "Fin prévue du CAPE", date),
    Column("cape_end", "Fin du CAPE", date),
    Column("cesa_start", "Début du CESA", date),
    Column("associate", "Associé·e depuis", date, aliases=("Date d'entrée au sociétariat",)),
    Column("exit", "Sortie le", date),
    Column("exit_reason", "Motif de sortie", EXIT_REASON),
)

_FILE_FIELDS = (
    "email",
    "phone",
    "civility",
    "birth_date",
    "address_line",
    "postal_code",
    "city",
    "education_level",
    "entry_situation",
    "unemployment_rights_end",
    "rqth",
    "qpv",
    "zrr",
    "prescriber",
    "emergency_contact_name",
    "emergency_contact_phone",
)
_PATH = (
    ("info_session", PathStep.Kind.INFO_SESSION),
    ("cape_start", PathStep.Kind.CAPE_START),
    ("cape_end", PathStep.Kind.CAPE_END),
    ("cesa_start", PathStep.Kind.CESA_START),
    ("associate", PathStep.Kind.ASSOCIATE),
    ("exit", PathStep.Kind.EXIT),
)


def _career_path(items: list[dict[str, object]]) -> Values:
    """enDI's career path (its "gestion sociale" export, one numbered group of "Parcours …"
    columns per step) → our path dates. A step is told by its stage name ("Contrat CAPE"), its
    situation in the cooperative ("En convention") and its contract type: enDI's CSV leaves the
    stage name empty (two columns share its header), the situation and contract still tell.
    The earliest step of each kind counts; amendments and unknown stages are left out. enDI
    has no "end of CAPE" step: a CAPE followed by a CESA ended at its due date (or the day
    before the CESA, when that came first)."""
    values: Values = {}

    def keep(key: str, day: dt.date) -> bool:
        if values.get(key) is None or day < values[key]:
            values[key] = day
            return True
        return False

    for item in items:
        start = date(item.get("start"))
        if start is None:
            continue
        end = date(item.get("end"))
        exit_reason = text(item.get("exit_reason")) or text(item.get("exit_type"))
        words = f" {normalise(' '.join(text(item.get(k)) for k in ('stage', 'situation')))} "
        contract = normalise(text(item.get("contract")))
        if "avenant" in words:
            continue
        if "sorti" in words or exit_reason:
            if keep("exit", start):
                values["exit_reason"] = EXIT_REASON(exit_reason)
        elif "cape" in words or "convention" in words:
            if keep("cape_start", start):
                values["cape_planned_end"] = end
        elif "cesa" in words or " salarie " in words or contract in ("cdi", "cdd", "cesa"):
            keep("cesa_start", start)
        elif any(w in words for w in (" associe", " societaire")):
            keep("associate", start)
        elif any(w in words for w in ("diagnostic", " information", " info ", "candidat")):
            keep("info_session", start)
    cape, cesa = values.get("cape_start"), values.get("cesa_start")
    if cape is not None and cesa is not None and cape < cesa:
        # A CESA after a CAPE ended it: at its due date, or the day before the CESA began.
        due = values.get("cape_planned_end")
        values["cape_end"] = due if due is not None and due < cesa else cesa - dt.timedelta(days=1)
    return {key: value for key, value in values.items() if value is not None}


ENDI_CAREER_PATH = Numbered(
    prefix="Parcours",
    fields={
        "Type d’étape": "stage",
        "Date d’effet": "start",
        "Date d’échéance": "end",
        "Situation dans la CAE": "situation",
        "Type de contrat": "contract",
        "Type de sortie": "exit_type",
        "Motif de sortie": "exit_reason",
    },
    read=_career_path,
)


def _person_key(values: Values) -> tuple[object, ...]:
    if values.get("email"):
        return ("email", values["email"])
    return (
        "name",
        normalise(values["last_name"]),
        normalise(values["first_name"]),
        values.get("birth_date"),
    )


def _people_existing() -> dict[tuple[object, ...], Any]:
    found: dict[tuple[object, ...], Any] = {}
    for person in Entrepreneur.objects.filter(archived_at=None):
        found[
            ("name", normalise(person.last_name), normalise(person.first_name), person.birth_date)
        ] = person
        if person.email:
            found[("email", person.email.lower())] = person
    return found


def _check_person(values: Values) -> None:
    zone = f"{values.pop('zone', '')} {values.pop('zone_qualification', '')}".strip()
    if zone:
        values["qpv"] = values.get("qpv") or "qpv" in zone or "prioritaire" in zone
        values["zrr"] = values.get("zrr") or "zrr" in zone or "rural" in zone
    dates: list[dt.date] = [values[key] for key, _kind in _PATH if values.get(key)]
    if dates != sorted(dates):
        raise CellError(_("les dates du parcours ne se suivent pas."))
    if values.get("exit") and not values.get("exit_reason"):
        values["exit_reason"] = "other"


def _prepare_person(values: Values, context: Context) -> PreparedFile:
    """A new file checked (fields, referent, path) and not yet saved."""
    data = {key: values[key] for key in _FILE_FIELDS if key in values}
    data.setdefault("email", "")
    referent = _staff(context, values["referent"]) if values.get("referent") else None
    steps = [
        (
            kind,
            values[key],
            (values.get("cape_planned_end") or values.get("cape_end"))
            if kind == PathStep.Kind.CAPE_START
            else None,
            values.get("exit_reason", "") if kind == PathStep.Kind.EXIT else "",
        )
        for key, kind in _PATH
        if values.get(key) is not None
    ]
    person = Entrepreneur(
        first_name=values["first_name"], last_name=values["last_name"], referent=referent, **data
    )
    prepared = entrepreneur_prepare(
        entrepreneur=person, steps=steps, recorded_by=context.by, comment=_("Import")
    )
    # Last: a refused row creates no sector.
    person.sector = _sector(context, values.get("sector", ""))
    return prepared


def _create_people(prepared: list[PreparedFile], context: Context) -> None:
    entrepreneurs_create_many(files=prepared)


def _write_person(values: Values, existing: Entrepreneur | None, context: Context) -> bool:
    if existing is None:
        _create_people([_prepare_person(values, context)], context)
        return True
    data = {key: values[key] for key in _FILE_FIELDS if key in values}
    data.setdefault("email", "")
    if values.get("referent"):
        data["referent"] = _staff(context, values["referent"])
    if values.get("sector"):
        data["sector"] = _sector(context, values["sector"])
    changed = {key: value for key, value in data.items() if getattr(existing, key) != value}
    if changed:
        person = entrepreneur_update(entrepreneur=existing, version=existing.version, data=changed)
    else:
        person = existing
    recorded = set(PathStep.objects.filter(entrepreneur=person).values_list("kind", flat=True))
    if not changed and all(kind in recorded for key, kind in _PATH if values.get(key)):
        return False
    for key, kind in _PATH:
        day = values.get(key)
        if day is None or kind in recorded:
            continue
        path_step_record(
            entrepreneur=person,
            kind=kind,
            date=day,
            planned_end=(values.get("cape_planned_end") or values.get("cape_end"))
            if kind == PathStep.Kind.CAPE_START
            else None,
            exit_reason=values.get("exit_reason", "") if kind == PathStep.Kind.EXIT else "",
            recorded_by=context.by,
            comment=_("Import"),
        )
    return True


def _export_people() -> list[list[object]]:
    rows: list[list[object]] = []
    steps: dict[int, dict[str, dt.date]] = {}
    exit_reasons: dict[int, str] = {}
    planned: dict[int, dt.date | None] = {}
    for step in PathStep.objects.order_by("date", "pk"):
        steps.setdefault(step.entrepreneur_id, {})[step.kind] = step.date
        if step.kind == PathStep.Kind.EXIT:
            exit_reasons[step.entrepreneur_id] = step.get_exit_reason_display()
        if step.kind == PathStep.Kind.CAPE_START:
            planned[step.entrepreneur_id] = step.planned_end
    for person in Entrepreneur.objects.select_related("sector", "referent").order_by(
        "last_name", "first_name", "pk"
    ):
        path = steps.get(person.pk, {})
        rows.append(
            [
                person.last_name,
                person.first_name,
                person.email,
                person.phone,
                person.get_civility_display() if person.civility else "",
                person.birth_date,
                person.address_line,
                person.postal_code,
                person.city,
                person.sector.name,
                person.referent.email if person.referent else "",
                person.get_education_level_display() if person.education_level else "",
                person.get_entry_situation_display() if person.entry_situation else "",
                person.unemployment_rights_end,
                "oui" if person.rqth else "non",
                "oui" if person.qpv else "non",
                "oui" if person.zrr else "non",
                "",
                "",
                person.get_prescriber_display() if person.prescriber else "",
                person.emergency_contact_name,
                person.emergency_contact_phone,
                path.get("info_session"),
                path.get("cape_start"),
                planned.get(person.pk),
                path.get("cape_end"),
                path.get("cesa_start"),
                path.get("associate"),
                path.get("exit"),
                exit_reasons.get(person.pk, ""),
            ]
        )
    return rows


ENTREPRENEURS = Kind(
    key="entrepreneurs",
    label=_lazy("Entrepreneur·es"),
    columns=ENTREPRENEUR_COLUMNS,
    natural_key=_person_key,
    existing=_people_existing,
    write=_write_person,
    check=_check_person,
    export=_export_people,
    prepare=_prepare_person,
    create_many=_create_people,
    numbered=ENDI_CAREER_PATH,
)


# Activities -----------------------------------------------------------------


def _parts(value: object) -> list[Decimal]:
    raw = text(value)
    if not raw:
        return []
    parts = []
    for piece in raw.split("|"):
        number = decimal(piece)
        if number is None:
            raise CellError(_("« %(value)s » : une part vide.") % {"value": raw})
        parts.append(number)
    return parts


def _emails(value: object) -> list[str]:
    return [e.strip().lower() for e in text(value).split("|") if e.strip()]


ACTIVITY_COLUMNS = (
    Column(
        "analytic_code",
        "Code analytique",
        lambda v: text(v).upper(),
        required=True,
        aliases=("Compte analytique", "Code compta"),
    ),
    Column("name", "Nom", required=True, aliases=("Nom de l'enseigne", "Enseigne")),
    Column("sector", "Pôle", aliases=("Secteur",)),
    Column("start_date", "Début", date, required=True, aliases=("Date de début",)),
    Column("end_date", "Fin", date, aliases=("Date de fin",)),
    Column("contribution_rate", "Taux de contribution (%)", decimal, aliases=("Contribution",)),
    Column("emails", "E-mails des entrepreneur·es", _emails, required=True),
    Column("parts", "Parts (%)", _parts),
)


def _check_activity(values: Values) -> None:
    emails, parts = values.get("emails") or [], values.get("parts") or []
    if not parts and len(emails) == 1:
        values["parts"] = [Decimal(100)]
    elif len(parts) != len(emails):
        raise CellError(_("donnez une part (%) pour chaque entrepreneur·e, séparées par « | »."))


def _write_activity(values: Values, existing: Activity | None, context: Context) -> bool:
    if "people" not in context.cache:
        context.cache["people"] = {
            p.email.lower(): p for p in Entrepreneur.objects.exclude(email="")
        }
    people = context.cache["people"]
    shares = []
    for address, part in zip(values["emails"], values["parts"], strict=True):
        person = people.get(address)
        if person is None:
            raise ApplicationError(
                _("aucun dossier d'entrepreneur·e pour %(email)s.") % {"email": address}
            )
        shares.append((person, part))
    if existing is None:
        activity_create(
            analytic_code=values["analytic_code"],
            name=values["name"],
            sector=_sector(context, values.get("sector", "")),
            start_date=values["start_date"],
            end_date=values.get("end_date"),
            contribution_rate=values.get("contribution_rate"),
            shares=shares,
        )
        return True
    current = sorted((m.entrepreneur_id, m.share) for m in existing.members.all())
    if current != sorted((p.pk, s) for p, s in shares):
        activity_split_set(activity=existing, shares=shares)
        return True
    return False


def _activities_existing() -> dict[tuple[object, ...], Any]:
    return {(a.analytic_code,): a for a in Activity.objects.prefetch_related("members")}


def _export_activities() -> list[list[object]]:
    rows = []
    for activity in (
        Activity.objects.select_related("sector")
        .prefetch_related("members__entrepreneur")
        .order_by("analytic_code")
    ):
        members = list(activity.members.all())
        rows.append(
            [
                activity.analytic_code,
                activity.name,
                activity.sector.name,
                activity.start_date,
                activity.end_date,
                activity.contribution_rate,
                "|".join(m.entrepreneur.email for m in members),
                "|".join(str(m.share) for m in members),
            ]
        )
    return rows


ACTIVITIES = Kind(
    key="activities",
    label=_lazy("Activités"),
    columns=ACTIVITY_COLUMNS,
    natural_key=lambda values: (values["analytic_code"],),
    existing=_activities_existing,
    write=_write_activity,
    check=_check_activity,
    export=_export_activities,
)


# Associates -----------------------------------------------------------------

CATEGORY = choice(
    [(("salari",), AssociateCategory.EMPLOYEE), (("",), AssociateCategory.OTHER)],
    _lazy("catégorie"),
)
ASSOCIATE_EXIT = choice(
    [
        (("demission",), ExitReason.RESIGNATION),
        (("exclusion",), ExitReason.EXCLUSION),
        (("fin",), ExitReason.END_OF_EMPLOYMENT),
        (("deces",), ExitReason.DEATH),
        (("",), ExitReason.OTHER),
    ],
    _lazy("motif de sortie"),
)

ASSOCIATE_COLUMNS = (
    Column("full_name", "Nom", required=True),
    Column("email", "E-mail de l'entrepreneur·e", email, aliases=("E-mail",)),
    Column("category", "Catégorie", CATEGORY),
    Column("college", "Collège"),
    Column("admitted_on", "Admis·e le", date, required=True, aliases=("Date d'admission",)),
    Column("number", "Parts", integer, required=True, aliases=("Nombre de parts",)),
    Column("nominal_value", "Valeur nominale (€)", decimal, required=True),
    Column("paid_amount", "Montant libéré (€)", decimal),
    Column("exited_on", "Sorti·e le", date),
    Column("exit_reason", "Motif de sortie", ASSOCIATE_EXIT),
)


def _associate_key(values: Values) -> tuple[object, ...]:
    if values.get("email"):
        return ("email", values["email"])
    return ("name", normalise(values["full_name"]), values["admitted_on"])


def _associates_existing() -> dict[tuple[object, ...], Any]:
    found: dict[tuple[object, ...], Any] = {}
    for associate in Associate.objects.select_related("entrepreneur"):
        found[("name", normalise(associate.full_name), associate.admitted_on)] = associate
        if associate.entrepreneur is not None and associate.entrepreneur.email:
            found[("email", associate.entrepreneur.email.lower())] = associate
    return found


def _check_associate(values: Values) -> None:
    if values["number"] is None or values["number"] < 1:
        raise CellError(_("au moins une part."))
    if values.get("paid_amount") is None:
        values["paid_amount"] = values["number"] * values["nominal_value"]
    if values.get("exited_on") and not values.get("exit_reason"):
        values["exit_reason"] = ExitReason.OTHER
    values["category"] = values.get("category") or AssociateCategory.OTHER


def _write_associate(values: Values, existing: Associate | None, context: Context) -> bool:
    if existing is None:
        entrepreneur = None
        if values.get("email"):
            entrepreneur = Entrepreneur.objects.filter(email__iexact=values["email"]).first()
            if entrepreneur is None:
                raise ApplicationError(
                    _("aucun dossier d'entrepreneur·e pour %(email)s.") % {"email": values["email"]}
                )
        college = None
        if values.get("college"):
            college = College.objects.filter(name__iexact=values["college"]).first()
            if college is None:
                raise ApplicationError(
                    _("collège « %(name)s » inconnu : définissez d'abord les collèges.")
                    % {"name": values["college"]}
                )
        existing = associate_import(
            full_name=values["full_name"],
            category=values["category"],
            admitted_on=values["admitted_on"],
            number=values["number"],
            nominal_value=values["nominal_value"],
            paid_amount=values["paid_amount"],
            entrepreneur=entrepreneur,
            college=college,
        )
        changed = True
    else:
        changed = False
    if values.get("exited_on") and existing.exited_on is None:
        associate_exit(
            associate=existing, exited_on=values["exited_on"], reason=values["exit_reason"]
        )
        changed = True
    return changed


def _export_associates() -> list[list[object]]:
    from governance.selectors import associate_list

    rows = []
    for associate in associate_list().select_related("entrepreneur", "college"):
        rows.append(
            [
                associate.full_name,
                associate.entrepreneur.email if associate.entrepreneur else "",
                associate.get_category_display(),
                associate.college.name if associate.college else "",
                associate.admitted_on,
                associate.shares,  # type: ignore[attr-defined]
                (
                    associate.subscribed / associate.shares  # type: ignore[attr-defined]
                    if associate.shares  # type: ignore[attr-defined]
                    else ""
                ),
                associate.paid,  # type: ignore[attr-defined]
                associate.exited_on,
                associate.get_exit_reason_display() if associate.exit_reason else "",
            ]
        )
    return rows


ASSOCIATES = Kind(
    key="associates",
    label=_lazy("Associé·es"),
    columns=ASSOCIATE_COLUMNS,
    natural_key=_associate_key,
    existing=_associates_existing,
    write=_write_associate,
    check=_check_associate,
    export=_export_associates,
)

KINDS = {
    kind.key: kind
    for kind in (
        ENTREPRENEURS,
        ACTIVITIES,
        ASSOCIATES,
        CUSTOMERS,
        SUPPLIERS,
        PAYROLL_OPENING,
        PAY_PROFILES,
    )
}
ALL_KINDS = tuple(KINDS)
