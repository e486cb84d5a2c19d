#!/usr/bin/env bash
# Starts (or finds running) the private RabbitMQ, PostgreSQL and Dovecot, then prints their settings
# as shell assignments: eval "$(deploy/local/up.sh)" exports them.
set -euo pipefail
here=$(dirname "$0")
. "$here/env.sh"
# The tests and the demo run gpg; run.sh and test.sh wait on curl. A minimal Debian has neither.
apt_install gnupg curl
"$here/postgres.sh" up
"$here/rabbitmq.sh" up
"$here/dovecot.sh" up
for v in COORD_RABBITMQ_HOST COORD_RABBITMQ_PORT COORD_RABBITMQ_MANAGEMENT_PORT COORD_RABBITMQ_USER COORD_RABBITMQ_PASSWORD \
         COORD_POSTGRES_HOST COORD_POSTGRES_PORT COORD_POSTGRES_USER COORD_IMAP_PORT COORD_SMTP_PORT; do
  printf 'export %s=%q\n' "$v" "${!v}"
done
