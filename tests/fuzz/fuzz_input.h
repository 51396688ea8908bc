/* fuzz_input.h — what every libFuzzer harness of tests/fuzz shares: the fuzzed bytes written to a
 * file of this process, because the readers under test take a path, as the CLI gives them. */
#ifndef BF_FUZZ_INPUT_H
#define BF_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* Writes data to a file private to this process (same path on every call) and returns its path;
 * name is the file's base name (a reader may decide by it). Aborts when the file cannot be written:
 * a harness that silently tests nothing would be worse than one that stops. */
const char *bf_fuzz_file(const char *name, const uint8_t *data, size_t size);
/* A folder private to this process, made once (for readers that take a folder). */
const char *bf_fuzz_dir(void);

#endif
