#!/usr/bin/env bash
# Brings up the private RabbitMQ, PostgreSQL and Dovecot (installing them if missing), builds, and runs
# every test of the solution against them. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
eval "$(deploy/local/up.sh)"
. deploy/local/env.sh && apt_install docker-compose   # for the docker-compose.yml check
# Test vhosts an interrupted run left behind (each full of quorum queues) slow the broker down: remove them.
mgmt="http://127.0.0.1:$COORD_RABBITMQ_MANAGEMENT_PORT/api/vhosts"
for vhost in $(curl -fs -u "$COORD_RABBITMQ_USER:$COORD_RABBITMQ_PASSWORD" "$mgmt" | grep -oE '"name":"[a-z0-9]+-[0-9a-f]{32}"' | cut -d'"' -f4); do
  curl -fs -o /dev/null -u "$COORD_RABBITMQ_USER:$COORD_RABBITMQ_PASSWORD" -X DELETE "$mgmt/$vhost" || true
done
dotnet build Coordination.sln -c Debug -nologo -clp:ErrorsOnly
dotnet test Coordination.sln -c Debug --no-build -nologo "$@"
