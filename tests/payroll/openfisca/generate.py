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


PS = "prelevements_sociaux"
RG = f"{PS}.cotisations_securite_sociale_regime_general"
RC = f"{PS}.regimes_complementaires_retraite_secteur_prive"
AC = f"{PS}.cotisations_regime_assurance_chomage"
AG = f"{PS}.reductions_cotisations_sociales.allegement_general.ensemble_des_entreprises"
# Our parameter (key, or "contribution.<code>.<side>") → (OpenFisca path, bracket or None, scale
# factor to our unit: rates in % are × 100).
PARAMETERS = {
    "smic.hourly": ("marche_travail.salaire_minimum.smic.smic_b_horaire", None, 1),
    "pmss": (f"{PS}.pss.plafond_securite_sociale_mensuel", None, 1),
    "csg.deductible_rate": (f"{PS}.contributions_sociales.csg.activite.deductible", None, 100),
    "csg.non_deductible_rate": (f"{PS}.contributions_sociales.csg.activite.imposable", None, 100),
    "crds.rate": (f"{PS}.contributions_sociales.crds", None, 100),
    "reduction.rgdu.t_min": (f"{AG}.t_min", None, 1),
    "reduction.rgdu.t_delta_under_50": (f"{AG}.t_delta_petites_entreprises", None, 1),
    "reduction.rgdu.t_delta_50_and_more": (f"{AG}.t_delta_grandes_entreprises", None, 1),
    "reduction.rgdu.exponent": (f"{AG}.puissance", None, 1),
    "reduction.rgdu.smic_multiple": (f"{AG}.plafond", None, 1),
    "reduction.smic_reference_hourly": (f"{AG}.smic_reference", None, 1),
    "contribution.maladie.employer_rate": (f"{RG}.mmid.employeur.maladie", 0, 100),
    "contribution.vieillesse_plafonnee.employee_rate": (
        f"{RG}.cnav.salarie.vieillesse_plafonnee",
        0,
        100,
    ),
    "contribution.vieillesse_plafonnee.employer_rate": (
        f"{RG}.cnav.employeur.vieillesse_plafonnee",
        0,
        100,
    ),
    "contribution.vieillesse_deplafonnee.employee_rate": (
        f"{RG}.cnav.salarie.vieillesse_deplafonnee",
        0,
        100,
    ),
    "contribution.vieillesse_deplafonnee.employer_rate": (
        f"{RG}.cnav.employeur.vieillesse_deplafonnee",
        0,
        100,
    ),
    "contribution.famille.employer_rate": (f"{RG}.famille.employeur.famille", 0, 100),
    "contribution.csa.employer_rate": (f"{RG}.csa.employeur.csa", 0, 100),
    "contribution.agirc_arrco_t1.employee_rate": (f"{RC}.agirc_arrco.salarie.agirc_arrco", 0, 100),
    "contribution.agirc_arrco_t1.employer_rate": (
        f"{RC}.agirc_arrco.employeur.agirc_arrco",
        0,
        100,
    ),
    "contribution.agirc_arrco_t2.employee_rate": (f"{RC}.agirc_arrco.salarie.agirc_arrco", 1, 100),
    "contribution.agirc_arrco_t2.employer_rate": (
        f"{RC}.agirc_arrco.employeur.agirc_arrco",
        1,
        100,
    ),
    "contribution.ceg_t1.employee_rate": (f"{RC}.ceg.salarie.ceg", 0, 100),
    "contribution.ceg_t1.employer_rate": (f"{RC}.ceg.employeur.ceg", 0, 100),
    "contribution.ceg_t2.employee_rate": (f"{RC}.ceg.salarie.ceg", 1, 100),
    "contribution.ceg_t2.employer_rate": (f"{RC}.ceg.employeur.ceg", 1, 100),
    "contribution.cet.employee_rate": (f"{RC}.cet2019.salarie.cet2019", 0, 100),
    "contribution.cet.employer_rate": (f"{RC}.cet2019.employeur.cet2019", 0, 100),
    "contribution.apec.employee_rate": (f"{RC}.apec.salarie.apec", 0, 100),
    "contribution.apec.employer_rate": (f"{RC}.apec.employeur.apec", 0, 100),
    "contribution.chomage.employer_rate": (f"{AC}.chomage.employeur.chomage", 0, 100),
    "contribution.ags.employer_rate": (f"{AC}.ags.employeur.ags", 0, 100),
    "contribution.fnal_under_50.employer_rate": (
        f"{PS}.autres_taxes_participations_assises_salaires.fnal.contribution_moins_de_50_salaries",
        0,
        100,
    ),
    "contribution.fnal_50_and_more.employer_rate": (
        f"{PS}.autres_taxes_participations_assises_salaires.fnal.contribution_plus_de_50_salaries",
        0,
        100,
    ),
}


def _parameters(tbs: CountryTaxBenefitSystem, instant: str) -> dict[str, str]:
    node = tbs.parameters(instant)
    values = {}
    for key, (path, bracket, factor) in PARAMETERS.items():
        value = node
        for part in path.split("."):
            value = getattr(value, part)
        number = value if bracket is None else value.rates[bracket]
        values[key] = f"{round(float(number) * factor, 6):g}"
    return values


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
        "parameters_2026_01_01": _parameters(tbs, "2026-01-01"),
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
