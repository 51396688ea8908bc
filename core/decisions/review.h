/* review.h — 数据比对 (plan 二（二）): what the households' records say against what a stored run decided — recorded but not eligible, eligible but not recorded (漏保), new monitoring candidates. */
#ifndef BF_REVIEW_H
#define BF_REVIEW_H

#include <stdint.h>
#include <stdio.h>

#include "errors.h"
#include "store.h"

/* What a finding is about; also the order of the sections of the text output. */
typedef enum {
    BF_REVIEW_RECORDED_NOT_ELIGIBLE,   /* recorded, but no decision of the policy is eligible */
    BF_REVIEW_ELIGIBLE_NOT_RECORDED,   /* dibao or tekun eligible, not recorded: possible omission */
    BF_REVIEW_MONITORING_CANDIDATE,    /* monitoring alert on a household with monitor = none */
    BF_REVIEW_UNKNOWN_POLICY,          /* recorded policy id the run does not know */
    BF_REVIEW_EVALUATION_ERROR,        /* recorded, not eligible anywhere, and the evaluation failed */
    BF_REVIEW__N
} bf_review_kind;

/* The machine name of a kind ("recorded_not_eligible", …), as in JSON and CSV. */
const char *bf_review_kind_id(bf_review_kind kind);
/* The Chinese heading of a kind ("有记录但不符合条件", …). */
const char *bf_review_kind_title(bf_review_kind kind);

/* One finding. Texts are valid during the callback only. */
typedef struct bf_review_row {
    bf_review_kind kind;
    const char *household, *town, *village;
    const char *policy;
    const char *policy_title;          /* NULL for an unknown policy */
    const char *member;                /* NULL for household scope */
    const char *reasons_json;          /* JSON array of strings: the stored reasons, the error, or
                                        * what is missing */
} bf_review_row;

/* Receives each finding; a non-zero return stops the scan with that code. */
typedef int (*bf_review_fn)(void *ctx, const bf_review_row *row);

typedef struct bf_review_counts {
    int64_t households;                /* households compared */
    int64_t rows[BF_REVIEW__N];        /* findings of each kind */
} bf_review_counts;

/* Compares every stored household with run's decisions and calls emit for each finding, in
 * household id order; within a household: the recorded policies in their listed order, then
 * omissions and the monitoring candidate in evaluation order. BF_OK, or an error with its message in errs. */
int bf_review_scan(bf_store *s, const bf_stored_run *run, bf_review_fn emit, void *ctx,
                   bf_review_counts *counts, bf_errors *errs);

#endif
