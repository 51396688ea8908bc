/* xmlreader.c — the streaming households reader: the events of libxml2's SAX2 parser with the
 * households schema plugged in (xmlevents.c, on a thread of its own; the validation the
 * xmlTextReader does, without its tree), each <household> converted into a record as its tags
 * arrive, every error placed at its household, member, line and column. Also the conversion
 * of a <household> element of a tree (the policies' test cases). */
#include "xmlio.h"
#include "xmlevents.h"
#include "i18n.h"
#include "bangfu.h"
#include "internal.h"
#include "xmltext.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

typedef struct hh_read hh_read;

/* ======================================================================== */
/* Streaming households reader                                               */
/* ======================================================================== */

/* Where a household sat in the file, kept to name it in libxml2 messages that arrive later. */
typedef struct locator {
    bool used;
    long line, last_line;
    char id[BF_ID_BYTES];
    int n;
    struct { long line; char id[BF_ID_BYTES]; } members[BF_MEMBERS_MAX];
} locator;

/* A libxml2 message not yet matched with its household. */
typedef struct pending {
    long line;
    int col;
    char *msg;
    bool schema;           /* a schema validity message (rephrased at the field) */
} pending;

#define PENDING_MAX 256

/* An element of a household (el[0] the household, then its child elements in order): what
 * finds it again in the text. */
typedef struct hh_element {
    char name[64];         /* local name, cut when longer (then it matches no message) */
    long line;             /* where its start tag ends */
    int nth;               /* same-named elements before it in the household */
} hh_element;

#define HH_ELEMENTS (BF_MEMBERS_MAX + 64)

/* A household being read or read: its record, its elements, its conversion messages. */
struct hh_read {
    bf_household h;
    hh_element el[HH_ELEMENTS];
    int n_el;              /* elements recorded (the rest are not placed in the text) */
    int on_line;           /* households before it whose start tag ended on its line */
    long last_line;        /* the line of its end tag */
    bf_errors conv;        /* conversion messages, added after libxml2's */
    bf__conv c;
    bool clean;            /* no XML, schema or conversion error */
};

/* Households completed by one piece of input, oldest first. The input is cut after every tag
 * that can end a household, so there is one at most (more only through an entity reference
 * that holds households). */
typedef struct hh_queue {
    hh_read **items;
    int n, cap;
} hh_queue;

/* field_of for an element and attribute name seen before: libxml2 hands over the one copy of
 * each name its parser's dictionary keeps (for as long as the reader), so the same pair of
 * addresses is the same pair of names and a pointer compare saves the table scans. */
typedef struct field_memo {
    const char *element, *attr;      /* libxml2's copies, or NULL: a free slot */
    int field;
} field_memo;

#define FIELD_MEMO 256            /* slots (the top 8 bits of a hash, then the next free one) */
#define FIELD_PROBES 8            /* slots looked at before the table is scanned instead */

struct bf_xml_reader {
    bf_xml_events *events; /* the parser thread */
    long line;             /* the line of the event being read */
    bf_xml_window win;
    int64_t consumed;      /* bytes given to the parser */
    long hh_line;          /* the line of the last household's start tag … */
    int hh_on_line;        /* … and how many households before it ended on that line */
    char *path;
    bf_errors *errs;
    int64_t size;
    bool done;             /* end of file or fatal error reached */
    bool fatal;
    int xml_errors;        /* libxml2 messages received */
    pending pend[PENDING_MAX];
    int npend;
    locator loc[2];        /* the previous and the current household */
    int cur;               /* index of the current household in loc */
    locator foreign;       /* a <household> of another namespace begun after them (not read,
                            * but named by a fatal error inside it), when used */
    bool in_foreign;       /* its tags are arriving */
    int depth;             /* elements open */
    int skip_depth;        /* > 0: inside an element that is not read (its depth) */
    hh_read *open;         /* the household whose tags are arriving, or NULL */
    hh_read *closing;      /* a household whose end tag arrived: completed at the next event */
    hh_queue ready;        /* completed households not yet returned */
    hh_read *returned;     /* the household last returned, while the caller holds it */
    hh_read *spare;        /* a household record to reuse */
    field_memo memo[FIELD_MEMO];
};

