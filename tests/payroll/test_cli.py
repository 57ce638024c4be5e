from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from payroll.models import LegalParameter, PayrollSettings

pytestmark = pytest.mark.django_db

KEYS = {
    "gross",
    "employee_contributions",
    "csg_deductible",
    "csg_crds_non_deductible",
    "net_social",
    "net_before_tax",
    "rgdu",
    "employer_contributions",
    "employer_cost",
    "lines",
}
LINE_KEYS = {
    "label",
    "base",
    "employee_rate",
    "employee_amount",
    "employer_rate",
    "employer_amount",
}


def _run(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("payslip_simulate", *args, "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_the_issue_example_prints_one_json_object_with_decimal_strings() -> None:
    before = (LegalParameter.objects.count(), PayrollSettings.all_cooperatives.count())
    result = _run(
        "--period",
        "2026-01",
        "--gross",
        "2500.00",
        "--status",
        "non-cadre",
        "--headcount",
        "30",
        "--at-rate",
        "1.00",
    )
    assert set(result) >= KEYS
    assert {key: result[key] for key in KEYS - {"lines"}} == {
        "gross": "2500.00",
        "employee_contributions": "282.75",
        "csg_deductible": "167.03",
        "csg_crds_non_deductible": "71.23",
        "net_social": "1978.99",
        "net_before_tax": "1978.99",
        "rgdu": "429.75",
        "employer_contributions": "626.90",
        "employer_cost": "3126.90",
    }
    assert all(set(line) >= LINE_KEYS for line in result["lines"])
    assert len(result["lines"]) == 16
    assert result["lines"][0]["label"] == "Sécurité sociale - Maladie Maternité Invalidité Décès"
    assert result["lines"][-1]["employee_amount"] == "71.23"
    # Nothing stored.
    assert (LegalParameter.objects.count(), PayrollSettings.all_cooperatives.count()) == before


def test_budget_inverts_a_total_employer_cost_for_a_cadre() -> None:
    result = _run(
        "--period",
        "2026-01",
        "--budget",
        "3000.00",
        "--status",
        "cadre",
        "--headcount",
        "30",
        "--at-rate",
        "1.00",
    )
    assert Decimal(result["employer_cost"]) <= Decimal("3000.00")
    assert (result["gross"], result["employer_cost"]) == ("2426.95", "2999.99")
    assert "Cotisation APEC (cadres)" in {line["label"] for line in result["lines"]}


def test_headcount_drives_the_thresholds() -> None:
    small = _run("--period", "2026-01", "--gross", "2500", "--headcount", "10", "--at-rate", "1")
    large = _run("--period", "2026-01", "--gross", "2500", "--headcount", "60", "--at-rate", "1")

    def employer(result: dict[str, Any], label: str) -> str:
        return str(next(x["employer_amount"] for x in result["lines"] if x["label"] == label))

    assert employer(small, "Contribution à la formation professionnelle") == "13.75"
    assert employer(large, "FNAL") == "12.50"
    assert employer(large, "Participation à l'effort de construction") == "11.25"
    assert (small["rgdu"], large["rgdu"]) == ("429.75", "433.75")
    assert small["gross"] == "2500.00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-13", "--gross", "1"], "Période invalide"),
        (["--period", "1999-01", "--gross", "2500"], "Paramètre de paie manquant au 01/01/1999"),
        (["--period", "2026-01", "--gross", "-3"], "ne peut pas être négatif"),
        (["--period", "2026-01", "--gross", "abc"], "n'est pas un nombre décimal"),
        (["--period", "2026-01", "--budget", "0"], "doit être positif"),
    ],
)
def test_bad_input_is_a_french_error(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command(
            "payslip_simulate", *args, "--headcount", "30", "--at-rate", "1.00", stdout=StringIO()
        )
