/* fuzz_scenario.c — scenario files (urn:bangfu:scenario:1) as simulate --scenario reads them. */
#include "bangfu.h"
#include "errors.h"
#include "fuzz_input.h"
#include "simulate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = bf_fuzz_file("scenario.xml", data, size);
    bf_errors errs;
    bf_errors_init(&errs, 20);
    bf_scenario sc = {0};
    if (bf_scenario_load(path, &sc, &errs) == BF_OK)
        bf_scenario_free(&sc);
    bf_errors_free(&errs);
    return 0;
}