static bool emit_schema(bf_xml_reader *r, const pending *p, const hh_read *hr);

/* Adds a libxml2 message to errs, naming the household (and member) of loc when given; hr is
 * the household just read when loc is its locator (its schema messages are rephrased). */
static void emit(bf_xml_reader *r, const pending *p, const locator *loc, const hh_read *hr)
{
    if (p->schema && hr && emit_schema(r, p, hr))
        return;
    char where[1200];
    bf__xml_where(where, sizeof where, r->path, p->line, p->col);
    if (!loc) {
        bf_errors_add(r->errs, "%s%s", where, p->msg);
        return;
    }
    const char *hid = loc->id[0] ? loc->id : _(_("(no id)"));
    int m = -1;
    for (int i = 0; i < loc->n; i++)
        if (loc->members[i].line <= p->line)
            m = i;
    if (m >= 0)
        bf_errors_add(r->errs, _("%shousehold %s, member %s: %s"), where, hid,
                      loc->members[m].id[0] ? loc->members[m].id : _(_("(no id)")), p->msg);
    else
        bf_errors_add(r->errs, _("%shousehold %s: %s"), where, hid, p->msg);
}

/* True when a message at line belongs to the household at loc. */
static bool within(const locator *loc, long line)
{
    return loc->used && line >= loc->line && line - 1 <= loc->last_line;
}

/* Emits the pending messages before line `before` (all when before is 0), naming the household
 * each falls in; hr is the current household when it is complete. Returns how many fell in the
 * current household. */
static int flush_pending(bf_xml_reader *r, long before, const hh_read *hr)
{
    int kept = 0, in_current = 0;
    const locator *cur = &r->loc[r->cur], *prev = &r->loc[!r->cur];
    for (int i = 0; i < r->npend; i++) {
        pending *p = &r->pend[i];
        if (before && p->line >= before) {
            r->pend[kept++] = *p;
            continue;
        }
        const locator *loc = within(cur, p->line) ? cur : within(prev, p->line) ? prev : NULL;
        in_current += loc == cur;
        emit(r, p, loc, loc == cur ? hr : NULL);
        free(p->msg);
    }
    r->npend = kept;
    return in_current;
}

/* A libxml2 message (parser or schema), kept until its household is known. */
static void take_message(bf_xml_reader *r, const bf_xev *ev)
{
    r->xml_errors++;
    pending p = {ev->line, ev->col, strdup(ev->msg), ev->schema};
    if (!p.msg || r->npend == PENDING_MAX) {   /* cannot wait: report without the household */
        emit(r, &(pending){p.line, p.col, p.msg ? p.msg : (char *)ev->msg, false}, NULL, NULL);
        free(p.msg);
        return;
    }
    r->pend[r->npend++] = p;
}

/* The line the parser was on at the event being read: where its tag ends. */
static long parser_line(const bf_xml_reader *r)
{
    return r->line;
}

/* ---- households as their tags arrive ---- */

static void place_element(const bf_xml_reader *r, const hh_read *hr, int el, const char *attr,
                          bf_place *where);

/* bf__conv's placement for the household being read. */
static void place_open(void *ctx, int el, const char *attr, bf_place *where)
{
    const bf_xml_reader *r = ctx;
    if (r->open)
        place_element(r, r->open, el, attr, where);
}

/* A household record to fill: the spare one, or a new one; NULL when out of memory. */
static hh_read *new_read(bf_xml_reader *r)
{
    hh_read *hr = r->spare;
    r->spare = NULL;
    if (!hr && !(hr = calloc(1, sizeof *hr)))
        return NULL;
    bf_household_reset(&hr->h);
    hr->n_el = 0;
    bf_errors_init(&hr->conv, 64);
    hr->c = (bf__conv){r->path, &hr->conv, &hr->h, NULL, 0, false, place_open, r, -1, NULL};
    hr->clean = false;
    return hr;
}

/* Keeps hr for reuse (or frees it when one is kept already). */
static void drop_read(bf_xml_reader *r, hh_read *hr)
{
    if (!hr)
        return;
    bf_errors_free(&hr->conv);
    if (!r->spare) {
        r->spare = hr;
        return;
    }
    bf_household_free(&hr->h);
    free(hr);
}

