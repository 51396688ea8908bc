/* lint_params.c — params.xml checks that loading does not make: blank descriptions, values out
 * of the declared range, and a later value lower than the one before it. */
#include "lint.h"
#include "bangfu.h"
#include "i18n.h"

#include <ctype.h>
#include <string.h>

static bool blank(const char *s)
{
    for (; s && *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

static int check_described(const bf_params *ps, const bf_param *p, bf_errors *problems)
{
    static const char *const empty[] = {
        N_("%s:%ld: parameter %s: its title is empty; say what it is for the people who read "
           "the handbook and the explanations"),
        N_("%s:%ld: parameter %s: its unit is empty; say what it is for the people who read "
           "the handbook and the explanations"),
        N_("%s:%ld: parameter %s: its source is empty; say what it is for the people who read "
           "the handbook and the explanations"),
    };
    const char *text[] = {p->title, p->unit, p->source};
    int n = 0;
    for (int i = 0; i < 3; i++)
        if (blank(text[i])) {
            bf_errors_add(problems, _(empty[i]), ps->path, p->line, p->name);
            n++;
        }
    return n;
}

static int check_ranges(const bf_params *ps, const bf_param *p, bf_errors *problems)
{
    int n = 0;
    for (int i = 0; i < p->n_values; i++) {
        const bf_param_value *v = &p->values[i];
        if (bf_param_in_range(p, v->value))
            continue;
        char range[128], from[BF_DATE_STRLEN];
        bf_param_range_text(p, range, sizeof range);
        bf_date_format(v->from, from);
        bf_errors_add(problems, _("%s:%ld: parameter %s: the value from %s, %s, is out of "
                                  "range: it must be %s (kind %s)"), ps->path, v->line, p->name, from, v->text, range,
                      bf_param_kind_name(p->range.kind));
        n++;
    }
    return n;
}

/* Values are sorted by date: a value above its successor means that the successor's date cuts
 * it, which is what happens when a new value is added before an existing later one. */
static void check_cuts(const bf_params *ps, const bf_param *p, bf_errors *warnings)
{
    for (int i = 0; i + 1 < p->n_values; i++) {
        const bf_param_value *a = &p->values[i], *b = &p->values[i + 1];
        if (!(b->value < a->value))
            continue;
        char da[BF_DATE_STRLEN], db[BF_DATE_STRLEN];
        bf_date_format(a->from, da);
        bf_date_format(b->from, db);
        bf_errors_add(warnings, _("%s:%ld: warning: parameter %s: the value from %s (%s) is "
                                  "higher than the later value from %s (%s, line %ld), so %s "
                                  "lowers it; if that cut is not meant, change one of them"), ps->path, a->line, p->name, da, a->text,
                      db, b->text, b->line, db);
    }
}

int bf_lint_params(const bf_params *ps, bf_errors *problems, bf_errors *warnings)
{
    int n = 0;
    for (int i = 0; i < ps->n; i++) {
        const bf_param *p = &ps->items[i];
        n += check_described(ps, p, problems);
        n += check_ranges(ps, p, problems);
        check_cuts(ps, p, warnings);
    }
    return n;
}
