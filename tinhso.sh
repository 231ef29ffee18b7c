#!/usr/bin/env bash
# tinhso bootstrap: needs only Python 3.11+. Creates .venv, installs tinhso, then
#   ./tinhso.sh demo        set up the embedded SQLite database, load the demo province, serve :8000
#   ./tinhso.sh test [ARGS] install test dependencies and run the whole suite (pytest ARGS)
#   ./tinhso.sh <command>   any `tinhso` command (serve, migrate, load-units, verify-audit, ...)
set -euo pipefail
cd "$(dirname "$0")"
VENV="${TINHSO_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"

ensure_venv() {
  local extras="$1" stamp want
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
      || { echo "tinhso needs Python 3.11 or newer" >&2; exit 1; }
    echo "Creating virtual environment in $VENV…"
    "$PYTHON" -m venv "$VENV"
  fi
  stamp="$VENV/.tinhso-installed-$extras"
  want="$(cat pyproject.toml | "$VENV/bin/python" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "Installing tinhso${extras:+ [$extras]} into $VENV (first run takes a minute)…"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".${extras:+[$extras]}"
    echo "$want" > "$stamp"
  fi
}

cmd="${1:-help}"
[ $# -gt 0 ] && shift
case "$cmd" in
  demo)
    ensure_venv ""
    export TINHSO_MODE="${TINHSO_MODE:-demo}"
    exec "$VENV/bin/tinhso" demo "$@"
    ;;
  test)
    ensure_venv "test"
    # Tests keep their keys and files in a throwaway data directory; the database is
    # SQLite unless DATABASE_URL points to PostgreSQL (pytest-django creates test_<name>).
    TINHSO_DATA_DIR="${TINHSO_TEST_DATA_DIR:-$(mktemp -d)}" TINHSO_MODE=dev \
      exec "$VENV/bin/python" -m pytest "$@"
    ;;
  help|-h|--help)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    ensure_venv ""
    exec "$VENV/bin/tinhso" "$cmd" "$@"
    ;;
esac
