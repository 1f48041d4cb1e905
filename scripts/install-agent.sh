#!/usr/bin/env bash
# Installs the classroom edge agent as a systemd service (issue #10).
#
#   sudo scripts/install-agent.sh [--prefix /opt/classroom-agent]   install or update (idempotent)
#   sudo scripts/install-agent.sh --uninstall [--purge]             remove; --purge also deletes data
#   scripts/install-agent.sh --root DIR ...                         into a disposable root: no
#                                                                   useradd, chown or systemctl (tests)
#
# What it installs:
#   /etc/systemd/system/classroom-agent.service   hardened unit, Restart=always with backoff
#   /etc/systemd/journald.conf.d/classroom-agent.conf   journal size cap (log rotation)
#   /etc/classroom-agent/agent.env                environment (LOG_LEVEL), kept if edited
#   /var/lib/classroom-agent/                     state: identity, outbox, agent-config.json (0700)
# The agent itself is the release unpacked at --prefix (default /opt/classroom-agent).
set -euo pipefail

ROOT=""
PREFIX=/opt/classroom-agent
MODE=install
PURGE=0
USER_NAME=classroom-agent

while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT="${2:?--root needs a directory}"; shift 2 ;;
    --prefix) PREFIX="${2:?--prefix needs a directory}"; shift 2 ;;
    --uninstall) MODE=uninstall; shift ;;
    --purge) PURGE=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "install-agent: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -n "$ROOT" ]; then ROOT="$(cd "$ROOT" && pwd)"; fi

UNIT="$ROOT/etc/systemd/system/classroom-agent.service"
JOURNAL="$ROOT/etc/systemd/journald.conf.d/classroom-agent.conf"
CONF_DIR="$ROOT/etc/classroom-agent"
DATA_DIR="$ROOT/var/lib/classroom-agent"

real() { [ -z "$ROOT" ]; }   # acting on this machine, not a disposable root
say() { echo "install-agent: $*"; }

# Writes $2 to $1 only when it differs, so a second run changes nothing (same files, same mtimes).
put() {
  local file="$1" content="$2" mode="$3"
  mkdir -p "$(dirname "$file")"
  if [ -f "$file" ] && [ "$(cat "$file")" = "$content" ]; then return 0; fi
  printf '%s\n' "$content" > "$file.tmp.$$"
  chmod "$mode" "$file.tmp.$$"
  mv -f "$file.tmp.$$" "$file"
  say "wrote ${file#"$ROOT"}"
}

unit_text() {
  cat <<UNIT
[Unit]
Description=Classroom analytics edge agent
Documentation=file://$PREFIX/docs/install.md
After=network-online.target sound.target
Wants=network-online.target
# Restart backoff: up to 10 starts per 10 min, then systemd stops trying until IT looks.
StartLimitIntervalSec=600
StartLimitBurst=10

[Service]
Type=simple
User=$USER_NAME
Group=$USER_NAME
SupplementaryGroups=audio video
EnvironmentFile=-/etc/classroom-agent/agent.env
Environment=EDGE_AGENT_STATE_DIR=/var/lib/classroom-agent
ExecStartPre=/usr/bin/env node $PREFIX/edge-agent/bin/edge-agent.js validate-config /var/lib/classroom-agent/agent-config.json
ExecStart=/usr/bin/env node $PREFIX/edge-agent/bin/edge-agent.js run --config /var/lib/classroom-agent/agent-config.json
# SIGTERM: the agent ends the lesson, sends its goodbye status and flushes the outbox.
KillSignal=SIGTERM
TimeoutStopSec=30
Restart=always
RestartSec=5
RestartSteps=6
RestartMaxDelaySec=300
# The agent pings WATCHDOG=1 through systemd-notify when WatchdogSec is set (a child process,
# hence NotifyAccess=all). Off by default; enable with a drop-in: WatchdogSec=180.
NotifyAccess=all
# Hardening: nothing but the state folder is writable; no privilege gain; private /tmp.
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ReadWritePaths=/var/lib/classroom-agent
ReadOnlyPaths=/etc/classroom-agent
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes
UMask=0077
StateDirectory=classroom-agent
StateDirectoryMode=0700
LogRateLimitIntervalSec=30s
LogRateLimitBurst=1000

[Install]
WantedBy=multi-user.target
UNIT
}

journal_text() {
  cat <<'JOURNAL'
# Installed by classroom-agent: caps the journal so the agent's logs rotate instead of filling the
# disk the outbox needs. The agent logs to stderr (journald); it keeps no log file of its own.
[Journal]
SystemMaxUse=500M
SystemMaxFileSize=50M
MaxRetentionSec=30day
JOURNAL
}

install() {
  if real; then
    [ "$(id -u)" -eq 0 ] || { echo "install-agent: run as root (or use --root DIR)" >&2; exit 1; }
    if ! id "$USER_NAME" >/dev/null 2>&1; then
      useradd --system --home-dir /var/lib/classroom-agent --no-create-home \
        --shell /usr/sbin/nologin --user-group "$USER_NAME"
      say "created system user $USER_NAME"
    fi
    for g in audio video; do getent group "$g" >/dev/null && usermod -aG "$g" "$USER_NAME"; done
  fi
  put "$UNIT" "$(unit_text)" 0644
  put "$JOURNAL" "$(journal_text)" 0644
  mkdir -p "$CONF_DIR"
  # Kept when present: IT may have edited it.
  [ -f "$CONF_DIR/agent.env" ] || put "$CONF_DIR/agent.env" "LOG_LEVEL=info" 0644
  mkdir -p "$DATA_DIR"
  chmod 0700 "$DATA_DIR"
  if real; then
    chown "$USER_NAME:$USER_NAME" "$DATA_DIR"
    systemctl daemon-reload
    systemctl restart systemd-journald || true
    systemctl enable classroom-agent.service
    if [ -f /var/lib/classroom-agent/agent-config.json ]; then
      systemctl restart classroom-agent.service
    else
      say "not started yet: enrol first (docs/install.md), then: systemctl start classroom-agent"
    fi
  fi
  say "installed"
}

uninstall() {
  if real; then
    [ "$(id -u)" -eq 0 ] || { echo "install-agent: run as root (or use --root DIR)" >&2; exit 1; }
    systemctl disable --now classroom-agent.service 2>/dev/null || true
  fi
  rm -f "$UNIT" "$JOURNAL" "$CONF_DIR/agent.env"
  rmdir "$CONF_DIR" 2>/dev/null || true   # kept if IT put a timetable there
  if [ "$PURGE" -eq 1 ]; then
    rm -rf "$DATA_DIR" "$CONF_DIR"
    if real && id "$USER_NAME" >/dev/null 2>&1; then userdel "$USER_NAME" || true; fi
    say "purged data and configuration"
  else
    say "kept ${DATA_DIR#"$ROOT"} (identity, outbox, credentials); --purge deletes it"
  fi
  if real; then systemctl daemon-reload; fi
  say "uninstalled"
}

if [ "$MODE" = install ]; then install; else uninstall; fi
