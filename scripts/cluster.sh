#!/usr/bin/env bash
# More than one Mueang server on one machine, everything on loopback ports, in one directory:
#
#   HAProxy ──► N servers (node server/main.ts) ──► PgBouncer (transaction mode) ──► primary
#                        │ lag-tolerant reads ───────────────────────────────────► replica
#                        └ LISTEN (its own direct connection) ───────────────────► primary
#
# The primary is a fresh PostgreSQL 15 + PostGIS; the replica streams from it (pg_basebackup -R).
# The first server migrates and seeds (MUEANG_MODE, default demo); the others start once it is up.
#
#   scripts/cluster.sh up [DIR]       start it all (DIR default /tmp/mueang-cluster; SERVERS=3)
#   scripts/cluster.sh status [DIR]   what runs, on which port
#   scripts/cluster.sh down [DIR]     stop it all and remove DIR
#
# `up` writes DIR/cluster.env (addresses, ports, process ids) for `status`, `down` and the tests.
# Every server inherits this shell's environment (MUEANG_CLOCK, PARCEL_SCALE …); logs are in DIR.
# Authentication is `trust`, on 127.0.0.1 only: a one-machine layout, not a deployment recipe.
set -eEuo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
command=${1:?usage: cluster.sh up|down|status [DIR]}
dir=${2:-/tmp/mueang-cluster}
bin=/usr/lib/postgresql/15/bin
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# $1 distinct free ports below Linux's ephemeral range (32768-60999): a port the kernel hands
# out for outgoing connections could be taken by one before the process that should listen on
# it starts.
free_ports() {
  python3 -c '
import random, socket, sys
ports = set()
while len(ports) < int(sys.argv[1]):
    port = random.randint(20000, 32000)
    try:
        socket.socket().bind(("127.0.0.1", port))
        ports.add(port)
    except OSError:
        pass
print(" ".join(map(str, ports)))' "$1"
}
say() { echo "cluster: $*" >&2; }

# Waits (at most $2 seconds) until $1 answers 200; gives up at once if process $3 (if given) has ended.
wait_healthy() {
  local deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null --max-time 2 "$1/api/health"; do
    if [ $SECONDS -ge $deadline ] || { [ -n "${3:-}" ] && ! alive "$3"; }; then
      say "$1 is not up"
      tail -n 20 "$dir"/server*.log >&2
      return 1
    fi
    sleep 0.2
  done
}

