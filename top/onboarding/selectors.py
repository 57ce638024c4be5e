"""The set-up checklist: what a new cooperative still has to do before it is ready."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.urls import reverse
from django.utils.translation import gettext as _

from accounting.models import Account, Journal
from accounting.services.chart import DEFAULT_JOURNALS
from entrepreneurs.models import Sector
from governance.models import College, StatuteProfile
from payroll.models import PayrollSettings
from perspectives.tenancy.models import Cooperative, SettingChange

# Steps whose defaults are sensible: done once a manager has looked at them and saved.
CONFIRMED_SECTIONS = ("chart", "accompaniment", "dashboard", "treasury", "contribution")


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    url: str
    done: bool
    missing: list[str] = field(default_factory=list)


def _identity_missing(cooperative: Cooperative) -> list[str]:
    missing = []
    if not (cooperative.address_line and cooperative.postal_code and cooperative.city):
        missing.append(_("l'adresse du siège"))
    if not cooperative.vat_number:
        missing.append(_("le numéro de TVA intracommunautaire"))
    return missing


# Long on purpose: one short check per set-up step, in the order the checklist shows them.
def setup_checklist(*, cooperative: Cooperative) -> list[Step]:
    """Each step of the set-up, done or not, and what is missing. Runs in the cooperative."""
    slug = cooperative.slug
    confirmed = set(
        SettingChange.objects.filter(section__in=CONFIRMED_SECTIONS).values_list(
            "section", flat=True
        )
    )
    steps: list[Step] = []
    missing = _identity_missing(cooperative)
    steps.append(
        Step(
            "identity", _("Identité"), reverse("setup_identity", args=[slug]), not missing, missing
        )
    )
    journals = set(Journal.objects.values_list("code", flat=True))
    missing = [
        _("le journal %(code)s") % {"code": code}
        for code, _label, _kind, _exempt in DEFAULT_JOURNALS
        if code not in journals
    ]
    if not Account.objects.exists():
        missing.insert(0, _("le plan comptable"))
    if "chart" not in confirmed:
        missing.append(_("la vérification du plan comptable et des journaux"))
    steps.append(
        Step(
            "chart",
            _("Plan comptable et journaux"),
            reverse("setup_chart", args=[slug]),
            not missing,
            missing,
        )
    )
    has_sector = Sector.objects.exists()
    steps.append(
        Step(
            "sectors",
            _("Pôles"),
            reverse("sector_list", args=[slug]),
            has_sector,
            [] if has_sector else [_("au moins un pôle")],
        )
    )
    profile = StatuteProfile.objects.filter(is_active=True).first()
    missing = []
    if profile is None:
        missing.append(_("un profil statutaire"))
    elif not profile.signed_off:
        missing.append(_("la vérification du profil au regard de vos statuts"))
    steps.append(
        Step(
            "statutes",
            _("Profil statutaire"),
            reverse("governance_statutes", args=[slug]),
            not missing,
            missing,
        )
    )
    if cooperative.legal_form.startswith("scic"):
        colleges = list(College.objects.all())
        total = sum((c.weight for c in colleges), Fraction(0))
        missing = []
        if len(colleges) < 3:
            missing.append(_("au moins trois collèges de vote"))
        elif total != 1:
            missing.append(_("des poids de collèges dont la somme fait 100 %"))
        steps.append(
            Step(
                "colleges",
                _("Collèges de vote (SCIC)"),
                reverse("governance_statutes", args=[slug]),
                not missing,
                missing,
            )
        )
    for key, title, url in (
        ("accompaniment", _("Accompagnement"), "setup_accompaniment"),
        ("dashboard", _("Tableaux de bord"), "setup_dashboard"),
        ("treasury", _("Regroupements de trésorerie"), "setup_treasury"),
    ):
        done = key in confirmed
        steps.append(
            Step(
                key,
                title,
                reverse(url, args=[slug]),
                done,
                [] if done else [_("la vérification des réglages proposés")],
            )
        )
    has_payroll = PayrollSettings.objects.exists()
    steps.append(
        Step(
            "payroll",
            _("Paie"),
            reverse("payroll_settings", args=[slug]),
            has_payroll,
            [] if has_payroll else [_("le taux AT/MP, l'effectif, la mutuelle et la prévoyance")],
        )
    )
    done = "contribution" in confirmed
    steps.append(
        Step(
            "contribution",
            _("Contribution coopérative"),
            reverse("setup_contribution", args=[slug]),
            done,
            [] if done else [_("le taux et l'assiette de la contribution")],
        )
    )
    return steps


def setup_is_complete(*, cooperative: Cooperative) -> bool:
    return all(step.done for step in setup_checklist(cooperative=cooperative))


def setting_change_list() -> list[SettingChange]:
    return list(SettingChange.objects.select_related("changed_by")[:200])
