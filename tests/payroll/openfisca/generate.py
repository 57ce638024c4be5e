"""Regenerate `openfisca_2026_01.json`, the independent oracle of test_openfisca.py.

OpenFisca-France cannot live in this project's lock: openfisca-core 44 pins gunicorn < 22 (our
runtime has 27), pytest < 9 (we have 9.2) and psutil < 6. So it runs in its own virtualenv and
its answers are stored here, with the version that produced them:

    python3.11 -m venv /tmp/ofvenv
    /tmp/ofvenv/bin/pip install -r tests/payroll/openfisca/requirements.txt
    /tmp/ofvenv/bin/python tests/payroll/openfisca/generate.py

It imports nothing from the project, so our engine and the oracle stay independent.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import numpy as np
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_france import CountryTaxBenefitSystem

PERIOD = "2026-01"
AT_RATE = 0.0070  # OpenFisca's default "faible" risk; the test gives our engine the same rate
# The grid, as monthly gross salaries rounded to the cent (SMIC = 12.02 × 1820 / 12).
GRID = {
    "1 SMIC": 1823.03,
    "1.04 SMIC": 1895.95,
    "1.37 SMIC": 2497.55,
    "2.2 SMIC": 4010.67,
    "3 SMIC": 5469.09,
    "1 PMSS": 4005.00,
    "1.75 PMSS": 7008.75,
    "8 PMSS": 32040.00,
}
HEADCOUNTS = (30, 60)
STATUSES = {"non-cadre": "prive_non_cadre", "cadre": "prive_cadre"}
VARIABLES = (
    "salaire_net",
    "salaire_imposable",
    "csg_deductible_salaire",
    "csg_imposable_salaire",
    "crds_salaire",
    "allegement_general",
    "taux_allegement_general",
    "vieillesse_plafonnee_salarie",
    "vieillesse_deplafonnee_salarie",
    "agirc_arrco_salarie",
    "contribution_equilibre_general_salarie",
    "contribution_equilibre_technique_salarie",
    "apec_salarie",
    "vieillesse_plafonnee_employeur",
    "vieillesse_deplafonnee_employeur",
    "agirc_arrco_employeur",
    "contribution_equilibre_general_employeur",
    "contribution_equilibre_technique_employeur",
    "apec_employeur",
    "chomage_employeur",
    "ags",
    "mmid_employeur",
    "famille",
    "accident_du_travail",
    "contribution_solidarite_autonomie",
    "fnal",
    "contribution_unique_formation_professionnelle_alternance",
    "contribution_developpement_apprentissage",
    "contribution_supplementaire_apprentissage",
    "conge_individuel_formation_cdd",
    "financement_organisations_syndicales",
    "participation_effort_construction",
    "prevoyance_obligatoire_cadre",
    "complementaire_sante_employeur",
    "versement_transport",
    "cotisations_employeur",
    "salaire_super_brut",
)


def main() -> None:
    tbs = CountryTaxBenefitSystem()
    cases = [
        (label, gross, headcount, status)
        for label, gross in GRID.items()
        for headcount in HEADCOUNTS
        for status in STATUSES
    ]
    count = len(cases)
    sim = SimulationBuilder().build_default_simulation(tbs, count=count)
    sim.set_input("salaire_de_base", PERIOD, np.array([case[1] for case in cases]))
    sim.set_input("effectif_entreprise", PERIOD, np.array([float(case[2]) for case in cases]))
    categories = tbs.variables["categorie_salarie"].possible_values
    sim.set_input(
        "categorie_salarie",
        PERIOD,
        np.array([getattr(categories, STATUSES[case[3]]) for case in cases]),
    )
    sim.set_input("taux_accident_travail", PERIOD, np.full(count, AT_RATE))
    results = {name: sim.calculate(name, PERIOD) for name in VARIABLES}
    document = {
        "generator": "tests/payroll/openfisca/generate.py",
        "openfisca_france": version("openfisca-france"),
        "openfisca_core": version("openfisca-core"),
        "period": PERIOD,
        "at_rate_percent": "0.70",
        "cases": [
            {
                "label": label,
                "gross": f"{gross:.2f}",
                "headcount": headcount,
                "status": status,
                # OpenFisca returns contributions as negative numbers; stored as it gives them.
                "values": {name: f"{float(results[name][index]):.6f}" for name in VARIABLES},
            }
            for index, (label, gross, headcount, status) in enumerate(cases)
        ],
    }
    target = Path(__file__).with_name("openfisca_2026_01.json")
    target.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {target} ({count} cases)")  # noqa: T201


if __name__ == "__main__":
    main()
