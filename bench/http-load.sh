#!/usr/bin/env bash
# Load run of the HTTP server with wrk on loopback, bounded in time, and start-up figures.
#
# Every figure is paired with a baseline measured in the same run, because these machines are noisy:
#   - start-up to the first answered request, against a bare JVM start (java -version);
#   - memory (RSS) after start and after the load;
#   - req/s and p99 of admin reads against GET /health, the raw speed of the HTTP server in this process.
# The server is pinned to core 0 and wrk to core 1 (when taskset exists), as in docs/ARCHITECTURE's table.
#
# Usage: bench/http-load.sh [seconds per run, default 10]   (WARMUP=seconds before each run, default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
DURATION="${1:-10}"
PORT="${BENCH_PORT:-18090}"
KEY="$BENCH_API_KEY"
now_ms() { date +%s%3N; }

# --- baseline: a bare JVM start ------------------------------------------------------------------
t0=$(now_ms); "$JAVA_HOME/bin/java" -version >/dev/null 2>&1; jvm_ms=$(( $(now_ms) - t0 ))

# --- start-up to first answered request ----------------------------------------------------------
refuse_taken_port "$PORT"
t0=$(now_ms)
start_server "$PORT"
await_server "$PORT" 0.02
start_ms=$(( $(now_ms) - t0 ))
rss_start_kb=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
echo "start-up to first answered request: ${start_ms} ms (bare JVM start: ${jvm_ms} ms, ratio $(awk "BEGIN {printf \"%.1f\", $start_ms/$jvm_ms}"))"
echo "RSS after start: $((rss_start_kb / 1024)) MiB"

run() { # name, then wrk arguments; a discarded warm-up run first so the JIT has compiled the path
    local name="$1"; shift
    "${TASKSET_WRK[@]}" wrk -t1 -c64 -d"${WARMUP:-5}s" "$@" >/dev/null
    local out
    out=$("${TASKSET_WRK[@]}" wrk -t1 -c64 -d"${DURATION}s" --latency "$@")
    local rps p99
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    local errors
    errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
    echo "$name: ${rps} req/s, p99 ${p99} ${errors}" >&2
    echo "$rps"
}
auth=(-H "Authorization: Bearer $KEY")
base=$(run "GET /health (baseline)" "http://127.0.0.1:$PORT/health")
one=$(run "GET /api/v2/campaigns/1 (key check + SQL read)" "${auth[@]}" "http://127.0.0.1:$PORT/api/v2/campaigns/1")
list=$(run "GET /api/v2/buyers (key check + page of 2 + count)" "${auth[@]}" "http://127.0.0.1:$PORT/api/v2/buyers")
# Call Data Writing: each request checks the key by digest, finds no call for the caller, stores the tags for the
# caller's next call and writes a postback log entry (two durable SQL writes).
dw_key=$(curl -sf -X POST "${auth[@]}" "http://127.0.0.1:$PORT/api/v2/publishers/1/postback_keys" \
    -d '{"type": "call_data_writing", "name": "bench"}' | sed -E 's/.*"key":"([^"]+)".*/\1/')
dw=$(run "GET /data_writing (key lookup + tags stored + log entry)" \
    "http://127.0.0.1:$PORT/data_writing?key=$dw_key&caller_number=%2B13125550100&lead=bench")
rss_end_kb=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
echo "ratio campaign read / baseline: $(awk "BEGIN {printf \"%.3f\", $one/$base}")"
echo "ratio buyer list / baseline:    $(awk "BEGIN {printf \"%.3f\", $list/$base}")"
echo "ratio data writing / baseline: $(awk "BEGIN {printf \"%.3f\", $dw/$base}")"
echo "RSS after load: $((rss_end_kb / 1024)) MiB"
