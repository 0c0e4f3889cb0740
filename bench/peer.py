"""The benchmark's peer: django-helpdesk 2.6.1 in its own virtualenv outside the repository.

See shared notes: token authentication (Basic hashes the password on every request), teams
mode off (it needs pinax-teams), one queue, tickets created with POST /api/tickets/.
"""

# ruff: noqa: S603, S607 - these scripts start our own programs with fixed arguments
from __future__ import annotations

import os
import subprocess
import textwrap
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.server import PG_ADMIN_URL, free_port

PEER_DIR = Path(os.environ.get("BENCH_PEER_DIR", "/tmp/sanshi-bench-peer"))  # noqa: S108
PEER_PACKAGES = ("django-helpdesk==2.6.1", "gunicorn", "psycopg2-binary")


def _settings(database_url: str) -> str:
    user_host, name = database_url.removeprefix("postgresql://").rsplit("/", 1)
    user, host_port = user_host.split("@")
    host, port = host_port.split(":")
    return textwrap.dedent(f"""
        SECRET_KEY = "bench-only-not-secret"
        DEBUG = False
        ALLOWED_HOSTS = ["127.0.0.1"]
        INSTALLED_APPS = [
            "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
            "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
            "django.contrib.sites", "django.contrib.humanize",
            "rest_framework", "rest_framework.authtoken", "helpdesk",
        ]
        MIDDLEWARE = [
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ]
        ROOT_URLCONF = "peer.urls"
        TEMPLATES = [{{"BACKEND": "django.template.backends.django.DjangoTemplates",
                      "APP_DIRS": True, "OPTIONS": {{"context_processors": [
                          "django.template.context_processors.request",
                          "django.contrib.auth.context_processors.auth",
                          "django.contrib.messages.context_processors.messages"]}}}}]
        DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": "{name}",
                                  "USER": "{user}", "HOST": "{host}", "PORT": "{port}",
                                  "CONN_MAX_AGE": 60}}}}
        DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
        SITE_ID = 1
        STATIC_URL = "static/"
        USE_TZ = True
        HELPDESK_TEAMS_MODE_ENABLED = False
        EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        REST_FRAMEWORK = {{"DEFAULT_AUTHENTICATION_CLASSES": [
            "rest_framework.authentication.TokenAuthentication"]}}
        LOGGING = {{"version": 1, "disable_existing_loggers": False,
                   "handlers": {{"console": {{"class": "logging.StreamHandler"}}}},
                   "root": {{"handlers": ["console"], "level": "ERROR"}}}}
    """)


URLS = """
from django.urls import include, path
urlpatterns = [path("", include("helpdesk.urls"))]
"""
WSGI = """
import os
from django.core.wsgi import get_wsgi_application
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer.settings")
application = get_wsgi_application()
"""
SEED = """
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from helpdesk.models import Queue
user = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-pw-1234")
queue = Queue.objects.create(title="Bench", slug="bench")
print(queue.pk, Token.objects.create(user=user).key)
"""


@dataclass
class Peer:
    database_url: str
    proc: subprocess.Popen[bytes] | None = None

    @property
    def python(self) -> Path:
        return PEER_DIR / "venv" / "bin" / "python"

    @property
    def project(self) -> Path:
        return PEER_DIR / "project"

    def install(self) -> None:
        """A virtualenv with django-helpdesk, outside the repository (reused when present)."""
        if not self.python.exists():
            subprocess.run(["python3", "-m", "venv", str(PEER_DIR / "venv")], check=True)
        subprocess.run([str(self.python), "-m", "pip", "install", "-q", *PEER_PACKAGES], check=True)
        (self.project / "peer").mkdir(parents=True, exist_ok=True)
        (self.project / "peer" / "__init__.py").write_text("")
        (self.project / "peer" / "settings.py").write_text(_settings(self.database_url))
        (self.project / "peer" / "urls.py").write_text(URLS)
        (self.project / "peer" / "wsgi.py").write_text(WSGI)

    def _manage(self, *args: str) -> str:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "peer.settings",
            "PYTHONPATH": str(self.project),
        }
        done = subprocess.run(
            [str(self.python), "-m", "django", *args],
            env=env,
            cwd=self.project,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"helpdesk {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def prepare(self) -> tuple[int, str]:
        """Migrate, make a staff user with a token and one queue: (queue id, token)."""
        self._manage("migrate", "--noinput", "-v", "0")
        queue, token = self._manage("shell", "-c", SEED).split()[-2:]
        return int(queue), token

    def serve(self, workers: int = 2, threads: int = 1) -> str:
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "peer.settings",
            "PYTHONPATH": str(self.project),
        }
        self.proc = subprocess.Popen(
            [
                str(PEER_DIR / "venv" / "bin" / "gunicorn"),
                "peer.wsgi",
                "-w",
                str(workers),
                "--threads",
                str(threads),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=self.project,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/api/", timeout=2):  # noqa: S310
                    return base
            except urllib.error.HTTPError:
                return base  # it answers (401/403 without a token)
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("django-helpdesk did not answer within 60 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        self.proc = None


__all__ = ["PG_ADMIN_URL", "Peer"]
