#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on 127.0.0.1 for the register tests and print the URL.
#
#   eval "$(bash scripts/ci_postgres.sh)"     # exports CONGVAN_TEST_PG_URL in the calling shell
#
# Installs PostgreSQL with apt-get when no server binaries are found (root on Debian/Ubuntu). As root the
# server runs as the `postgres` user; otherwise as the current user. Idempotent: a server already running
# in the data folder is reused. Progress goes to stderr; stdout holds only the `export` line. When
# $GITHUB_ENV is set the variable is also appended there.
#
# Settings (environment): CONGVAN_PG_DIR (default /tmp/congvan-pg), CONGVAN_PG_PORT (default 54329),
# CONGVAN_PG_DB (default congvan_test).
set -euo pipefail

PG_DIR="${CONGVAN_PG_DIR:-/tmp/congvan-pg}"
PG_PORT="${CONGVAN_PG_PORT:-54329}"
PG_DB="${CONGVAN_PG_DB:-congvan_test}"
PG_SUPERUSER=postgres

log() { echo "ci_postgres: $*" >&2; }

find_bindir() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$dir" && -x "$dir/initdb" ]]; then
        echo "$dir"
    elif command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

BINDIR="$(find_bindir)"
if [[ -z "$BINDIR" ]]; then
    if [[ "$(id -u)" -ne 0 ]]; then
        log "PostgreSQL server binaries not found and not root: install the 'postgresql' package."
        exit 1
    fi
    log "installing PostgreSQL (apt-get install -y postgresql)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    BINDIR="$(find_bindir)"
    [[ -n "$BINDIR" ]] || { log "initdb still not found after installing postgresql"; exit 1; }
    # The Debian package may start its own cluster on 5432; it does not disturb ours.
fi
log "using $BINDIR"

# Run a command as the server owner: postgres when we are root, ourselves otherwise.
if [[ "$(id -u)" -eq 0 ]]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    as_owner() {
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
        fi
    }
else
    as_owner() { "$@"; }
fi

mkdir -p "$PG_DIR"
[[ "$(id -u)" -eq 0 ]] && chown postgres: "$PG_DIR"
DATA="$PG_DIR/data"
SOCKDIR="$PG_DIR/socket"
as_owner mkdir -p "$SOCKDIR"

if [[ ! -f "$DATA/PG_VERSION" ]]; then
    log "initdb $DATA"
    as_owner "$BINDIR/initdb" -D "$DATA" -U "$PG_SUPERUSER" --auth=trust -E UTF8 --locale=C.UTF-8 >&2 \
        || as_owner "$BINDIR/initdb" -D "$DATA" -U "$PG_SUPERUSER" --auth=trust -E UTF8 --locale=C >&2
fi

if as_owner "$BINDIR/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    log "server already running in $DATA"
else
    log "starting server on 127.0.0.1:$PG_PORT"
    as_owner "$BINDIR/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $SOCKDIR -c max_connections=200 -c fsync=off" \
        start >&2 || { cat "$PG_DIR/server.log" >&2; exit 1; }
fi

PSQL=("$BINDIR/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPERUSER" -v ON_ERROR_STOP=1 -qtA)
if [[ "$("${PSQL[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != "1" ]]; then
    log "creating database $PG_DB"
    "${PSQL[@]}" -d postgres -c "CREATE DATABASE $PG_DB" >&2
fi

URL="postgresql://$PG_SUPERUSER@127.0.0.1:$PG_PORT/$PG_DB"
if [[ -n "${GITHUB_ENV:-}" ]]; then
    echo "CONGVAN_TEST_PG_URL=$URL" >>"$GITHUB_ENV"
fi
log "ready: $URL"
echo "export CONGVAN_TEST_PG_URL=$URL"
