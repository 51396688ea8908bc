/* fuzz_cases.c — policy test-case files (urn:bangfu:cases:1) as `bangfu test` reads them. */
#include "bangfu.h"
#include "cases.h"
#include "errors.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bf_fuzz_file("cases.xml", data, size);
    bf_errors errs;
    bf_errors_init(&errs, 20);
    bf_case_suite suite = {0};
    bf_cases_load_dir(bf_fuzz_dir(), &suite, &errs);
    bf_cases_free(&suite);                       /* a failed load keeps what it read, too */
    bf_errors_free(&errs);
    return 0;
}
