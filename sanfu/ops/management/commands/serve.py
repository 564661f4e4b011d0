"""`sanfu serve`: the production web server (gunicorn), with static files through WhiteNoise."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

from sanfu.directory.selectors import demo_logins


class Command(BaseCommand):
    help = "Serve sanfu with gunicorn (a production-grade WSGI server), not runserver."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=settings.SERVE_WORKERS)
        parser.add_argument("--threads", type=int, default=settings.SERVE_THREADS)

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["port"] < 65536:
            raise CommandError("--port: must be between 1 and 65535")
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads: must be at least 1")
        self._check_ready()
        base = f"http://{options['host']}:{options['port']}"
        self._print_banner(base)
        # Workers are forked: none may inherit the connection the checks above opened.
        connections.close_all()
        run_gunicorn(
            bind=f"{options['host']}:{options['port']}",
            workers=options["workers"],
            threads=options["threads"],
        )

    def _check_ready(self) -> None:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("the database is not migrated: run `sanfu migrate` first")
        manifest = settings.STATIC_ROOT / "staticfiles.json"
        if not settings.DEBUG and not manifest.exists():
            raise CommandError("static files are not collected: run `sanfu collectstatic`")

    def _print_banner(self, base: str) -> None:
        self.stdout.write(f"sanfu: serving on {base}/")
        self.stdout.write(f"  public home:  {base}/")
        self.stdout.write(f"  workbench:    {base}/workbench/")
        self.stdout.write(f"  staff admin:  {base}/admin/")
        logins = demo_logins()
        if logins:
            password = settings.DEMO_PASSWORD or "(the password given to seed demo)"
            self.stdout.write(f"  demo log-ins (password: {password}):")
            for login in logins:
                self.stdout.write(f"    {login.username:<24} {login.role} · {login.unit}")
        self.stdout.flush()


def run_gunicorn(*, bind: str, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", 10)
            # Nothing manages sanfu through gunicorn's runtime control socket; don't open one.
            self.cfg.set("control_socket_disable", True)

        def load(self) -> Any:
            from sanfu.wsgi import application

            return application

    Application().run()
