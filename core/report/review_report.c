/* review_report.c — the review's findings rendered: text (a heading, a section per kind, counts
 * at the end), JSON or CSV, as review.c's scan hands them over. */
#include "review_report.h"
#include "i18n.h"
#include "bangfu.h"
#include "buf.h"
#include "json.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct render {
    bf_review_format format;
    FILE *out;
    int64_t written;                   /* findings written so far (JSON commas) */
    bf_buf section[BF_REVIEW__N];      /* text: the lines of each kind, printed at the end */
    bf_buf line;                       /* scratch */
} render;

/* Appends reasons (a JSON array) joined by "；"; the raw text if it is no array. */
static void join_reasons(bf_buf *b, const char *reasons_json)
{
    if (!bf_json_join_strings(b, reasons_json, "；"))
        bf_buf_puts(b, reasons_json);
}

static void text_row(render *r, const bf_review_row *row)
{
    bf_buf *b = &r->section[row->kind];
    bf_buf_printf(b, "  %s  %s %s  %s", row->household, row->town, row->village, row->policy);
    if (row->policy_title)
        bf_buf_printf(b, _(" (%s)"), row->policy_title);
    if (row->member)
        bf_buf_printf(b, _("  member %s"), row->member);
    bf_buf_puts(b, "\n      ");
    join_reasons(b, row->reasons_json);
    bf_buf_puts(b, "\n");
}

/* Writes s as a JSON string, or null. */
static void json_opt(bf_buf *b, const char *s)
{
    if (s)
        bf_buf_json_string(b, s, strlen(s));
    else
        bf_buf_puts(b, "null");
}

static void json_row(render *r, const bf_review_row *row)
{
    bf_buf *b = &r->line;
    bf_buf_puts(b, r->written ? ",\n{\"household\":" : "\n{\"household\":");
    json_opt(b, row->household);
    const char *keys[] = {"town", "village", "kind", "policy", "policy_title", "member"};
    const char *vals[] = {row->town, row->village, bf_review_kind_id(row->kind), row->policy,
                          row->policy_title, row->member};
    for (int i = 0; i < 6; i++) {
        bf_buf_printf(b, ",\"%s\":", keys[i]);
        json_opt(b, vals[i]);
    }
    bf_buf_puts(b, ",\"reasons\":");
    bf_json_iter it;
    /* stored reasons are a JSON array already: copy it as it is once it proves well-formed */
    if (bf_json_iter_init(&it, row->reasons_json, strlen(row->reasons_json)) == BF_OK && !it.object) {
        bf_json_item item;
        int rc;
        while ((rc = bf_json_next(&it, &item)) == 1)
            ;
        bf_buf_puts(b, rc == 0 ? row->reasons_json : "[]");
    } else {
        bf_buf_puts(b, "[]");
    }
    bf_json_iter_free(&it);
    bf_buf_puts(b, "}");
}

static void csv_row(render *r, const bf_review_row *row)
{
    bf_buf *b = &r->line;
    const char *vals[] = {row->household, row->town, row->village, bf_review_kind_id(row->kind),
                          row->policy, row->policy_title, row->member};
    for (int i = 0; i < 7; i++) {
        bf_buf_csv_field(b, vals[i]);
        bf_buf_puts(b, ",");
    }
    bf_buf reason = {0};
    join_reasons(&reason, row->reasons_json);
    bf_buf_csv_field(b, bf_buf_str(&reason));
    bf_buf_free(&reason);
    bf_buf_puts(b, "\r\n");
}

static int on_row(void *ctx, const bf_review_row *row)
{
    render *r = ctx;
    bf_buf_clear(&r->line);
    if (r->format == BF_REVIEW_TEXT)
        text_row(r, row);
    else if (r->format == BF_REVIEW_JSON)
        json_row(r, row);
    else
        csv_row(r, row);
    r->written++;
    if (r->line.oom || r->section[row->kind].oom)
        return BF_ENOMEM;
    if (r->line.len && fwrite(r->line.data, 1, r->line.len, r->out) != r->line.len)
        return BF_EIO;
    return BF_OK;
}

static void write_text(render *r, const bf_stored_run *run, const bf_review_counts *c)
{
    /* TRANSLATORS: the numbers of the review's sections */
    static const char *const numerals[BF_REVIEW__N] = {
        NC_("section", "1"), NC_("section", "2"), NC_("section", "3"), NC_("section", "4"),
        NC_("section", "5")};
    fprintf(r->out, _("review · run %lld · evaluation date %s · %lld households\n"),
            (long long)run->id, run->eval_date, (long long)c->households);
    for (int k = 0; k < BF_REVIEW__N; k++) {
        if (c->rows[k] == 0 && k >= BF_REVIEW_UNKNOWN_POLICY)
            continue;                  /* the two exceptional kinds only when they occur */
        char number[2] = {(char)('1' + k), '\0'};
        fprintf(r->out, _("\n%s. %s (%s): %lld\n"), bf_pgettext(numerals[k], number),
                bf_review_kind_title(k), bf_review_kind_id(k), (long long)c->rows[k]);
        fputs(r->section[k].len ? bf_buf_str(&r->section[k]) : _("  (none)\n"), r->out);
    }
    fputs(_("\ntotals\n"), r->out);
    for (int k = 0; k < BF_REVIEW__N; k++)
        fprintf(r->out, "  %-24s %8lld\n", bf_review_kind_id(k), (long long)c->rows[k]);
}

int bf_review_write(bf_store *s, const bf_stored_run *run, bf_review_format format, FILE *out,
                    bf_review_counts *counts, bf_errors *errs)
{
    render r = {.format = format, .out = out};
    int errors_before = errs ? bf_errors_total(errs) : 0;
    if (format == BF_REVIEW_JSON)
        fprintf(out, "{\"run\":%lld,\"date\":\"%s\",\"findings\":[", (long long)run->id,
                run->eval_date);
    else if (format == BF_REVIEW_CSV)
        fputs("\xEF\xBB\xBFhousehold,town,village,kind,policy,policy_title,member,reason\r\n", out);
    int rc = bf_review_scan(s, run, on_row, &r, counts, errs);
    if (rc == BF_OK && format == BF_REVIEW_TEXT) {
        write_text(&r, run, counts);
    } else if (rc == BF_OK && format == BF_REVIEW_JSON) {
        fprintf(out, "%s],\"households\":%lld,\"counts\":{", r.written ? "\n" : "",
                (long long)counts->households);
        for (int k = 0; k < BF_REVIEW__N; k++)
            fprintf(out, "%s\"%s\":%lld", k ? "," : "", bf_review_kind_id(k),
                    (long long)counts->rows[k]);
        fputs("}}\n", out);
    }
    for (int k = 0; k < BF_REVIEW__N; k++)
        bf_buf_free(&r.section[k]);
    bf_buf_free(&r.line);
    if (rc == BF_OK && (fflush(out) != 0 || ferror(out)))
        rc = BF_EIO;
    if (rc == BF_EIO && (!errs || bf_errors_total(errs) == errors_before))
        bf_errors_add(errs, "%s", _("cannot write the review (disk full or output closed?)"));
    return rc;
}
