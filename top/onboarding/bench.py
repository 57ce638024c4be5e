"""Benchmark of an import (`make bench`, or `manage.py run_benchmarks onboarding`): a CSV of
5,000 entrepreneurs with their path and social file, checked by a dry run then imported, into
a cooperative created for the purpose; everything is rolled back at the end. Target: under 30 s
for both."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import transaction

from perspectives.tenancy.context import cooperative_context
from top.onboarding.imports.service import csv_text, data_import
from top.onboarding.services import cooperative_set_up

ROWS = 5000
HEADERS = [
    "Nom",
    "Prénom",
    "E-mail",
    "Civilité",
    "Date de naissance",
    "Pôle",
    "Niveau de formation",
    "Situation à l'entrée",
    "QPV",
    "Prescripteur",
    "Début du CAPE",
    "Fin du CAPE",
    "Début du CESA",
]


def bench_file(rows: int = ROWS) -> bytes:
    lines: list[list[object]] = []
    for i in range(rows):
        cape = dt.date(2020, 1, 1) + dt.timedelta(days=i % 700)
        lines.append(
            [
                f"Nom{i:05d}",
                f"Prénom{i % 97}",
                f"personne{i:05d}@bench.example",
                "Madame" if i % 2 else "Monsieur",
                f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1960 + i % 40}",
                ("Bâtiment", "Services", "Communication", "Bien-être")[i % 4],
                ("Bac", "Bac+2", "Master", "CAP")[i % 4],
                ("Demandeur d'emploi indemnisé", "RSA", "Salarié", "Étudiant")[i % 4],
                "oui" if i % 9 == 0 else "non",
                "France Travail",
                cape.strftime("%d/%m/%Y"),
                (cape + dt.timedelta(days=180)).strftime("%d/%m/%Y"),
                (cape + dt.timedelta(days=181)).strftime("%d/%m/%Y"),
            ]
        )
    return csv_text(HEADERS, lines).encode("utf-8")


class _Rollback(Exception):
    pass


def run(stdout: Any) -> None:
    data = bench_file()
    try:
        with transaction.atomic():
            cooperative = cooperative_set_up(
                slug="bench-import", name="Bench import", siren="732829320", legal_form="scop_sarl"
            ).cooperative
            with cooperative_context(cooperative.pk):
                start = time.perf_counter()
                trial = data_import(
                    kind="entrepreneurs", data=data, filename="bench.csv", dry_run=True
                )
                dry = time.perf_counter() - start
                start = time.perf_counter()
                result = data_import(
                    kind="entrepreneurs", data=data, filename="bench.csv", dry_run=False
                )
                real = time.perf_counter() - start
            stdout.write(
                f"import of {ROWS} entrepreneurs (path and social file): "
                f"dry run {dry:.1f} s ({trial.created} ok, {len(trial.refused)} refused), "
                f"import {real:.1f} s ({result.created} created), "
                f"total {dry + real:.1f} s (target < 30 s)"
            )
            raise _Rollback
    except _Rollback:
        pass
