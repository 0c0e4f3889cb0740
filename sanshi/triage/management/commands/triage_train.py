"""`sanshi triage-train`: retrain from the corpus and staff-confirmed concerns, version it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sanshi.triage.actions import train_model


class Command(BaseCommand):
    help = "Retrain the triage model; the new version is used only if no worse on the eval set."

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = train_model()
        r, b = outcome.report, outcome.baseline
        self.stdout.write(f"{outcome.added_examples} confirmed concerns added to the corpus")
        self.stdout.write(
            f"{'':<10}{'accuracy':>10}{'crit.recall':>13}{'crit.prec':>11}\n"
            f"{'current':<10}{b.category_accuracy:>10.3f}{b.critical_recall:>13.3f}{b.critical_precision:>11.3f}"
            f"  {outcome.baseline_version}\n"
            f"{'new':<10}{r.category_accuracy:>10.3f}{r.critical_recall:>13.3f}{r.critical_precision:>11.3f}"
            f"  {outcome.version}"
        )
        if outcome.activated:
            self.stdout.write(f"activated {outcome.version}")
        else:
            self.stdout.write(f"kept {outcome.baseline_version}: the new model is not better")
