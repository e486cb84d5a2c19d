#!/usr/bin/env bash
# A private PostgreSQL 15 on loopback, data under .local/postgres. Usage: postgres.sh up|down|status
set -euo pipefail
. "$(dirname "$0")/env.sh"
DIR="$COORD_LOCAL/postgres"

bin() {
  local b
  for b in "/usr/lib/postgresql/15/bin/$1" "$(command -v "$1" 2>/dev/null)"; do [ -x "$b" ] && { echo "$b"; return; }; done
  return 1
}
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }

up() {
  if port_open "$COORD_POSTGRES_PORT"; then log "PostgreSQL already running on 127.0.0.1:$COORD_POSTGRES_PORT"; return 0; fi
  bin pg_ctl >/dev/null || apt_install postgresql-15
  mkdir -p "$DIR"; [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    as_postgres "$(bin initdb) -D '$DIR/data' -A trust -U postgres" > "$DIR/initdb.log" 2>&1
  fi
  as_postgres "$(bin pg_ctl) -D '$DIR/data' -o \"-c listen_addresses=127.0.0.1 -p $COORD_POSTGRES_PORT -k '$DIR' -c max_connections=300 -c fsync=off -c synchronous_commit=off\" -l '$DIR/postgres.log' start" < /dev/null > /dev/null 2>&1
  wait_port "$COORD_POSTGRES_PORT" 60 PostgreSQL || { tail -20 "$DIR/postgres.log" >&2; exit 1; }
  for _ in $(seq 40); do as_postgres "$(bin pg_isready) -h 127.0.0.1 -p $COORD_POSTGRES_PORT" >/dev/null 2>&1 && break; sleep 0.25; done
  log "PostgreSQL up on 127.0.0.1:$COORD_POSTGRES_PORT"
}

down() {
  if [ -f "$DIR/data/postmaster.pid" ]; then as_postgres "$(bin pg_ctl) -D '$DIR/data' -m fast stop" >/dev/null 2>&1 || true; fi
  log "PostgreSQL stopped"
}

case "${1:-}" in
  up) up ;; down) down ;;
  status) port_open "$COORD_POSTGRES_PORT" && echo running || { echo stopped; exit 1; } ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