/* Records an element of the household being read; its index, or -1 when there is no room. */
static int add_element(hh_read *hr, const char *name, long line)
{
    if (hr->n_el == HH_ELEMENTS)
        return -1;
    hh_element *e = &hr->el[hr->n_el];
    size_t len = strnlen(name, sizeof e->name - 1);
    memcpy(e->name, name, len);
    e->name[len] = '\0';
    e->line = line;
    e->nth = 0;
    for (int i = 1; i < hr->n_el; i++)
        e->nth += strcmp(hr->el[i].name, e->name) == 0;
    return hr->n_el++;
}

/* field_of(kind, element, attr), remembered by the names' addresses. */
static int memo_field(bf_xml_reader *r, bf_record_kind kind, const char *element,
                      const char *attr)
{
    uint64_t key = ((uint64_t)(uintptr_t)attr ^ ((uint64_t)(uintptr_t)element << 7)) *
                   UINT64_C(0x9E3779B97F4A7C15);
    for (unsigned i = 0; i < FIELD_PROBES; i++) {
        field_memo *m = &r->memo[((key >> 56) + i) % FIELD_MEMO];
        if (m->element == element && m->attr == attr)
            return m->field;
        if (!m->element) {
            *m = (field_memo){element, attr, bf__xml_field_of(kind, element, attr)};
            return m->field;
        }
    }
    return bf__xml_field_of(kind, element, attr);
}

/* Converts the attributes of start tag ev (of element) into the record at base. */
static void convert_ev_attrs(bf_xml_reader *r, bf__conv *c, const bf_xev *ev, bf_record_kind kind,
                             const char *element, char *base)
{
    uint64_t seen = 0;
    for (int i = 0; i < ev->n_attrs; i++) {
        const char *name = ev->names[i];
        bf__conv_attr(c, kind, element, base, name, memo_field(r, kind, element, name),
                     ev->values[i], &seen);
    }
    bf__conv_required(c, kind, element, base, seen);
}

/* Copies the id attribute of start tag ev into dst, so every message names the record. */
static void ev_id_first(const bf_xev *ev, char *dst, size_t size)
{
    for (int i = 0; i < ev->n_attrs; i++)
        if (strcmp(ev->names[i], "id") == 0) {
            bf__text_copy(dst, size, ev->values[i]);     /* set_field reports a cut */
            return;
        }
}

/* <household> of the households namespace at depth 1: a new current household. */
static void household_start(bf_xml_reader *r, const bf_xev *ev)
{
    long line = parser_line(r);
    flush_pending(r, line, NULL);
    r->cur = !r->cur;
    locator *loc = &r->loc[r->cur];
    loc->used = true;
    loc->line = loc->last_line = line;
    loc->id[0] = '\0';
    loc->n = 0;
    hh_read *hr = new_read(r);
    if (!hr) {
        bf_errors_add(r->errs, _("%s: out of memory"), r->path);
        r->fatal = r->done = true;
        return;
    }
    r->open = hr;
    hr->on_line = line == r->hh_line ? r->hh_on_line + 1 : 0;
    r->hh_on_line = hr->on_line;
    r->hh_line = line;
    bf_household *h = &hr->h;
    h->line = (int)(line > INT_MAX ? INT_MAX : line);
    ev_id_first(ev, h->id, sizeof h->id);
    bf__text_copy(loc->id, sizeof loc->id, h->id);
    hr->c.el = add_element(hr, "household", line);
    convert_ev_attrs(r, &hr->c, ev, BF_RECORD_HOUSEHOLD, ev->name, (char *)h);
    hr->c.el = -1;
}

/* A child element of the household being read. */
static void household_child(bf_xml_reader *r, const bf_xev *ev)
{
    const char *name = ev->name;
    hh_read *hr = r->open;
    bf__conv *c = &hr->c;
    long line = parser_line(r);
    c->el = add_element(hr, name, line);
    if (strcmp(name, "member") == 0) {
        bf_member *m = bf__conv_member(c, line);
        if (m) {
            c->m = m;
            ev_id_first(ev, m->id, sizeof m->id);
            convert_ev_attrs(r, c, ev, BF_RECORD_MEMBER, name, (char *)m);
            c->m = NULL;
        }
    } else if (bf__xml_household_part(name))
        convert_ev_attrs(r, c, ev, BF_RECORD_HOUSEHOLD, name, (char *)&hr->h);
    else
        bf__conv_error(c, _("unexpected element <%s> in <household>"), name);
    c->el = -1;
}

