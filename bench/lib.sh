# What the load scripts share; sourced from the repository root.
# It checks for wrk, builds target/switchboard.jar when missing, makes a data folder that goes on exit, pins the server
# to core 0 and wrk to core 1 (when taskset exists), and start_server starts one Switchboard on loopback (a fresh
# SQLite store with the demo data) that is stopped on exit, by its PID.
. bin/java-env
# BENCH_NO_WRK=1: a script that times single requests itself (curl) needs no wrk
[ -n "${BENCH_NO_WRK:-}" ] || command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
[ -f target/switchboard.jar ] || ./mvnw -q -B -DskipTests package

BENCH_API_KEY="sb_bench_key_0123456789abcdefghijkl"
DATA="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$DATA"
}
trap cleanup EXIT
TASKSET_SERVER=(); TASKSET_WRK=()
if command -v taskset >/dev/null; then TASKSET_SERVER=(taskset -c 0); TASKSET_WRK=(taskset -c 1); fi

# refuse_taken_port PORT: something already listening there would be measured instead of our server
refuse_taken_port() {
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
        echo "port $1 is already in use; choose another with BENCH_PORT" >&2
        exit 1
    fi
}

# start_server PORT: in the background (SERVER_PID), its output in $DATA/server.log, the first account's key
# BENCH_API_KEY
start_server() {
    SWITCHBOARD_PORT="$1" SWITCHBOARD_BIND_ADDRESS=127.0.0.1 SWITCHBOARD_DATA_DIR="$DATA" \
        SWITCHBOARD_FIRST_ACCOUNT_API_KEY="$BENCH_API_KEY" SWITCHBOARD_DEMO_DATA=true \
        "${TASKSET_SERVER[@]}" "$JAVA_HOME/bin/java" -jar target/switchboard.jar >"$DATA/server.log" 2>&1 &
    SERVER_PID=$!
}

# await_server PORT PAUSE: until GET /health answers, polling every PAUSE seconds; fails (with the server's output)
# when the server exits or 30 s pass
await_server() {
    local until=$(( $(date +%s) + 30 ))
    until curl -sf -m 1 "http://127.0.0.1:$1/health" >/dev/null 2>&1; do
        kill -0 "$SERVER_PID" 2>/dev/null || { echo "the server did not start:" >&2; cat "$DATA/server.log" >&2; exit 1; }
        [ "$(date +%s)" -lt "$until" ] || { echo "the server did not answer /health within 30 s" >&2; exit 1; }
        sleep "$2"
    done
}
