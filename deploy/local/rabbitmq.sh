#!/usr/bin/env bash
# A private RabbitMQ node (with the management plugin) on loopback, data under .local/rabbitmq.
# Usage: rabbitmq.sh up|down|status
set -euo pipefail
. "$(dirname "$0")/env.sh"
DIR="$COORD_LOCAL/rabbitmq"

rabbit_env() {
  env RABBITMQ_NODENAME="$COORD_RABBITMQ_NODE" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$COORD_RABBITMQ_PORT" RABBITMQ_DIST_PORT="$COORD_RABBITMQ_DIST_PORT" \
    RABBITMQ_MNESIA_BASE="$DIR/mnesia" RABBITMQ_LOG_BASE="$DIR/log" RABBITMQ_PID_FILE="$DIR/rabbitmq.pid" \
    RABBITMQ_CONFIG_FILE="$DIR/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$DIR/enabled_plugins" \
    ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT="$COORD_RABBITMQ_EPMD_PORT" "$@"
}

# A node can accept connections and still not serve: one whose file handles were used up (vhosts left behind) took
# 60 s to create each vhost, and every service test then failed as "not ready". Creating and deleting a vhost in time
# says it serves.
HEALTH_SECONDS="${COORD_RABBITMQ_HEALTH_SECONDS:-20}"
serves() {
  local api="http://127.0.0.1:$COORD_RABBITMQ_MANAGEMENT_PORT/api/vhosts/coord-health-$$-$RANDOM"
  local curl=(curl -fs -o /dev/null -m "$HEALTH_SECONDS" -u "$COORD_RABBITMQ_USER:$COORD_RABBITMQ_PASSWORD")
  "${curl[@]}" -X PUT "$api" && "${curl[@]}" -X DELETE "$api"
}

# The open-files limit of this checkout's node (empty when it has no pid file, or the node is another's).
node_open_files() {
  [ -f "$DIR/rabbitmq.pid" ] && grep -m1 'Max open files' "/proc/$(cat "$DIR/rabbitmq.pid")/limits" 2>/dev/null | awk '{print $4}' || true
}

up() {
  if port_open "$COORD_RABBITMQ_PORT" && port_open "$COORD_RABBITMQ_MANAGEMENT_PORT"; then
    if serves; then
      # This checkout's node started before its open-files limit was raised (below) keeps 1024 until restarted.
      if [ "$(node_open_files)" != 1024 ] || [ "$(ulimit -Hn)" = 1024 ]; then
        log "RabbitMQ already running on 127.0.0.1:$COORD_RABBITMQ_PORT"; return 0
      fi
      log "RabbitMQ on 127.0.0.1:$COORD_RABBITMQ_PORT may open only 1024 files: restarting it with more"
    elif [ ! -f "$DIR/rabbitmq.pid" ]; then
      log "something on 127.0.0.1:$COORD_RABBITMQ_PORT/$COORD_RABBITMQ_MANAGEMENT_PORT accepts connections but did not create a vhost within ${HEALTH_SECONDS}s," \
          "and it is not this checkout's node (no $DIR/rabbitmq.pid): stop it, or set COORD_RABBITMQ_PORT and COORD_RABBITMQ_MANAGEMENT_PORT to free ports"
      exit 1
    else
      log "RabbitMQ on 127.0.0.1:$COORD_RABBITMQ_PORT did not create a vhost within ${HEALTH_SECONDS}s: restarting it"
    fi
    down
  fi
  apt_install rabbitmq-server
  mkdir -p "$DIR/mnesia" "$DIR/log"
  cat > "$DIR/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$COORD_RABBITMQ_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $COORD_RABBITMQ_MANAGEMENT_PORT
loopback_users = none
CONF
  echo '[rabbitmq_management].' > "$DIR/enabled_plugins"
  chown -R rabbitmq:rabbitmq "$DIR"
  # As Debian's launcher does, but raising the open-files limit first: su's PAM session sets the soft limit to 1024,
  # and RabbitMQ's file handle cache then allows ~930, which a test project's vhosts (each reserving a few for its
  # message stores and queues) used up; from then on the node accepted no connection and created no vhost, and
  # after a restart it never opened its AMQP port. RabbitMQ asks for 65536. setsid detaches it from this shell.
  rabbit_env setsid su rabbitmq -s /bin/sh -c \
    'n=$(ulimit -Hn); [ "$n" = unlimited ] && n=65536; ulimit -n "$n"; cd /var/lib/rabbitmq && exec /usr/lib/rabbitmq/bin/rabbitmq-server' \
    > "$DIR/log/console.log" 2>&1 < /dev/null &
  wait_port "$COORD_RABBITMQ_PORT" 90 "RabbitMQ (AMQP)" || { tail -20 "$DIR/log/console.log" >&2; exit 1; }
  wait_port "$COORD_RABBITMQ_MANAGEMENT_PORT" 60 "RabbitMQ (management)" || exit 1
  if ! serves; then
    log "RabbitMQ started but did not create a vhost within ${HEALTH_SECONDS}s; if its data is the cause, move $DIR/mnesia aside" \
        "(its queues and messages go with it) and run this again"
    exit 1
  fi
  local files; files=$(node_open_files)
  if [ -n "$files" ] && [ "$files" -lt 8192 ]; then
    log "warning: RabbitMQ may open only $files files (this machine's hard limit), RabbitMQ asks for 65536: a test project alone holds ~1,000"
  fi
  log "RabbitMQ up on 127.0.0.1:$COORD_RABBITMQ_PORT (management http://127.0.0.1:$COORD_RABBITMQ_MANAGEMENT_PORT)"
}

down() {
  if [ -f "$DIR/rabbitmq.pid" ] || port_open "$COORD_RABBITMQ_PORT"; then
    # A node that does not answer within 30 s is stopped by its pid, so down never hangs.
    rabbit_env timeout 30 rabbitmqctl -n "$COORD_RABBITMQ_NODE" stop >/dev/null 2>&1 || true
    if [ -f "$DIR/rabbitmq.pid" ]; then
      pid=$(cat "$DIR/rabbitmq.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true; rm -f "$DIR/rabbitmq.pid"
    fi
  fi
  # The node's private epmd (its own port) goes too; nothing else uses it.
  # (epmd refuses while the node is still deregistering, so try for a few seconds.)
  for _ in $(seq 20); do
    rabbit_env epmd -port "$COORD_RABBITMQ_EPMD_PORT" -kill >/dev/null 2>&1 || true
    port_open "$COORD_RABBITMQ_EPMD_PORT" || break
    sleep 0.25
  done
  log "RabbitMQ stopped"
}

case "${1:-}" in
  up) up ;; down) down ;;
  status) port_open "$COORD_RABBITMQ_PORT" && echo running || { echo stopped; exit 1; } ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
