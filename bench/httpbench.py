"""What the HTTP benches share: a throwaway PostgreSQL database, gunicorn, and wrk runs.

``bench/services.py`` and ``bench/opendata.py`` start ``gunicorn tinhso.wsgi`` against a
database made for the run and drive it with ``wrk`` on loopback; each prints its own table.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

LUA_DONE = """
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "errors": %d, '
    .. '"p50": %.3f, "p95": %.3f, "p99": %.3f}\\n',
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def prepare_database(kind: str) -> tuple[str, Any]:
    """Create a throwaway PostgreSQL database and point DATABASE_URL at it."""
    import psycopg
    from dj_database_url import parse

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"bench/{kind}.py needs DATABASE_URL pointing to a PostgreSQL server")
    admin = parse(url)
    conninfo: dict[str, Any] = {
        "host": admin["HOST"] or "127.0.0.1",
        "port": admin["PORT"] or 5432,
        "user": admin["USER"],
        "password": admin["PASSWORD"] or None,
        "dbname": admin["NAME"],
    }
    name = f"tinhso_bench_{kind}_{os.getpid()}"
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name

    def drop() -> None:
        with psycopg.connect(**conninfo, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return name, drop


def start_server(workdir: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tinhso.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--backlog",
            "4096",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=(workdir / "gunicorn.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start: see " + str(workdir / "gunicorn.log"))


def wrk(script: str, url: str, clients: int, seconds: int, threads: int, workdir: Path) -> dict:
    path = workdir / "script.lua"
    path.write_text(script + LUA_DONE, encoding="utf-8")
    command = [
        "wrk",
        f"-t{min(threads, clients)}",
        f"-c{clients}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(path),
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def lua_paths(paths: list[str], *, unique: bool = False) -> str:
    """Random paths from ``paths``; with ``unique``, each request's URL is new (a cache miss)."""
    listed = ",\n".join(json.dumps(p) for p in paths)
    if not unique:
        return (
            f"local paths = {{\n{listed}\n}}\n"
            "request = function()\n"
            "  return wrk.format('GET', paths[math.random(#paths)])\n"
            "end\n"
        )
    return (
        f"local paths = {{\n{listed}\n}}\n"
        "local made = 0\n"
        "setup = function(thread) made = made + 1; thread:set('tid', made) end\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  local path = paths[math.random(#paths)] .. '&visit=' .. tid .. '-' .. n\n"
        "  return wrk.format('GET', path)\n"
        "end\n"
    )
