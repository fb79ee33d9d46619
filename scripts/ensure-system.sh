#!/usr/bin/env bash
# Install the Debian packages a target needs when they are missing, and start the local
# PostgreSQL and Redis when the test suite needs them and they are down.
# Usage: scripts/ensure-system.sh [node] [chromium] [compose] [services]
set -euo pipefail

apt_updated=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
  if [ "$apt_updated" = 0 ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

for need in "$@"; do
  case "$need" in
    node)
      command -v npm >/dev/null || { echo "installing nodejs and npm"; apt_install nodejs npm; } ;;
    chromium)
      [ -x /usr/bin/chromium ] || { echo "installing chromium"; apt_install chromium; } ;;
    compose)
      command -v docker-compose >/dev/null || { echo "installing docker-compose"; apt_install docker-compose; } ;;
    services)
      if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
        echo "starting PostgreSQL"
        command -v pg_ctlcluster >/dev/null || apt_install postgresql
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
        for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
      fi
      if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
        echo "starting Redis"
        command -v redis-server >/dev/null || apt_install redis-server
        mkdir -p /var/lib/redis /var/log/redis
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
          --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
        for _ in $(seq 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
      fi ;;
    *) echo "unknown requirement: $need" >&2; exit 2 ;;
  esac
done
