#!/usr/bin/env bash
# Load run of Switchboard's hot endpoints with wrk on loopback, each against a bare Helidon SE server measured in the
# same run, in turns.
#
# Two servers are started and pinned to the same core (core 0; wrk on core 1 when taskset exists): Switchboard (a
# fresh SQLite store with the demo data) and the bare baseline (src/bench/java/org/switchboard/bench/BareServer.java:
# Helidon SE on Switchboard's own jar, a trivial GET /health and a POST answering a small JSON). For each endpoint
# both are warmed up, then measured in turns (bare, Switchboard, bare, Switchboard, ...), the same Lua script and the
# same requests for both, so a ratio compares server work, not wrk's:
#   /health            GET /health against the bare GET /health
#   ping               POST /rtbs.json?key=KEY (form or JSON body, caller_number rotating over callers never pinged
#                      before, so every ping goes the whole way) against the bare POST of the same request
#   data writing       POST /data_writing?key=KEY (caller_number, lead=bench: a durable write per request)
#   postback           POST /postbacks/KEY?call_uuid=UUID&value=10 (a conversion postback on one call, repeated:
#                      key, call, conversion, postback log entry)
#   first-postback     (only when asked for by --only) POST /postbacks/KEY?value=10&call_uuid=UUID, each request on a
#                      call never posted before, so each one converts, as most buyers' postbacks do: key, call,
#                      decision, criterion, the conversion and the call's money, the webhooks' deliveries, postback log
#                      entry. The answered and ended calls (one per +1602 caller, judged by a criterion on
#                      caller_area_code:602) are made through the call control API before each Switchboard run that
#                      needs more (src/bench/java/org/switchboard/bench/EndedCalls.java, on wrk's core); bare gets the
#                      same requests. Calls are made at about 75 a second on this machine, so these runs are short:
#                      FIRST_SECONDS (default 3) measured, WARMUP_FIRST (default 5) of warm-up, 2 s before the half
#                      rate; with --turns 1 the calls take about five minutes to make. A run makes enough calls for
#                      the highest rate seen so far, starting from FIRST_RATE (default 2000 a second): a run whose
#                      build answers faster runs out, and its answers show "no fresh call"; give it a higher FIRST_RATE
# then the ping, data writing and postback again at about half Switchboard's rate (both servers at the same offered
# rate), for latency. It prints req/s, CPU time per request, p50/p99/p99.9 and the slowest answer (max) of each run,
# each endpoint's ratios to bare (the sum of its turns' rates over the bare turns', and bare's CPU per request over
# Switchboard's), and RSS and heap of both servers after the run.
#
# Usage: bench/rtb-load.sh [options]
#   --key KEY          the RTB postback key to ping with (default: one issued on demo campaign 1 for this run,
#                      bound to demo publisher 1; a key bound to no publisher needs --publisher-id)
#   --callers LIST|N   comma-separated E.164 caller numbers, or a count N of generated ones (default 40000000; each
#                      run starts at its own offset, so no caller is pinged twice); with few callers most pings are
#                      answered by the ping shield (the caller's reservation again), which is the cheap path
#   --publisher-id ID  sent as publisher_id (default: none)
#   --body form|json   how the ping's parameters are sent (default form)
#   --path PATH        the ping's endpoint (default /rtbs.json)
#   --seconds S        measured seconds per run (default 10)
#   --turns N          measured turns per endpoint and server (default 2)
#   --only LIST        comma-separated subset of health,ping,data,postback,first-postback (default all but
#                      first-postback)
#   --connections C    wrk connections (default 64)
#   --soak MINUTES     instead of the comparisons: the ping alone, paced at --rate pings/s (default 2000), for MINUTES,
#                      printing Switchboard's RSS, heap and latency after every minute and the RSS spread at the end
#                      (memory flat under hours of load: the first minute is the warm-up and is left out of the spread);
#                      the server runs with ./switchboard's JVM options (SERVER_JAVA_OPTS below)
#   --rate R           the paced rate of --soak
#   --threads          after each measured run of Switchboard, its CPU split by thread: the carriers (the requests'
#                      virtual threads), the RTB log writer, the collector, the JIT, any other thread above 2 % and
#                      the rest, each as µs CPU per request, the part of it in the kernel, and context switches per
#                      request (from /proc/PID/task/*: ticks of 10 ms, so a thread's figure is good to about 10 % over
#                      10 s)
#   --profile FILE     records the run with JFR (CPU samples and allocations, the "profile" settings) into FILE and
#                      prints its hottest methods and top allocation sites at the end
#   --store sqlite|postgresql
#                      Switchboard's store (default sqlite: a fresh file); postgresql: a fresh schema, dropped after the
#                      run, in BENCH_POSTGRES_URL (default jdbc:postgresql://127.0.0.1:5432/test, user
#                      BENCH_POSTGRES_USER, default postgres; psql creates and drops the schema)
# Warm-ups (discarded): WARMUP_BASELINE (default 10 s) for /health and each bare endpoint, WARMUP_PING (default 90 s:
# on one core the JIT needs about a minute and a half for the ping path), WARMUP_WRITE (default 30 s: after 15 s the
# JIT still took a quarter of a repeated postback's CPU in the measured turn) for data writing and the repeated
# postback, WARMUP_FIRST (default 5 s) for first postbacks, 5 s before each half-rate run (2 s for first postbacks).
# BENCH_JAVA_OPTS: JVM options for both servers. SERVER_JAVA_OPTS: JVM options for Switchboard only; unset, the ones
# ./switchboard adds (bin/jvm-defaults: a heap sized for the machine and generational ZGC); empty, the JVM's own (on
# one pinned core: the serial collector, a quarter of the memory as heap).
# BARE_JAVA_OPTS: the bare server's; unset, the same as Switchboard's (a ratio then compares code, not collectors);
# empty, the JVM's own.
# BENCH_EXAMPLES=1: the first answer of each status word of every run, to see why requests were refused. BENCH_NMT=1:
# Switchboard with the JVM's native memory tracking, its summary by area printed after the run. ping/bare is what
# bench/rtb-redis.sh reads ("ratio ping / bare: R").
# Only processes this script started are stopped, by their PID.
set -euo pipefail
# a failed step (a set-up request answered with an error, say) says where, instead of ending the run silently
trap 'echo "bench/rtb-load.sh: line $LINENO failed (exit $?)" >&2' ERR
cd "$(dirname "$0")/.."

