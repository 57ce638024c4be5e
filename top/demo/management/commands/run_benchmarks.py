"""`make bench`: runs every app's `bench.py` (never run by CI: timings are not tests)."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the benchmarks of every app that has a bench module (bench.run(stdout))."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("apps", nargs="*", help="Only these app labels.")

    def handle(self, *args: Any, **options: Any) -> None:
        for config in apps.get_app_configs():
            if options["apps"] and config.label not in options["apps"]:
                continue
            try:
                module = importlib.import_module(f"{config.name}.bench")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.bench":
                    raise
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(f"== {config.label}"))
            module.run(self.stdout)
