#!/usr/bin/env bash
# Makes sure the PostgreSQL and Redis the tests use are running on this machine (127.0.0.1:5432,
# 127.0.0.1:6379), starting them when they are down. Fails loudly when one cannot be started:
# the tests that need them never skip.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

wait_for() { # name, check function
  for _ in $(seq 1 60); do "$2" && return 0; sleep 0.5; done
  echo "services: $1 did not come up" >&2
  return 1
}

if ! pg_up; then
  echo "services: starting PostgreSQL" >&2
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  fi
  wait_for PostgreSQL pg_up || { echo "services: PostgreSQL is required on 127.0.0.1:5432 (trust auth, database 'test')" >&2; exit 1; }
fi

if ! redis_up; then
  echo "services: starting Redis" >&2
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no >/dev/null || true
  fi
  wait_for Redis redis_up || { echo "services: Redis is required on 127.0.0.1:6379" >&2; exit 1; }
fi

echo "services: PostgreSQL and Redis are up" >&2
