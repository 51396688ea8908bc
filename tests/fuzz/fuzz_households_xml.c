/* fuzz_households_xml.c — the streaming households reader (XML, schema validation, conversion)
 * and the record validator on whatever bytes: no crash, no leak, no undefined behaviour. */
#include <stdbool.h>

#include "bangfu.h"
#include "errors.h"
#include "fuzz_input.h"
#include "household.h"
#include "xmlio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = bf_fuzz_file("households.xml", data, size);
    bf_errors errs;
    bf_errors_init(&errs, 20);
    bf_xml_reader *r = NULL;
    if (bf_xml_reader_open(path, &errs, &r) == BF_OK) {
        bf_household h = {0};
        bool got = true, clean = false;
        while (bf_xml_reader_next(r, &h, &got, &clean) == BF_OK && got)
            if (clean)
                bf_household_validate(&h, path, 0, &errs);
        bf_household_free(&h);
        bf_xml_reader_close(r);
    }
    bf_errors_free(&errs);
    return 0;
}
