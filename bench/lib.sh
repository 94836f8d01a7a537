# What the load scripts share; sourced from the repository root.
# It checks for wrk, builds target/switchboard.jar when missing, makes a data folder that goes on exit, pins the server
# to core 0 and wrk to core 1 (when taskset exists), and start_server starts one Switchboard on loopback (a fresh
# SQLite store with the demo data) that is stopped on exit, by its PID.
. bin/java-env
. bin/jvm-defaults
# Switchboard's JVM options: SERVER_JAVA_OPTS when set (empty for the JVM's own defaults, which on one pinned core are
# the serial collector and a quarter of the machine's memory as the heap's maximum), else the ones ./switchboard adds
# (bin/jvm-defaults: a heap sized for the machine and generational ZGC), so a run measures the server as it is
# started (unless BENCH_JAVA_OPTS choose them already); the AOT cache is left out (a start-up matter, bench/startup.sh)
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS-$(JAVA_OPTS="${BENCH_JAVA_OPTS:-}" && echo "$(default_heap) $(default_gc)")}"
# The bare baseline's JVM options: BARE_JAVA_OPTS when set (empty for the JVM's own), else Switchboard's, so that a
# ratio compares the servers' code and not two collectors (on one pinned core the JVM's own choice is the serial
# collector, which costs a request less CPU than ZGC does)
BARE_JAVA_OPTS="${BARE_JAVA_OPTS-$SERVER_JAVA_OPTS}"
# BENCH_NO_WRK=1: a script that times single requests itself (curl) needs no wrk
[ -n "${BENCH_NO_WRK:-}" ] || command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
[ -f target/switchboard.jar ] || ./mvnw -q -B -DskipTests package

BENCH_API_KEY="sb_bench_key_0123456789abcdefghijkl"
DATA="$(mktemp -d)"
SERVER_PID=""
BARE_PID=""
PG_SCHEMA=""
cleanup() {
    local pid
    for pid in $SERVER_PID $BARE_PID; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    if [ -n "$PG_SCHEMA" ]; then psql_bench -c "DROP SCHEMA IF EXISTS $PG_SCHEMA CASCADE" >/dev/null 2>&1 || true; fi
    rm -rf "$DATA"
}

# psql_bench ARGS...: psql on the database of BENCH_POSTGRES_URL (host, port and database taken from the JDBC URL)
psql_bench() {
    local url="${BENCH_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test}" rest host port db
    rest="${url#jdbc:postgresql://}"
    host="${rest%%/*}"; db="${rest#*/}"; db="${db%%\?*}"
    port=5432; [[ "$host" == *:* ]] && { port="${host##*:}"; host="${host%%:*}"; }
    psql -q -h "$host" -p "$port" -U "${BENCH_POSTGRES_USER:-postgres}" -d "$db" "$@"
}

# use_postgres_schema: the next start_server uses a fresh PostgreSQL schema (dropped on exit) instead of SQLite
use_postgres_schema() {
    command -v psql >/dev/null || { echo "--store postgresql needs psql" >&2; exit 1; }
    PG_SCHEMA="bench_$$_$(date +%s)"
    psql_bench -c "CREATE SCHEMA $PG_SCHEMA" >/dev/null
    local url="${BENCH_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test}"
    export SWITCHBOARD_DATABASE_URL="$url$([[ "$url" == *\?* ]] && echo '&' || echo '?')currentSchema=$PG_SCHEMA"
    export SWITCHBOARD_DATABASE_USER="${BENCH_POSTGRES_USER:-postgres}"
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

# start_server PORT: in the background (SERVER_PID; BENCH_JAR: another build to measure, e.g. the one before a
# change), its output in $DATA/server.log, the first account's key
# BENCH_API_KEY
start_server() {
    SWITCHBOARD_PORT="$1" SWITCHBOARD_BIND_ADDRESS=127.0.0.1 SWITCHBOARD_DATA_DIR="$DATA" \
        SWITCHBOARD_FIRST_ACCOUNT_API_KEY="$BENCH_API_KEY" SWITCHBOARD_DEMO_DATA=true \
        "${TASKSET_SERVER[@]}" "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} ${SERVER_JAVA_OPTS:-} \
        -jar "${BENCH_JAR:-target/switchboard.jar}" >"$DATA/server.log" 2>&1 &
    SERVER_PID=$!
}

# start_bare PORT: the baseline server (src/bench/java/.../BareServer.java, a bare Helidon SE app on Switchboard's own
# jar, so on the same Helidon version), pinned like Switchboard, with BARE_JAVA_OPTS, in the background (BARE_PID);
# run by the source launcher, so nothing is built for it
start_bare() {
    "${TASKSET_SERVER[@]}" "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} ${BARE_JAVA_OPTS:-} \
        -cp "${BENCH_JAR:-target/switchboard.jar}" src/bench/java/org/switchboard/bench/BareServer.java "$1" \
        >"$DATA/bare.log" 2>&1 &
    BARE_PID=$!
}

# memory PID: "RSS N MiB, heap used N MiB of N MiB committed (COLLECTOR, GC time N s)" of a running JVM (the heap
# from jstat -gc, whose columns every collector fills: survivors, eden and old generation; ZGC reports its heap as
# eden; the collector from the JVM's flags, which on one pinned core is Serial unless the options name one)
memory() {
    local rss_kb heap gc
    rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$1/status")
    heap=$("$JAVA_HOME/bin/jstat" -gc "$1" 2>/dev/null | awk 'NR == 1 {for (i = 1; i <= NF; i++) col[$i] = i}
        NR == 2 {c = $col["S0C"] + $col["S1C"] + $col["EC"] + $col["OC"]; u = $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]
            printf "heap used %d MiB of %d MiB committed", u / 1024, c / 1024; gct = $col["GCT"]}
        END {if (gct != "") printf ", GC time %s s", gct}' || true)
    gc=$("$JAVA_HOME/bin/jcmd" "$1" VM.flags 2>/dev/null | grep -oE 'Use(Serial|Parallel|G1|Z|Shenandoah)GC' | head -1 || true)
    echo "RSS $((rss_kb / 1024)) MiB, ${heap:-heap unknown}${gc:+ (${gc#Use})}"
}

# await_server PORT PAUSE [PID LOG [PROBE]]: until GET PROBE (/health) answers, polling every PAUSE seconds; fails
# (with the server's output) when the server (SERVER_PID, or PID) exits or BENCH_START_TIMEOUT seconds (120) pass.
# Switchboard answers /health as soon as it listens, and /ready once its start is finished (on a first start, the first
# account and its API key exist only then): a run that uses the key waits for /ready.
await_server() {
    local until=$(( $(date +%s) + ${BENCH_START_TIMEOUT:-120} ))
    until curl -sf -m 1 "http://127.0.0.1:$1${5:-/health}" >/dev/null 2>&1; do
        local pid="${3:-$SERVER_PID}" log="${4:-$DATA/server.log}"
        kill -0 "$pid" 2>/dev/null || { echo "the server did not start:" >&2; cat "$log" >&2; exit 1; }
        [ "$(date +%s)" -lt "$until" ] || { echo "the server did not answer /health in time (BENCH_START_TIMEOUT)" >&2; exit 1; }
        sleep "$2"
    done
}
