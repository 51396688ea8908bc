/* review_report.h — the review's findings (review.h) as text, JSON or CSV. */
#ifndef BF_REVIEW_REPORT_H
#define BF_REVIEW_REPORT_H

#include <stdio.h>

#include "errors.h"
#include "review.h"
#include "store.h"

typedef enum { BF_REVIEW_TEXT, BF_REVIEW_JSON, BF_REVIEW_CSV } bf_review_format;

/* Runs the review of run and writes it to out: text (Chinese headings, one section per kind,
 * counts at the end), JSON {"run","date","households","findings":[…],"counts":{…}}, or CSV
 * (UTF-8 with a BOM, RFC 4180: household,town,village,kind,policy,policy_title,member,reason).
 * BF_OK, BF_EIO when out could not be written, or a store error; errs says what. */
int bf_review_write(bf_store *s, const bf_stored_run *run, bf_review_format format, FILE *out,
                    bf_review_counts *counts, bf_errors *errs);

#endif
