#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 + PostGIS cluster on a free local port, for tests.
# Prints the connection URL on stdout; everything else goes to stderr.
#   url=$(scripts/throwaway-postgis.sh DIR)      start (DIR is created, owned by postgres)
#   scripts/throwaway-postgis.sh DIR stop         stop it
set -euo pipefail
dir=${1:?usage: throwaway-postgis.sh DIR [stop]}
bin=/usr/lib/postgresql/15/bin
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ "${2:-}" = stop ]; then
  as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast stop >&2
  exit 0
fi

mkdir -p "$dir"
[ "$(id -u)" = 0 ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >&2
as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" -w start >&2
psql -h 127.0.0.1 -p "$port" -U postgres -qc 'CREATE DATABASE mueang_test' >&2
psql -h 127.0.0.1 -p "$port" -U postgres -d mueang_test -qc 'CREATE EXTENSION postgis' >&2
echo "postgres://postgres@127.0.0.1:$port/mueang_test"
