"""Benchmark the one-stop services under gunicorn on PostgreSQL, beside a static file.

In one run, on a throwaway database loaded with the Bắc Giang → Bắc Ninh units, the demo
agencies, the procedure catalogue and ``--dossiers`` submitted dossiers, the bench starts
``gunicorn tinhso.wsgi`` with ``--workers`` sync workers (2) — what ``tinhso serve`` runs — and
drives it from ``wrk`` on loopback at each of ``--clients`` (50 and 200 connections):

* the static-file baseline: ``/static/tinhso/site.css`` through WhiteNoise, same server;
* the public tracking page ``/services/tra-cuu/?code=…`` for random dossier codes, no cookies,
  twice: each request a first visit (a new URL, so a page-cache miss that renders the page;
  it is not stored, as only canonical addresses are), then with every code visited once
  before (answered from the page cache: files in the data directory by default, or
  ``--cache-url``);
* the tracking API ``/api/v1/services/dossiers/<code>/status``;
* online submission ``POST /api/v1/services/dossiers`` with a citizen's Bearer token — each
  request creates a dossier, issues its code from the agency's daily counter, writes its event
  and one audit-ledger entry and queues the applicant's notification.

It prints requests/s and the p50/p95/p99 latency of each, and checks that every submission
made a dossier with a unique code. Needs ``wrk`` (``apt-get install wrk``).

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/services.py
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from httpbench import ROOT, lua_paths, prepare_database, start_server, wrk

sys.path.insert(0, str(ROOT))


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=5000, help="dossiers to track")
    parser.add_argument("--clients", default="50,200", help="concurrent connections")
    parser.add_argument("--seconds", type=int, default=15, help="duration of each run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--cache-url",
        default="",
        help="TINHSO_CACHE_URL of the server, emptied first (default: files in the data "
        "directory, shared by the workers); e.g. redis://127.0.0.1:6379/14",
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    return parser.parse_args(argv)


def setup_django(workdir: Path, cache_url: str) -> None:
    os.environ["TINHSO_DATA_DIR"] = str(workdir)
    os.environ["TINHSO_CACHE_URL"] = cache_url
    os.environ["TINHSO_MODE"] = "dev"
    os.environ["TINHSO_DEBUG"] = "false"
    os.environ["TINHSO_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    import django

    django.setup()


def load_world(dossiers: int) -> dict[str, Any]:
    """Units, agencies, the catalogue, a citizen with a token, and ``dossiers`` submissions."""
    from django.core.management import call_command
    from django.utils import timezone

    from tinhso.accounts import actions as account_actions
    from tinhso.accounts.choices import UserKind
    from tinhso.accounts.models import User
    from tinhso.directory import loaders
    from tinhso.directory.demo import load_demo_agencies
    from tinhso.directory.queries import get_unit
    from tinhso.services import actions

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    loaders.apply(loaders.bac_giang_transition_plan(coordinates=False), source="bench")
    load_demo_agencies()
    actions.load_procedures(ROOT / "tinhso/services/data/procedures.json", actor=None)
    today = timezone.localdate()
    commune = get_unit("07210", today)
    citizen = User.objects.create(
        username="bench-citizen",
        kind=UserKind.CITIZEN,
        full_name="Nguyễn Văn Thử",
        citizen_id="024090001234",
        phone="0912345678",
        home_unit=commune,
    )
    _token, secret = account_actions.create_token(citizen, actor=citizen, name="bench")
    # Every real procedure asks for files, which the JSON endpoint does not take: the bench
    # submits to a copy of birth registration whose documents are all reusable stored data.
    items = json.loads((ROOT / "tinhso/services/data/procedures.json").read_text("utf-8"))
    item = next(i for i in items if i["level"] == "commune" and i["service_class"] == "full_online")
    item = {
        **item,
        "code": "9.999999",
        "name": "Thủ tục của bench (bản sao)",
        "documents": [{**d, "reusable": True} for d in item["documents"]],
    }
    procedure = actions.save_procedure(item, actor=None)
    form = {
        field["name"]: (field.get("choices") or ["2026-11-20" if field["type"] == "date" else "1"])[
            0
        ]
        for field in procedure.fields
    }
    applicant = actions.Applicant(name=citizen.full_name, phone=citizen.phone, account=citizen)
    started = time.monotonic()
    codes = [
        actions.submit_online(
            procedure, actor=citizen, applicant=applicant, form_data=form, unit=commune
        ).code
        for _ in range(dossiers)
    ]
    seeded = time.monotonic() - started
    return {
        "token": secret,
        "procedure": procedure.code,
        "form": form,
        "codes": codes,
        "seed_rate": dossiers / seeded,
    }


def lua_post(path: str, body: str, token: str) -> str:
    return (
        f"wrk.method = 'POST'\nwrk.path = {json.dumps(path)}\n"
        f"wrk.body = {json.dumps(body)}\n"
        "wrk.headers['Content-Type'] = 'application/json'\n"
        f"wrk.headers['Authorization'] = 'Bearer {token}'\n"
    )


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("bench/services.py needs wrk: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="tinhso-bench-services-"))
    name, drop = prepare_database("services")
    server = None
    try:
        setup_django(workdir, args.cache_url)
        from django.core.cache import cache

        cache.clear()
        print(f"Loading the world and {args.dossiers:,} dossiers into {name}…", flush=True)
        world = load_world(args.dossiers)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            pg_version = cursor.fetchone()[0].split(" on ")[0]
        connection.close()
        server = start_server(workdir, args.port, args.workers)
        base = f"http://127.0.0.1:{args.port}"
        rng = random.Random(2026)
        sample = rng.sample(world["codes"], min(len(world["codes"]), 2000))
        body = json.dumps(
            {"procedure": world["procedure"], "form_data": world["form"], "unit": "07210"}
        )
        pages = [f"/services/tra-cuu/?code={c}" for c in sample]
        runs = {
            "static file (baseline)": (lua_paths(["/static/tinhso/site.css"]), base),
            "tracking page, first visits": (lua_paths(pages, unique=True), base),
            "tracking page": (lua_paths(pages), base),
            "tracking API": (
                lua_paths([f"/api/v1/services/dossiers/{c}/status" for c in sample]),
                base,
            ),
            "submission API (POST)": (
                lua_post("/api/v1/services/dossiers", body, world["token"]),
                base,
            ),
        }
        # Warm the workers (imports, template cache, connections) before timing, then track
        # every sampled dossier once, as its applicant would after receiving the slip.
        for script, url in runs.values():
            wrk(script, url, 10, 2, args.threads, workdir)
        for page in pages:
            urllib.request.urlopen(base + page).read()
        results: dict[tuple[str, int], dict] = {}
        for clients in [int(c) for c in args.clients.split(",")]:
            for label, (script, url) in runs.items():
                results[label, clients] = wrk(
                    script, url, clients, args.seconds, args.threads, workdir
                )
                print(
                    f"  {label} at {clients}: {results[label, clients]['rps']:,.0f}/s", flush=True
                )
        server.terminate()
        server.wait(timeout=30)
        server = None
        from django.db.models import Count

        from tinhso.services.models import Dossier

        total = Dossier.objects.count()
        duplicates = Dossier.objects.values("code").annotate(n=Count("id")).filter(n__gt=1).count()
        print()
        print(
            f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {pg_version}; "
            f"gunicorn {args.workers} sync workers; wrk {args.threads} threads on loopback, "
            f"{args.seconds} s per run"
        )
        print(f"Seeded {args.dossiers:,} dossiers in process at {world['seed_rate']:,.0f}/s")
        print()
        print("| endpoint | clients | requests/s | p50 ms | p95 ms | p99 ms | errors |")
        print("|---|---|---|---|---|---|---|")
        for (label, clients), r in results.items():
            print(
                f"| {label} | {clients} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p95']:.1f} "
                f"| {r['p99']:.1f} | {r['errors']} |"
            )
        print()
        print(f"Dossiers after the run: {total:,}; codes shared by two dossiers: {duplicates}")
    finally:
        if server is not None:
            server.kill()
        from django.core.cache import cache
        from django.db import connections

        cache.clear()
        connections.close_all()
        if not args.keep:
            drop()
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
