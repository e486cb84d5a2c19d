#!/usr/bin/env bash
# Brings up the private RabbitMQ, PostgreSQL and Dovecot (installing them if missing), builds, and runs
# every test of the solution against them. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
eval "$(deploy/local/up.sh)"
. deploy/local/env.sh && apt_install docker-compose   # for the docker-compose.yml check
dotnet build Coordination.sln -c Debug -nologo -clp:ErrorsOnly
dotnet test Coordination.sln -c Debug --no-build -nologo "$@"
