"""Read the dated legal parameters from the TOML files of `payroll/parameters/`."""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import cache
from pathlib import Path

from payroll.engine.parameters import ParameterRow, Parameters
from perspectives.core.exceptions import ApplicationError

PARAMETERS_DIR = Path(__file__).resolve().parent / "parameters"


def parameter_rows_read(directory: Path = PARAMETERS_DIR) -> list[ParameterRow]:
    """Every entry of every `*.toml` file, checked: dated, sourced, no duplicate (key, date)."""
    rows: list[ParameterRow] = []
    seen: set[tuple[str, dt.date]] = set()
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as handle:
            document = tomllib.load(handle)
        for entry in document.get("parameter", []):
            key, valid_from = entry.get("key"), entry.get("valid_from")
            reference = str(entry.get("reference", "")).strip()
            if not key or not isinstance(valid_from, dt.date) or "value" not in entry:
                raise ApplicationError(f"{path.name} : entrée incomplète {entry!r}.")
            if not reference:
                raise ApplicationError(f"{path.name} : « {key} » n'a pas de référence légale.")
            if (key, valid_from) in seen:
                raise ApplicationError(f"{path.name} : « {key} » en double au {valid_from}.")
            seen.add((key, valid_from))
            rows.append(ParameterRow(key, valid_from, entry["value"], reference, path.name))
    return rows


@cache
def _file_rows() -> tuple[ParameterRow, ...]:
    return tuple(parameter_rows_read())


def parameters_from_files(date: dt.date) -> Parameters:
    """The parameters straight from the files (tests, benchmarks; the app reads the table)."""
    return Parameters.from_rows(date, _file_rows())
