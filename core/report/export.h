/* export.h — a stored run out to files: its metadata and decisions through an export writer (XML here; csv and json from plugins) and its HTML report. Given a path, a file appears whole or not at all. */
#ifndef BF_EXPORT_H
#define BF_EXPORT_H

#include <stdint.h>

#include "errors.h"
#include "plugin.h"
#include "store.h"

/* The built-in writer of format "xml": <export xmlns="urn:bangfu:export:1"> with the run, one
 * <decision> per stored decision and a closing <totals>; valid against core/input/schemas/export.xsd. */
extern const bf_writer bf_export_xml_writer;

/* What an export wrote. */
typedef struct bf_export_totals {
    int64_t decisions;                 /* decisions written */
    int64_t eligible;                  /* of which eligible */
    int64_t errors;                    /* of which error decisions */
    int64_t amount_fen;                /* sum of the amounts written */
} bf_export_totals;

/* Fills the plugin ABI's view of a stored run (pointers into run). */
void bf__export_run_view(const bf_stored_run *run, bf_export_run *out);

/* Streams run's metadata and its stored decisions (household id, then evaluation order, with
 * town, village and policy title) through writer w into out (NULL: standard output). With a
 * path, the writer fills a temporary file beside it that is renamed to out only after every
 * step succeeded; on any failure it is removed and out is left as it was. totals may be NULL.
 * BF_OK, or BF_EIO (writer or file), BF_ESTORE, BF_ENOMEM with a message in errs. */
int bf_export_write(bf_store *s, const bf_stored_run *run, const bf_writer *w, const char *out,
                    bf_export_totals *totals, bf_errors *errs);

/* Writes the HTML report of a stored run to path (atomically): the run's facts; per policy a
 * table (Chinese title, households, members, yearly amount, errors) and bar charts of eligible
 * households (svg#chart-policy-households) and amounts (svg#chart-policy-amount); per town,
 * from the stored decisions, households eligible for any policy and their total amount
 * (table#towns, svg#chart-town-households, svg#chart-town-amount). */
int bf_export_report_html(bf_store *s, const bf_stored_run *run, const char *path,
                          bf_errors *errs);

#endif
