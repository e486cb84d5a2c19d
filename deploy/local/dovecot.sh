#!/usr/bin/env bash
# A private Dovecot IMAP server on loopback (any user name, password "secret"), mail under .local/dovecot.
# Usage: dovecot.sh up|down|status|deliver USER FILE.eml
set -euo pipefail
. "$(dirname "$0")/env.sh"
DIR="$COORD_LOCAL/dovecot"
CONF="$DIR/dovecot.conf"

up() {
  if port_open "$COORD_IMAP_PORT"; then log "Dovecot already running on 127.0.0.1:$COORD_IMAP_PORT"; return 0; fi
  apt_install dovecot-imapd
  mkdir -p "$DIR/base" "$DIR/state" "$DIR/mail"
  cat > "$CONF" <<CONF
base_dir = $DIR/base
state_dir = $DIR/state
log_path = $DIR/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$DIR/mail/%u
first_valid_uid = 1
first_valid_gid = 1
passdb {
  driver = static
  args = password=secret
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=$DIR/mail/%u
}
service imap-login {
  inet_listener imap {
    port = $COORD_IMAP_PORT
  }
}
CONF
  chown -R dovecot:dovecot "$DIR/mail"
  dovecot -c "$CONF" < /dev/null > /dev/null 2>> "$DIR/dovecot-start.log"   # the daemon must not keep our stdout/stderr open
  wait_port "$COORD_IMAP_PORT" 30 "Dovecot (IMAP)" || { tail -20 "$DIR/dovecot.log" >&2; exit 1; }
  log "Dovecot IMAP up on 127.0.0.1:$COORD_IMAP_PORT (password: secret)"
}

down() {
  if [ -f "$DIR/base/master.pid" ]; then
    pid=$(cat "$DIR/base/master.pid"); kill "$pid" 2>/dev/null || true
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  log "Dovecot stopped"
}

case "${1:-}" in
  up) up ;; down) down ;;
  status) port_open "$COORD_IMAP_PORT" && echo running || { echo stopped; exit 1; } ;;
  deliver) doveadm -c "$CONF" save -u "$2" < "$3" ;;
  *) echo "usage: $0 up|down|status|deliver USER FILE" >&2; exit 2 ;;
esac
