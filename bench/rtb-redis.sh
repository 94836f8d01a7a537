#!/usr/bin/env bash
# The RTB ping with its live state in Redis against the same ping with it in memory, in one run.
#
# Runs bench/rtb-load.sh twice with the same options: first on the in-memory live state, then with
# SWITCHBOARD_REDIS_URL (default redis://127.0.0.1:6379, under a fresh key prefix). Each run measures its own
# bare baseline server beside it; the script prints both pings' ratios to bare and ping(redis) / ping(memory).
# Usage: bench/rtb-redis.sh [rtb-load.sh options]   (REDIS_URL=redis://host:port to use another Redis)
set -euo pipefail
cd "$(dirname "$0")/.."
REDIS="${REDIS_URL:-redis://127.0.0.1:6379}"

measure() { # label, then the environment of the server: prints the ping/health ratio of that run
    local label="$1"; shift
    local out
    out=$(env "$@" bench/rtb-load.sh --only health,ping "${ARGS[@]+"${ARGS[@]}"}" 2> >(sed "s/^/[$label] /" >&2))
    echo "$out" | sed "s/^/[$label] /" >&2
    echo "$out" | awk '/^ratio ping/ {print $5}'
}

ARGS=("$@")
memory=$(measure memory SWITCHBOARD_REDIS_URL=)
redis=$(measure redis SWITCHBOARD_REDIS_URL="$REDIS" SWITCHBOARD_REDIS_PREFIX="bench-$$-$(date +%s):")
echo "ping/health, live state in memory: $memory"
echo "ping/health, live state in Redis:  $redis"
echo "ping in Redis / ping in memory (each against its own /health): $(awk "BEGIN {printf \"%.2f\", $redis/$memory}")"
