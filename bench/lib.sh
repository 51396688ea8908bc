# lib.sh — what the bench drivers share (sourced by bench.sh, rerun.sh and trivial.sh after they
# set BENCH_NAME): the environment bench/Makefile sets, the evaluation date and folders, the
# error exit, awk arithmetic, and the key of a generated population.

: "${TOP:?}" "${BANGFU:?}" "${BENCH_BIN:?}" "${BENCH_NAME:?}"
DATE=2021-06-30
POL=$TOP/policies
CACHE=$TOP/bench/cache

die() { echo "$BENCH_NAME: $*" >&2; exit 1; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }   # calc FORMAT EXPRESSION

# The key of a population that `bangfu gen` generates: its households follow the generator, the
# places and standard of policies/ and, for what the records say, the policy scripts (gen
# evaluates them); a database also follows the schema. A cached population under another key
# is outdated.
population_key() {
    { cat "$TOP/core/input/gen.c" "$TOP/core/input/genwrite.c" "$TOP/core/input/gen.h" \
          "$POL"/*.lua "$POL"/lib/*.lua "$POL/params.xml" "$POL/areas.xml"
      grep SCHEMA_VERSION "$TOP/core/store/store.h"; } | sha256sum | cut -c1-12
}