# A backend of every server, checked on /api/health each second, with its own setting line $2.
backend() {
  echo "backend $1"
  echo "  balance roundrobin"
  echo "  $2"
  echo "  option httpchk GET /api/health"
  echo "  http-check expect status 200"
  echo "  default-server check inter 1s fall 1 rise 1"
  local i=1
  for port in $server_ports; do echo "  server s$i 127.0.0.1:$port"; i=$((i + 1)); done
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

start_server() { # index port
  local log="$dir/server$1.log"
  # setsid: its own session, so it outlives the caller and `down` stops exactly it.
  PORT=$2 HOST=127.0.0.1 TRUST_PROXY=1 MUEANG_MODE=${MUEANG_MODE:-demo} \
    PUBLIC_URL="http://127.0.0.1:$lb_port" \
    DATABASE_URL="postgres://mueang@127.0.0.1:$bouncer_port/mueang?pgbouncer=true" \
    DATABASE_LISTEN_URL="postgres://mueang@127.0.0.1:$primary_port/mueang" \
    DATABASE_READ_URL="postgres://mueang@127.0.0.1:$replica_port/mueang" \
    setsid node --import tsx "$repo/server/main.ts" </dev/null >"$log" 2>&1 &
  echo $!
}

down() {
  [ -f "$dir/cluster.env" ] || { say "nothing in $dir"; return 0; }
  # shellcheck source=/dev/null
  . "$dir/cluster.env"
  [ -f "$dir/haproxy.pid" ] && kill "$(cat "$dir/haproxy.pid")" 2>/dev/null || true
  for pid in ${server_pids:-}; do kill -TERM "$pid" 2>/dev/null || true; done
  # A server finishes the requests it has (at most a few seconds), then ends; a stuck one is killed.
  for pid in ${server_pids:-}; do
    local deadline=$((SECONDS + 20))
    while alive "$pid"; do
      if [ $SECONDS -ge $deadline ]; then kill -KILL "$pid" 2>/dev/null || true; fi
      sleep 0.1
    done
  done
  [ -f "$dir/pgbouncer.pid" ] && kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true
  for node in replica primary; do
    [ -f "$dir/$node/postmaster.pid" ] && as_postgres "$bin/pg_ctl" -D "$dir/$node" -m fast -w stop >/dev/null || true
  done
  rm -rf "$dir"
  say "down"
}

status() {
  [ -f "$dir/cluster.env" ] || { echo "no cluster in $dir"; return 1; }
  # shellcheck source=/dev/null
  . "$dir/cluster.env"
  state() { if alive "$1"; then echo up; else echo DOWN; fi; }
  echo "load balancer  http://127.0.0.1:$lb_port/  (HAProxy $(state "$(cat "$dir/haproxy.pid" 2>/dev/null)"))"
  local i=1
  for pid in $server_pids; do
    port=$(echo "$server_ports" | cut -d' ' -f$i)
    echo "server $i       http://127.0.0.1:$port/  (pid $pid, $(state "$pid"))"
    i=$((i + 1))
  done
  echo "pgbouncer      127.0.0.1:$bouncer_port  (transaction mode, $(state "$(cat "$dir/pgbouncer.pid" 2>/dev/null)"))"
  for node in primary replica; do
    port_var=${node}_port
    echo "$node $(printf '%*s' $((7 - ${#node})) '')127.0.0.1:${!port_var}  ($(state "$(head -1 "$dir/$node/postmaster.pid" 2>/dev/null)"))"
  done
  psql -h 127.0.0.1 -p "$primary_port" -U postgres -Atc \
    "SELECT 'replication    ' || application_name || ' ' || state || ', replay lag ' || coalesce(replay_lag::text, '0') FROM pg_stat_replication" 2>/dev/null || true
}

up() {
  if [ -f "$dir/cluster.env" ]; then say "$dir already holds a cluster: cluster.sh down $dir first"; exit 1; fi
  servers=${SERVERS:-3}
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  read -r primary_port replica_port bouncer_port lb_port server_ports <<<"$(free_ports $((servers + 4)))"
  # Written first, so that `down` can clean up after an `up` that failed half-way.
  write_env() {
    cat >"$dir/cluster.env" <<EOF
primary_port=$primary_port
replica_port=$replica_port
bouncer_port=$bouncer_port
lb_port=$lb_port
server_ports="$server_ports"
server_pids="${server_pids:-}"
EOF
  }
  write_env
  trap 'say "up failed; logs in $dir"' ERR

  # The primary: wal_level replica and wal senders are PostgreSQL 15's defaults; trust on
  # loopback covers replication connections too (initdb's pg_hba.conf).
  as_postgres "$bin/initdb" -D "$dir/primary" -U postgres --auth=trust -E UTF8 >/dev/null
  as_postgres "$bin/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w start \
    -o "-p $primary_port -k $dir -c listen_addresses=127.0.0.1 -c wal_level=replica -c max_wal_senders=5" >/dev/null
  psql -h 127.0.0.1 -p "$primary_port" -U postgres -v ON_ERROR_STOP=1 -q <<'SQL'
CREATE ROLE replicator REPLICATION LOGIN;
CREATE ROLE mueang LOGIN;
CREATE DATABASE mueang OWNER mueang;
-- PgBouncer 1.18 refuses startup options, so JIT (20x slower short queries) is turned off here.
ALTER DATABASE mueang SET jit = off;
\c mueang
CREATE EXTENSION postgis;
SQL

  # The replica: a base backup that knows where its primary is (-R), streaming from then on.
  # hot_standby_feedback: a long tile query on the replica is not cancelled by vacuum on the primary.
  as_postgres "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U replicator -D "$dir/replica" -R -X stream -c fast
  as_postgres "$bin/pg_ctl" -D "$dir/replica" -l "$dir/replica.log" -w start \
    -o "-p $replica_port -k $dir -c listen_addresses=127.0.0.1 -c hot_standby_feedback=on" >/dev/null

  # PgBouncer in transaction mode in front of the primary: the servers' pools share its
  # connections. It does not run as root.
  cat >"$dir/pgbouncer.ini" <<EOF
[databases]
mueang = host=127.0.0.1 port=$primary_port dbname=mueang
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
default_pool_size = 20
max_client_conn = 500
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
  echo '"mueang" ""' >"$dir/userlist.txt"
  chown postgres "$dir/pgbouncer.ini" "$dir/userlist.txt"
  as_postgres pgbouncer -d "$dir/pgbouncer.ini"

  # HAProxy: round robin over servers that pass /api/health. A request that never reached a
  # server (refused connection) is sent to another one; a GET whose server closed without an
  # answer (it was stopping) is retried too; anything else that reached a server is not retried.
  # /api/live (Server-Sent Events) streams through unbuffered, with a long server timeout (the
  # server sends a heartbeat every 15 s).
  {
    cat <<EOF
global
  maxconn 2000
  pidfile $dir/haproxy.pid
defaults
  mode http
  timeout connect 2s
  timeout client 1h
  timeout http-request 10s
  timeout server 60s
  timeout http-keep-alive 10s
  option forwardfor
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response
frontend http
  bind 127.0.0.1:$lb_port
  use_backend live if { path /api/live }
  default_backend servers
EOF
    backend servers 'http-request disable-l7-retry unless METH_GET'
    backend live 'timeout server 1h'
  } >"$dir/haproxy.cfg"
  haproxy -c -q -f "$dir/haproxy.cfg"
  haproxy -D -f "$dir/haproxy.cfg"

  # One server first: it migrates and seeds while no other process competes for the database.
  set -- $server_ports
  server_pids=$(start_server 1 "$1")
  write_env
  wait_healthy "http://127.0.0.1:$1" 300 "$server_pids"
  i=2
  for port in "${@:2}"; do server_pids="$server_pids $(start_server $i "$port")"; i=$((i + 1)); done
  write_env
  i=1
  for pid in $server_pids; do
    wait_healthy "http://127.0.0.1:$(echo "$server_ports" | cut -d' ' -f$i)" 120 "$pid"
    i=$((i + 1))
  done
  wait_healthy "http://127.0.0.1:$lb_port" 10
  say "up: http://127.0.0.1:$lb_port/ ($servers servers; scripts/cluster.sh status $dir)"
}

case $command in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: cluster.sh up|down|status [DIR]" >&2; exit 2 ;;
esac
