#!/usr/bin/env bash
# The console's call log against the JSON API of the same query on a large store: first page and a tag search.
#   bench/console-calls.sh [CALLS]      (default 1000000; needs sqlite3 and curl)
# One call is played through the simulator on a fresh SQLite store with the demo data; the server stops, sqlite3
# copies the call until the store holds CALLS calls (30 days of them, one in 100 tagged note:needle); the server
# starts again and each request is timed 7 times with curl, signed in for the pages and with the API key for the API.
# Prints the median and the fastest of each.
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS="${1:-1000000}"
PORT="${BENCH_PORT:-18480}"
BENCH_NO_WRK=1 . bench/lib.sh
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed: apt-get install sqlite3" >&2; exit 1; }
refuse_taken_port "$PORT"
BASE="http://127.0.0.1:$PORT"

start_server "$PORT"
await_server "$PORT" 0.2
until grep -q "with password" "$DATA/server.log"; do sleep 0.2; done
PASSWORD="$(grep -o 'with password [A-Za-z0-9]*' "$DATA/server.log" | awk '{print $3}')"
"$JAVA_HOME/bin/java" -cp target/switchboard.jar org.switchboard.telephony.Simulator --key "$BENCH_API_KEY" \
    --to +18665550100 --from "(312) 555-0147" --answers yes --talk 95 --server "$BASE" >/dev/null
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""

echo "copying the call until the store holds $CALLS calls..." >&2
sqlite3 "$DATA/switchboard.db" <<SQL
PRAGMA journal_mode = WAL;
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $CALLS - 1)
INSERT INTO calls (uuid, account_id, campaign_id, tracking_number_id, publisher_id, carrier, carrier_call_id,
    caller_number, dialed_number, call_key_digest, state, outcome, buyer_id, tags, routing, started_at, connected_at,
    ended_at, duration_seconds, connected_seconds)
SELECT lower(hex(randomblob(16))), account_id, campaign_id, tracking_number_id, publisher_id, carrier, 'bench-' || i,
    caller_number, dialed_number, call_key_digest, state, outcome, buyer_id,
    CASE WHEN i % 100 = 0 THEN json_set(tags, '$.note', json_array('needle')) ELSE tags END,
    routing, started_at - i * 2592, connected_at - i * 2592, ended_at - i * 2592, duration_seconds, connected_seconds
FROM seq, (SELECT * FROM calls ORDER BY id LIMIT 1);
SQL

start_server "$PORT"
await_server "$PORT" 0.2
JAR="$DATA/cookies.txt"
CSRF="$(curl -s -c "$JAR" -b "$JAR" "$BASE/sign_in" | grep -o 'name="_csrf" value="[^"]*' | sed 's/.*value="//')"
curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "_csrf=$CSRF" \
    --data-urlencode "email=demo@switchboard.local" --data-urlencode "password=$PASSWORD" "$BASE/sign_in"

# time LABEL URL [curl options]: median and fastest of 7 runs after one warm-up, in milliseconds
time_it() {
    local label="$1" url="$2"; shift 2
    local status
    status="$(curl -s -o /dev/null -w '%{http_code}' "$@" "$url")"
    [ "$status" = 200 ] || { echo "$label: HTTP $status" >&2; exit 1; }
    local runs=()
    for _ in 1 2 3 4 5 6 7; do
        runs+=("$(curl -s -o /dev/null -w '%{time_total}' "$@" "$url")")
    done
    printf '%s\n' "${runs[@]}" | sort -n | awk -v label="$label" \
        '{ t[NR] = $1 * 1000 } END { printf "| %s | %.0f ms | %.0f ms |\n", label, t[4], t[1] }'
}

echo "| request ($CALLS calls) | median | fastest |"
echo "|---|---:|---:|"
time_it "page /calls (first page)" "$BASE/calls" -b "$JAR"
time_it "API /api/v2/calls (first page)" "$BASE/api/v2/calls" -H "Authorization: Bearer $BENCH_API_KEY"
time_it "page /calls?tag=note:needle" "$BASE/calls?tag=note%3Aneedle" -b "$JAR"
time_it "API /api/v2/calls?tag=note:needle" "$BASE/api/v2/calls?tag=note%3Aneedle" \
    -H "Authorization: Bearer $BENCH_API_KEY"
