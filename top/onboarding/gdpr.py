"""Personal data: everything the platform holds about a person, in one ZIP (GDPR art. 15 and
20), and the anonymisation of exited people's files once the retention period has passed."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepreneurs.models import (
    ActivityMember,
    Appointment,
    Document,
    Entrepreneur,
    Goal,
    Note,
    PathStep,
    PersonalDataAccess,
    WorkshopRegistration,
)
from entrepreneurs.services import (
    entrepreneur_anonymise,
    entrepreneurs_due_for_anonymisation,
    personal_data_access_record,
)
from governance.models import (
    AdmissionApplication,
    Associate,
    ConvocationDispatch,
    ShareRefund,
    ShareSubscription,
    VoteNotice,
)
from payroll.models import Absence, OpeningBalance, Payslip
from perspectives.accounts.models import User
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.models import Membership, Role

# Files of the person (entrepreneur file fields; identifiers of other tables are left out).
FILE_FIELDS = (
    "first_name",
    "last_name",
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
    "iban",
    "stage",
    "cesa_start",
    "cape_days",
    "associate_since",
    "exited_on",
    "created_at",
)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _rows(queryset: Any, fields: list[str]) -> list[dict[str, Any]]:
    return [_plain(model_to_dict(row, fields=fields)) for row in queryset]


# Long on purpose: one section per table holding personal data, in the order of the exported file.
def personal_data_collect(*, entrepreneur: Entrepreneur) -> dict[str, Any]:
    """What the cooperative holds about the person, table by table. Notes the support team keeps
    for itself are left out (they are the team's working notes, shared notes are included)."""
    associates = Associate.objects.filter(entrepreneur=entrepreneur)
    data: dict[str, Any] = {
        "exporte_le": timezone.now().isoformat(),
        "dossier": _plain({name: getattr(entrepreneur, name) for name in FILE_FIELDS})
        | {
            "pole": entrepreneur.sector.name,
            "referent": str(entrepreneur.referent or ""),
        },
        "parcours": _rows(
            PathStep.objects.filter(entrepreneur=entrepreneur).order_by("date", "pk"),
            ["kind", "date", "planned_end", "weekly_hours", "fixed_pay", "exit_reason", "comment"],
        ),
        "rendez_vous": _rows(
            Appointment.objects.filter(entrepreneur=entrepreneur).order_by("starts_at"),
            ["starts_at", "duration_minutes", "mode", "kind", "cancelled"],
        ),
        "notes_partagees": _rows(
            Note.objects.filter(entrepreneur=entrepreneur, visibility=Note.Visibility.SHARED),
            ["body", "created_at"],
        ),
        "objectifs": [
            {
                "objectif": goal.title,
                "actions": _rows(goal.actions.all(), ["title", "due_date", "status"]),
            }
            for goal in Goal.objects.filter(entrepreneur=entrepreneur).prefetch_related("actions")
        ],
        "ateliers": [
            {
                "atelier": r.workshop.title,
                "debut": _plain(r.workshop.starts_at),
                "present": r.attended,
            }
            for r in WorkshopRegistration.objects.filter(entrepreneur=entrepreneur).select_related(
                "workshop"
            )
        ],
        "activites": [
            {"code": m.activity.analytic_code, "nom": m.activity.name, "part": str(m.share)}
            for m in ActivityMember.objects.filter(entrepreneur=entrepreneur).select_related(
                "activity"
            )
        ],
        "documents": _rows(
            Document.objects.filter(entrepreneur=entrepreneur),
            ["kind", "title", "original_name", "expires_on", "uploaded_at"],
        ),
        "associe": [
            _plain(
                model_to_dict(
                    a,
                    fields=[
                        "full_name",
                        "category",
                        "admitted_on",
                        "exited_on",
                        "exit_reason",
                        "refund_due_on",
                        "refunded_on",
                        "postal_address",
                        "email_consent_on",
                        "email_consent_address",
                    ],
                )
            )
            | {
                "souscriptions": _rows(
                    ShareSubscription.objects.filter(associate=a),
                    ["subscribed_on", "number", "nominal_value", "paid_amount"],
                ),
                "remboursements": _rows(
                    ShareRefund.objects.filter(associate=a), ["refunded_on", "number", "amount"]
                ),
            }
            for a in associates
        ],
        "convocations": [
            {"assemblee": d.assembly.title}
            | _plain(
                model_to_dict(
                    d,
                    fields=[
                        "channel",
                        "email",
                        "consent_on",
                        "postal_address",
                        "sent_at",
                        "posted_on",
                        "registered_number",
                        "received_on",
                    ],
                )
            )
            for d in ConvocationDispatch.objects.filter(entry__associate__in=associates)
            .select_related("assembly")
            .order_by("assembly__scheduled_at", "pk")
        ],
        "avis_de_vote": [
            {"assemblee": n.assembly.title, "email": n.email, "envoye_le": _plain(n.sent_at)}
            for n in VoteNotice.objects.filter(entry__associate__in=associates)
            .select_related("assembly")
            .order_by("sent_at", "pk")
        ],
        "candidatures_au_societariat": _rows(
            AdmissionApplication.objects.filter(entrepreneur=entrepreneur),
            ["applied_on", "status", "decided_on", "shares_requested"],
        ),
        "bulletins_de_paie": _rows(
            Payslip.objects.filter(entrepreneur=entrepreneur).order_by("period", "version"),
            ["period", "kind", "version", "status", "gross", "net_social", "net_paid"],
        ),
        "cumuls_de_paie_de_reprise": _rows(
            OpeningBalance.objects.filter(entrepreneur=entrepreneur).order_by("year"),
            [
                "year",
                "gross",
                "hours",
                "net_social",
                "taxable",
                "leave_acquired",
                "leave_taken",
            ],
        ),
        "absences": _rows(
            Absence.objects.filter(entrepreneur=entrepreneur),
            [
                f.name
                for f in Absence._meta.concrete_fields
                if f.name not in ("id", "cooperative", "entrepreneur")
            ],
        ),
        "acces_au_dossier": [
            {"le": _plain(a.at), "par": str(a.user or ""), "action": a.action}
            for a in PersonalDataAccess.objects.filter(entrepreneur=entrepreneur).select_related(
                "user"
            )[:1000]
        ],
    }
    return data


@transaction.atomic
def personal_data_export(*, entrepreneur: Entrepreneur, by: User | None) -> bytes:
    """A ZIP: `donnees.json`, the person's documents and their issued payslips as PDF. The
    export itself is logged."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "donnees.json",
            json.dumps(
                personal_data_collect(entrepreneur=entrepreneur), ensure_ascii=False, indent=2
            ),
        )
        for document in Document.objects.filter(entrepreneur=entrepreneur):
            with document.file.open("rb") as handle:
                archive.writestr(f"documents/{document.pk}-{document.original_name}", handle.read())
        for payslip in Payslip.objects.filter(entrepreneur=entrepreneur).exclude(pdf=""):
            with payslip.pdf.open("rb") as handle:
                archive.writestr(
                    f"bulletins/{payslip.period:%Y-%m}-v{payslip.version}.pdf", handle.read()
                )
    personal_data_access_record(entrepreneur=entrepreneur, user=by, action="export")
    return buffer.getvalue()


def personal_data_retention_run(*, today: dt.date) -> list[str]:
    """Anonymise the files of people who left more than PERSONAL_DATA_RETENTION_YEARS ago and
    tell the managers. Payslips (5 years for the employer), the ledger (10 years) and the
    register keep their own rows: only the file's personal data goes."""
    years = settings.PERSONAL_DATA_RETENTION_YEARS
    done = []
    for person in entrepreneurs_due_for_anonymisation(today=today, years=years):
        name = f"{person.first_name} {person.last_name}"
        entrepreneur_anonymise(entrepreneur=person, by=None)
        done.append(name)
    if done:
        managers = [
            m.user.email
            for m in Membership.objects.filter(
                cooperative_id=require_cooperative_id()
            ).select_related("user")
            if m.has_role(Role.MANAGER, Role.ADMIN)
        ]
        body = _(
            "Les dossiers de ces personnes, sorties depuis plus de %(years)s ans, ont été "
            "anonymisés (la comptabilité, la paie et le registre gardent ce que la loi exige) :"
        ) % {"years": years}
        transaction.on_commit(
            lambda: send_mail(
                subject=_("Données personnelles anonymisées : %(count)s dossier(s)")
                % {"count": len(done)},
                message=body + "\n\n" + "\n".join(f"- {n}" for n in done),
                from_email=None,
                recipient_list=managers,
            )
        )
    return done
