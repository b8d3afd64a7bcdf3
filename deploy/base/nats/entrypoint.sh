#!/bin/sh
# Options alone (`-js`) are nats-server's, as the official image takes them.
set -eu
case "${1:-}" in -*) set -- nats-server "$@" ;; esac
exec "$@"
