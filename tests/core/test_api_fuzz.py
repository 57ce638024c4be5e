"""A bounded schemathesis run against the live test server: every operation of the OpenAPI schema,
GET and POST, with generated parameters and bodies, answers without a server error and as the
schema says."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.openapi import from_dict
from schemathesis.specs.openapi.checks import response_schema_conformance

from entrepreneurs.models import Entrepreneur, Workshop
from payroll.models import Payslip
from payroll.services import payroll_run_create
from perspectives.tenancy.context import cooperative_context
from tests.accounting.conftest import build_ledger, post_history
from tests.conftest import World
from tests.factories.entrepreneurs import ActivityMemberFactory
from tests.governance.conftest import convened_assembly, opened
from tests.payroll.conftest import Payroll, compute_run, payroll  # noqa: F401 (fixture)

# CI runs the same 8 examples per operation every time (derandomised: a red run means a change
# broke something); API_FUZZ_EXAMPLES=50 API_FUZZ_RANDOM=1 explores further by hand.
EXAMPLES_PER_OPERATION = int(os.environ.get("API_FUZZ_EXAMPLES", "8"))
DERANDOMIZE = os.environ.get("API_FUZZ_RANDOM", "") != "1"


def _known_ids(world: World, payroll: Payroll) -> dict[str, Any]:  # noqa: F811
    """Cooperative A with a ledger, a computed payroll run, an open assembly and a workshop:
    the ids the generated requests use in their paths."""
    with cooperative_context(world.coop_a.pk):
        ledger = build_ledger(world.coop_a)
        post_history(ledger)
        alice = Entrepreneur.objects.get(user=world.alice)
        ActivityMemberFactory.create(activity=ledger.a1, entrepreneur=alice)
        run = payroll_run_create(period=dt.date(2026, 1, 1), created_by=world.carl)
        compute_run(run.pk)
        setup = convened_assembly(associates=3, users=[world.carl, world.alice])
        opened(setup)
        workshop = Workshop.objects.create(
            cooperative=world.coop_a,
            title="Prix",
            starts_at=dt.datetime(2030, 1, 7, 9, tzinfo=dt.UTC),
            ends_at=dt.datetime(2030, 1, 7, 11, tzinfo=dt.UTC),
            capacity=10,
        )
        return {
            "cooperative_slug": "coop-a",
            "entrepreneur_id": alice.pk,
            "activity_id": ledger.a1.pk,
            "run_id": run.pk,
            "payslip_id": Payslip.objects.filter(run=run).values_list("pk", flat=True)[0],
            "assembly_id": setup.assembly.pk,
            "resolution_id": setup.resolutions[0].pk,
            "workshop_id": workshop.pk,
        }


@pytest.mark.django_db(transaction=True)
def test_every_operation_answers_without_error_and_as_documented(
    world: World,
    payroll: Payroll,  # noqa: F811 (fixture)
    live_server: Any,
) -> None:
    ids = _known_ids(world, payroll)
    headers = {"Authorization": f"Token {Token.objects.create(user=world.carl).key}"}
    raw = requests.get(
        f"{live_server.url}/api/schema/",
        headers={"Accept": "application/vnd.oai.openapi+json"},
        timeout=60,
    ).json()
    schema = from_dict(raw)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an invalid schema fails loudly here
        if operation.method.upper() not in {"GET", "POST"}:
            continue
        operations += 1
        names = {p.name for p in operation.path_parameters}
        strategy = operation.as_strategy(
            path_parameters={name: value for name, value in ids.items() if name in names}
        )

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=DERANDOMIZE,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            response = case.call(base_url=live_server.url, headers=headers, timeout=60)
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )

        try:
            check()
        except (Exception, BaseExceptionGroup) as error:  # every operation is tried and reported
            failures.append(f"{operation.method.upper()} {operation.path}: {error}"[:3000])
    assert operations >= 45
    assert not failures, "\n\n".join(failures)
