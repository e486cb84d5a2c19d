#!/usr/bin/env bash
# Runs Coordination on this machine: the private RabbitMQ, PostgreSQL and Dovecot (deploy/local), the four
# services and the mail sink. Prints each URL and its health; Ctrl-C stops everything it started.
#   ./run.sh         run until Ctrl-C
#   ./run.sh demo    run, and play the scripted demo scenario once everything is healthy
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
MODE=${1:-run}
case "$MODE" in run|demo) ;; *) echo "usage: $0 [demo]" >&2; exit 2 ;; esac
. deploy/local/env.sh
# Servers already running (e.g. started by ./test.sh) are left running on exit; those this script starts, it stops.
STARTED_HERE=$(local_servers_down)
# From here on, whatever ends this script (servers that did not start, a failed build, Ctrl-C) stops what it started.
PIDS=()
stop_all() {
  trap - INT TERM EXIT
  echo; echo "Stopping..."
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # shellcheck disable=SC2086 # one name a word
  local_servers_stop $STARTED_HERE
}
trap stop_all INT TERM EXIT
# Not eval "$(...)" alone: eval of what a failed command printed succeeds, and everything would run without servers.
settings=$(deploy/local/up.sh) || { echo "$0: the local servers did not start (see the lines above and .local/*/)" >&2; exit 1; }
eval "$settings"
LOCAL="$ROOT/.local"
# .local holds the key that signs member tokens (whoever reads it can make an admin token), the link key, the admin's
# token, the logs and the notices the mail sink receives: none of it is for other users. Run as root, the servers'
# own folders in it belong to their users (postgres, rabbitmq, dovecot), who must pass through: 711 then, else 700.
mkdir -p "$LOCAL/logs" "$LOCAL/mail"
if [ "$(id -u)" = 0 ]; then chmod 711 "$LOCAL"; else chmod 700 "$LOCAL"; fi
chmod 700 "$LOCAL/logs" "$LOCAL/mail"
# What earlier runs left readable by others.
for f in auth.key link.key admin.token database; do [ ! -e "$LOCAL/$f" ] || chmod 600 "$LOCAL/$f"; done
find "$LOCAL/logs" "$LOCAL/mail" -type f -exec chmod 600 {} +

echo "Building..."
dotnet build Coordination.sln -c Debug -nologo -clp:ErrorsOnly -v q
# From here on everything this script and what it starts create (keys, logs, mail) is readable by its user only.
umask 077

# Settings shared by every service. The signing key is made once and kept, so tokens survive restarts.
psql_local() { psql -h 127.0.0.1 -p "$COORD_POSTGRES_PORT" -U postgres -d postgres -tAc "$1"; }
db_exists() { [ "$(psql_local "SELECT 1 FROM pg_database WHERE datname='$1'")" = 1 ]; }
# Each checkout has a database of its own on the (possibly shared) local server: its admin and signing key live in
# this checkout's .local/, so another checkout's database would refuse a new admin and reject our tokens.
if [ ! -s "$LOCAL/database" ]; then
  DB=coordination; n=1
  if [ ! -s "$LOCAL/auth.key" ]; then # a new .local: take a name no other checkout uses
    while db_exists "$DB"; do n=$((n + 1)); DB="coordination_$n"; done
  fi
  echo "$DB" > "$LOCAL/database"
fi
DB=$(cat "$LOCAL/database")
db_exists "$DB" || psql_local "CREATE DATABASE $DB" >/dev/null
[ -s "$LOCAL/auth.key" ] || head -c 32 /dev/urandom | base64 > "$LOCAL/auth.key"
[ -s "$LOCAL/link.key" ] || head -c 32 /dev/urandom | base64 > "$LOCAL/link.key"

