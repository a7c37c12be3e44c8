#!/usr/bin/env bash
# Installs the real peers the test suite talks to (Debian packages), and starts PostgreSQL if this
# machine has it: pymodbus + mbpoll (Modbus), upsd + dummy-ups (NUT), socat (serial ptys),
# systemd (systemd-analyze verify of deploy/systemd) and sudo (visudo -c of deploy/sudoers.d).
# `npm run peers` runs it; `.ci/run` runs it too, so a newcomer's full suite is CI's suite.
# Then: FACTORY_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test npm test
set -euo pipefail
PEERS="python3-pymodbus mbpoll nut-server nut-client socat systemd sudo chromium"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "no apt-get here: install these Debian packages (or their equivalents) by hand: $PEERS" >&2
  exit 1
fi
if ! dpkg -s $PEERS >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $PEERS
fi
echo "peers installed: $PEERS"

if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
fi
if command -v pg_isready >/dev/null 2>&1 && pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
  echo "PostgreSQL answers on 127.0.0.1:5432: FACTORY_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test npm test"
else
  echo "no PostgreSQL on 127.0.0.1:5432: the factory's PostgreSQL tests stay pending (set FACTORY_TEST_PG_URL to a server you have)"
fi
