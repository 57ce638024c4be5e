"""The statute profile: created from the preset of the cooperative's legal form, edited by the
managers rule by rule (each with the statutes' article), checked against the law's floor
(`governance.law`: nothing more permissive than the law is accepted), signed off as "checked
against our statutes", and frozen into each assembly at its convocation. Every change and every
sign-off is an event of the governance audit chain (who, when, what changed)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.law import ProfileTerms, RuleTerms, law_for, profile_violations, rule_violations
from governance.models import (
    Assembly,
    AuditEvent,
    MajorityBase,
    ProxyCap,
    QuorumBase,
    StatuteProfile,
    StatuteRule,
)
from governance.rules import PRESETS, Rule, Statutes
from governance.services.audit import audit_record
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.models import Cooperative

PROFILE_FIELDS = (
    "convocation_delay_days",
    "convocation_delay_article",
    "second_convocation_delay_days",
    "second_convocation_delay_article",
    "written_answer_delay_days",
    "written_answer_delay_article",
    "proxy_cap",
    "proxy_max",
    "proxy_article",
    "employee_quota",
    "employee_quota_article",
    "automatic_admission",
    "automatic_admission_months",
    "automatic_admission_article",
    "source",
)
RULE_FIELDS = (
    "quorum_base",
    "quorum_numerator",
    "quorum_denominator",
    "majority_base",
    "majority_numerator",
    "majority_denominator",
    "majority_strict",
    "written_consultation_allowed",
    "correspondence_allowed",
    "remote_participation_allowed",
    "second_round_if_majority_missed",
    "secret_ballot_mandatory",
    "statutes_article",
)
ARTICLE_FIELDS = (
    "convocation_delay_article",
    "second_convocation_delay_article",
    "written_answer_delay_article",
    "proxy_article",
    "employee_quota_article",
    "automatic_admission_article",
)


# --------------------------------------------------------------------------- reading


def statutes_of_profile(profile: StatuteProfile) -> Statutes:
    return Statutes(
        profile_id=profile.pk,
        name=profile.name,
        legal_form=profile.legal_form,
        convocation_delay_days=profile.convocation_delay_days,
        second_convocation_delay_days=profile.second_convocation_delay_days,
        written_answer_delay_days=profile.written_answer_delay_days,
        proxy_cap=profile.proxy_cap,
        proxy_max=profile.proxy_max,
        employee_quota=profile.employee_quota,
        automatic_admission=profile.automatic_admission,
        automatic_admission_months=profile.automatic_admission_months,
        checked_at="" if profile.checked_at is None else profile.checked_at.isoformat(),
        checked_by=profile.checked_by_id,
        articles={field: getattr(profile, field) for field in ARTICLE_FIELDS},
        rules=tuple(
            Rule.from_model(rule)
            for rule in StatuteRule.objects.filter(profile=profile).order_by(
                "decision_class", "convocation"
            )
        ),
    )


def statutes_of(assembly: Assembly) -> Statutes:
    """The rules an assembly is held under: frozen at its convocation; while it is a draft (or
    for an assembly convened before snapshots existed), its profile as it stands."""
    if assembly.profile_snapshot:
        return Statutes.from_dict(assembly.profile_snapshot)
    return statutes_of_profile(assembly.profile)


def assembly_rule(*, assembly: Assembly, decision_class: str) -> Rule:
    statutes = statutes_of(assembly)
    rule = statutes.rule(decision_class=decision_class, convocation=assembly.convocation)
    if rule is None:
        raise ApplicationError(
            _("Le profil statutaire « %(profile)s » n'a pas de règle pour ce type de décision.")
            % {"profile": statutes.name}
        )
    return rule


def rule_for(*, profile: StatuteProfile, decision_class: str, convocation: int) -> Rule:
    """A rule of the profile as it stands (for an assembly, `assembly_rule`)."""
    rule = StatuteRule.objects.filter(
        profile=profile, decision_class=decision_class, convocation=convocation
    ).first()
    if rule is None:
        raise ApplicationError(
            _("Le profil statutaire « %(profile)s » n'a pas de règle pour ce type de décision.")
            % {"profile": profile.name}
        )
    return Rule.from_model(rule)


def active_profile() -> StatuteProfile:
    profile: StatuteProfile | None = StatuteProfile.objects.filter(is_active=True).first()
    if profile is None:
        raise ApplicationError(
            _(
                "Choisissez d'abord le profil statutaire de la coopérative (page « Statuts ») "
                "et faites-le vérifier au regard de vos statuts."
            )
        )
    return profile


def _profile_terms(values: dict[str, Any]) -> ProfileTerms:
    return ProfileTerms(**{field: values[field] for field in ProfileTerms.__dataclass_fields__})


def _rule_terms(values: dict[str, Any]) -> RuleTerms:
    return RuleTerms(**{field: values[field] for field in RuleTerms.__dataclass_fields__})


def statute_profile_violations(*, profile: StatuteProfile) -> list[str]:
    """Where the profile is more permissive than the law (French messages; empty when none)."""
    law = law_for(profile.legal_form)
    problems = profile_violations(terms=_profile_terms(vars(profile)))
    for rule in StatuteRule.objects.filter(profile=profile).order_by(
        "decision_class", "convocation"
    ):
        problems.extend(rule_violations(law=law, rule=_rule_terms(vars(rule))))
    return problems


# --------------------------------------------------------------------------- writing


def _changes(instance: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        field: [getattr(instance, field), value]
        for field, value in values.items()
        if getattr(instance, field) != value
    }


def _record_change(
    *, profile: StatuteProfile, by: User | None, changes: dict[str, list[Any]], rule: int | None
) -> None:
    """Audit the change and withdraw the sign-off: the profile must be checked again."""
    if not changes:
        return
    StatuteProfile.objects.filter(pk=profile.pk).update(checked_at=None, checked_by=None)
    profile.checked_at = None
    profile.checked_by = None
    audit_record(
        kind=AuditEvent.Kind.PROFILE_CHANGED,
        payload={
            "profile": profile.pk,
            "rule": rule,
            "by": None if by is None else by.pk,
            "changes": changes,
        },
    )


def _refuse(problems: list[str]) -> None:
    if problems:
        raise ApplicationError(
            _("Plus permissif que la loi, refusé : %(problems)s") % {"problems": " ".join(problems)}
        )


def _clean_profile_values(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise ApplicationError(_("Réglage inconnu : %(names)s.") % {"names": ", ".join(unknown)})
    cleaned = dict(values)
    for field in (*ARTICLE_FIELDS, "source"):
        if field in cleaned:
            cleaned[field] = str(cleaned[field] or "").strip()
    if "proxy_cap" in cleaned and cleaned["proxy_cap"] not in ProxyCap.values:
        raise ApplicationError(_("Plafond des pouvoirs inconnu."))
    return cleaned


@transaction.atomic
def statute_profile_update(
    *, profile: StatuteProfile, by: User | None, **values: Any
) -> StatuteProfile:
    """Change profile-level terms (delays, proxies, mandates, admission); refused, with nothing
    changed, when the result would be more permissive than the law."""
    profile = StatuteProfile.objects.select_for_update().get(pk=profile.pk)
    values = _clean_profile_values(values)
    merged = {**vars(profile), **values}
    if merged["proxy_cap"] == ProxyCap.NONE:
        merged["proxy_max"] = values["proxy_max"] = None
    if not merged["automatic_admission"] and "automatic_admission" in values:
        merged["automatic_admission_months"] = values["automatic_admission_months"] = None
    _refuse(profile_violations(terms=_profile_terms(merged)))
    changes = _changes(profile, values)
    for field, value in values.items():
        setattr(profile, field, value)
    profile.save(update_fields=list(values) or None)
    _record_change(profile=profile, by=by, changes=changes, rule=None)
    return profile


@transaction.atomic
def statute_rule_update(*, rule: StatuteRule, by: User | None, **values: Any) -> StatuteRule:
    """Change one rule (quorum, majority, ways of taking part, the statutes' article); refused,
    with nothing changed, when it would be more permissive than the law."""
    rule = StatuteRule.objects.select_for_update().select_related("profile").get(pk=rule.pk)
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise ApplicationError(_("Réglage inconnu : %(names)s.") % {"names": ", ".join(unknown)})
    if "statutes_article" in values:
        values["statutes_article"] = str(values["statutes_article"] or "").strip()
    merged = {**vars(rule), **values}
    if merged["quorum_base"] not in QuorumBase.values:
        raise ApplicationError(_("Base de quorum inconnue."))
    if merged["majority_base"] not in MajorityBase.values:
        raise ApplicationError(_("Base de majorité inconnue."))
    if merged["quorum_base"] == QuorumBase.NONE:
        merged["quorum_numerator"], merged["quorum_denominator"] = 0, 1
        values["quorum_numerator"], values["quorum_denominator"] = 0, 1
    for name in ("quorum", "majority"):
        numerator, denominator = merged[f"{name}_numerator"], merged[f"{name}_denominator"]
        if denominator < 1 or numerator < 0 or numerator > denominator:
            raise ApplicationError(
                _("Une fraction a un dénominateur d'au moins 1 et ne dépasse pas 1 (%(n)s/%(d)s).")
                % {"n": numerator, "d": denominator}
            )
    if merged["majority_numerator"] < 1:
        raise ApplicationError(_("Une majorité requiert au moins une voix pour."))
    law = law_for(rule.profile.legal_form)
    _refuse(rule_violations(law=law, rule=_rule_terms(merged)))
    changes = _changes(rule, values)
    for field, value in values.items():
        setattr(rule, field, value)
    rule.save(update_fields=list(values) or None)
    _record_change(profile=rule.profile, by=by, changes=changes, rule=rule.pk)
    return rule


@transaction.atomic
def statute_profile_sign_off(*, profile: StatuteProfile, by: User) -> StatuteProfile:
    """ "Checked against our statutes": who and when. Refused while the profile is more
    permissive than the law or is not for the cooperative's legal form."""
    profile = StatuteProfile.objects.select_for_update().get(pk=profile.pk)
    cooperative = Cooperative.objects.get(pk=require_cooperative_id())
    if profile.legal_form != cooperative.legal_form:
        raise ApplicationError(
            _(
                "Ce profil est celui d'une %(profile)s, la coopérative est une %(cooperative)s : "
                "partez du modèle de sa forme juridique."
            )
            % {
                "profile": profile.get_legal_form_display(),
                "cooperative": cooperative.get_legal_form_display(),
            }
        )
    problems = statute_profile_violations(profile=profile)
    if problems:
        raise ApplicationError(
            _("Corrigez d'abord ce qui est plus permissif que la loi : %(problems)s")
            % {"problems": " ".join(problems)}
        )
    profile.checked_at = timezone.now()
    profile.checked_by = by
    profile.save(update_fields=["checked_at", "checked_by"])
    audit_record(
        kind=AuditEvent.Kind.PROFILE_SIGNED_OFF,
        payload={
            "profile": profile.pk,
            "by": by.pk,
            "statutes": statutes_of_profile(profile).digest(),
        },
    )
    return profile


@transaction.atomic
def statute_profile_activate(*, profile: StatuteProfile, by: User | None = None) -> StatuteProfile:
    StatuteProfile.objects.select_for_update().filter(is_active=True).exclude(pk=profile.pk).update(
        is_active=False
    )
    if not StatuteProfile.objects.filter(pk=profile.pk, is_active=True).exists():
        StatuteProfile.objects.filter(pk=profile.pk).update(is_active=True)
        audit_record(
            kind=AuditEvent.Kind.PROFILE_ACTIVATED,
            payload={"profile": profile.pk, "by": None if by is None else by.pk},
        )
    activated: StatuteProfile = StatuteProfile.objects.get(pk=profile.pk)
    return activated


def _preset_profile_values(preset: str) -> dict[str, Any]:
    spec = PRESETS[preset]
    return {
        "convocation_delay_days": spec.convocation_delay_days,
        "second_convocation_delay_days": spec.second_convocation_delay_days,
        "written_answer_delay_days": spec.written_answer_delay_days,
        "proxy_cap": spec.proxy_cap,
        "proxy_max": None,
        "employee_quota": spec.employee_quota,
        "automatic_admission": False,
        "automatic_admission_months": None,
        **dict.fromkeys(ARTICLE_FIELDS, ""),
    }


@transaction.atomic
def statute_profile_create_from_preset(
    *, preset: str, activate: bool = True, by: User | None = None
) -> StatuteProfile:
    """Create (or return, if already created) the profile of a legal form's preset: the law's
    floor, every optional way of taking part off, not signed off."""
    if preset not in PRESETS:
        raise ApplicationError(_("Modèle de statuts inconnu."))
    spec = PRESETS[preset]
    profile: StatuteProfile | None = StatuteProfile.objects.filter(name=spec.name).first()
    if profile is None:
        profile = StatuteProfile.objects.create(
            cooperative_id=require_cooperative_id(),
            name=spec.name,
            preset=spec.key,
            legal_form=spec.key,
            **_preset_profile_values(preset),
        )
        StatuteRule.objects.bulk_create(
            StatuteRule(cooperative_id=profile.cooperative_id, profile=profile, **vars(rule))
            for rule in spec.rules
        )
    if activate and not profile.is_active:
        profile = statute_profile_activate(profile=profile, by=by)
    return profile


@transaction.atomic
def statute_profile_apply_preset(*, by: User | None) -> StatuteProfile:
    """Put in force the preset of the cooperative's legal form: created if new, otherwise reset
    to the preset's values (each change audited). The result must be checked and signed off."""
    cooperative = Cooperative.objects.get(pk=require_cooperative_id())
    preset = cooperative.legal_form
    existing = StatuteProfile.objects.filter(name=PRESETS[preset].name).first()
    profile = statute_profile_create_from_preset(preset=preset, activate=True, by=by)
    if existing is None:
        return profile
    profile = StatuteProfile.objects.select_for_update().get(pk=profile.pk)
    values = _preset_profile_values(preset)
    changes = _changes(profile, values)
    StatuteProfile.objects.filter(pk=profile.pk).update(**values)
    _record_change(profile=profile, by=by, changes=changes, rule=None)
    for spec_rule in PRESETS[preset].rules:
        rule_values = vars(spec_rule)
        rule = StatuteRule.objects.filter(
            profile=profile,
            decision_class=spec_rule.decision_class,
            convocation=spec_rule.convocation,
        ).first()
        if rule is None:
            StatuteRule.objects.create(
                cooperative_id=profile.cooperative_id, profile=profile, **rule_values
            )
            continue
        rule_changes = _changes(rule, rule_values)
        StatuteRule.objects.filter(pk=rule.pk).update(**rule_values)
        _record_change(profile=profile, by=by, changes=rule_changes, rule=rule.pk)
    refreshed: StatuteProfile = StatuteProfile.objects.get(pk=profile.pk)
    return refreshed
