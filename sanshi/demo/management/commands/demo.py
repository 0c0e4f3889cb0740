"""`sanshi demo`: load the Beihai demo (used by `make demo`); safe to run again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sanshi.accounts.twofactor import provision_demo_device, requires_second_factor
from sanshi.demo.answers import load_answers
from sanshi.demo.checks import load_danger_checks
from sanshi.demo.childcare import load_childcare
from sanshi.demo.duties import load_duties
from sanshi.demo.files_and_messages import load_files_and_messages
from sanshi.demo.loader import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the Beihai demo: the federation tree, people, accounts and a year of concerns."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2020, help="random seed (default 2020)")
        parser.add_argument(
            "--concerns", type=int, default=2000, help="how many concerns (default 2000)"
        )
        parser.add_argument("--until", help="last day of the demo year, YYYY-MM-DD (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["concerns"] < 0:
            raise CommandError("--concerns must be 0 or more")
        until = None
        if options["until"]:
            try:
                day = dt.date.fromisoformat(options["until"])
            except ValueError:
                raise CommandError(f"--until {options['until']!r}: expected YYYY-MM-DD") from None
            until = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        progress = self.stdout if options["verbosity"] >= 1 else None
        result = load_demo(
            seed=options["seed"], concerns=options["concerns"], until=until, progress=progress
        )
        load_duties(until=until, progress=progress)  # sanshi/demo/duties.py
        load_answers()  # 海城区's ready answers (sanshi/demo/answers.py)
        load_files_and_messages()  # photos and safe-contact choices (demo/files_and_messages.py)
        load_danger_checks()  # unsure messages on 海城区's check-for-danger list
        load_childcare(seed=options["seed"], concerns=options["concerns"], until=until)
        if result.concerns_skipped:
            self.stdout.write("sanshi demo: already loaded, nothing added")
        else:
            self.stdout.write(
                f"sanshi demo: {result.orgs} orgs, {result.people} people, "
                f"{result.concerns} concerns added"
            )
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
        for username, what in result.accounts:
            self.stdout.write(f"  {username:<22} {what}")
            user = get_user_model().objects.get(username=username)
            if requires_second_factor(user):
                self.stdout.write(f"  {'':<22} 2FA: {provision_demo_device(user)}")
        self.stdout.write(
            "  Accounts marked 2FA need a code from an authenticator app (add the otpauth link),"
            "\n  or without an app: .venv/bin/sanshi demo-totp USERNAME"
        )
