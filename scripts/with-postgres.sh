#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server on 127.0.0.1:${PGPORT:-54329} and
# TEST_DATABASE_URL pointing at it; the server and its files are removed afterwards.
# Usage: scripts/with-postgres.sh npm run test:unit
set -euo pipefail
port="${PGPORT:-54329}"
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "PostgreSQL server binaries not found: install Debian's 'postgresql' package" >&2
  exit 1
fi
dir="$(mktemp -d /tmp/parley-pg.XXXXXX)"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"
cleanup() { as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
as_pg "$bindir/initdb" -D "$dir/data" -U parley --auth=trust -E UTF8 >/dev/null
# fsync off: a test database that dies with the run needs no durability, and it is much faster.
as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U parley parley_test
export TEST_DATABASE_URL="postgres://parley@127.0.0.1:$port/parley_test"
"$@"
