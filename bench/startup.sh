#!/usr/bin/env bash
# Start-up to the first answered request: N starts (default 3) of Switchboard, each on a fresh SQLite store with the
# demo data (migrations, first account, demo campaign), unpinned, timed from the moment the JVM is launched to the
# first GET /health answered 200 (polled every 10 ms), with the CPU time the JVM had used by then and the load average
# at that moment; then, the same way, to the first GET /ready answered 200. On a fresh store the server answers
# /health before its "started in" line (the first account, its API key and the demo data are created once it listens)
# and /ready only once they exist: the first answer a client can use with the key it was given, so both are shown.
# (On a restart the two come together.) Each start is followed by a restart on the store it made (migrated, demo data in place: the start
# of a deploy or a restart), timed the same way. BENCH_JAR=other.jar: that build too, started in turns with this one
# (this, other, this, ...), so the two are compared in one run. JVM options for every start: BENCH_JAVA_OPTS and
# SERVER_JAVA_OPTS (unset: the ones ./switchboard adds, bin/jvm-defaults; empty: the JVM's own).
# BENCH_AOT_CACHE=FILE: this build is also started with JDK 25's ahead-of-time cache in FILE, in the same turns (the
# cache ./switchboard records, target/switchboard.aot; recorded first unless it is one of this jar: bin/aot-cache).
# BENCH_JAR_AOT_CACHE=FILE: the same for the other build (BENCH_JAR), whose cache is its own (a cache holds one jar's
# classes). BENCH_CACHED_ONLY=1: only the starts with a cache. The main thread's CPU is shown too: the JVM's other
# threads (compilers, collector) run beside it.
#
# Usage: bench/startup.sh [N]
# Only processes this script started are stopped, by their PID.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "N is a whole number from 1" >&2; exit 2; }
BENCH_NO_WRK=1
OTHER_JAR="${BENCH_JAR:-}"
unset BENCH_JAR
. bench/lib.sh
PORT="${BENCH_PORT:-18095}"
refuse_taken_port "$PORT"

now_ms() { date +%s%3N; }

# the JVM options of every start (and of the cache's recording, which must match them)
# shellcheck disable=SC2206 # a list of options, split on spaces as every launcher does
OPTS=(${BENCH_JAVA_OPTS:-} ${SERVER_JAVA_OPTS:-})
# start_once JAR NAME [JVM OPTIONS]: one start on a fresh store, then one on the store it left; prints the figures
start_once() {
    local dir
    dir="$DATA/$(now_ms)"
    mkdir -p "$dir"
    start_on "$dir" "$1" "$2 (fresh store)" "${@:3}"
    start_on "$dir" "$1" "$2 (restart)" "${@:3}"
}
# start_on DIR JAR NAME [JVM OPTIONS]: one start on the store in DIR; prints the figures and stops the server
start_on() {
    local dir="$1" jar="$2" name="$3" t0 ms cpu_ms main_ms load
    shift 3
    t0=$(now_ms)
    SWITCHBOARD_PORT="$PORT" SWITCHBOARD_BIND_ADDRESS=127.0.0.1 SWITCHBOARD_DATA_DIR="$dir" \
        SWITCHBOARD_FIRST_ACCOUNT_API_KEY="$BENCH_API_KEY" SWITCHBOARD_DEMO_DATA=true \
        "$JAVA_HOME/bin/java" "${OPTS[@]+"${OPTS[@]}"}" "$@" -jar "$jar" >>"$dir/server.log" 2>&1 &
    SERVER_PID=$!
    wait_for health
    local health="$ms ms, $cpu_ms ms of CPU ($main_ms ms on the main thread)"
    wait_for ready
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    echo "$name: first answered GET /health after $health; GET /ready 200 after $ms ms, $cpu_ms ms of CPU" \
        "($main_ms ms on the main thread) (load $load)"
}
# wait_for PATH: polls GET /PATH every 10 ms until it answers 200; sets ms (since t0), cpu_ms and main_ms
wait_for() {
    until curl -sf -m 1 "http://127.0.0.1:$PORT/$1" >/dev/null 2>&1; do
        kill -0 "$SERVER_PID" 2>/dev/null || { echo "the server did not start:" >&2; cat "$dir/server.log" >&2; exit 1; }
        sleep 0.01
    done
    ms=$(( $(now_ms) - t0 ))
    # CPU time the JVM used until then (all its threads): steadier than the wall time on a shared machine; and the
    # main thread's (the launcher's threads are named java: the first waits for the second, which runs main)
    local hz
    hz=$(getconf CLK_TCK)
    cpu_ms=$(awk -v hz="$hz" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$SERVER_PID/stat")
    main_ms=$(cat /proc/"$SERVER_PID"/task/*/stat 2>/dev/null | awk -v hz="$hz" \
        '$2 == "(java)" {t += $14 + $15} END {print int(t * 1000 / hz)}')
}

AOT_CACHE="${BENCH_AOT_CACHE:-}"
if [ -n "$AOT_CACHE" ] && ! bin/aot-cache current target/switchboard.jar "$AOT_CACHE" "${OPTS[@]+"${OPTS[@]}"}"; then
    echo "recording the AOT cache $AOT_CACHE (a training start; load $(cut -d' ' -f1-3 /proc/loadavg))"
    bin/aot-cache record target/switchboard.jar "$AOT_CACHE" "${OPTS[@]+"${OPTS[@]}"}" || exit 1
fi
OTHER_CACHE="${BENCH_JAR_AOT_CACHE:-}"
if [ -n "$OTHER_CACHE" ] && [ -n "$OTHER_JAR" ] \
    && ! bin/aot-cache current "$OTHER_JAR" "$OTHER_CACHE" "${OPTS[@]+"${OPTS[@]}"}"; then
    echo "recording the AOT cache $OTHER_CACHE of $OTHER_JAR (load $(cut -d' ' -f1-3 /proc/loadavg))"
    bin/aot-cache record "$OTHER_JAR" "$OTHER_CACHE" "${OPTS[@]+"${OPTS[@]}"}" || exit 1
fi
# BENCH_CACHED_ONLY=1: only the starts with a cache (a build given no cache is not started)
CACHED_ONLY="${BENCH_CACHED_ONLY:-}"
shown="${OPTS[*]:-}"
echo "$RUNS starts each; JVM options: ${shown:-none, the JVM defaults}; load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 1; i <= RUNS; i++)); do
    [ -n "$CACHED_ONLY" ] || start_once target/switchboard.jar "this build"
    [ -z "$AOT_CACHE" ] || start_once target/switchboard.jar "this build with the AOT cache" -XX:AOTCache="$AOT_CACHE"
    [ -z "$OTHER_JAR" ] || [ -n "$CACHED_ONLY" ] || start_once "$OTHER_JAR" "$(basename "$OTHER_JAR")"
    [ -z "$OTHER_JAR" ] || [ -z "$OTHER_CACHE" ] \
        || start_once "$OTHER_JAR" "$(basename "$OTHER_JAR") with its AOT cache" -XX:AOTCache="$OTHER_CACHE"
done
