#!/bin/sh
# Makes sure PostgreSQL answers on 127.0.0.1:5432 (trust auth, user postgres), starting the local Debian cluster
# when it is down. Used by .ci/run before the Unleash integration tests; safe to call when it is already up.
set -eu

HOST=${PGHOST:-127.0.0.1}
PORT=${PGPORT:-5432}

is_up() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$HOST" -p "$PORT"
  else
    psql -h "$HOST" -p "$PORT" -U postgres -Atc 'select 1' >/dev/null 2>&1
  fi
}

if is_up; then
  echo "postgres: up on $HOST:$PORT"
  exit 0
fi

if [ ! -d /etc/postgresql ]; then
  echo "postgres: not reachable on $HOST:$PORT and no local cluster in /etc/postgresql" >&2
  exit 1
fi

for version in $(ls /etc/postgresql); do
  echo "postgres: starting cluster $version/main"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
done

# Poll with a deadline rather than a fixed sleep: startup usually takes a second or two.
deadline=$(( $(date +%s) + 30 ))
while ! is_up; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "postgres: still not reachable on $HOST:$PORT after 30 s" >&2
    exit 1
  fi
  sleep 0.5
done
echo "postgres: up on $HOST:$PORT"
