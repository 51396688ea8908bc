/* import.c — household files into the store: stream each source through the importer, report
 * progress, and commit all of it in one transaction or nothing. */
#include "import.h"
#include "i18n.h"
#include "bangfu.h"
#include "plugin.h"
#include "progress.h"
#include "sink.h"
#include "xmlio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One import's reading: the importer, and how far through the files it is. */
typedef struct reading {
    bf_importer *im;
    bf_errors *errs;
    bool unreadable;         /* a file could not be opened (reported; the others are checked) */
    bf_progress progress;
    int64_t bytes_done;      /* bytes of the files already finished */
} reading;

/* Streams one XML file through bf__importer_take. */
static void import_xml_file(reading *rd, const char *path, bf_household *h)
{
    const char *file = bf__importer_file(rd->im, path);
    bf_xml_reader *r;
    int rc = file ? bf_xml_reader_open(file, rd->errs, &r) : BF_ENOMEM;
    if (rc != BF_OK) {
        if (rc == BF_EIO)
            rd->unreadable = true;
        else if (rc != BF_EINPUT)       /* bad input: check the other files */
            bf__importer_stop(rd->im, rc);
        return;
    }
    int64_t count = 0, done = 0, total = 0;
    bool got, clean;
    while (bf__importer_status(rd->im) == BF_OK && bf_xml_reader_next(r, h, &got, &clean) == BF_OK
           && got) {
        bf_locator loc = bf__xml_reader_locator(r);
        bf__importer_take(rd->im, h, file, &loc);
        if (++count % 512 == 0) {
            bf__xml_reader_progress(r, &done, &total);
            bf_progress_update(&rd->progress, (rd->bytes_done + done) / 1024);
        }
    }
    bf__xml_reader_progress(r, &done, &total);
    rd->bytes_done += total;
    bf_progress_update(&rd->progress, rd->bytes_done / 1024);
    bf_xml_reader_close(r);
}

/* Size of a file in bytes, 0 when it cannot be read (that is reported when it is opened). */
static int64_t file_bytes(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    int64_t size = 0;
    if (fseeko(f, 0, SEEK_END) == 0) {
        off_t end = ftello(f);
        if (end > 0)
            size = end;
    }
    fclose(f);
    return size;
}

/* Reads one source: XML files one by one, or every file of a plugin reader in one call. */
static void import_source(reading *rd, const bf_import_source *src, bf_household *h)
{
    if (!src->reader) {
        for (int i = 0; i < src->n_paths && bf__importer_status(rd->im) == BF_OK; i++)
            import_xml_file(rd, src->paths[i], h);
        return;
    }
    int rc = bf__sink_read(src->reader, src->paths, src->n_paths, rd->im);
    if (rc != BF_OK && rc != BF_EINPUT)
        bf__importer_stop(rd->im, rc);
    for (int i = 0; i < src->n_paths; i++)
        rd->bytes_done += file_bytes(src->paths[i]);
    bf_progress_update(&rd->progress, rd->bytes_done / 1024);
}

/* Sums the file sizes for the progress bar (unreadable files are reported when opened). */
static int64_t total_bytes(const bf_import_source *sources, int n)
{
    int64_t total = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < sources[i].n_paths; k++)
            total += file_bytes(sources[i].paths[k]);
    return total;
}

int bf_import_files(bf_store *s, const char *const *files, int nfiles,
                    const bf_import_options *opt, bf_import_stats *stats, bf_errors *errs)
{
    bf_import_source xml = {NULL, files, nfiles};
    return bf_import_sources(s, &xml, 1, opt, stats, errs);
}

/* Reads every source through the importer; returns the import's outcome (before committing). */
static int read_sources(reading *rd, const bf_import_source *sources, int n_sources,
                        const bf_import_options *opt)
{
    /* in kB of input read: the number of households is not known before the end */
    int64_t kb = opt->progress ? total_bytes(sources, n_sources) / 1024 : 0;
    bf_progress_start(&rd->progress, _("import kB"), kb, opt->progress ? 4096 : INT64_MAX);
    bf_household h = {0};
    bf_household_reset(&h);
    for (int i = 0; i < n_sources && bf__importer_status(rd->im) == BF_OK; i++)
        import_source(rd, &sources[i], &h);
    bf_household_free(&h);
    int rc = bf__importer_finish(rd->im);
    bf_progress_end(&rd->progress);
    if (rc == BF_OK && rd->unreadable)
        rc = BF_EIO;
    if (rc == BF_OK && bf_errors_total(rd->errs) > 0)
        rc = BF_EINPUT;
    return rc;
}

/* Ends the import's transaction: commits a clean import, rolls back a check or a failure. */
static int end_transaction(bf_store *s, int rc, const bf_import_options *opt,
                           bf_import_stats *stats, bf_errors *errs)
{
    if (rc == BF_OK && opt->check_only) {
        if (bf_store_rollback(s, errs) != BF_OK)
            rc = BF_ESTORE;
        return rc;
    }
    if (rc == BF_OK && bf_store_commit(s, errs) != BF_OK)
        rc = BF_ESTORE;
    if (rc != BF_OK) {
        bf_store_rollback(s, errs);
        memset(stats, 0, sizeof *stats);
    }
    return rc;
}

int bf_import_sources(bf_store *s, const bf_import_source *sources, int n_sources,
                      const bf_import_options *opt, bf_import_stats *stats, bf_errors *errs)
{
    memset(stats, 0, sizeof *stats);
    reading rd = {.errs = errs};
    int rc = bf__importer_open(s, opt, stats, errs, &rd.im);
    if (rc != BF_OK)
        return rc;
    /* a new database is written once, not into the WAL and then into the file */
    bool direct = bf_store_created(s) && !opt->check_only &&
                  bf_store_fill_directly(s, true) == BF_OK;
    if (bf_store_begin(s, errs) != BF_OK) {
        bf__importer_close(rd.im);
        if (direct)
            bf_store_fill_directly(s, false);
        return BF_ESTORE;
    }
    rc = bf__importer_start(rd.im);
    if (rc == BF_OK)
        rc = read_sources(&rd, sources, n_sources, opt);
    rc = end_transaction(s, rc, opt, stats, errs);
    bf__importer_close(rd.im);
    if (direct)
        bf_store_fill_directly(s, false);       /* (a failure loses nothing: each open sets WAL) */
    return rc;
}
