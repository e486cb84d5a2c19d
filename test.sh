#!/usr/bin/env bash
# Brings up the private RabbitMQ, PostgreSQL and Dovecot (installing them if missing), builds, and runs
# every test project of the solution against them, one project at a time. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
. deploy/local/env.sh
# The local servers this run starts are stopped when it ends; those running before it stay as they were.
started_here=$(local_servers_down)
# shellcheck disable=SC2086 # one name a word
trap 'local_servers_stop $started_here' EXIT
# Not eval "$(...)" alone: eval of what a failed command printed succeeds, and everything would run without servers.
settings=$(deploy/local/up.sh) || { echo "$0: the local servers did not start (see the lines above and .local/*/)" >&2; exit 1; }
eval "$settings"
apt_install docker-compose   # for the docker-compose.yml check

# Each test makes a vhost of its own, and each vhost holds some of the broker's file handles until it is deleted;
# vhosts piling up (from earlier projects, or a run that was interrupted) would use them up, so they go before each project.
remove_test_vhosts() {
  local mgmt="http://127.0.0.1:$COORD_RABBITMQ_MANAGEMENT_PORT/api/vhosts" auth="$COORD_RABBITMQ_USER:$COORD_RABBITMQ_PASSWORD" vhost
  for vhost in $(curl -fs -u "$auth" "$mgmt" | grep -oE '"name":"[a-z0-9-]+-[0-9a-f]{32}"' | cut -d'"' -f4); do
    curl -fs -o /dev/null -u "$auth" -X DELETE "$mgmt/$vhost" || true
  done
}

# Likewise the databases tests make (<prefix>_<32 hex>) that a test host did not drop (killed, or a benchmark run):
# by the thousand they keep autovacuum busy and slow every later test and benchmark down.
remove_test_databases() {
  local psql db
  psql=(psql -h "$COORD_POSTGRES_HOST" -p "$COORD_POSTGRES_PORT" -U "$COORD_POSTGRES_USER" -d postgres)
  command -v psql >/dev/null || psql[0]=/usr/lib/postgresql/15/bin/psql
  for db in $("${psql[@]}" -Atc "SELECT datname FROM pg_database WHERE datname ~ '^[a-z0-9-]+_[0-9a-f]{32}$'"); do
    "${psql[@]}" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null || true
  done
}
remove_test_databases

dotnet build Coordination.sln -c Debug -nologo -clp:ErrorsOnly
status=0
projects=$(dotnet sln Coordination.sln list | tr '\\' / | grep -E '^tests/[^/]+/[^/]+\.(Tests|EndToEnd)\.csproj$') ||
  { echo "$0: no test project found in Coordination.sln" >&2; exit 1; }
for project in $projects; do
  remove_test_vhosts
  remove_test_databases
  dotnet test "$project" -c Debug --no-build -nologo "$@" || status=1
done
remove_test_vhosts
remove_test_databases
exit $status
