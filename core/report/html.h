/* html.h — self-contained HTML report pages (inline CSS, inline SVG bar charts, no scripts) built with libxml2's tree API, so every text is escaped by the serializer; saved atomically. */
#ifndef BF_HTML_H
#define BF_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"

/* A page under construction. Every bf_html_* call returns BF_OK or BF_ENOMEM; after a failure
 * the page remembers it and bf_html_render/bf__html_save report it, so callers may check only
 * at the end. */
typedef struct bf_html bf_html;

/* ---- Pages ---- */

/* Starts a page: <!DOCTYPE html>, <html lang="zh-CN">, <meta charset="utf-8">, <title>title,
 * the inline style sheet, and <h1>title</h1> in the body. NULL when out of memory. */
bf_html *bf_html_new(const char *title);
/* Frees the page. NULL is allowed. */
void bf_html_free(bf_html *page);

/* ---- Text ---- */

/* Appends a heading <hN> (level 2 … 4) to the body. */
int bf_html_heading(bf_html *page, int level, const char *text);
/* Appends a paragraph; cls ("note", NULL) becomes its class attribute. */
int bf_html_paragraph(bf_html *page, const char *cls, const char *text);
/* Appends a definition list of facts: n (term, value) pairs given as 2n strings. */
int bf_html_facts(bf_html *page, const char *const *pairs, int n);

/* ---- Tables ---- */

typedef struct bf_html_column {
    const char *key;          /* data-key of the header and of each cell of this column */
    const char *label;        /* header text */
    bool numeric;             /* right-aligned, tabular digits */
} bf_html_column;

/* A table being filled; it belongs to its page. */
typedef struct bf_html_table bf_html_table;

/* Appends <table id=id> with a caption (may be NULL) and a header row of n_cols columns (the
 * array is copied). NULL when out of memory (the page remembers it). */
bf_html_table *bf_html_table_new(bf_html *page, const char *id, const char *caption,
                                 const bf_html_column *cols, int n_cols);
/* Appends a body row <tr data-key=key> of n_cols cells (NULL cells are empty). */
int bf_html_table_row(bf_html_table *t, const char *key, const char *const *cells);
/* Appends a footer row (totals) <tr data-key=key class="total"> in <tfoot>. */
int bf__html_table_footer(bf_html_table *t, const char *key, const char *const *cells);

/* Makes cell col of the last body row a link to href (its text kept). */
int bf_html_table_link(bf_html_table *t, int col, const char *href);

/* ---- Links and forms (the pages of bangfu serve) ---- */

/* Appends n links given as 2n strings (href, text): a <nav class=cls> (a site's menu), or with
 * cls NULL a paragraph of links separated by " · ". */
int bf_html_links(bf_html *page, const char *cls, const char *const *pairs, int n);

/* One field of a form. */
typedef struct bf_html_field {
    const char *type;         /* "text", "search", "password", "number", "date", "hidden", or
                               * "legend": starts a <fieldset> (id name) titled label */
    const char *name;
    const char *label;        /* the words before the field (may be NULL) */
    const char *value;        /* its initial value (may be NULL) */
    const char *note;         /* small words after the field (may be NULL) */
} bf_html_field;
/* Appends <form id action method> with n fields, each in a <label>, and a submit button. */
int bf_html_form(bf_html *page, const char *id, const char *action, const char *method,
                 const bf_html_field *fields, int n, const char *submit);
/* Makes the page reload itself every seconds (a simulation's progress, without script). */
int bf_html_refresh(bf_html *page, int seconds);

/* ---- Charts ---- */

/* One series of a bar chart: one value per label. */
typedef struct bf_html_series {
    const char *name;         /* legend text ("基线", "方案"); may be NULL with one series */
    const int64_t *values;    /* integers scaled by 10^decimals (fen for yuan: decimals 2) */
} bf_html_series;

typedef struct bf_html_chart {
    const char *id;           /* id of the <svg> element (tests find charts by it) */
    const char *title;        /* heading above the chart */
    const char *unit;         /* after each value ("户", "元"); may be NULL */
    int decimals;             /* 0 for counts, 2 for money given in fen */
    const char *const *labels;   /* n bar labels (Chinese titles, towns) */
    const char *const *keys;     /* n stable keys (policy ids) for data-key, or NULL */
    int n;
    bf_html_series series[2];
    int n_series;             /* 1, or 2 (baseline and scenario, with a legend) */
} bf_html_chart;

/* Appends a horizontal bar chart as inline SVG inside <figure class="chart">: per label one
 * <rect class="bar s0|s1"> per series, carrying data-label, data-key (when keys are given),
 * data-series (the series name, or "0"/"1") and data-value (the exact value as text, e.g.
 * "35616.00"), and a <title> tooltip. Negative values extend left of the zero line. */
int bf_html_bar_chart(bf_html *page, const bf_html_chart *chart);

#define BF_HTML_NUMLEN 48
/* Formats a scaled integer with decimals (0 … 6) digits after the point ("35616.00", "-0.05", "27"). */
void bf_html_format_scaled(int64_t value, int decimals, char out[BF_HTML_NUMLEN]);

/* ---- Output ---- */

/* Serialises the page as UTF-8 HTML into a malloc'd buffer (*out, *len; free with free()).
 * BF_OK, or BF_ENOMEM (also when an earlier call failed). */
int bf_html_render(bf_html *page, char **out, size_t *len);
/* Writes the page to path atomically: a temporary file in the same folder, then rename, so a
 * failure leaves no file (and an existing file untouched). BF_OK, or BF_EIO/BF_ENOMEM with a
 * message naming the path in errs. */
int bf__html_save(bf_html *page, const char *path, bf_errors *errs);

#endif
