#!/usr/bin/env bash
# trivial.sh — `make bench-trivial` (issue 18): the fixed cost of evaluation per household. Builds
# a policy folder of trivial scripts out of policies/*.lua — each keeps its script's contract (id,
# titles, scope, requires, tiers: everything from its `return {` on) and gets an evaluate that
# returns a constant not-eligible decision — and measures evaluation alone (evalcost.c) of the
# trivial and the shipped scripts side by side on the same generated households: CPU time per
# household, and instructions per household under callgrind (the worker thread only) when
# valgrind is installed. What the trivial scripts cost is what the host costs around the calls:
# the frames, the record push, the calls, taking the decisions.
#
# Environment (set by bench/Makefile): TOP, BANGFU, BENCH_BIN. Optional: TRIVIAL_HOUSEHOLDS
# (households for CPU time, 100000), TRIVIAL_CALLGRIND_HOUSEHOLDS (under callgrind, 3000),
# BENCH_SEED (1).
set -euo pipefail
BENCH_NAME=bench-trivial
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
HOUSEHOLDS=${TRIVIAL_HOUSEHOLDS:-100000}
CG_HOUSEHOLDS=${TRIVIAL_CALLGRIND_HOUSEHOLDS:-3000}
SEED=${BENCH_SEED:-1}
WORK=$CACHE/trivial

mkdir -p "$CACHE"
rm -rf "$WORK"
mkdir -p "$WORK/policies"

# ---- the trivial scripts ----
for f in "$POL"/*.lua; do
    out=$WORK/policies/$(basename "$f")
    grep -q '^return {' "$f" || die "$f has no line 'return {' to take its contract from"
    {
        echo "-- $(basename "$f") with evaluate returning a constant (bench/trivial.sh)"
        echo 'local function evaluate(h, p, ctx)'
        echo '  return { eligible = false, amount = 0, reasons = { "trivial" } }'
        echo 'end'
        echo
        sed -n '/^return {/,$p' "$f"
    } > "$out"
done
cp "$POL/params.xml" "$POL/areas.xml" "$WORK/policies/"
N_SCRIPTS=$(ls "$WORK"/policies/*.lua | wc -l)

# ---- the households (generated once per size, seed and generator) ----
KEY=$(population_key)
DB=$CACHE/trivial-$HOUSEHOLDS-s$SEED-$KEY.db
for f in "$CACHE"/trivial-*.db; do
    if [ -e "$f" ] && [ "$f" != "$DB" ]; then rm -f "$f"; fi
done
if [ ! -f "$DB" ]; then
    echo "bench-trivial: generating $HOUSEHOLDS households (seed $SEED)" >&2
    "$BANGFU" gen --households "$HOUSEHOLDS" --seed "$SEED" --policies "$POL" --db "$DB.tmp" > /dev/null \
        || die "bangfu gen failed"
    mv "$DB.tmp" "$DB"
fi

value_of() { awk -v k="$1" '$1 == k { print $2; exit }' "$2"; }
cpu() {   # name, policies folder
    "$BENCH_BIN/evalcost" "$DB" "$2" "$DATE" "$HOUSEHOLDS" > "$WORK/$1.cpu" \
        || { cat "$WORK/$1.cpu" >&2; die "evalcost failed on the $1 scripts"; }
}
# instructions of the worker thread per household (callgrind's total of what it collected),
# without the watchdog, whose re-runs under valgrind's slowness would make the count vary
instructions() {   # name, policies folder
    valgrind --tool=callgrind --toggle-collect=worker_main --callgrind-out-file="$WORK/$1.callgrind" \
        "$BENCH_BIN/evalcost" "$DB" "$2" "$DATE" "$CG_HOUSEHOLDS" no-budget > "$WORK/$1.cg.out" 2> "$WORK/$1.cg.err" \
        || { tail -20 "$WORK/$1.cg.err" >&2; die "callgrind of evalcost failed on the $1 scripts"; }
    local ir n
    ir=$(awk '/^summary:/ { print $2; exit }' "$WORK/$1.callgrind")
    n=$(value_of households "$WORK/$1.cg.out")
    awk -v i="$ir" -v n="$n" 'BEGIN { printf "%.1fk", i / n / 1000 }'
}

cpu trivial "$WORK/policies"
cpu shipped "$POL"
[ "$(value_of eligible "$WORK/trivial.cpu")" = 0 ] || die "a trivial script gave an eligible decision"
[ "$(value_of decisions "$WORK/trivial.cpu")" = "$(value_of decisions "$WORK/shipped.cpu")" ] \
    || die "the trivial and the shipped scripts gave different numbers of decisions"
if command -v valgrind > /dev/null; then
    IR_TRIVIAL=$(instructions trivial "$WORK/policies")
    IR_SHIPPED=$(instructions shipped "$POL")
    IR_NOTE="callgrind, worker thread, first $CG_HOUSEHOLDS households, without the watchdog"
else
    IR_TRIVIAL="-" IR_SHIPPED="-"
    IR_NOTE="not measured: valgrind is not installed (apt-get install valgrind)"
fi

COMMIT=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "fixed cost of evaluation per household ($COMMIT, $(value_of households "$WORK/shipped.cpu") generated households, seed $SEED, $DATE, one worker)"
# (µ is two bytes: its column is one wider)
printf '  %-40s %19s %25s\n' "" "CPU µs / household" "instructions / household"
printf '  %-40s %18s %25s\n' "$N_SCRIPTS trivial scripts (constant decision)" \
    "$(value_of cpu_us_per_household "$WORK/trivial.cpu")" "$IR_TRIVIAL"
printf '  %-40s %18s %25s\n' "$N_SCRIPTS shipped scripts" \
    "$(value_of cpu_us_per_household "$WORK/shipped.cpu")" "$IR_SHIPPED"
echo "  decisions per household: $(awk -v d="$(value_of decisions "$WORK/shipped.cpu")" \
    -v h="$(value_of households "$WORK/shipped.cpu")" 'BEGIN { printf "%.2f", d / h }')"
echo "  instructions: $IR_NOTE"