/* Remembers where household h sits, for messages that name it. */
static void fill_locator(locator *loc, const bf_household *h, long last_line)
{
    loc->used = true;
    loc->line = h->line;
    loc->last_line = last_line > h->line ? last_line : h->line;
    bf__text_copy(loc->id, sizeof loc->id, h->id);
    loc->n = h->n_members;
    for (int i = 0; i < h->n_members; i++) {
        loc->members[i].line = h->members[i].line;
        bf__text_copy(loc->members[i].id, sizeof loc->members[i].id, h->members[i].id);
    }
}

/* Moves conversion messages into the reader's list. */
static void move_errors(bf_errors *dst, bf_errors *src)
{
    for (int i = 0; i < src->count; i++)
        bf_errors_add(dst, "%s", src->msgs[i]);
    for (int i = 0; i < src->dropped; i++)
        bf_errors_add(dst, "(dropped)");
    bf_errors_free(src);
}

/* The household whose end tag arrived is complete once libxml2 has validated that end tag:
 * its libxml2 messages, then its conversion messages, and it waits to be returned. */
static void complete_household(bf_xml_reader *r)
{
    hh_read *hr = r->closing;
    r->closing = NULL;
    if (!hr)
        return;
    locator *loc = &r->loc[r->cur];
    fill_locator(loc, &hr->h, hr->last_line);
    int xml_errs = flush_pending(r, loc->last_line + 1, hr);
    hr->clean = xml_errs == 0 && bf_errors_total(&hr->conv) == 0;
    /* the conversion's messages name the field; libxml2's repeats of them were dropped */
    move_errors(r->errs, &hr->conv);
    hh_queue *q = &r->ready;
    if (q->n == q->cap) {
        int cap = q->cap ? q->cap * 2 : 4;
        hh_read **grown = realloc(q->items, sizeof *grown * (size_t)cap);
        if (!grown) {
            bf_errors_add(r->errs, _("%s: out of memory"), r->path);
            drop_read(r, hr);
            r->fatal = r->done = true;
            return;
        }
        q->items = grown;
        q->cap = cap;
    }
    q->items[q->n++] = hr;
}

/* A <household> of another namespace: not read, but where it begins and the ids of its members
 * are kept, to name it should the file break inside it. */
static void foreign_start(bf_xml_reader *r, const bf_xev *ev)
{
    locator *f = &r->foreign;
    f->used = true;
    f->line = f->last_line = parser_line(r);
    f->id[0] = '\0';
    ev_id_first(ev, f->id, sizeof f->id);
    f->n = 0;
    r->in_foreign = true;
    r->skip_depth = 2;
}

static void foreign_member(bf_xml_reader *r, const bf_xev *ev)
{
    locator *f = &r->foreign;
    if (f->n == BF_MEMBERS_MAX)
        return;
    f->members[f->n].line = parser_line(r);
    f->members[f->n].id[0] = '\0';
    ev_id_first(ev, f->members[f->n].id, sizeof f->members[f->n].id);
    f->n++;
}

/* ---- the parser's events ---- */

static void on_start(bf_xml_reader *r, const bf_xev *ev)
{
    complete_household(r);
    int depth = r->depth++;
    const char *name = ev->name;
    if (depth == 1 && strcmp(name, "household") == 0) {
        if (ev->uri && strcmp(ev->uri, BF_NS_HOUSEHOLDS) == 0) {
            r->foreign.used = false;
            household_start(r, ev);
        } else
            foreign_start(r, ev);
    } else if (r->skip_depth) {
        if (depth == 2 && r->in_foreign && strcmp(name, "member") == 0)
            foreign_member(r, ev);
    } else if (depth == 2 && r->open)
        household_child(r, ev);
    else if (depth >= 1)
        r->skip_depth = depth + 1;     /* not read: a foreign element, or inside a child */
}

