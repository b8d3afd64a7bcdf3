#!/bin/sh
# First start: a cluster in PGDATA whose superuser POSTGRES_USER has the
# password POSTGRES_PASSWORD (required), and the database POSTGRES_DB.
# Then the server in the foreground, as PID 1 (SIGINT: fast shutdown).
set -eu
user="${POSTGRES_USER:-postgres}"
[ "${1:-}" = postgres ] && shift
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  # Connections from anywhere need the password (the container's network decides who reaches it).
  echo 'host all all all scram-sha-256' >> "$PGDATA/pg_hba.conf"
  db="${POSTGRES_DB:-$user}"
  if [ "$db" != postgres ]; then
    echo "CREATE DATABASE \"$db\"" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
  echo "initialized $PGDATA (user $user, database $db)"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
