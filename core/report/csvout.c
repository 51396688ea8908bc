/* csvout.c — writing CSV fields (RFC 4180) to a file, quoted by bf_buf_csv_field. */
#include "csvout.h"
#include "buf.h"

void bf__csv_field(FILE *out, const char *s)
{
    bf_buf b = {0};
    bf_buf_csv_field(&b, s);
    fputs(bf_buf_str(&b), out);
    bf_buf_free(&b);
}