static void on_end(bf_xml_reader *r)
{
    complete_household(r);
    if (r->skip_depth == r->depth) {
        r->skip_depth = 0;
        r->in_foreign = false;
    }
    r->depth--;
    if (r->depth == 1 && r->open) {
        r->open->last_line = parser_line(r);
        r->closing = r->open;
        r->open = NULL;
    }
}

/* The parse has ended (end of file, or a fatal error: fatal is set): every message is placed.
 * After a fatal error the household the parser was inside (the last one begun) is named by
 * the messages that follow, with the members read up to there; it is not returned. */
static void finish_parse(bf_xml_reader *r, bool valid)
{
    r->done = true;
    if (r->fatal && r->open) {
        fill_locator(&r->loc[r->cur], &r->open->h, LONG_MAX);
        drop_read(r, r->open);
        r->open = NULL;
    }
    complete_household(r);
    if (r->fatal && r->foreign.used) {
        if (r->loc[r->cur].used && r->foreign.line < r->loc[r->cur].line)
            r->foreign.used = false;
        else if (!r->loc[r->cur].used || r->foreign.line > r->loc[r->cur].line)
            r->cur = !r->cur;
    }
    if (r->fatal && r->foreign.used)
        r->loc[r->cur] = r->foreign;
    if (r->fatal && r->loc[r->cur].used)
        r->loc[r->cur].last_line = LONG_MAX;
    flush_pending(r, 0, NULL);
    if (r->fatal && r->xml_errors == 0)
        bf_errors_add(r->errs, _("%s: cannot read the file as XML"), r->path);
    if (!r->fatal && !valid && r->xml_errors == 0) {
        bf_errors_add(r->errs, _("%s: does not match the households schema"), r->path);
        r->fatal = true;
    }
}

/* Takes the parser's events until a household is complete or the parse ends. */
static void read_until_household(bf_xml_reader *r)
{
    while (r->ready.n == 0 && !r->done) {
        bf_xev ev;
        bf__xml_events_next(r->events, &ev);
        r->line = ev.line;
        switch (ev.type) {
        case BF_XEV_DATA:
            bf__xml_window_keep(&r->win, ev.data, ev.len);
            break;
        case BF_XEV_START:
            on_start(r, &ev);
            break;
        case BF_XEV_END:
            on_end(r);
            break;
        case BF_XEV_OTHER:
            complete_household(r);
            break;
        case BF_XEV_MESSAGE:
            take_message(r, &ev);
            break;
        case BF_XEV_IO_ERROR:
            bf_errors_add(r->errs, _("cannot read %s: %s"), r->path, ev.msg);
            r->fatal = true;
            break;
        case BF_XEV_PIECE:
            r->consumed = ev.consumed;
            if (ev.fatal) {
                r->fatal = true;
                finish_parse(r, false);
            } else
                complete_household(r);   /* its end tag is validated once the piece is parsed */
            break;
        case BF_XEV_FINISH:
            r->consumed = ev.consumed;
            r->fatal = r->fatal || ev.fatal;
            finish_parse(r, ev.valid);
            break;
        }
    }
}

int bf_xml_reader_open(const char *path, bf_errors *errs, bf_xml_reader **out)
{
    *out = NULL;
    xmlSchema *schema;
    int rc = bf_xml_schema_get(BF_XSD_HOUSEHOLDS, &schema, errs);
    if (rc != BF_OK)
        return rc;
    bf_xml_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        free(r);
        bf_errors_add(errs, _("%s: out of memory"), path);
        return BF_ENOMEM;
    }
    r->errs = errs;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        bf_errors_add(errs, _("%s: cannot open: %s"), path, strerror(errno));
        if (fd >= 0)
            close(fd);
        bf_xml_reader_close(r);
        return BF_EIO;
    }
    r->size = st.st_size;
    if (r->size == 0) {
        bf_errors_add(errs, _("%s: the file is empty (expected <households xmlns=\"%s\">)"), path,
                      BF_NS_HOUSEHOLDS);
        close(fd);
        bf_xml_reader_close(r);
        return BF_EINPUT;
    }
    r->win.buf = malloc(BF_XML_WINDOW_CAP);        /* without it, errors just have no column */
    r->win.line0 = 1;
    r->win.at_line_start = true;
    if (bf__xml_events_start(fd, path, schema, &r->events) != BF_OK) {
        bf_errors_add(errs, _("%s: cannot create an XML reader (out of memory?)"), path);
        close(fd);
        bf_xml_reader_close(r);
        return BF_ENOMEM;
    }
    *out = r;
    return BF_OK;
}

