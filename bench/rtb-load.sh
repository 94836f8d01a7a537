#!/usr/bin/env bash
# Load run of the RTB ping endpoint with wrk on loopback, bounded in time, against a baseline of the same server.
#
# One server is started (fresh SQLite store with the demo data, pinned to core 0; wrk on core 1 when taskset
# exists). In that one run it measures GET /health (the raw speed of the HTTP server in this process), then
# POST /rtbs.json?key=KEY with a form or JSON body whose caller_number rotates over the given callers, each after a
# discarded warm-up. It prints req/s, the ratio to the baseline, p50 and p99 latency and the status codes answered.
# Both runs go through the same Lua script, so the ratio compares server work, not wrk's.
#
# Usage: bench/rtb-load.sh [options]
#   --key KEY          the RTB postback key to ping with (default: one issued on demo campaign 1 for this run,
#                      bound to demo publisher 1; a key bound to no publisher needs --publisher-id)
#   --callers LIST|N   comma-separated E.164 caller numbers, or a count N of generated ones (default 10000000; each
#                      run starts at its own offset, so no caller is pinged twice and every ping goes the whole way:
#                      routing, payout, reservation); with few callers most pings are answered by the ping shield
#                      (the caller's reservation again), which is the cheap path
#   --publisher-id ID  sent as publisher_id (default: none)
#   --body form|json   how the parameters are sent (default form)
#   --path PATH        the endpoint (default /rtbs.json)
#   --seconds S        measured seconds per endpoint (default 10); before each a discarded warm-up run:
#                      WARMUP_BASELINE (default 10 s), WARMUP_PING (default 90 s: on one core the JIT needs about a
#                      minute and a half to finish with the ping path) and 10 s before the half-rate run
#   --connections C    wrk connections (default 64)
# Only processes this script started are stopped, by their PID.
set -euo pipefail
cd "$(dirname "$0")/.."

KEY=""
CALLERS="10000000"
PUBLISHER=""
BODY="form"
ENDPOINT="/rtbs.json"
DURATION=10
CONNECTIONS=64
while [ $# -gt 0 ]; do
    case "$1" in
        --key) KEY="$2"; shift 2 ;;
        --callers) CALLERS="$2"; shift 2 ;;
        --publisher-id) PUBLISHER="$2"; shift 2 ;;
        --body) BODY="$2"; shift 2 ;;
        --path) ENDPOINT="$2"; shift 2 ;;
        --seconds) DURATION="$2"; shift 2 ;;
        --connections) CONNECTIONS="$2"; shift 2 ;;
        -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$BODY" in form|json) ;; *) echo "--body is form or json" >&2; exit 2 ;; esac
[[ "$DURATION" =~ ^[0-9]+$ ]] || { echo "--seconds is a whole number" >&2; exit 2; }
PORT="${BENCH_PORT:-18091}"
. bench/lib.sh
API_KEY="$BENCH_API_KEY"
refuse_taken_port "$PORT"
start_server "$PORT"
BASE="http://127.0.0.1:$PORT"
await_server "$PORT" 0.1

if [ -z "$KEY" ]; then
    KEY=$(curl -sf -m 10 -X POST -H "Authorization: Bearer $API_KEY" "$BASE/api/v2/campaigns/1/postback_keys" \
        -d '{"type": "real_time_bidding", "name": "rtb-load", "options": {"publisher_id": 1}}' | sed -E 's/.*"key":"([^"]+)".*/\1/')
    [ -n "$KEY" ] || { echo "could not issue an RTB key on campaign 1" >&2; exit 1; }
fi

# the callers as a Lua list: given numbers, or N generated ones (+13125000000, +13125000001, ...)
if [[ "$CALLERS" =~ ^[0-9]+$ ]]; then
    [ "$CALLERS" -ge 1 ] || { echo "--callers needs at least one caller" >&2; exit 2; }
    LUA_CALLERS="local caller_count = $CALLERS; local function caller_at(i) return string.format(\"+1%d\", 3125000000 + (i % caller_count)) end"
else
    LUA_CALLERS="local callers = {"
    IFS=',' read -ra LIST <<<"$CALLERS"
    for c in "${LIST[@]}"; do
        [[ "$c" =~ ^\+[1-9][0-9]{1,14}$ ]] || { echo "caller $c is not an E.164 number" >&2; exit 2; }
        LUA_CALLERS="$LUA_CALLERS \"$c\","
    done
    LUA_CALLERS="$LUA_CALLERS }; local function caller_at(i) return callers[(i % #callers) + 1] end"
