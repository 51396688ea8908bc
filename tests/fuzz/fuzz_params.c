/* fuzz_params.c — params.xml (schema, dated values) and the values in force on a date. */
#include "bangfu.h"
#include "date.h"
#include "errors.h"
#include "fuzz_input.h"
#include "params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = bf_fuzz_file("params.xml", data, size);
    bf_errors errs;
    bf_errors_init(&errs, 20);
    bf_params *p = NULL;
    if (bf_params_load(path, &p, &errs) == BF_OK) {
        bf_date dates[2];
        if (bf_date_parse("2021-06-30", &dates[0]) == BF_OK &&
            bf_date_parse("2023-01-01", &dates[1]) == BF_OK)
            for (int i = 0; i < 2; i++) {
                bf_param_set set = {0};
                bf_errors resolve_errs;
                bf_errors_init(&resolve_errs, 20);
                bf_params_resolve(p, dates[i], NULL, 0, &set, &resolve_errs);
                bf_param_set_free(&set);
                bf_errors_free(&resolve_errs);
            }
        bf_params_free(p);
    }
    bf_errors_free(&errs);
    return 0;
}