KEY=""
CALLERS="40000000"
PUBLISHER=""
BODY="form"
ENDPOINT="/rtbs.json"
DURATION=10
TURNS=2
ONLY="health,ping,data,postback"
CONNECTIONS=64
PROFILE=""
THREADS=""
STORE="sqlite"
SOAK=""
RATE=2000
while [ $# -gt 0 ]; do
    case "$1" in
        --key) KEY="$2"; shift 2 ;;
        --callers) CALLERS="$2"; shift 2 ;;
        --publisher-id) PUBLISHER="$2"; shift 2 ;;
        --body) BODY="$2"; shift 2 ;;
        --path) ENDPOINT="$2"; shift 2 ;;
        --seconds) DURATION="$2"; shift 2 ;;
        --turns) TURNS="$2"; shift 2 ;;
        --only) ONLY="$2"; shift 2 ;;
        --connections) CONNECTIONS="$2"; shift 2 ;;
        --soak) SOAK="$2"; shift 2 ;;
        --rate) RATE="$2"; shift 2 ;;
        --profile) PROFILE="$(realpath -m "$2")"; shift 2 ;;
        --threads) THREADS=1; shift ;;
        --store) STORE="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$BODY" in form|json) ;; *) echo "--body is form or json" >&2; exit 2 ;; esac
