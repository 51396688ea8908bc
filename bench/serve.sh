#!/usr/bin/env bash
# serve.sh — the load bench of bangfu serve (make bench, make bench-serve). On a generated county
# of SERVE_HOUSEHOLDS (100000) households: 32 clients (SERVE_CLIENTS) ask /api/check for random
# households for SERVE_SECONDS (30) on keep-alive connections; errors and p99 are printed. Then on
# a county of SERVE_SIM_HOUSEHOLDS (1000000) the same load while one simulation of the whole
# county runs (POST /api/simulate, dibao.standard 640): the look-ups' p99 beside it. The counties
# are generated once and kept under bench/cache/. It only measures; nothing fails for slowness.
# Environment (set by bench/Makefile): TOP, BANGFU, BENCH_BIN.
set -euo pipefail
: "${TOP:?}" "${BANGFU:?}" "${BENCH_BIN:?}"
HOUSEHOLDS=${SERVE_HOUSEHOLDS:-100000}
SIM_HOUSEHOLDS=${SERVE_SIM_HOUSEHOLDS:-1000000}
CLIENTS=${SERVE_CLIENTS:-32}
SECONDS_=${SERVE_SECONDS:-30}
DATE=2021-06-30
CACHE=$TOP/bench/cache
mkdir -p "$CACHE"

county() {                       # county N: the path of a generated county of N households
    local db=$CACHE/serve-$1.db
    if [ ! -s "$db" ]; then
        echo "bench serve: generating $1 households into $db" >&2
        rm -f "$db" "$db-wal" "$db-shm"
        "$BANGFU" gen --households "$1" --policies "$TOP/policies" --db "$db" >/dev/null
    fi
    echo "$db"
}

SERVER=""
start() {                        # start DB: serves DB on a free port; sets PORT
    local out=$CACHE/serve.out
    "$BANGFU" serve --db "$1" --listen 127.0.0.1:0 --policies "$TOP/policies" >"$out" 2>&1 &
    SERVER=$!
    for _ in $(seq 100); do
        PORT=$(grep -o '127\.0\.0\.1:[0-9]*' "$out" | head -1 | cut -d: -f2 || true)
        [ -n "$PORT" ] && return 0
        sleep 0.1
    done
    echo "bench serve: the server did not start: $(cat "$out")" >&2
    exit 1
}
stop() { kill -TERM "$SERVER"; wait "$SERVER" || true; }
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true' EXIT

DB=$(county "$HOUSEHOLDS")
start "$DB"
echo "bench serve: $CLIENTS clients, ${SECONDS_} s of /api/check on $HOUSEHOLDS households"
LOOKUPS=$("$BENCH_BIN/serve_load" "$PORT" "$HOUSEHOLDS" "$CLIENTS" "$SECONDS_" "$DATE")
echo "  $LOOKUPS"
stop

DB=$(county "$SIM_HOUSEHOLDS")
start "$DB"
echo "bench serve: the same while one simulation of $SIM_HOUSEHOLDS households runs"
BODY='{"date":"'$DATE'","set":{"dibao.standard":640}}'
{
    exec 3<>"/dev/tcp/127.0.0.1/$PORT"
    printf 'POST /api/simulate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s' \
        "${#BODY}" "$BODY" >&3
    T=$EPOCHREALTIME
    head -1 <&3 >"$CACHE/serve-sim.status"
    awk -v a="$T" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }' >"$CACHE/serve-sim.seconds"
} &
SIM=$!
sleep 1
BESIDE=$("$BENCH_BIN/serve_load" "$PORT" "$SIM_HOUSEHOLDS" "$CLIENTS" "$SECONDS_" "$DATE")
echo "  $BESIDE"
wait "$SIM"
echo "  the simulation: $(tr -d '\r' <"$CACHE/serve-sim.status") after $(cat "$CACHE/serve-sim.seconds") s"
stop
echo "{\"serve\":{\"households\":$HOUSEHOLDS,\"lookups\":$LOOKUPS,\"sim_households\":$SIM_HOUSEHOLDS,\"beside_simulation\":$BESIDE}}"
