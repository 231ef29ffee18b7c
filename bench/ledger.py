"""Benchmark the audit ledger against pymerkle's SqliteTree on the same entries.

Measures, in one run on a throwaway database:

* durable appends/s through ``tinhso.core.ledger.append_batch`` (the product's bulk path: one
  sequencer lock, COPY on PostgreSQL, one commit per batch), and single appends through
  ``append_entry`` (what ``record_write`` does, one commit each);
* inclusion- and consistency-proof generation from the database (p50, p95), the same proofs
  through the HTTP API (Django test client), and RFC 9162 verification;
* the same appends and proofs with pymerkle 7.0.0 ``SqliteTree`` (GPL: bench-only baseline).

Usage::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/ledger.py --n 1000000    # PostgreSQL, database tinhso_bench
    env -u DATABASE_URL .venv/bin/python bench/ledger.py   # SQLite in a temp dir, n=100000

With a PostgreSQL URL the bench drops and recreates the database ``tinhso_bench`` on that server.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DB = "tinhso_bench"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, help="entries (default 1,000,000 on PG, 100,000 SQLite)")
    parser.add_argument("--batch", type=int, default=5000, help="entries per transaction")
    parser.add_argument("--samples", type=int, default=1000, help="proofs timed per kind")
    parser.add_argument("--no-pymerkle", action="store_true", help="skip the pymerkle baseline")
    parser.add_argument("--verify", action="store_true", help="also time `tinhso verify-audit`")
    parser.add_argument(
        "--singles", type=int, default=2000, help="single-entry appends, one commit each"
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    return parser.parse_args()


def prepare_database(workdir: Path) -> tuple[str, Callable[[], None]]:
    """Point DATABASE_URL at a fresh throwaway database; return its kind and a cleanup."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg
        from dj_database_url import parse

        admin = parse(url)
        conninfo = {
            "host": admin["HOST"] or "127.0.0.1",
            "port": admin["PORT"] or 5432,
            "user": admin["USER"],
            "password": admin["PASSWORD"] or None,
            "dbname": admin["NAME"],
        }
        with psycopg.connect(**conninfo, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
            conn.execute(f"CREATE DATABASE {BENCH_DB}")
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + BENCH_DB

        def drop() -> None:
            with psycopg.connect(**conninfo, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")

        return "postgresql", drop
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    return "sqlite", lambda: None


def drafts(start: int, count: int, base: datetime) -> list[Any]:
    """Audit entries as bulk machine-data ingestion writes them: one per batch of readings."""
    from tinhso.core.ledger import EntryDraft

    return [
        EntryDraft(
            action="environment.readings.ingest",
            actor_id=None,
            actor_label=f"token:station-{i % 97}",
            object_type="environment.station",
            object_id=str(i % 97),
            object_repr=f"Trạm quan trắc Lục Ngạn {i % 97}",
            changes={
                "readings": 120,
                "from": i * 60,
                "to": i * 60 + 59,
                "sensors": ["pm25", "no2"],
            },
            ip_address=f"203.113.{i % 97 // 10}.{10 + i % 97}",
            client="mqtt-bridge/1.4",
            batch_count=120,
            created_at=base + timedelta(milliseconds=i),
        )
        for i in range(start, start + count)
    ]


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Return (p50, p95) of ``samples`` in milliseconds (samples are seconds)."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(calls: Iterator[Callable[[], Any]]) -> list[float]:
    result = []
    for call in calls:
        start = time.perf_counter()
        call()
        result.append(time.perf_counter() - start)
    return result


def fmt(pair: tuple[float, float] | None) -> str:
    return "—" if pair is None else f"{pair[0]:.2f} / {pair[1]:.2f}"


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tinhso-bench-"))
    kind, cleanup = prepare_database(workdir)
    n = args.n or (1_000_000 if kind == "postgresql" else 100_000)
    os.environ["TINHSO_DATA_DIR"] = str(workdir)
    (workdir / "static").mkdir()
    os.environ["TINHSO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from tinhso.core import ledger
    from tinhso.core.ledger import merkle
    from tinhso.core.ledger.entries import CONTENT_FIELDS, leaf_data
    from tinhso.core.models import AuditEntry

    call_command("migrate", verbosity=0)
    if kind == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT version(), current_setting('fsync'), current_setting('synchronous_commit')"
            )
            version, fsync, sync = cursor.fetchone()
        durability = f"fsync={fsync}, synchronous_commit={sync}"
        db_version = version.split(" on ")[0]
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            synchronous = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[cursor.fetchone()[0]]
        import sqlite3

        durability = f"journal_mode={journal}, synchronous={synchronous}"
        db_version = f"SQLite {sqlite3.sqlite_version}"

    print(f"tinhso ledger bench: n={n:,}, batch={args.batch}, {db_version} ({durability})")
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d}"
    )

    base = datetime(2025, 6, 1, tzinfo=UTC)
    append_seconds = 0.0
    wall = time.perf_counter()
    for start in range(0, n, args.batch):
        batch = drafts(start, min(args.batch, n - start), base)
        began = time.perf_counter()
        ledger.append_batch(batch)
        append_seconds += time.perf_counter() - began
        if (start // args.batch) % 40 == 0:
            print(f"  appended {start + len(batch):,}", end="\r", flush=True)
    wall = time.perf_counter() - wall
    tinhso_rate = n / append_seconds
    print(
        f"tinhso: {n:,} appends in {append_seconds:.1f} s → {tinhso_rate:,.0f}/s "
        f"(incl. building drafts: {n / wall:,.0f}/s)"
    )

    head = ledger.latest_checkpoint()
    rng = random.Random(6962)
    indices = [rng.randrange(n) for _ in range(args.samples)]
    firsts = [rng.randrange(1, n) for _ in range(args.samples)]
    ledger.inclusion_proof(0, n)  # warm the connection
    incl = percentiles(timed(lambda i=i: ledger.inclusion_proof(i, n) for i in indices))
    cons = percentiles(timed(lambda f=f: ledger.consistency_proof(f, n) for f in firsts))

    client = Client()
    api_incl = percentiles(
        timed(
            lambda i=i: client.get(f"/api/v1/ledger/proof/inclusion?index={i}&size={n}")
            for i in indices
        )
    )
    api_checkpoint = percentiles(
        timed(lambda: client.get("/api/v1/ledger/checkpoint") for _ in range(args.samples))
    )

    rows = AuditEntry.objects.filter(leaf_index__in=indices[:200]).values(
        "id", "leaf_index", "salt", *CONTENT_FIELDS
    )
    checks = []
    for row in rows:
        leaf = merkle.leaf_hash(
            leaf_data(row, entry_id=row["id"], index=row["leaf_index"], salt=row["salt"])
        )
        proof = ledger.inclusion_proof(row["leaf_index"], n)
        began = time.perf_counter()
        ok = merkle.verify_inclusion(row["leaf_index"], n, leaf, proof, head.root_hash)
        checks.append(time.perf_counter() - began)
        assert ok, row["leaf_index"]
    verify_us = statistics.median(checks) * 1e6

    verify_seconds = None
    if args.verify:
        began = time.perf_counter()
        with open(os.devnull, "w") as sink:
            call_command("verify_audit", "--no-progress", stdout=sink)
        verify_seconds = time.perf_counter() - began

    results: dict[str, dict[str, str]] = {
        "durable appends/s": {"tinhso": f"{tinhso_rate:,.0f}"},
        "inclusion proof p50 / p95 (ms)": {"tinhso": fmt(incl)},
        "consistency proof p50 / p95 (ms)": {"tinhso": fmt(cons)},
        "inclusion proof via API p50 / p95 (ms)": {"tinhso": fmt(api_incl)},
        "checkpoint via API p50 / p95 (ms)": {"tinhso": fmt(api_checkpoint)},
        "RFC 9162 inclusion verify p50 (µs)": {"tinhso": f"{verify_us:.0f}"},
    }
    if verify_seconds is not None:
        results["verify-audit, whole ledger (s)"] = {"tinhso": f"{verify_seconds:.1f}"}

    if not args.no_pymerkle:
        from pymerkle import SqliteTree

        tree = SqliteTree(str(workdir / "pymerkle.sqlite3"))
        columns = ("id", "leaf_index", "salt", *CONTENT_FIELDS)
        pm_seconds = 0.0
        for start in range(0, n, args.batch):
            chunk = [
                leaf_data(dict(zip(columns, r, strict=True)), entry_id=r[0], index=r[1], salt=r[2])
                for r in AuditEntry.objects.filter(
                    leaf_index__gte=start, leaf_index__lt=start + args.batch
                ).values_list(*columns)
            ]
            began = time.perf_counter()
            tree.append_entries(chunk)
            pm_seconds += time.perf_counter() - began
        same_root = tree.get_root(n) == head.root_hash
        pm_incl = percentiles(timed(lambda i=i: tree.prove_inclusion(i + 1, n) for i in indices))
        pm_cons = percentiles(timed(lambda f=f: tree.prove_consistency(f, n) for f in firsts))
        results["durable appends/s"]["pymerkle"] = f"{n / pm_seconds:,.0f}"
        results["inclusion proof p50 / p95 (ms)"]["pymerkle"] = fmt(pm_incl)
        results["consistency proof p50 / p95 (ms)"]["pymerkle"] = fmt(pm_cons)
        print(f"pymerkle SqliteTree root equals the tinhso checkpoint root: {same_root}")
        if args.singles:
            began = time.perf_counter()
            for number in range(args.singles):
                tree.append_entry(b"single %d" % number)  # commits each entry
            rate = args.singles / (time.perf_counter() - began)
            results["single appends/s (one commit each)"] = {"pymerkle": f"{rate:,.0f}"}
        tree.close()

    if args.singles:
        singles = drafts(n, args.singles, base)
        began = time.perf_counter()
        for draft in singles:
            ledger.append_entry(draft)  # its own transaction and commit, like record_write
        rate = args.singles / (time.perf_counter() - began)
        results.setdefault("single appends/s (one commit each)", {})["tinhso"] = f"{rate:,.0f}"

    label = f"tinhso {kind}"
    print()
    print(f"| metric (n={n:,}) | {label} | pymerkle SqliteTree |")
    print("|---|---|---|")
    for metric, values in results.items():
        print(f"| {metric} | {values.get('tinhso', '—')} | {values.get('pymerkle', '—')} |")

    connection.close()
    if not args.keep:
        cleanup()


if __name__ == "__main__":
    main()
