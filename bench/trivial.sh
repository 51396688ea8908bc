#!/usr/bin/env bash
# trivial.sh — `make bench-trivial` (issue 18): the fixed cost of evaluation per household. Builds
# two policy folders of trivial scripts out of policies/*.lua — each keeps its script's contract
# (id, titles, scope, requires, tiers: everything from its `return {` on) and gets an evaluate that
# returns a constant not-eligible decision, in the two ways policy staff write one: a literal
# table (`return { eligible = false, amount = 0, reasons = { "trivial" } }`) and the decision
# library (`return decision.not_eligible("trivial")`, as the shipped scripts do) — and measures
# evaluation alone (evalcost.c) of the trivial and the shipped scripts side by side on the same
# generated households: CPU time per household, and instructions per household under callgrind
# (the worker thread only) when valgrind is installed. What the trivial scripts cost is what the
# host costs around the calls: the frames, the record push, the calls, taking the decisions. The
# "fixed cost" of issue 18 is the library form's line: it is how the shipped scripts decide.
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
mkdir -p "$WORK/literal/policies" "$WORK/library/policies"

# ---- the trivial scripts, in both forms ----
trivial_scripts() {   # form (literal | library), the line evaluate returns
    local f out
    for f in "$POL"/*.lua; do
        out=$WORK/$1/policies/$(basename "$f")
        grep -q '^return {' "$f" || die "$f has no line 'return {' to take its contract from"
        {
            echo "-- $(basename "$f") with evaluate returning a constant (bench/trivial.sh, $1 form)"
            [ "$1" = library ] && echo 'local decision = require "decision"'
            echo 'local function evaluate(h, p, ctx)'
            echo "  $2"
            echo 'end'
            echo
            sed -n '/^return {/,$p' "$f"
        } > "$out"
    done
    cp "$POL/params.xml" "$POL/areas.xml" "$WORK/$1/policies/"
    cp -r "$POL/lib" "$WORK/$1/policies/"
}
trivial_scripts literal 'return { eligible = false, amount = 0, reasons = { "trivial" } }'
trivial_scripts library 'return decision.not_eligible("trivial")'
N_SCRIPTS=$(ls "$WORK"/literal/policies/*.lua | wc -l)

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

cpu literal "$WORK/literal/policies"
cpu library "$WORK/library/policies"
cpu shipped "$POL"
for form in literal library; do
    [ "$(value_of eligible "$WORK/$form.cpu")" = 0 ] || die "a trivial script ($form) gave an eligible decision"
    [ "$(value_of decisions "$WORK/$form.cpu")" = "$(value_of decisions "$WORK/shipped.cpu")" ] \
        || die "the trivial ($form) and the shipped scripts gave different numbers of decisions"
done
if command -v valgrind > /dev/null; then
    IR_LITERAL=$(instructions literal "$WORK/literal/policies")
    IR_LIBRARY=$(instructions library "$WORK/library/policies")
    IR_SHIPPED=$(instructions shipped "$POL")
    IR_NOTE="callgrind, worker thread, first $CG_HOUSEHOLDS households, without the watchdog"
else
    IR_LITERAL="-" IR_LIBRARY="-" IR_SHIPPED="-"
    IR_NOTE="not measured: valgrind is not installed (apt-get install valgrind)"
fi

COMMIT=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "fixed cost of evaluation per household ($COMMIT, $(value_of households "$WORK/shipped.cpu") generated households, seed $SEED, $DATE, one worker)"
# (µ is two bytes: its column is one wider)
printf '  %-56s %19s %25s\n' "" "CPU µs / household" "instructions / household"
row() {   # label, name, instructions
    printf '  %-56s %18s %25s\n' "$1" "$(value_of cpu_us_per_household "$WORK/$2.cpu")" "$3"
}
row "$N_SCRIPTS trivial scripts, decision.not_eligible (fixed cost)" library "$IR_LIBRARY"
row "$N_SCRIPTS trivial scripts, literal decision table" literal "$IR_LITERAL"
row "$N_SCRIPTS shipped scripts" shipped "$IR_SHIPPED"
echo "  decisions per household: $(awk -v d="$(value_of decisions "$WORK/shipped.cpu")" \
    -v h="$(value_of households "$WORK/shipped.cpu")" 'BEGIN { printf "%.2f", d / h }')"
echo "  fixed cost: what the host costs per household around scripts that decide as the shipped"
echo "  ones do (through the decision library), each returning a constant not-eligible decision"
echo "  instructions: $IR_NOTE"
