# Sourced by the deploy/local scripts, run.sh and test.sh: where the private servers live and listen.
# Every port can be overridden from the environment; the defaults avoid the usual 5672/5432/25/143.
COORD_ROOT="${COORD_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
COORD_LOCAL="${COORD_LOCAL:-$COORD_ROOT/.local}"
export COORD_RABBITMQ_HOST=127.0.0.1
export COORD_RABBITMQ_PORT="${COORD_RABBITMQ_PORT:-35672}"
export COORD_RABBITMQ_DIST_PORT="${COORD_RABBITMQ_DIST_PORT:-35673}"
export COORD_RABBITMQ_MANAGEMENT_PORT="${COORD_RABBITMQ_MANAGEMENT_PORT:-35674}"
export COORD_RABBITMQ_EPMD_PORT="${COORD_RABBITMQ_EPMD_PORT:-35369}"
export COORD_RABBITMQ_USER="${COORD_RABBITMQ_USER:-guest}"
export COORD_RABBITMQ_PASSWORD="${COORD_RABBITMQ_PASSWORD:-guest}"
export COORD_RABBITMQ_NODE="${COORD_RABBITMQ_NODE:-coordination@localhost}"
export COORD_POSTGRES_HOST=127.0.0.1
export COORD_POSTGRES_PORT="${COORD_POSTGRES_PORT:-35432}"
export COORD_POSTGRES_USER=postgres
export COORD_IMAP_PORT="${COORD_IMAP_PORT:-35143}"
export COORD_SMTP_PORT="${COORD_SMTP_PORT:-35025}"

log() { printf '[local] %s\n' "$*" >&2; }

# wait_port PORT SECONDS NAME: true once something accepts TCP connections on 127.0.0.1:PORT.
wait_port() {
  local port=$1 secs=$2 name=$3 i
  for ((i = 0; i < secs * 4; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.25
  done
  log "$name did not accept connections on port $port within ${secs}s"
  return 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# run.sh and test.sh stop, when they end, the local servers they started (those running before them stay), unless
# another of them still runs on those servers: each holds them, by a file named after its process, while it runs.

# The local servers not running now, one name a line (what up.sh will start); and this script holds the servers.
local_servers_down() {
  local server
  mkdir -p "$COORD_LOCAL/holders" && : > "$COORD_LOCAL/holders/$$"
  for server in postgres rabbitmq dovecot; do "$COORD_ROOT/deploy/local/$server.sh" status >/dev/null 2>&1 || echo "$server"; done
}

# local_servers_stop NAME...: lets go of the servers, and stops these unless another live script holds them.
local_servers_stop() {
  local holder server
  rm -f "$COORD_LOCAL/holders/$$"
  for holder in "$COORD_LOCAL"/holders/*; do
    [ -e "$holder" ] || continue
    if kill -0 "${holder##*/}" 2>/dev/null; then
      [ $# -eq 0 ] || log "left running ($*): process ${holder##*/} still uses them"
      return 0
    fi
    rm -f "$holder"
  done
  for server in "$@"; do "$COORD_ROOT/deploy/local/$server.sh" down || true; done
}

# apt_install PKG...: installs only what is missing (needs root, as on CI).
apt_install() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
}