case "$STORE" in sqlite|postgresql) ;; *) echo "--store is sqlite or postgresql" >&2; exit 2 ;; esac
[[ "$DURATION" =~ ^[0-9]+$ ]] || { echo "--seconds is a whole number" >&2; exit 2; }
[ -z "$SOAK" ] || [[ "$SOAK" =~ ^[1-9][0-9]*$ ]] || { echo "--soak is a whole number of minutes from 1" >&2; exit 2; }
[[ "$RATE" =~ ^[1-9][0-9]*$ ]] || { echo "--rate is a whole number of requests per second" >&2; exit 2; }
[[ "$TURNS" =~ ^[1-9][0-9]*$ ]] || { echo "--turns is a whole number from 1" >&2; exit 2; }
wants() { [[ ",$ONLY," == *",$1,"* ]]; }
PORT="${BENCH_PORT:-18091}"
BARE_PORT=$((PORT + 1))
. bench/lib.sh
API_KEY="$BENCH_API_KEY"
refuse_taken_port "$PORT"
refuse_taken_port "$BARE_PORT"
[ -z "$PROFILE" ] || SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:-} -XX:StartFlightRecording=settings=profile,filename=$PROFILE"
[ -z "${BENCH_NMT:-}" ] || SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:-} -XX:NativeMemoryTracking=summary"
[ "$STORE" = sqlite ] || use_postgres_schema
start_server "$PORT"
start_bare "$BARE_PORT"
BASE="http://127.0.0.1:$PORT"
BARE="http://127.0.0.1:$BARE_PORT"
await_server "$PORT" 0.1 "$SERVER_PID" "$DATA/server.log" /ready
# a build from before /ready waited for the first account answers it at once: wait for the key itself too
tries=0
until curl -sf -m 1 -H "Authorization: Bearer $API_KEY" "http://127.0.0.1:$PORT/api/v2/campaigns" >/dev/null; do
    tries=$((tries + 1))
    [ "$tries" -lt 300 ] || { echo "the first account's API key did not work within 30 s" >&2; exit 1; }
    sleep 0.1
done
await_server "$BARE_PORT" 0.1 "$BARE_PID" "$DATA/bare.log"
auth=(-H "Authorization: Bearer $API_KEY")
key_of() { sed -E 's/.*"key":"([^"]+)".*/\1/'; }

if [ -z "$KEY" ]; then
    KEY=$(curl -sf -m 10 -X POST "${auth[@]}" "$BASE/api/v2/campaigns/1/postback_keys" \
        -d '{"type": "real_time_bidding", "name": "rtb-load", "options": {"publisher_id": 1}}' | key_of)
    [ -n "$KEY" ] || { echo "could not issue an RTB key on campaign 1" >&2; exit 1; }
fi
# a buyer without caps or hours, so every ping can reserve (the demo buyers' caps are used up within seconds)
curl -sf -m 10 -X POST "${auth[@]}" "$BASE/api/v2/buyers" \
    -d '{"name": "Bench buyer", "destination": "+12125550999", "priority": 1, "weight": 100, "campaign_ids": [1]}' >/dev/null
DW_KEY=$(curl -sf -m 10 -X POST "${auth[@]}" "$BASE/api/v2/publishers/1/postback_keys" \
    -d '{"type": "call_data_writing", "name": "bench"}' | key_of)
# the postbacks' call: a caller tagged bench_call:yes (by data writing) whose call a buyer answered and that ended,
# judged by a postback criterion on that tag; a conversion key of that buyer
curl -sf -m 10 -X POST "$BASE/data_writing?key=$DW_KEY" -d 'caller_number=%2B13125550199&bench_call=yes' >/dev/null
curl -sf -m 10 -X POST "${auth[@]}" "$BASE/api/v2/campaigns/1/conversion_criteria" \
    -d '{"name": "bench-sale", "matches": ["publisher_id:1", "bench_call:yes"], "trigger": {"type": "postback"}, "revenue": {"type": "posted"}, "payout": {"type": "modifier", "modifier": "*0.8"}}' >/dev/null
# the first postbacks' calls (callers +1602...): the same criterion on their area code. Made in every run, first-postback
# or not, so the ping's buyers are always judged against the same criteria
curl -sf -m 10 -X POST "${auth[@]}" "$BASE/api/v2/campaigns/1/conversion_criteria" \
    -d '{"name": "bench-first", "matches": ["publisher_id:1", "caller_area_code:602"], "trigger": {"type": "postback"}, "revenue": {"type": "posted"}, "payout": {"type": "modifier", "modifier": "*0.8"}}' >/dev/null
# a conversion criterion, so every reserved ping works out a payout (60% of 20.00 for 90 s)
curl -sf -m 10 -X POST "${auth[@]}" "$BASE/api/v2/campaigns/1/conversion_criteria" \
    -d '{"name": "rtb-load", "trigger": {"type": "duration", "seconds": 90}, "revenue": {"type": "static", "amount": 20}, "payout": {"type": "percent", "percent": 60}}' >/dev/null
CALL_UUID=$(curl -sf -m 10 -X POST "${auth[@]}" "$BASE/api/v2/call_control/calls" \
    -d '{"carrier_call_id": "bench-1", "from": "+13125550199", "to": "+18665550100"}' \
    | sed -E 's/.*"call_uuid":"([^"]+)".*/\1/')
