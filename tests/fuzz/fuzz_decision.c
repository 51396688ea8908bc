/* fuzz_decision.c — the host's intake of a decision from Lua: checking, rounding, copying reasons
 * and details, whatever a script returns. The fuzzed bytes become the household's village, from
 * which tests/fuzz/decision/fuzzed.lua builds the decision it returns. One engine per process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bangfu.h"
#include "date.h"
#include "engine.h"
#include "errors.h"
#include "household.h"
#include "params.h"

#ifndef BF_FUZZ_POLICIES
#define BF_FUZZ_POLICIES "tests/fuzz/decision"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bf_params *defs;
static bf_param_set set;
static bf_engine *engine;

static void die(const char *what, bf_errors *errs)
{
    fprintf(stderr, "fuzz_decision: %s\n", what);
    for (int i = 0; errs && i < errs->count; i++)
        fprintf(stderr, "  %s\n", errs->msgs[i]);
    abort();
}

/* Opens the engine over tests/fuzz/decision once; aborts when that fails, since every input
 * would then test nothing. */
static void setup_once(void)
{
    if (engine)
        return;
    bf_errors errs;
    bf_errors_init(&errs, 20);
    bf_date date;
    if (bf_date_parse("2021-06-30", &date) != BF_OK)
        die("bad date", NULL);
    if (bf_params_load(BF_FUZZ_POLICIES "/params.xml", &defs, &errs) != BF_OK ||
        bf_params_resolve(defs, date, NULL, 0, &set, &errs) != BF_OK)
        die("cannot load " BF_FUZZ_POLICIES "/params.xml", &errs);
    bf_engine_config cfg = {.policies_dir = BF_FUZZ_POLICIES, .params = defs, .sets = &set,
                            .n_sets = 1, .date = date, .jobs = 1};
    if (bf_engine_open(&cfg, &engine, &errs) != BF_OK)
        die("cannot open the engine on " BF_FUZZ_POLICIES, &errs);
    bf_errors_free(&errs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup_once();
    bf_household h;
    memset(&h, 0, sizeof h);
    bf_household_reset(&h);
    snprintf(h.id, sizeof h.id, "F1");
    snprintf(h.town, sizeof h.town, "乳城镇");
    size_t n = size < sizeof h.village - 1 ? size : sizeof h.village - 1;
    memcpy(h.village, data, n);
    h.village[n] = '\0';
    bf_member *m = bf_household_add_member(&h);
    if (!m)
        abort();
    snprintf(m->id, sizeof m->id, "F1-1");
    bf_result res;
    memset(&res, 0, sizeof res);
    bf_engine_evaluate(engine, &h, 1, 0, &res);
    bf_result_free(&res);
    bf_household_free(&h);
    return 0;
}
