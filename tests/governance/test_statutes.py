"""The statute profile: the preset of the cooperative's legal form, edited rule by rule (never
more permissive than the law), audited, signed off before any convocation, frozen into each
assembly when convened. Services, page and API, and another cooperative's 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from governance.models import Assembly, AuditEvent, StatuteProfile, StatuteRule
from governance.services import (
    assembly_convene,
    assembly_create,
    resolution_add,
    statute_profile_apply_preset,
    statute_profile_sign_off,
    statute_profile_update,
    statute_rule_update,
    statutes_of,
)
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative
from tests.conftest import World
from tests.factories.governance import AssociateFactory

API = "/api/v1/c/{slug}/governance/statutes/"
PAGE = "/c/{slug}/governance/statutes/"


def _rule(profile: StatuteProfile, decision_class: str, convocation: int = 1) -> StatuteRule:
    rule: StatuteRule = profile.rules.get(decision_class=decision_class, convocation=convocation)
    return rule


@pytest.mark.parametrize(
    ("legal_form", "second_delay", "quorum"),
    [
        ("scop_sarl", 15, (0, 1)),
        ("scop_sa", 10, (1, 5)),
        ("scop_sas", 10, (1, 5)),
        ("scic_sarl", 15, (0, 1)),
        ("scic_sa", 10, (1, 5)),
        ("scic_sas", 10, (1, 5)),
    ],
)
def test_the_preset_of_the_cooperative_s_legal_form_is_put_in_force(
    in_a: World, legal_form: str, second_delay: int, quorum: tuple[int, int]
) -> None:
    Cooperative.objects.filter(pk=in_a.coop_a.pk).update(legal_form=legal_form)
    profile = statute_profile_apply_preset(by=in_a.carl)
    ordinary = _rule(profile, "ordinary")
    assert (profile.legal_form, profile.is_active, profile.signed_off) == (legal_form, True, False)
    assert profile.second_convocation_delay_days == second_delay
    assert (ordinary.quorum_numerator, ordinary.quorum_denominator) == quorum
    assert profile.rules.count() == 12
    assert not profile.rules.filter(correspondence_allowed=True).exists()


def test_more_permissive_than_the_law_is_refused_and_nothing_changes(in_a: World) -> None:
    profile = statute_profile_apply_preset(by=in_a.carl)  # SCOP SARL
    with pytest.raises(ApplicationError, match="Délai de seconde convocation : 15 jours au moins"):
        statute_profile_update(profile=profile, by=in_a.carl, second_convocation_delay_days=6)
    with pytest.raises(ApplicationError, match="le plafond légal des SCOP s'applique"):
        statute_profile_update(profile=profile, by=in_a.carl, proxy_cap="none")
    with pytest.raises(ApplicationError, match="citez l'article des statuts qui admet le vote"):
        statute_rule_update(
            rule=_rule(profile, "ordinary"), by=in_a.carl, correspondence_allowed=True
        )
    with pytest.raises(ApplicationError, match="la participation à distance est exclue"):
        statute_rule_update(
            rule=_rule(profile, "accounts"),
            by=in_a.carl,
            remote_participation_allowed=True,
            statutes_article="art. 25",
        )
    with pytest.raises(ApplicationError, match="quorum d'au moins 1/4"):
        statute_rule_update(
            rule=_rule(profile, "extraordinary"),
            by=in_a.carl,
            quorum_numerator=1,
            quorum_denominator=5,
        )
    profile.refresh_from_db()
    assert profile.second_convocation_delay_days == 15
    assert profile.proxy_cap == "law"
    assert not profile.rules.filter(correspondence_allowed=True).exists()
    assert _rule(profile, "extraordinary").quorum_numerator == 3
    assert not AuditEvent.objects.filter(kind="profile_changed").exists()


def test_a_change_is_audited_and_withdraws_the_sign_off(in_a: World) -> None:
    profile = statute_profile_apply_preset(by=in_a.carl)
    profile = statute_profile_sign_off(profile=profile, by=in_a.carl)
    assert (profile.checked_by, profile.signed_off) == (in_a.carl, True)
    statute_rule_update(
        rule=_rule(profile, "ordinary", 2),
        by=in_a.carl,
        correspondence_allowed=True,
        statutes_article="art. 23",
    )
    profile.refresh_from_db()
    event = AuditEvent.objects.filter(kind="profile_changed").get()
    assert (profile.checked_at, profile.checked_by) == (None, None)
    assert event.payload == {
        "profile": profile.pk,
        "rule": _rule(profile, "ordinary", 2).pk,
        "by": in_a.carl.pk,
        "changes": {"correspondence_allowed": [False, True], "statutes_article": ["", "art. 23"]},
    }


def test_the_sign_off_is_refused_for_another_legal_form_or_a_violation(in_a: World) -> None:
    profile = statute_profile_apply_preset(by=in_a.carl)
    StatuteRule.objects.filter(pk=_rule(profile, "ordinary").pk).update(correspondence_allowed=True)
    with pytest.raises(ApplicationError, match="Corrigez d'abord"):
        statute_profile_sign_off(profile=profile, by=in_a.carl)
    StatuteRule.objects.filter(pk=_rule(profile, "ordinary").pk).update(
        correspondence_allowed=False
    )
    Cooperative.objects.filter(pk=in_a.coop_a.pk).update(legal_form="scic_sa")
    with pytest.raises(ApplicationError, match="la coopérative est une SCIC SA"):
        statute_profile_sign_off(profile=profile, by=in_a.carl)
    profile.refresh_from_db()
    assert profile.signed_off is False


def test_no_convocation_before_the_sign_off_and_the_statutes_are_frozen_at_convocation(
    in_a: World,
) -> None:
    profile = statute_profile_apply_preset(by=in_a.carl)
    AssociateFactory.create(cooperative=in_a.coop_a)
    assembly = assembly_create(
        title="AGO",
        kind="ordinary",
        mode="in_person",
        scheduled_at=timezone.now() + dt.timedelta(days=20),
    )
    resolution_add(assembly=assembly, title="Comptes", text="Approbation.")
    with pytest.raises(ApplicationError, match="n'est pas vérifié au regard de vos statuts"):
        assembly_convene(assembly=assembly)
    assert Assembly.objects.get(pk=assembly.pk).status == "draft"
    statute_profile_sign_off(profile=profile, by=in_a.carl)
    assembly = assembly_convene(assembly=assembly)
    frozen = statutes_of(assembly)
    convened = AuditEvent.objects.get(kind="convened")
    # Later changes to the profile leave the convened assembly's rules as they were.
    statute_profile_update(profile=profile, by=in_a.carl, convocation_delay_days=21)
    assembly.refresh_from_db()
    assert statutes_of(assembly).convocation_delay_days == frozen.convocation_delay_days == 15
    assert convened.payload["statutes"] == frozen.digest()
    assert frozen.checked_by == in_a.carl.pk


# --------------------------------------------------------------------------- page


def _rule_post(rule: StatuteRule, article: str) -> dict[str, object]:
    """The rule form of the page: the SCOP SARL ordinary rule, votes by correspondence on."""
    values = {
        "quorum_base": "none",
        "quorum_numerator": 0,
        "quorum_denominator": 1,
        "majority_base": "all",
        "majority_numerator": 1,
        "majority_denominator": 2,
        "majority_strict": "on",
        "correspondence_allowed": "on",
        "second_round_if_majority_missed": "on",
        "statutes_article": article,
    }
    return {f"rule-{rule.pk}-{name}": value for name, value in values.items()}


def test_manager_edits_signs_off_on_the_page(world: World, client: Client) -> None:
    client.force_login(world.carl)
    listing = client.get("/c/coop-a/governance/")
    empty = client.get(PAGE.format(slug="coop-a"))
    client.post(PAGE.format(slug="coop-a") + "preset/")
    with cooperative_context(world.coop_a.pk):
        profile = StatuteProfile.objects.get()
        rule = _rule(profile, "ordinary")
    refused = client.post(
        PAGE.format(slug="coop-a") + f"rules/{rule.pk}/", _rule_post(rule, ""), follow=True
    )
    saved = client.post(
        PAGE.format(slug="coop-a") + f"rules/{rule.pk}/", _rule_post(rule, "art. 23"), follow=True
    )
    signed = client.post(PAGE.format(slug="coop-a") + "sign-off/", follow=True)

    assert "Aucun profil statutaire : partez du modèle de votre forme juridique" in listing.text
    assert "Partir du modèle « SCOP SARL »" in empty.text
    assert "citez l&#x27;article des statuts qui admet le vote par correspondance" in refused.text
    assert "Règle enregistrée" in saved.text
    assert "Décision ordinaire, 1re convocation" in saved.text
    assert "Code de commerce R.223-20 al. 1" in saved.text  # the source of the delay
    assert "Profil vérifié au regard de vos statuts" in signed.text
    assert "vérifié au regard des statuts par Carl Cazals" in signed.text
    with cooperative_context(world.coop_a.pk):
        profile.refresh_from_db()
        rule.refresh_from_db()
    assert (rule.correspondence_allowed, rule.statutes_article) == (True, "art. 23")
    assert profile.checked_by_id == world.carl.pk


def test_the_statutes_page_and_api_are_for_managers_and_their_cooperative(
    world: World, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        profile = statute_profile_apply_preset(by=world.carl)
        rule = _rule(profile, "ordinary")
    client.force_login(world.alice)
    assert client.get(PAGE.format(slug="coop-a")).status_code == 403
    assert client.get(API.format(slug="coop-a")).status_code == 403
    client.force_login(world.charlie)
    for slug in ("coop-a", "coop-b"):
        status = 404 if slug == "coop-a" else 302
        assert client.post(PAGE.format(slug=slug) + "sign-off/").status_code == status
        assert client.post(PAGE.format(slug=slug) + f"rules/{rule.pk}/").status_code == 404
        assert (
            client.patch(
                API.format(slug=slug) + f"rules/{rule.pk}/",
                {"correspondence_allowed": True},
                content_type="application/json",
            ).status_code
            == 404
        )
    assert client.get(PAGE.format(slug="coop-a")).status_code == 404
    assert client.get(API.format(slug="coop-a")).status_code == 404
    with cooperative_context(world.coop_a.pk):
        assert StatuteProfile.objects.get().signed_off is False
        assert _rule(profile, "ordinary").correspondence_allowed is False


# --------------------------------------------------------------------------- API


def test_api_reads_edits_and_signs_off(world: World, client: Client) -> None:
    client.force_login(world.carl)
    url = API.format(slug="coop-a")
    created = client.post(url + "preset/")
    body = created.json()
    rule_id = next(
        r["id"] for r in body["rules"] if (r["decision_class"], r["convocation"]) == ("ordinary", 1)
    )
    refused = client.patch(
        url, {"second_convocation_delay_days": 6}, content_type="application/json"
    )
    edited = client.patch(
        url + f"rules/{rule_id}/",
        {"remote_participation_allowed": True, "statutes_article": "art. 22"},
        content_type="application/json",
    )
    signed = client.post(url + "sign-off/")

    assert created.status_code == 201
    assert body["legal_form"] == "scop_sarl"
    assert body["sources"]["second_convocation_delay_days"].startswith("Code de commerce R.223-20")
    assert refused.status_code == 400
    assert "Délai de seconde convocation : 15 jours au moins" in refused.text
    assert edited.status_code == 200
    ordinary = next(r for r in edited.json()["rules"] if r["id"] == rule_id)
    assert (ordinary["remote_participation_allowed"], ordinary["statutes_article"]) == (
        True,
        "art. 22",
    )
    assert ordinary["legal_floor"].endswith("(Code de commerce L.223-29 al. 1)")
    assert signed.status_code == 200
    assert (signed.json()["checked_by"], signed.json()["violations"]) == ("carl@a.example", [])