curl -sf -m 10 -X POST "${auth[@]}" "$BASE/api/v2/call_control/calls/$CALL_UUID/attempts/1" -d '{"outcome": "answered"}' >/dev/null
curl -sf -m 10 -X POST "${auth[@]}" "$BASE/api/v2/call_control/calls/$CALL_UUID/hangup" \
    -d '{"duration_seconds": 70, "connected_seconds": 60}' >/dev/null
CALL_BUYER=$(curl -sf -m 10 "${auth[@]}" "$BASE/api/v2/calls/$CALL_UUID" | sed -nE 's/.*"buyer_id":([0-9]+).*/\1/p')
[ -n "$CALL_BUYER" ] || { echo "the bench call has no buyer" >&2; exit 1; }
CONV_KEY=$(curl -sf -m 10 -X POST "${auth[@]}" "$BASE/api/v2/buyers/$CALL_BUYER/postback_keys" \
    -d '{"type": "conversion", "name": "bench"}' | key_of)
for check in "/rtbs.json?key=$KEY" "/postbacks/$CONV_KEY?call_uuid=$CALL_UUID&value=10"; do
    echo "check ${check%%\?*}: $(curl -s -m 10 -X POST "$BASE$check" -d 'caller_number=%2B13125550198' | cut -c1-120)" >&2
done

# the callers as a Lua list: given numbers, or N generated ones (+13122000000, +13122000001, ...)
if [[ "$CALLERS" =~ ^[0-9]+$ ]]; then
    [ "$CALLERS" -ge 1 ] || { echo "--callers needs at least one caller" >&2; exit 2; }
    # valid North American numbers only: exchanges 200-999 of five area codes (an exchange starting with 0 or 1 is no
    # phone number, and such a caller is refused before any routing)
    LUA_CALLERS="local caller_count = $CALLERS; local areas = {312, 773, 415, 646, 213}; local function caller_at(i) local k = i % caller_count; return string.format(\"+1%d%03d%04d\", areas[math.floor(k / 8000000) % 5 + 1], 200 + math.floor(k / 10000) % 800, k % 10000) end"
else
    LUA_CALLERS="local callers = {"
    IFS=',' read -ra LIST <<<"$CALLERS"
    for c in "${LIST[@]}"; do
        [[ "$c" =~ ^\+[1-9][0-9]{1,14}$ ]] || { echo "caller $c is not an E.164 number" >&2; exit 2; }
        LUA_CALLERS="$LUA_CALLERS \"$c\","
    done
    LUA_CALLERS="$LUA_CALLERS }; local function caller_at(i) return callers[(i % #callers) + 1] end"
fi

