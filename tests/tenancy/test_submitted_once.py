"""Nothing is created twice: every create form carries a one-time token, a double click or a
replay runs once and is sent where the first submission went; the API honours Idempotency-Key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from entrepreneurs import models as people
from governance import models as gov
from governance.services import resolution_open
from payroll import models as pay
from payroll.services import payroll_run_validate, payslip_pdf_render
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.idempotency import SUBMITTED_ONCE_VIEWS, TOKEN_FIELD
from perspectives.tenancy.models import IdempotencyRecord, Invitation
from tests.conftest import World, at_once
from tests.factories.entrepreneurs import ActivityMemberFactory
from tests.governance.conftest import convened_assembly, opened
from tests.payroll.conftest import Payroll, compute_run, payroll  # noqa: F401 (fixture)
from tests.purchases.conftest import Purchases, purchases  # noqa: F401 (fixture)
from tests.sales.conftest import Shop, shop  # noqa: F401 (fixture)
from top.dashboards.models import ForecastItem

# The views the tests below post to (created_once checks each post reaches one of them).
COVERED = {
    f"{module}.{name}"
    for module, names in {
        "entrepreneurs.views": (
            "appointment_add note_add path_step_add goal_add action_add document_add "
            "workshop_list workshop_register skill_directory sector_list activity_create "
            "entrepreneur_new"
        ),
        "top.dashboards.views": "forecast_add",
        "top.onboarding.views": "import_page fec_import_page",
        "bank.views": (
            "bank_home statement_upload bank_line_reconcile rule_list entry_new "
            "entry_template_list entry_detail"
        ),
        "perspectives.tenancy.views": "member_list",
        "payroll.views": "run_create settings_edit payslip_correct",
        "payroll.run_views": "run_absences",
        "governance.views.register": "admission_new shares_add share_payment share_refund",
        "purchases.views": (
            "invoice_new credit_note_new supplier_list expense_list expense_line_add "
            "expense_mileage_add batch_list"
        ),
        "governance.views.assemblies": (
            "assembly_new resolution_new document_add candidacy_add proxy_give attendance_add "
            "amendment_add vote consultation_new consultation_answer"
        ),
        "sales.views": "customer_create document_create document_email document_action",
    }.items()
    for name in names.split()
}
PDF = b"%PDF-1.4\n%once\n"


class _Forms(HTMLParser):
    """The POST forms of a page: their action and the token they carry."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str]] = []
        self._action: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and (values.get("method") or "").lower() == "post":
            self._action = values.get("action") or ""
            self.forms.append((self._action, ""))
        elif tag == "input" and values.get("name") == TOKEN_FIELD and self._action is not None:
            self.forms[-1] = (self._action, values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._action = None


def token_for(html: str, action: str, page: str) -> str:
    parser = _Forms()
    parser.feed(html)
    tokens = [token for target, token in parser.forms if (target or page) == action and token]
    assert tokens, f"no form posting to {action} with a {TOKEN_FIELD} on {page}"
    return tokens[0]


def counter(model: type[Model], world: World) -> Callable[[], int]:
    def count() -> int:
        with cooperative_context(world.coop_a.pk):
            return int(model.objects.count())  # type: ignore[attr-defined]

    return count


def created_once(
    client: Client,
    *,
    page: str,
    action: str,
    data: Callable[[], dict[str, Any]] | dict[str, Any],
    count: Callable[[], int],
) -> str:
    """Post the form of `page` twice with its token: one object, the same redirect twice; the
    second is told nothing was recorded again. Returns where the form led."""
    view = resolve(action).func
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    assert f"{view.__module__}.{view.__name__}" in COVERED, action
    response = client.get(page)
    assert response.status_code == 200, page
    token = token_for(response.text, action, page)
    before = count()
    first = client.post(action, {**(data() if callable(data) else data), TOKEN_FIELD: token})
    assert first.status_code == 302, (action, first.status_code, first.content[:2000])
    assert count() == before + 1, action
    second = client.post(
        action, {**(data() if callable(data) else data), TOKEN_FIELD: token}, follow=True
    )
    assert second.redirect_chain[0] == (first["Location"], 302), action
    assert count() == before + 1, action
    assert "Ce formulaire avait déjà été envoyé" in second.text, action
    return str(first["Location"])


# --------------------------------------------------------------------------- the mechanism


def _alice_file(world: World) -> people.Entrepreneur:
    with cooperative_context(world.coop_a.pk):
        return people.Entrepreneur.objects.get(user=world.alice)


APPOINTMENT = {
    "starts_at": "2026-03-02T10:00",
    "duration_minutes": "60",
    "mode": "video",
    "kind": "follow_up",
    "shared_note": "Point sur le devis.",
    "staff_note": "",
}


def test_the_appointment_form_posted_twice_at_once_then_again_creates_one_appointment(
    transactional_db: None, world: World
) -> None:
    alice = _alice_file(world)
    page = f"/c/coop-a/entrepreneurs/{alice.pk}/"
    action = f"{page}appointments/"
    clients = [Client(), Client(), Client()]
    for client in clients:
        client.force_login(world.bob)
    token = token_for(clients[0].get(page).text, action, page)
    responses = at_once(
        [
            lambda: clients[0].post(action, {**APPOINTMENT, TOKEN_FIELD: token}),
            lambda: clients[1].post(action, {**APPOINTMENT, TOKEN_FIELD: token}),
        ]
    )
    replay = clients[2].post(action, {**APPOINTMENT, TOKEN_FIELD: token})

    assert [r.status_code for r in (*responses, replay)] == [302, 302, 302]
    assert {r["Location"] for r in (*responses, replay)} == {page}
    with cooperative_context(world.coop_a.pk):
        assert people.Appointment.objects.count() == 1
        assert list(people.Note.objects.values_list("body", flat=True)) == ["Point sur le devis."]
        assert IdempotencyRecord.objects.get().location == page


def test_a_form_refused_keeps_its_token_usable(world: World, client: Client) -> None:
    alice = _alice_file(world)
    page = f"/c/coop-a/entrepreneurs/{alice.pk}/"
    client.force_login(world.bob)
    token = token_for(client.get(page).text, f"{page}notes/", page)
    refused = client.post(f"{page}notes/", {"body": "", "visibility": "staff", TOKEN_FIELD: token})
    accepted = client.post(
        f"{page}notes/", {"body": "Relance.", "visibility": "staff", TOKEN_FIELD: token}
    )
    assert (refused.status_code, accepted.status_code) == (400, 302)
    with cooperative_context(world.coop_a.pk):
        assert list(people.Note.objects.values_list("body", flat=True)) == ["Relance."]


def test_a_form_without_a_token_still_works_and_tokens_are_per_person(
    world: World, client: Client
) -> None:
    alice = _alice_file(world)
    action = f"/c/coop-a/entrepreneurs/{alice.pk}/goals/"
    client.force_login(world.bob)
    assert client.post(action, {"title": "Sans jeton"}).status_code == 302
    assert client.post(action, {"title": "Jeton", TOKEN_FIELD: "a" * 32}).status_code == 302
    client.force_login(world.carl)
    assert client.post(action, {"title": "Jeton", TOKEN_FIELD: "a" * 32}).status_code == 302
    client.force_login(world.charlie)  # another cooperative: the same 404 as anywhere else
    foreign = client.post(action.replace("coop-a", "coop-b"), {"title": "x", TOKEN_FIELD: "a" * 32})
    assert foreign.status_code == 404
    with cooperative_context(world.coop_a.pk):
        assert sorted(people.Goal.objects.values_list("title", flat=True)) == [
            "Jeton",
            "Jeton",
            "Sans jeton",
        ]
        assert IdempotencyRecord.objects.count() == 2
    with cooperative_context(world.coop_b.pk):
        assert IdempotencyRecord.objects.count() == 0


# --------------------------------------------------------------------------- every create form


def test_every_create_form_of_the_files_workshops_and_members_runs_once(
    world: World, client: Client
) -> None:
    alice = _alice_file(world)
    file = f"/c/coop-a/entrepreneurs/{alice.pk}/"
    with cooperative_context(world.coop_a.pk):
        membership = ActivityMemberFactory.create(entrepreneur=alice, activity__sector=alice.sector)
        goal = people.Goal.objects.create(
            cooperative=world.coop_a, entrepreneur=alice, title="Développer"
        )
    client.force_login(world.bob)
    for action, data, model in (
        (f"{file}appointments/", APPOINTMENT, people.Appointment),
        (f"{file}notes/", {"body": "Suivi.", "visibility": "staff"}, people.Note),
        (f"{file}path/", {"kind": "info_session", "date": "2026-01-12"}, people.PathStep),
        (f"{file}goals/", {"title": "Trouver des clients"}, people.Goal),
        (f"{file}actions/", {"goal": goal.pk, "title": "Relancer", "due_date": ""}, people.Action),
    ):
        created_once(client, page=file, action=action, data=data, count=counter(model, world))
    created_once(
        client,
        page=file,
        action=f"{file}documents/",
        data=lambda: {"kind": "diploma", "title": "BTS", "file": SimpleUploadedFile("b.pdf", PDF)},
        count=counter(people.Document, world),
    )
    starts = timezone.localtime() + dt.timedelta(days=10)
    workshop_url = created_once(
        client,
        page="/c/coop-a/workshops/",
        action="/c/coop-a/workshops/",
        data={
            "title": "Fixer ses prix",
            "description": "",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Perpignan",
            "link": "",
            "capacity": "12",
        },
        count=counter(people.Workshop, world),
    )
    client.force_login(world.alice)
    created_once(
        client,
        page=workshop_url,
        action=f"{workshop_url}register/",
        data={},
        count=counter(people.WorkshopRegistration, world),
    )
    created_once(
        client,
        page="/c/coop-a/skills/",
        action="/c/coop-a/skills/",
        data={"form": "offer", "title": "Mise en page", "description": "", "keywords": "PAO"},
        count=counter(people.SkillOffer, world),
    )
    created_once(
        client,
        page="/c/coop-a/",
        action="/c/coop-a/dashboard/forecast/",
        data={
            "activity": membership.activity_id,
            "label": "Chantier Dupont",
            "expected_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            "amount": "1200",
            "probability": "80",
        },
        count=counter(ForecastItem, world),
    )
    client.force_login(world.carl)
    created_once(
        client,
        page="/c/coop-a/sectors/",
        action="/c/coop-a/sectors/",
        data={"name": "Artisanat"},
        count=counter(people.Sector, world),
    )
    created_once(
        client,
        page="/c/coop-a/activities/new/",
        action="/c/coop-a/activities/new/",
        data={
            "analytic_code": "ONCE-1",
            "name": "Une fois",
            "sector": alice.sector_id,
            "start_date": "2026-01-01",
            "entrepreneur_0": alice.pk,
            "share_0": "100",
        },
        count=counter(people.Activity, world),
    )
    created_once(
        client,
        page="/c/coop-a/entrepreneurs/new/",
        action="/c/coop-a/entrepreneurs/new/",
        data={
            "first_name": "Une",
            "last_name": "Fois",
            "sector": alice.sector_id,
            "stage": "prospect",
        },
        count=counter(people.Entrepreneur, world),
    )
    created_once(
        client,
        page="/c/coop-a/members/",
        action="/c/coop-a/members/",
        data={"email": "nina@a.example", "roles": ["support"]},
        count=lambda: Invitation.objects.filter(cooperative=world.coop_a).count(),
    )


def test_every_create_form_of_the_payroll_runs_once(
    world: World,
    payroll: Payroll,  # noqa: F811 (fixture)
    client: Client,
) -> None:
    with cooperative_context(world.coop_a.pk):
        people.Entrepreneur.objects.filter(pk=payroll.alice.pk).update(
            cesa_start=dt.date(2020, 1, 1)
        )
    client.force_login(world.carl)
    run_url = created_once(
        client,
        page="/c/coop-a/payroll/",
        action="/c/coop-a/payroll/runs/",
        data={"period": "2026-01"},
        count=counter(pay.PayrollRun, world),
    )
    absences = f"{run_url}entrepreneurs/{payroll.alice.pk}/absences/"
    created_once(
        client,
        page=absences,
        action=absences,
        data={"kind": "sick", "start": "2026-01-05", "end": "2026-01-06", "action": "add"},
        count=counter(pay.Absence, world),
    )
    created_once(
        client,
        page="/c/coop-a/payroll/settings/",
        action="/c/coop-a/payroll/settings/",
        data={
            "valid_from": "2026-03-01",
            "headcount": "12",
            "at_rate": "1.10",
            "mutuelle_employee": "20.00",
            "mutuelle_employer": "25.00",
            "prevoyance_employee_rate": "0",
            "prevoyance_employer_rate": "1.50",
            "mobility_rate": "0",
        },
        count=counter(pay.PayrollSettings, world),
    )
    with cooperative_context(world.coop_a.pk):
        run = pay.PayrollRun.objects.get()
        compute_run(run.pk)
        for payslip_id in payroll_run_validate(run_id=run.pk):
            payslip_pdf_render(payslip_id=payslip_id)
        payslip = pay.Payslip.objects.get(entrepreneur=payroll.alice)
    correct = f"/c/coop-a/payroll/payslips/{payslip.pk}/correct/"
    created_once(
        client,
        page=correct,
        action=correct,
        data={"gross": "2600.00"},
        count=counter(pay.Payslip, world),
    )


def test_every_create_form_of_the_assemblies_runs_once(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        setup = convened_assembly(
            associates=5,
            users=[world.alice, world.carl],
            resolutions=(("ordinary", False), ("election", False)),
        )
        entries = {entry.user_id: entry for entry in setup.entries}
        others = [entry for entry in setup.entries if entry.user_id is None]
    client.force_login(world.carl)
    draft = created_once(
        client,
        page="/c/coop-a/governance/assemblies/new/",
        action="/c/coop-a/governance/assemblies/new/",
        data={
            "title": "AGE statuts",
            "kind": "extraordinary",
            "mode": "in_person",
            "scheduled_at": "2099-06-20T18:00",
            "place": "Prades",
        },
        count=counter(gov.Assembly, world),
    )
    created_once(
        client,
        page=draft,
        action=f"{draft}resolutions/new/",
        data={"title": "Statuts", "text": "Texte.", "decision_class": "extraordinary"},
        count=counter(gov.Resolution, world),
    )
    created_once(
        client,
        page=draft,
        action=f"{draft}documents/",
        data=lambda: {"title": "Projet", "file": SimpleUploadedFile("p.pdf", PDF)},
        count=counter(gov.AssemblyDocument, world),
    )
    with cooperative_context(world.coop_a.pk):
        statutes = gov.Resolution.objects.get(title="Statuts")
    created_once(
        client,
        page=draft,
        action=f"{draft}resolutions/{statutes.pk}/amendments/",
        data={"text": "Texte amendé.", "proposed_by": "Alice Arnaud"},
        count=counter(gov.Resolution, world),
    )
    assembly = f"/c/coop-a/governance/assemblies/{setup.assembly.pk}/"
    ordinary, election = setup.resolutions
    created_once(
        client,
        page=assembly,
        action=f"{assembly}resolutions/{election.pk}/candidacies/",
        data={"entry": entries[world.alice.pk].pk},
        count=counter(gov.Candidacy, world),
    )
    created_once(
        client,
        page=assembly,
        action=f"{assembly}proxy/",
        data={"holder": others[0].pk},
        count=counter(gov.Proxy, world),
    )
    with cooperative_context(world.coop_a.pk):
        opened(setup)
        resolution_open(resolution=ordinary)
    created_once(
        client,
        page=assembly,
        action=f"{assembly}attendance/",
        data={"entry": others[1].pk, "mode": "room"},
        count=counter(gov.Attendance, world),
    )
    client.force_login(world.alice)
    created_once(
        client,
        page=assembly,
        action=f"{assembly}resolutions/{ordinary.pk}/vote/",
        data={"choice": "for"},
        count=counter(gov.Participation, world),
    )


def test_every_create_form_of_the_written_consultations_runs_once(
    world: World, client: Client
) -> None:
    from tests.factories.governance import AssociateFactory
    from tests.governance.conftest import statutes_signed

    with cooperative_context(world.coop_a.pk):
        statutes_signed(preset="scic_sas", written=True)
        AssociateFactory.create(
            cooperative=world.coop_a, user=world.alice, full_name="Alice Arnaud"
        )
    client.force_login(world.carl)
    consultation = created_once(
        client,
        page="/c/coop-a/governance/consultations/new/",
        action="/c/coop-a/governance/consultations/new/",
        data={
            "title": "Consultation de rentrée",
            "kind": "ordinary",
            "response_deadline": (timezone.localtime() + dt.timedelta(days=16)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
        },
        count=counter(gov.Assembly, world),
    )
    client.post(
        f"{consultation}resolutions/new/",
        {"title": "Cotisation", "text": "Texte.", "decision_class": "ordinary"},
    )
    assert client.post(f"{consultation}send/").status_code == 302
    with cooperative_context(world.coop_a.pk):
        resolution = gov.Resolution.objects.get()
    client.force_login(world.alice)
    created_once(
        client,
        page=consultation,
        action=f"{consultation}answer/",
        data={f"resolution_{resolution.pk}": "for"},
        count=counter(gov.Participation, world),
    )


def test_every_create_form_of_the_bank_runs_once(world: World, client: Client) -> None:
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounting.models import Entry, Journal
    from bank import models as bank
    from bank import services as bank_services
    from tests.accounting.conftest import build_ledger
    from tests.bank.conftest import sample

    with cooperative_context(world.coop_a.pk):
        build_ledger(world.coop_a)
        journal = Journal.objects.get(code="OD").pk
    client.force_login(world.carl)
    account_page = created_once(
        client,
        page="/c/coop-a/bank/",
        action="/c/coop-a/bank/",
        data={"iban": "FR7630006000011234567890189", "name": "Crédit Agricole"},
        count=counter(bank.BankAccount, world),
    )
    created_once(
        client,
        page=account_page,
        action=f"{account_page}statements/",
        data=lambda: {"file": SimpleUploadedFile("m.xml", sample("camt053-001-02-2025-03.xml"))},
        count=counter(bank.Statement, world),
    )
    created_once(
        client,
        page="/c/coop-a/bank/rules/",
        action="/c/coop-a/bank/rules/",
        data={
            "name": "Frais CB",
            "label_contains": "FRAIS CB",
            "direction": "debit",
            "account": "627",
        },
        count=counter(bank.ReconciliationRule, world),
    )
    with cooperative_context(world.coop_a.pk):
        fee = bank.BankLine.objects.get(amount=Decimal("-8.40")).pk
        assert bank_services.suggestions_for(bank.BankLine.objects.get(pk=fee))[0].kind == "rule"
    created_once(
        client,
        page=f"/c/coop-a/bank/lines/{fee}/",
        action=f"/c/coop-a/bank/lines/{fee}/reconcile/",
        data={"suggestion": "0"},
        count=counter(bank.Reconciliation, world),
    )
    created_once(
        client,
        page="/c/coop-a/bank/entries/",
        action="/c/coop-a/bank/entries/",
        data={
            "journal": journal,
            "date": "2025-04-01",
            "label": "Loyer",
            "action": "draft",
            "account_0": "613",
            "debit_0": "500.00",
        },
        count=counter(Entry, world),
    )
    created_once(
        client,
        page="/c/coop-a/bank/entry-templates/",
        action="/c/coop-a/bank/entry-templates/",
        data={
            "name": "Assurance",
            "journal": journal,
            "label": "Assurance",
            "account_0": "616",
            "side_0": "debit",
            "amount_0": "120.00",
            "account_1": "512",
            "side_1": "credit",
            "amount_1": "120.00",
        },
        count=counter(bank.EntryTemplate, world),
    )
    with cooperative_context(world.coop_a.pk):
        draft = Entry.objects.get(label="Loyer").pk
    created_once(
        client,
        page=f"/c/coop-a/bank/entries/{draft}/",
        action=f"/c/coop-a/bank/entries/{draft}/",
        data=lambda: {"files": SimpleUploadedFile("bail.pdf", PDF)},
        count=counter(bank.EntryAttachment, world),
    )


def test_every_create_form_of_the_register_runs_once(world: World, client: Client) -> None:
    from tests.factories.governance import AssociateFactory, ShareSubscriptionFactory

    with cooperative_context(world.coop_a.pk):
        associate = AssociateFactory.create(
            cooperative=world.coop_a, admitted_on=dt.date(2025, 1, 1)
        )
        subscription = ShareSubscriptionFactory.create(
            associate=associate, number=4, nominal_value=50, paid_amount=0
        )
    register = "/c/coop-a/governance/register/"
    client.force_login(world.carl)
    created_once(
        client,
        page=register,
        action=f"{register}applications/",
        data={
            "apply-full_name": "Une Fois",
            "apply-category": "other",
            "apply-applied_on": "2026-01-10",
            "apply-shares_requested": "1",
        },
        count=counter(gov.AdmissionApplication, world),
    )
    created_once(
        client,
        page=register,
        action=f"{register}{associate.pk}/shares/",
        data={
            "subscribed_on": "2026-01-05",
            "number": "1",
            "nominal_value": "50.00",
            "paid_amount": "50.00",
        },
        count=counter(gov.ShareSubscription, world),
    )

    def paid_euros() -> int:
        with cooperative_context(world.coop_a.pk):
            return int(gov.ShareSubscription.objects.get(pk=subscription.pk).paid_amount)

    created_once(
        client,
        page=register,
        action=f"/c/coop-a/governance/subscriptions/{subscription.pk}/payment/",
        data={"amount": "1.00"},
        count=paid_euros,
    )
    created_once(
        client,
        page=register,
        action=f"{register}{associate.pk}/refund/",
        data={"refunded_on": "2026-02-01", "number": "1"},
        count=counter(gov.ShareRefund, world),
    )


def test_every_create_form_of_sales_runs_once(world: World, client: Client) -> None:
    from sales.models import Customer, Document
    from tests.factories.entrepreneurs import ActivityMemberFactory
    from tests.factories.sales import CustomerFactory

    with cooperative_context(world.coop_a.pk):
        alice = people.Entrepreneur.objects.get(user=world.alice)
        activity = ActivityMemberFactory.create(
            entrepreneur=alice, activity__sector=alice.sector
        ).activity
        customer = CustomerFactory.create(activity=activity)
    client.force_login(world.alice)
    created_once(
        client,
        page="/c/coop-a/sales/customers/",
        action="/c/coop-a/sales/customers/new/",
        data={
            "activity": activity.pk,
            "kind": "individual",
            "name": "Paul Roca",
            "address_line": "3 rue Foch",
            "postal_code": "66000",
            "city": "Perpignan",
            "country": "FR",
        },
        count=counter(Customer, world),
    )
    created_once(
        client,
        page="/c/coop-a/sales/documents/new/?kind=quote",
        action="/c/coop-a/sales/documents/new/",
        data={
            "kind": "quote",
            "customer": customer.pk,
            "category": "services",
            "line0-label": "Conseil",
            "line0-quantity": "1",
            "line0-unit": "C62",
            "line0-unit_price": "100",
            "line0-vat_rate": "20.00",
        },
        count=counter(Document, world),
    )
    with cooperative_context(world.coop_a.pk):
        from sales.models import DocumentEmail
        from sales.services import quote_send

        quote = quote_send(quote=Document.objects.get(customer=customer))
    created_once(
        client,
        page=f"/c/coop-a/sales/documents/{quote.pk}/",
        action=f"/c/coop-a/sales/documents/{quote.pk}/email/",
        data={"recipient": "achats@client.example", "message": ""},
        count=counter(DocumentEmail, world),
    )


def test_the_buttons_of_an_invoice_record_a_payment_or_a_credit_note_once(
    world: World,
    shop: Shop,  # noqa: F811 (fixture)
    client: Client,
) -> None:
    from sales.models import Document, Payment

    client.force_login(world.alice)
    page = f"/c/coop-a/sales/documents/{shop.my_invoice.pk}/"
    created_once(
        client,
        page=page,
        action=f"{page}action/",
        data={"action": "payment", "amount": "50.00", "date": "2026-03-10", "method": "transfer"},
        count=counter(Payment, world),
    )
    credit_note = created_once(
        client,
        page=page,
        action=f"{page}action/",
        data={"action": "credit_note"},
        count=counter(Document, world),
    )
    assert credit_note != page


def test_every_create_form_of_the_purchases_runs_once(
    world: World,
    purchases: Purchases,  # noqa: F811 (fixture)
    client: Client,
) -> None:
    from purchases import models as buy

    client.force_login(world.alice)
    created_once(
        client,
        page="/c/coop-a/purchases/invoices/new/",
        action="/c/coop-a/purchases/invoices/new/",
        data={
            "kind": "manual",
            "activity": purchases.activity.pk,
            "supplier": purchases.supplier.pk,
            "number": "T-1",
            "issue_date": "2026-03-02",
            "label": "Outillage",
            "account_code": "6063",
            "amount_excl_tax": "40.00",
            "vat_rate": "20",
        },
        count=counter(buy.SupplierInvoice, world),
    )
    report_url = created_once(
        client,
        page="/c/coop-a/purchases/expenses/",
        action="/c/coop-a/purchases/expenses/",
        data={"month": "2026-03-01"},
        count=counter(buy.ExpenseReport, world),
    )
    created_once(
        client,
        page=report_url,
        action=f"{report_url}lines/",
        data=lambda: {
            "activity": purchases.activity.pk,
            "date": "2026-03-04",
            "category": "meals",
            "amount_incl_tax": "18.50",
            "vat_recoverable": "1.68",
            "receipt": SimpleUploadedFile("t.jpg", b"\xff\xd8", content_type="image/jpeg"),
        },
        count=counter(buy.ExpenseLine, world),
    )
    created_once(
        client,
        page=report_url,
        action=f"{report_url}mileage/",
        data={
            "activity": purchases.activity.pk,
            "date": "2026-03-06",
            "vehicle": "car",
            "fiscal_power": "4",
            "km": "52",
            "purpose": "Salon",
        },
        count=counter(buy.MileageAllowance, world),
    )
    client.post(f"{report_url}submit/")
    client.force_login(world.bob)
    client.post(f"{report_url}validate/")
    with cooperative_context(world.coop_a.pk):
        invoice = buy.SupplierInvoice.objects.get(number="T-1")
    client.post(f"/c/coop-a/purchases/invoices/{invoice.pk}/validate/")
    created_once(
        client,
        page=f"/c/coop-a/purchases/invoices/{invoice.pk}/credit-notes/new/",
        action=f"/c/coop-a/purchases/invoices/{invoice.pk}/credit-notes/new/",
        data={
            "number": "AV-T-1",
            "issue_date": "2026-03-03",
            "label": "Remise",
            "account_code": "6063",
            "amount_excl_tax": "10.00",
            "vat_rate": "20",
        },
        count=counter(buy.SupplierInvoice, world),
    )
    created_once(
        client,
        page="/c/coop-a/purchases/suppliers/",
        action="/c/coop-a/purchases/suppliers/",
        data={"name": "Imprimerie", "siren": "732829320", "country": "FR"},
        count=counter(buy.Supplier, world),
    )
    client.force_login(world.carl)
    with cooperative_context(world.coop_a.pk):
        report = buy.ExpenseReport.objects.get()
    created_once(
        client,
        page="/c/coop-a/purchases/payments/",
        action="/c/coop-a/purchases/payments/",
        data={
            "execution_date": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
            "reports": [report.pk],
        },
        count=counter(buy.PaymentBatch, world),
    )


def test_the_import_form_runs_once(world: World, client: Client) -> None:
    from top.onboarding.models import ImportRun

    client.force_login(world.carl)
    created_once(
        client,
        page="/c/coop-a/imports/",
        action="/c/coop-a/imports/",
        data=lambda: {
            "kind": "entrepreneurs",
            "file": SimpleUploadedFile("e.csv", "Nom;Prénom\nRoux;Léa\n".encode()),
            "dry_run": "on",
        },
        count=counter(ImportRun, world),
    )


def test_the_fec_import_form_runs_once(world: World, client: Client) -> None:
    from top.onboarding.models import ImportRun

    client.force_login(world.carl)
    created_once(
        client,
        page="/c/coop-a/imports/fec/",
        action="/c/coop-a/imports/fec/",
        data=lambda: {
            "file": SimpleUploadedFile("732829320FEC20251231.txt", b"JournalCode\n"),
            "dry_run": "on",
        },
        count=counter(ImportRun, world),
    )


def test_the_forms_above_cover_every_view_that_creates_once() -> None:
    """A new create view decorated with @submitted_once gets its case above, and its name here."""
    assert sorted(SUBMITTED_ONCE_VIEWS) == sorted(COVERED)