int bf_xml_reader_next(bf_xml_reader *r, bf_household *h, bool *got, bool *clean)
{
    drop_read(r, r->returned);
    r->returned = NULL;
    *got = false;
    *clean = false;
    read_until_household(r);
    if (r->ready.n == 0)
        return r->fatal ? BF_EINPUT : BF_OK;
    hh_read *hr = r->ready.items[0];
    memmove(r->ready.items, r->ready.items + 1, sizeof *r->ready.items * (size_t)--r->ready.n);
    bf_household mine = *h;        /* the caller's record takes this one's place, members too */
    *h = hr->h;
    hr->h = mine;
    r->returned = hr;
    *got = true;
    *clean = hr->clean;
    return BF_OK;
}

/* ---- where a value of the household sits in the text ---- */

/* The element of household hr that holds field of h (or of member m) and, in *attr, the name
 * of the attribute; the household element itself when the field's element is absent. */
static int field_element(const hh_read *hr, const bf_household *h, const bf_member *m,
                         const char *field, const char **attr)
{
    *attr = field;
    if (m) {
        int index = (int)(m - h->members);
        for (int i = 1; i < hr->n_el; i++)
            if (strcmp(hr->el[i].name, "member") == 0 && hr->el[i].nth == index)
                return i;
        return 0;
    }
    const char *element;
    if (!bf__xml_field_in(field, &element, attr) || !element)
        return 0;
    for (int k = 1; k < hr->n_el; k++)
        if (strcmp(hr->el[k].name, element) == 0 && hr->el[k].nth == 0)
            return k;
    *attr = NULL;                       /* a default: the household holds no value */
    return 0;
}

/* The offset of household hr's start tag, the hr->on_line-th one ending on its line (a tag may
 * begin on an earlier line); -1 when the window does not hold it. */
static long household_tag(const bf_xml_reader *r, const hh_read *hr)
{
    const bf_xml_window *w = &r->win;
    long start = bf__xml_window_line_start(w, hr->el[0].line);
    if (start < 0)
        return -1;
    size_t from = (size_t)start;
    for (long i = start - 1; i >= 0 && w->buf[i] != '>'; i--)
        if (w->buf[i] == '<') {
            if (bf__xml_window_start_tag_at(w, (size_t)i, "household"))
                from = (size_t)i;
            break;
        }
    long at = (long)from - 1;
    for (int k = 0; k <= hr->on_line; k++)
        if ((at = bf__xml_window_next_start_tag(w, (size_t)(at + 1), "household")) < 0)
            return -1;
    return at;
}

/* Places element el of household hr (and its attribute attr, when given and present) from the
 * text; leaves *where alone when the text is not held. */
static void place_in_text(const bf_xml_reader *r, const hh_read *hr, int el, const char *attr,
                          bf_place *where)
{
    long at = hr->n_el ? household_tag(r, hr) : -1;
    if (at < 0)
        return;
    if (el > 0)
        for (int i = 0; i <= hr->el[el].nth && at >= 0; i++)
            at = bf__xml_window_next_start_tag(&r->win, (size_t)at + 1, hr->el[el].name);
    if (at < 0)
        return;
    long a = attr ? bf__xml_window_attribute(&r->win, (size_t)at, attr) : -1;
    bf__xml_window_position(&r->win, (size_t)(a >= 0 ? a : at), &where->line, &where->column);
}

/* Places element el of household hr (its attribute attr) at its line and column. */
static void place_element(const bf_xml_reader *r, const hh_read *hr, int el, const char *attr,
                          bf_place *where)
{
    where->file = r->path;
    where->line = hr->el[el].line;
    where->column = 0;
    place_in_text(r, hr, el, attr, where);
}