export RabbitMq__Host=127.0.0.1 RabbitMq__Port="$COORD_RABBITMQ_PORT" RabbitMq__Username="$COORD_RABBITMQ_USER" RabbitMq__Password="$COORD_RABBITMQ_PASSWORD"
export Postgres__ConnectionString="Host=127.0.0.1;Port=$COORD_POSTGRES_PORT;Username=postgres;Database=$DB"
export Auth__SigningKey="$(cat "$LOCAL/auth.key")"
export Smtp__Host=127.0.0.1 Smtp__Port="$COORD_SMTP_PORT" Smtp__Security=None Smtp__From=security@coordination.localhost
export Notifier__LinkKey="$(cat "$LOCAL/link.key")" Notifier__PublicBaseUrl=http://127.0.0.1:35103
export Disclosure__PublicBaseUrl=http://127.0.0.1:35104 Disclosure__AnnounceTo=security-announce@coordination.localhost
# What the public records name as their CNA and publisher: made up for a local run (a real deployment sets its own).
export Disclosure__Cna__OrgId=6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3d4e5 Disclosure__Cna__ShortName=LOCAL
export Disclosure__Publisher__Namespace=https://coordination.localhost
if [ "$MODE" = demo ]; then
  # The demo's embargo lasts about 30 seconds: allow short lead times and remind 15 s before disclosure.
  export Embargo__MinimumLeadTime=00:00:05 Embargo__ReminderOffsets__0=00:00:15
fi
export ASPNETCORE_ENVIRONMENT=Development
[ -f deploy/local/services.env ] && . deploy/local/services.env

declare -A PORTS=([Intake]=35101 [EmbargoScheduler]=35102 [DownstreamNotifier]=35103 [Disclosure]=35104)

dotnet tools/MailSink/bin/Debug/net10.0/MailSink.dll --port "$COORD_SMTP_PORT" --dir "$LOCAL/mail" > "$LOCAL/logs/mail-sink.log" 2>&1 &
PIDS+=($!)
for svc in Intake EmbargoScheduler DownstreamNotifier Disclosure; do
  (cd "services/$svc" && exec dotnet "bin/Debug/net10.0/$svc.dll" --urls "http://127.0.0.1:${PORTS[$svc]}") > "$LOCAL/logs/$svc.log" 2>&1 &
  PIDS+=($!)
done

echo "Waiting for the services to report ready..."
for svc in Intake EmbargoScheduler DownstreamNotifier Disclosure; do
  url="http://127.0.0.1:${PORTS[$svc]}"
  for _ in $(seq 120); do curl -fs "$url/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  printf '  %-20s %-26s %s\n' "$svc" "$url" "$(curl -s "$url/health/ready" || echo "NOT READY (see .local/logs/$svc.log)")"
done
printf '  %-20s %-26s %s\n' "mail sink" "smtp://127.0.0.1:$COORD_SMTP_PORT" "messages in .local/mail/"
echo "  API reference pages: <service URL>/scalar/v1    logs: .local/logs/"

# The first run makes an admin and keeps the token (mode 600) for coord and curl.
if [ ! -s "$LOCAL/admin.token" ]; then
  (dotnet services/Intake/bin/Debug/net10.0/Intake.dll bootstrap-admin --name "Local Admin" \
     --email admin@coordination.localhost --handle local-admin 2> "$LOCAL/logs/bootstrap-admin.log" | tail -n 1 > "$LOCAL/admin.token") || true
fi
if [ -s "$LOCAL/admin.token" ]; then
  echo "  admin token: .local/admin.token (database $DB)"
else
  rm -f "$LOCAL/admin.token"
  echo "  no admin token: $(tail -n 1 "$LOCAL/logs/bootstrap-admin.log")" >&2
  [ "$MODE" = demo ] && exit 1
fi

if [ "$MODE" = demo ]; then
  dotnet tools/Coord/bin/Debug/net10.0/coord.dll demo --token-file "$LOCAL/admin.token" --mail-dir "$LOCAL/mail"
fi
echo "Running. Ctrl-C stops everything."
wait