# one script for every run: the same per-request Lua work and the same status counting for both servers
cat >"$DATA/load.lua" <<LUA
$LUA_CALLERS
local method, path, body_kind = os.getenv("RTB_METHOD"), os.getenv("RTB_PATH"), os.getenv("RTB_BODY")
local publisher, extra = "$PUBLISHER", os.getenv("RTB_EXTRA") or ""
local n = tonumber(os.getenv("RTB_OFFSET") or "0")
statuses = {}
-- first postbacks: the calls' UUIDs, one a line, taken in turn from RTB_OFFSET; past the last one, Switchboard's runs
-- post the last again (counted as "no fresh call", so a run that ran out shows it) and bare's start over
local uuids, wrap = nil, os.getenv("RTB_UUIDS_WRAP") == "1"
past_last = 0
if (os.getenv("RTB_UUIDS") or "") ~= "" then
    uuids = {}
    for line in io.lines(os.getenv("RTB_UUIDS")) do uuids[#uuids + 1] = line end
    if #uuids == 0 then uuids[1] = "00000000-0000-7000-8000-000000000000" end
end
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
    local target = path
    if uuids then
        local i = n
        if i > #uuids and wrap then
            i = (i - 1) % #uuids + 1
        elseif i > #uuids then
            past_last = past_last + 1
            i = #uuids
        end
        target = path .. "&call_uuid=" .. uuids[i]
    end
    if body_kind == "json" then
        body = '{"caller_number": "' .. caller .. '"' .. (publisher ~= "" and (', "publisher_id": "' .. publisher .. '"') or "") .. '}'
        headers = {["Content-Type"] = "application/json"}
    else
        body = "caller_number=" .. encode(caller) .. (publisher ~= "" and ("&publisher_id=" .. encode(publisher)) or "") .. extra
        headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
    end
    return wrk.format("POST", target, headers, body)
end

local pause = tonumber(os.getenv("RTB_DELAY_MS") or "0")
if pause > 0 then
    function delay()
        return pause
    end
end

examples = {}
function response(status, headers, body)
    local word = body:match('"status":"([^"]+)"') or body:match("^(%u+) ") or tostring(status)
    statuses[word] = (statuses[word] or 0) + 1
    if examples[word] == nil then
        examples[word] = status .. " " .. body:sub(1, 300)
    end
end

function done(summary, latency, requests)
    for _, thread in ipairs(threads) do
        for code, count in pairs(thread:get("statuses")) do
            io.write(string.format("status %s: %d\n", code, count))
        end
        if (thread:get("past_last") or 0) > 0 then
            io.write(string.format("status no fresh call: %d\n", thread:get("past_last")))
        end
        for code, example in pairs(thread:get("examples")) do
            io.write(string.format("example %s: %s\n", code, example))
        end
    end
    io.write(string.format("latency_ms %.2f %.2f %.2f %.2f\n", latency:percentile(50) / 1000,
        latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
end
LUA

NEXT_OFFSET=0
# with first postbacks: the calls' UUIDs, one a line; the next one no Switchboard run has posted, as an index into
# them (in a file: measure runs in a subshell); the highest rate seen so far, to know how many calls a run needs
UUIDS=""
echo 0 >"$DATA/uuids.next"
echo "${FIRST_RATE:-2000}" >"$DATA/uuids.rate"
# wrk_run BASE METHOD PATH BODY EXTRA SECONDS PAUSE: one wrk run (callers from a fresh offset), its output on stdout
wrk_run() {
    local base="$1" method="$2" path="$3" body="$4" extra="$5" seconds="$6" pause="$7" offset out wrap=0
    NEXT_OFFSET=$((NEXT_OFFSET + 1000000))
    offset=$NEXT_OFFSET
    if [ -n "$UUIDS" ]; then
        # bare answers any call alike: it goes round the calls made so far
        if [ "$base" = "$BASE" ]; then offset=$(cat "$DATA/uuids.next"); else offset=0; wrap=1; fi
    fi
    out=$(RTB_METHOD="$method" RTB_PATH="$path" RTB_BODY="$body" RTB_EXTRA="$extra" RTB_DELAY_MS="$pause" \
        RTB_OFFSET="$offset" RTB_UUIDS="$UUIDS" RTB_UUIDS_WRAP="$wrap" "${TASKSET_WRK[@]}" \
        wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --latency -s "$DATA/load.lua" "$base")
    echo "$out"
    if [ -n "$UUIDS" ] && [ "$base" = "$BASE" ]; then
        echo $((offset + $(echo "$out" | awk '/requests in/ {print $1}'))) >"$DATA/uuids.next"
        echo "$out" | awk -v seen="$(cat "$DATA/uuids.rate")" '/Requests\/sec/ {print ($2 > seen ? int($2) : seen)}' \
            >"$DATA/uuids.rate.new"
        mv "$DATA/uuids.rate.new" "$DATA/uuids.rate"
    fi
}

# ensure_calls SECONDS PAUSE: with first postbacks, enough ended calls not yet posted for a Switchboard run of SECONDS
# at the highest rate seen so far (or the paced rate), with a quarter to spare, made before the run (and before its
# CPU is read)
ensure_calls() {
    local rate have need
    [ -n "$UUIDS" ] || return 0
    rate=$(cat "$DATA/uuids.rate")
    [ "$2" -eq 0 ] || rate=$((CONNECTIONS * 1000 / $2))
    have=$(($(wc -l <"$UUIDS") - $(cat "$DATA/uuids.next")))
    need=$((rate * $1 * 5 / 4))
    [ "$have" -lt "$need" ] || return 0
    "${TASKSET_WRK[@]}" "$JAVA_HOME/bin/java" src/bench/java/org/switchboard/bench/EndedCalls.java \
        "$BASE" "$API_KEY" +18665550100 "$(wc -l <"$UUIDS")" $((need - have)) "$UUIDS" >&2
}

# cpu_ticks PID: the CPU time a process has used so far, user and system, in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))

# thread_times PID: per thread of the process, a line "T TID <its stat line>" and its context switches as
# "C TID voluntary_ctxt_switches: N" (a thread that ends meanwhile is left out)
thread_times() {
    local task
    for task in /proc/"$1"/task/*; do
        { printf 'T %s ' "${task##*/}"; cat "$task/stat"; } 2>/dev/null
        grep -h 'ctxt_switches' "$task/status" 2>/dev/null | sed "s/^/C ${task##*/} /"
    done
}

# thread_split BEFORE AFTER REQUESTS: the CPU of a run by group of threads, from two thread_times outputs, per request
# (a thread that started during the run counts from zero; one that ended is missing)
thread_split() {
    awk -v requests="$3" -v tick_us="$TICK_US" '
        function group(name) {
            if (name ~ /^ForkJoinPool/) return "carriers"
            if (name ~ /^Z/) return "ZGC"
            if (name ~ /^(G1 |GC Thread)/) return "collector"
            if (name ~ /^C[12] Compiler/) return "JIT"
            return name
        }
        $1 == "T" {
            op = index($0, "("); cp = 0
            for (i = length($0); i > op; i--) if (substr($0, i, 1) == ")") { cp = i; break }
            name = substr($0, op + 1, cp - op - 1)
            split(substr($0, cp + 2), f, " ")
            key = $2; names[key] = group(name)
            if (FILENAME == ARGV[1]) { cpu0[key] = f[12] + f[13]; sys0[key] = f[13] }
            else { cpu1[key] = f[12] + f[13]; sys1[key] = f[13] }
            next
        }
        $1 == "C" {
            if (FILENAME == ARGV[1]) cs0[$2] += $4; else cs1[$2] += $4
        }
        END {
            for (key in cpu1) {
                g = names[key]
                cpu[g] += cpu1[key] - cpu0[key]; sys[g] += sys1[key] - sys0[key]; cs[g] += cs1[key] - cs0[key]
                total += cpu1[key] - cpu0[key]
            }
            n = requests > 0 ? requests : 1
            for (g in cpu) {
                if (cpu[g] * 50 < total && g != "carriers") { other += cpu[g]; othersys += sys[g]; othercs += cs[g]; continue }
                printf "%d\t%s %.1f (%.1f; %.2f)\n", cpu[g], g, cpu[g] * tick_us / n, sys[g] * tick_us / n, cs[g] / n
            }
            printf "%d\t%s %.1f (%.1f; %.2f)\n", -1, "other", other * tick_us / n, othersys * tick_us / n, othercs / n
        }' "$1" "$2" | sort -t$'\t' -k1,1nr | cut -f2 | paste -sd, - | sed 's/,/, /g'
}

# measure LABEL PID BASE METHOD PATH BODY EXTRA PAUSE: a measured run of the server PID; prints its line to stderr,
# "req/s cpu-us-per-request" to stdout. CPU time per request is the steadier figure on a shared machine: other work
# takes turns on the core, which lowers req/s but not the CPU each request costs.
measure() {
    local label="$1" pid="$2" out rps lat statuses requests ticks cpu threads_before=""
    shift 2
    [ "$pid" != "$SERVER_PID" ] || ensure_calls "$RUN_SECONDS" "$6"
    [ -z "$THREADS" ] || [ "$pid" != "$SERVER_PID" ] || threads_before=$(thread_times "$pid")
    ticks=$(cpu_ticks "$pid")
    out=$(wrk_run "$1" "$2" "$3" "$4" "$5" "$RUN_SECONDS" "$6")
    ticks=$(( $(cpu_ticks "$pid") - ticks ))
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    cpu=$(awk "BEGIN {printf \"%.1f\", $ticks * $TICK_US / ($requests > 0 ? $requests : 1)}")
    lat=$(echo "$out" | awk '/^latency_ms/ {printf "p50 %s ms, p99 %s ms, p99.9 %s ms, max %s ms", $2, $3, $4, $5}')
    statuses=$(echo "$out" | awk '/^status / {sub(/^status /, ""); printf "%s%s", sep, $0; sep=", "}')
    echo "  $label: $rps req/s, $cpu us CPU/request, $lat (answers: $statuses)$(echo "$out" | awk '/Socket errors/ {print ", " $0}') [load $(cut -d' ' -f1-3 /proc/loadavg)]" >&2
    [ -z "${BENCH_EXAMPLES:-}" ] || echo "$out" | grep '^example ' | sed 's/^/    /' >&2
    if [ -n "$threads_before" ]; then
        echo "    by thread, us CPU/request (of it in the kernel; context switches/request): $(thread_split \
            <(echo "$threads_before") <(thread_times "$pid") "$requests")" >&2
    fi
    echo "$rps $cpu"
}

RATIOS=()
# a measured run's seconds, and the warm-up before a half-rate run (the first postbacks' runs are shorter)
RUN_SECONDS="$DURATION"
HALF_WARMUP=5
# compare NAME METHOD PATH BODY EXTRA WARMUP: both servers warmed up, then TURNS measured turns each, in turns;
# records "NAME/bare" as the ratio of the rates (sum over the turns) and of the CPU per request (bare's over
# Switchboard's, so 1 is as cheap as bare either way), and sets LAST_RATE (Switchboard's mean req/s)
compare() {
    local name="$1" method="$2" path="$3" body="$4" extra="$5" warmup="$6" bare_sum=0 sb_sum=0 bare_cpu=0 sb_cpu=0 r t
    echo "$name (warm-up: bare ${WARMUP_BASELINE:-10} s, Switchboard $warmup s)" >&2
    wrk_run "$BARE" "$method" "$path" "$body" "$extra" "${WARMUP_BASELINE:-10}" 0 >/dev/null
    ensure_calls "$warmup" 0
    wrk_run "$BASE" "$method" "$path" "$body" "$extra" "$warmup" 0 >/dev/null
    for ((t = 1; t <= TURNS; t++)); do
        # measure runs in a subshell: the offsets move on here, so no run re-uses another's callers
        NEXT_OFFSET=$((NEXT_OFFSET + 1000000))
        r=($(measure "bare, turn $t" "$BARE_PID" "$BARE" "$method" "$path" "$body" "$extra" 0))
        bare_sum=$(awk "BEGIN {print $bare_sum + ${r[0]}}")
        bare_cpu=$(awk "BEGIN {print $bare_cpu + ${r[1]}}")
        NEXT_OFFSET=$((NEXT_OFFSET + 1000000))
        r=($(measure "Switchboard, turn $t" "$SERVER_PID" "$BASE" "$method" "$path" "$body" "$extra" 0))
        sb_sum=$(awk "BEGIN {print $sb_sum + ${r[0]}}")
        sb_cpu=$(awk "BEGIN {print $sb_cpu + ${r[1]}}")
    done
    LAST_RATE=$(awk "BEGIN {printf \"%d\", $sb_sum / $TURNS}")
    RATIOS+=("ratio $name / bare: $(awk "BEGIN {printf \"%.3f\", $sb_sum / $bare_sum}") (req/s), $(awk "BEGIN {printf \"%.3f\", $bare_cpu / ($sb_cpu > 0 ? $sb_cpu : 1)}") (CPU per request)")
    echo "${RATIOS[-1]}" >&2
}

# half NAME METHOD PATH BODY EXTRA RATE: both servers at about half of RATE (each connection pauses between requests)
half() {
    local name="$1" method="$2" path="$3" body="$4" extra="$5" rate="$6" pause
    pause=$(awk "BEGIN {printf \"%d\", $CONNECTIONS * 1000 / ($rate / 2)}")
    echo "$name at about half Switchboard's rate (target $((rate / 2)) req/s, $pause ms between requests per connection)" >&2
    ensure_calls "$HALF_WARMUP" "$pause"
    wrk_run "$BASE" "$method" "$path" "$body" "$extra" "$HALF_WARMUP" "$pause" >/dev/null
    NEXT_OFFSET=$((NEXT_OFFSET + 1000000))
    measure "bare, half rate" "$BARE_PID" "$BARE" "$method" "$path" "$body" "$extra" "$pause" >/dev/null
    NEXT_OFFSET=$((NEXT_OFFSET + 1000000))
    measure "Switchboard, half rate" "$SERVER_PID" "$BASE" "$method" "$path" "$body" "$extra" "$pause" >/dev/null
}

# with BENCH_NMT: Switchboard's committed memory by JVM area; RSS above their total is the C heap's (malloc's) own keeping
native_memory() {
    [ -n "${BENCH_NMT:-}" ] || return 0
    "$JAVA_HOME/bin/jcmd" "$SERVER_PID" VM.native_memory summary scale=MB \
        | grep -E '^(Total|-  *(Java Heap|Class|Thread|Code|GC|Compiler|Internal|Other|Symbol|Metaspace|Arena Chunk|Shared))'
}
# soak: RSS of Switchboard minute by minute under a steady ping rate; the bare server is not measured
soak() {
    local pause rss min=0 max=0 m out
    pause=$(awk "BEGIN {printf \"%d\", $CONNECTIONS * 1000 / $RATE}")
    echo "soak: the ping at about $RATE req/s ($pause ms between requests per connection) for $SOAK min" >&2
    for ((m = 1; m <= SOAK; m++)); do
        out=$(wrk_run "$BASE" POST "$ENDPOINT?key=$KEY" "$BODY" "" 60 "$pause")
        rss=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$SERVER_PID/status")
        echo "minute $m: $(echo "$out" | awk '/Requests\/sec/ {printf "%d req/s", $2}'), $(echo "$out" | awk '/^latency_ms/ {printf "p50 %s ms, p99 %s ms, p99.9 %s ms, max %s ms", $2, $3, $4, $5}'), $(memory "$SERVER_PID") [load $(cut -d' ' -f1-3 /proc/loadavg)]"
        if [ "$m" -gt 1 ]; then
            if [ "$min" -eq 0 ] || [ "$rss" -lt "$min" ]; then min=$rss; fi
            if [ "$rss" -gt "$max" ]; then max=$rss; fi
        fi
    done
    [ "$SOAK" -lt 2 ] || echo "RSS after the first minute: $min-$max MiB, spread $(awk "BEGIN {printf \"%.1f\", ($max - $min) * 100 / $min}") %"
}
if [ -n "$SOAK" ]; then
    kill "$BARE_PID" 2>/dev/null || true
    soak
    native_memory
    exit 0
fi

echo "Switchboard pid $SERVER_PID on $BASE ($STORE store), bare pid $BARE_PID on $BARE, both on core 0; $DURATION s per run, $TURNS turns; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
server_opts="${BENCH_JAVA_OPTS:-} ${SERVER_JAVA_OPTS:-}"
[ -n "${server_opts// /}" ] || server_opts="none, the JVM defaults"
bare_opts="${BENCH_JAVA_OPTS:-} ${BARE_JAVA_OPTS:-}"
[ -n "${bare_opts// /}" ] || bare_opts="none, the JVM defaults"
echo "JVM options: Switchboard $server_opts; bare $bare_opts" >&2
if wants health; then
    compare "/health" GET /health form "" "${WARMUP_BASELINE:-10}"
fi
if wants ping; then
    compare "ping" POST "$ENDPOINT?key=$KEY" "$BODY" "" "${WARMUP_PING:-90}"
    half "ping" POST "$ENDPOINT?key=$KEY" "$BODY" "" "$LAST_RATE"
fi
if wants data; then
    compare "data writing" POST "/data_writing?key=$DW_KEY" form "&lead=bench" "${WARMUP_WRITE:-30}"
    half "data writing" POST "/data_writing?key=$DW_KEY" form "&lead=bench" "$LAST_RATE"
fi
if wants postback; then
    compare "postback" POST "/postbacks/$CONV_KEY?call_uuid=$CALL_UUID&value=10" form "" "${WARMUP_WRITE:-30}"
    half "postback" POST "/postbacks/$CONV_KEY?call_uuid=$CALL_UUID&value=10" form "" "$LAST_RATE"
fi
if wants first-postback; then
    UUIDS="$DATA/uuids"
    : >"$UUIDS"
    RUN_SECONDS="${FIRST_SECONDS:-3}"
    HALF_WARMUP=2
    compare "first postback" POST "/postbacks/$CONV_KEY?value=10" form "" "${WARMUP_FIRST:-5}"
    half "first postback" POST "/postbacks/$CONV_KEY?value=10" form "" "$LAST_RATE"
    UUIDS=""
fi
printf '%s\n' "${RATIOS[@]}"
echo "after the run: Switchboard $(memory "$SERVER_PID"); bare $(memory "$BARE_PID"); load $(cut -d' ' -f1-3 /proc/loadavg)"
native_memory
if [ -n "$PROFILE" ]; then
    "$JAVA_HOME/bin/jcmd" "$SERVER_PID" JFR.dump filename="$PROFILE" >/dev/null
    "$JAVA_HOME/bin/jfr" view --width 160 hot-methods "$PROFILE" | head -30
    "$JAVA_HOME/bin/jfr" view --width 160 allocation-by-site "$PROFILE" | head -30
fi
