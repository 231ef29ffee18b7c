"""The ``tinhso`` command: a friendly front door to the management commands.

``tinhso demo``, ``tinhso serve``, ``tinhso migrate``, ``tinhso load-units``,
``tinhso verify-audit`` and every other Django command (dashes or underscores) with ``--help``.
"""

from __future__ import annotations

import os
import sys

COMMANDS = {
    "demo": "Prepare the embedded database, load the demo province and serve it",
    "serve": "Serve tinhso over HTTP (gunicorn)",
    "migrate": "Create or update the database tables",
    "load-units": "Load administrative units (country-wide or the Bắc Giang/Bắc Ninh transition)",
    "verify-audit": "Recompute the audit ledger's Merkle tree and report tampering",
    "worker": "Run background tasks of every queue (django-tasks database worker)",
    "tick": "Run the alert schedule (rules, escalation, recomputation) once or every N seconds",
    "ingest-mqtt": "Subscribe to the stations' MQTT topics and store their readings",
    "ingest-tt10": "Read Circular 10/2021 station files, or watch a directory for them",
    "simulate-stations": "Stream plausible readings from the demo's monitoring stations",
    "load-environment-reference": "Load the parameters and QCVN limit sets shipped with tinhso",
}


def _usage() -> str:
    lines = ["usage: tinhso <command> [options]   (tinhso <command> --help for details)", ""]
    lines += [f"  {name:<14} {text}" for name, text in COMMANDS.items()]
    lines += ["", "Any Django management command also works, e.g. `tinhso createsuperuser`."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Run a tinhso command."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    if args[0] == "demo":
        os.environ.setdefault("TINHSO_MODE", "demo")
    from tinhso.conf import ConfigError

    command = args[0].replace("-", "_")
    if command == "worker":
        # Every queue unless told otherwise: a worker that skipped the "ledger" queue would
        # leave the auditors' checks waiting forever.
        command = "db_worker"
        if not any(arg.startswith("--queue-name") for arg in args[1:]):
            args[1:1] = ["--queue-name", "*"]
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["tinhso", command, *args[1:]])
    except ConfigError as exc:
        print(f"tinhso: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


if __name__ == "__main__":
    main()
