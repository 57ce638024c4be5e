"""Running the data_import command on a file, as the command-line contract says."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

FILES = Path(__file__).parent / "files"


def run_import(kind: str, name: str | Path, *extra: str, cooperative: str = "coop-a") -> str:
    out = StringIO()
    call_command(
        "data_import",
        f"--cooperative={cooperative}",
        f"--kind={kind}",
        f"--file={FILES / name}",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def refused_import(kind: str, name: str | Path, *extra: str) -> str:
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command(
            "data_import",
            "--cooperative=coop-a",
            f"--kind={kind}",
            f"--file={FILES / name}",
            *extra,
            stdout=out,
        )
    return out.getvalue() + str(error.value)
