#!/usr/bin/env bash
# Stops exactly what up.sh started (each by its own pid file or node name).
set -uo pipefail
here=$(dirname "$0")
"$here/dovecot.sh" down
"$here/rabbitmq.sh" down
"$here/postgres.sh" down