/* bf_locator callback of the streaming reader. */
static void reader_locate(void *ctx, const bf_household *h, const bf_member *m, const char *field,
                          bf_place *where)
{
    bf_xml_reader *r = ctx;
    if (!r->returned || r->returned->n_el == 0)
        return;
    const char *attr;
    int el = field_element(r->returned, h, m, field, &attr);
    place_element(r, r->returned, el, attr, where);
}

/* ---- libxml2's schema messages in the form of the other errors ---- */

/* The element of household hr called name whose start tag ends on line: the household, a
 * child element, or the household when it has that name; -1 when none. */
static int element_on_line(const hh_read *hr, const char *name, long line)
{
    bool top = strcmp(hr->el[0].name, name) == 0;
    if (top && hr->el[0].line == line)
        return 0;
    for (int i = 1; i < hr->n_el; i++)
        if (strcmp(hr->el[i].name, name) == 0 && hr->el[i].line == line)
            return i;
    return top ? 0 : -1;
}

/* Emits a schema message of household hr at its element or attribute, in the words of the
 * other errors; true when handled (or dropped: the conversion already reported the same
 * value). */
static bool emit_schema(bf_xml_reader *r, const pending *p, const hh_read *hr)
{
    char element[64], attr[64];
    if (hr->n_el == 0 || !bf__xml_quoted_after(p->msg, "Element '", element, sizeof element))
        return false;
    bool has_attr = bf__xml_quoted_after(p->msg, "attribute '", attr, sizeof attr);
    if (!has_attr && strstr(p->msg, "The attribute '"))
        return true;               /* missing or unknown: the conversion reported it */
    int el = element_on_line(hr, element, p->line);
    if (el < 0)
        return false;
    const bf_household *h = &hr->h;
    const bf_member *m = NULL;
    if (strcmp(hr->el[el].name, "member") == 0 && el > 0)
        m = hr->el[el].nth < h->n_members ? &h->members[hr->el[el].nth] : NULL;
    if (has_attr) {
        bf_record_kind kind = m ? BF_RECORD_MEMBER : BF_RECORD_HOUSEHOLD;
        int i = bf__xml_field_of(kind, element, attr);
        const void *rec = m ? (const void *)m : (const void *)h;
        if (i < 0 || bf__field_rejected(kind, rec, bf_field_name(kind, i)))
            return true;           /* the conversion named this value already */
    }
    bf_place where = {r->path, p->line, 0};
    place_in_text(r, hr, el, has_attr ? attr : NULL, &where);
    char at[1200], msg[768];
    bf__place_format(&where, at, sizeof at);
    const char *label = NULL;
    if (has_attr) {
        bf_record_kind kind = m ? BF_RECORD_MEMBER : BF_RECORD_HOUSEHOLD;
        label = bf_field_label(kind, bf__xml_field_of(kind, element, attr), attr);
    }
    bf__xml_rephrase(p->msg, element, label, msg, sizeof msg);
    const char *hid = h->id[0] ? h->id : _(_("(no id)"));
    if (m)
        bf_errors_add(r->errs, _("%shousehold %s, member %s: %s"), at, hid, m->id[0] ? m->id : _(_("(no id)")),
                      msg);
    else
        bf_errors_add(r->errs, _("%shousehold %s: %s"), at, hid, msg);
    return true;
}

bf_locator bf__xml_reader_locator(bf_xml_reader *r)
{
    return (bf_locator){reader_locate, r};
}

void bf__xml_reader_progress(const bf_xml_reader *r, int64_t *done, int64_t *total)
{
    *done = r->consumed;
    *total = r->size;
}

void bf_xml_reader_close(bf_xml_reader *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->npend; i++)
        free(r->pend[i].msg);
    for (int i = 0; i < r->ready.n; i++)
        drop_read(r, r->ready.items[i]);
    free(r->ready.items);
    drop_read(r, r->open);
    drop_read(r, r->closing);
    drop_read(r, r->returned);
    if (r->spare) {
        bf_household_free(&r->spare->h);
        free(r->spare);
    }
    bf__xml_events_close(r->events);
    free(r->win.buf);
    free(r->path);
    free(r);
}