fi

# a conversion criterion, so every reserved ping works out a payout (60% of 20.00 for 90 s)
curl -sf -m 10 -X POST -H "Authorization: Bearer $API_KEY" "$BASE/api/v2/campaigns/1/conversion_criteria" \
    -d '{"name": "rtb-load", "trigger": {"type": "duration", "seconds": 90}, "revenue": {"type": "static", "amount": 20}, "payout": {"type": "percent", "percent": 60}}' >/dev/null

# one script for both runs: the same per-request Lua work and the same status counting
cat >"$DATA/load.lua" <<LUA
$LUA_CALLERS
local method, path, body_kind, publisher = os.getenv("RTB_METHOD"), os.getenv("RTB_PATH"), "$BODY", "$PUBLISHER"
local n = tonumber(os.getenv("RTB_OFFSET") or "0")
statuses = {}
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

local function encode(s)
    return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
    if method == "GET" then
        return wrk.format("GET", path)
    end
    n = n + 1
    local caller = caller_at(n)
    local body, headers
    if body_kind == "json" then
        body = '{"caller_number": "' .. caller .. '"' .. (publisher ~= "" and (', "publisher_id": "' .. publisher .. '"') or "") .. '}'
        headers = {["Content-Type"] = "application/json"}
    else
        body = "caller_number=" .. encode(caller) .. (publisher ~= "" and ("&publisher_id=" .. encode(publisher)) or "")
        headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
    end
    return wrk.format("POST", path, headers, body)
end

local pause = tonumber(os.getenv("RTB_DELAY_MS") or "0")
if pause > 0 then
    function delay()
        return pause
    end
end

function response(status, headers, body)
    local word = body:match('"status":"([^"]+)"') or tostring(status)
    statuses[word] = (statuses[word] or 0) + 1
end

function done(summary, latency, requests)
    for _, thread in ipairs(threads) do
        for code, count in pairs(thread:get("statuses")) do
            io.write(string.format("status %s: %d\n", code, count))
        end
    end
end
LUA

run() { # label, method, path, warm-up seconds, first caller[, delay ms per connection]: a discarded warm-up, then
         # the measured run (from caller first + 3,000,000, so it never pings a caller of the warm-up); prints the rps
    local label="$1" method="$2" path="$3" warmup="$4" first="$5" pause="${6:-0}" out
    RTB_METHOD="$method" RTB_PATH="$path" RTB_DELAY_MS="$pause" RTB_OFFSET="$first" "${TASKSET_WRK[@]}" \
        wrk -t1 -c"$CONNECTIONS" -d"${warmup}s" -s "$DATA/load.lua" "$BASE" >/dev/null
    out=$(RTB_METHOD="$method" RTB_PATH="$path" RTB_DELAY_MS="$pause" RTB_OFFSET="$((first + 3000000))" \
        "${TASKSET_WRK[@]}" \
        wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$DATA/load.lua" "$BASE")
    local rps p50 p99 statuses
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    statuses=$(echo "$out" | awk '/^status / {printf "%s%s %s", sep, $2, $3; sep=", "}')
    echo "$label: $rps req/s, p50 $p50, p99 $p99 (answers: $statuses)$(echo "$out" | awk '/Socket errors/ {print ", " $0}')" >&2
    echo "$rps"
}

echo "server pid $SERVER_PID on $BASE; $DURATION s measured per endpoint after a warm-up" >&2
base=$(run "GET /health (baseline)" GET /health "${WARMUP_BASELINE:-10}" 0)
rtb=$(run "POST $ENDPOINT ($BODY body, callers: $CALLERS)" POST "$ENDPOINT?key=$KEY" "${WARMUP_PING:-90}" 0)
echo "ratio POST $ENDPOINT / baseline: $(awk "BEGIN {printf \"%.3f\", $rtb/$base}")"
# latency at half the ping's throughput: each connection waits between requests so the rate is about half
pause=$(awk "BEGIN {printf \"%d\", $CONNECTIONS * 1000 / ($rtb / 2)}")
half=$(run "POST $ENDPOINT at about half that rate ($pause ms between requests per connection)" POST "$ENDPOINT?key=$KEY" 10 6000000 "$pause")
echo "rate reached in the half-rate run: $half req/s (target $(awk "BEGIN {printf \"%d\", $rtb / 2}"))"
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
echo "server RSS after the runs: $((rss_kb / 1024)) MiB"
