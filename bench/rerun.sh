#!/usr/bin/env bash
# rerun.sh — the monthly re-run, side by side with a full run (issue 17): a county of
# RERUN_HOUSEHOLDS households (1,000,000) is run once in full; RERUN_PERCENT percent of them (1)
# are imported again with a changed wage; then `bangfu run` (taking over the decisions of the
# households that cannot have changed) and `bangfu run --full` are timed on copies of that same
# database, and what each adds to the database file is measured. `bangfu diff` of the two runs
# must find no household whose decisions differ, or the bench stops. It only measures.
#
# Environment (set by bench/Makefile): TOP, BANGFU, BENCH_BIN (for `measure`). Optional:
# RERUN_HOUSEHOLDS (1000000), RERUN_PERCENT (1), RERUN_SEED (1).
set -euo pipefail
BENCH_NAME=rerun
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export LC_ALL=C.UTF-8        # the messages read below are the English ones
unset LANGUAGE

N=${RERUN_HOUSEHOLDS:-1000000}
PERCENT=${RERUN_PERCENT:-1}
SEED=${RERUN_SEED:-1}
WORK=$CACHE/rerun

mkdir -p "$CACHE"
rm -rf "$WORK"
mkdir -p "$WORK"
KEY=$(population_key)
XML=$CACHE/rerun-$N-s$SEED-$KEY.xml
if [ ! -f "$XML" ]; then
    echo "rerun: generating $N households (seed $SEED) into $XML" >&2
    "$BANGFU" gen --households "$N" --seed "$SEED" --policies "$POL" --out "$XML.tmp" > /dev/null
    mv "$XML.tmp" "$XML"
fi

# One household in every 100/PERCENT gets another wage (its wage + 1000): the month's changes.
EVERY=$(calc %d "100 / $PERCENT")
awk -v every="$EVERY" '
    NR <= 2 { print; next }                                   # XML declaration, <households>
    /<household id=/ { n++; keep = (n % every == 0) }
    /<\/households>/ { keep = 0 }
    keep && /<income wage="/ {
        match($0, /wage="[0-9.]+"/)
        w = substr($0, RSTART + 6, RLENGTH - 7) + 1000
        $0 = substr($0, 1, RSTART - 1) sprintf("wage=\"%.2f\"", w) substr($0, RSTART + RLENGTH)
    }
    keep { print }
    END { print "</households>" }' "$XML" > "$WORK/changed.xml"
CHANGED=$(grep -c '<household id=' "$WORK/changed.xml")

timed() {   # name, command...: runs it, prints wall seconds
    local log=$WORK/$1.log res wall rss code
    shift
    res=$("$BENCH_BIN/measure" -o "$log" -- "$@")
    read -r wall rss code _ <<<"$res"
    [ "$code" = 0 ] || { tail -n 20 "$log" >&2; die "failed (exit $code): $*"; }
    echo "$wall"
}
# what a database holds on disk: its file and, when a writer left one, its write-ahead log (the
# runs' connections close, which checkpoints it, but a size that missed it would be too small)
size() { local wal=0; [ ! -e "$1-wal" ] || wal=$(stat -c %s "$1-wal"); echo $(( $(stat -c %s "$1") + wal )); }

echo "rerun: importing the county and running it in full" >&2
timed import "$BANGFU" import "$XML" --db "$WORK/county.db" --policies "$POL" > /dev/null
timed first "$BANGFU" run --db "$WORK/county.db" --date "$DATE" --policies "$POL" > /dev/null
echo "rerun: importing $CHANGED changed households again" >&2
timed reimport "$BANGFU" import "$WORK/changed.xml" --db "$WORK/county.db" --replace \
    --policies "$POL" > /dev/null
cp "$WORK/county.db" "$WORK/full.db"
BEFORE=$(size "$WORK/county.db")

echo "rerun: bangfu run (taking over what cannot have changed)" >&2
REUSE_S=$(timed reuse "$BANGFU" run --db "$WORK/county.db" --date "$DATE" --policies "$POL")
REUSE_BYTES=$(( $(size "$WORK/county.db") - BEFORE ))
EVALUATED=$(sed -n 's/.*; evaluated \([0-9]*\)$/\1/p' "$WORK/reuse.log")
[ -n "$EVALUATED" ] || die "the run took nothing over: $(grep -i 'evaluated' "$WORK/reuse.log")"

echo "rerun: bangfu run --full" >&2
FULL_S=$(timed full "$BANGFU" run --db "$WORK/full.db" --date "$DATE" --policies "$POL" --full)
FULL_BYTES=$(( $(size "$WORK/full.db") - BEFORE ))

# the same decisions: the reusing run (2 in county.db) against the full one (2 in full.db),
# each compared with run 1 by diff, must name the same households with the same changes
"$BANGFU" diff 1 2 --db "$WORK/county.db" --format csv > "$WORK/diff-reuse.csv"
"$BANGFU" diff 1 2 --db "$WORK/full.db" --format csv > "$WORK/diff-full.csv"
cmp -s "$WORK/diff-reuse.csv" "$WORK/diff-full.csv" \
    || die "the reusing run's decisions differ from the full run's ($WORK/diff-*.csv)"

echo
echo "## The monthly re-run ($N households, $CHANGED imported again with another wage)"
echo
echo "| | bangfu run --full | bangfu run (re-run) | re-run / full |"
echo "| --- | ---: | ---: | ---: |"
echo "| households evaluated | $N | $EVALUATED | $(calc %.1f%% "100 * $EVALUATED / $N") |"
echo "| wall time (s) | $(calc %.2f "$FULL_S") | $(calc %.2f "$REUSE_S") | $(calc %.1f%% "100 * $REUSE_S / $FULL_S") |"
echo "| database growth (bytes) | $FULL_BYTES | $REUSE_BYTES | $(calc %.2f%% "100 * $REUSE_BYTES / ($FULL_BYTES > 0 ? $FULL_BYTES : 1)") |"
echo
echo "Both runs' decisions, compared with the first run by bangfu diff, are the same."
echo "{\"rerun\":{\"households\":$N,\"changed\":$CHANGED,\"evaluated\":$EVALUATED,\"full_s\":$FULL_S,\"rerun_s\":$REUSE_S,\"full_bytes\":$FULL_BYTES,\"rerun_bytes\":$REUSE_BYTES}}"
