/* cases.c — loading and running policy test cases. */
#include "cases.h"
#include "i18n.h"
#include "bangfu.h"
#include "buf.h"
#include "engine.h"
#include "xmlio.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static char *attr(xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *copy = strdup((const char *)v);
    xmlFree(v);
    return copy;
}

static bool is_element(xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static int read_expect(xmlNode *n, bf_expect *x, const char *file, bf_errors *errs)
{
    x->policy = attr(n, "policy");
    x->member = attr(n, "member");
    x->line = bf_xml_line(n);
    char *eligible = attr(n, "eligible"), *amount = attr(n, "amount");
    x->tier = attr(n, "tier");
    x->eligible = eligible && strcmp(eligible, "true") == 0;
    int errors = 0;
    if (amount) {
        x->has_amount = true;
        if (bf_money_parse(amount, &x->amount) != BF_OK || x->amount < 0) {
            bf_errors_add(errs, _("%s:%ld: expect amount=\"%s\" is not an amount with at most 2 "
                          "decimals"), file, x->line, amount);
            errors++;
        }
    }
    free(eligible);
    free(amount);
    return errors;
}

static int read_set(xmlNode *n, bf_override *o, const char *file, bf_errors *errs)
{
    char *param = attr(n, "param"), *value = attr(n, "value"), *from = attr(n, "from");
    int errors = 0;
    char arg[400];
    snprintf(arg, sizeof arg, "%s=%s", param ? param : "", value ? value : "");
    bf_errors why;
    bf_errors_init(&why, 1);
    if (bf_override_parse(arg, o, &why) != BF_OK) {
        bf_errors_add(errs, _("%s:%ld: set: %s"), file, bf_xml_line(n), bf_errors_first(&why));
        bf_errors_free(&why);
        errors++;
    } else if (from) {
        o->has_from = true;
        if (bf_date_parse(from, &o->from) != BF_OK) {
            bf_errors_add(errs, _("%s:%ld: set from=\"%s\" is not a date"), file, bf_xml_line(n), from);
            errors++;
        }
    }
    free(param);
    free(value);
    free(from);
    return errors;
}

/* Gives each <member> of household node the attributes of the defaults member it lacks. */
static void apply_defaults(xmlNode *household, xmlNode *defaults)
{
    if (!defaults)
        return;
    for (xmlNode *m = household->children; m; m = m->next) {
        if (!is_element(m, "member"))
            continue;
        for (xmlAttr *a = defaults->properties; a; a = a->next) {
            if (xmlHasProp(m, a->name))
                continue;
            xmlChar *v = xmlNodeGetContent((xmlNode *)a);
            if (v)
                xmlSetProp(m, a->name, v);
            xmlFree(v);
        }
    }
}

/* The <member> of the file's <defaults>, or NULL. */
static xmlNode *find_defaults(xmlNode *root)
{
    for (xmlNode *n = root->children; n; n = n->next)
        if (is_element(n, "defaults"))
            for (xmlNode *m = n->children; m; m = m->next)
                if (is_element(m, "member"))
                    return m;
    return NULL;
}

/* Reads one <case>; counts its children first so arrays are allocated once. */
static int read_case(xmlNode *cn, bf_case *c, bf_date file_date, const char *file,
                     xmlNode *defaults, bf_errors *errs)
{
    c->name = attr(cn, "name");
    c->file = file;
    c->line = bf_xml_line(cn);
    c->date = file_date;
    int errors = 0;
    char *date = attr(cn, "date");
    if (date && bf_date_parse(date, &c->date) != BF_OK) {
        bf_errors_add(errs, _("%s:%ld: case date \"%s\" is not a date"), file, c->line, date);
        errors++;
    }
    free(date);
    int n_sets = 0, n_expects = 0;
    for (xmlNode *n = cn->children; n; n = n->next) {
        n_sets += is_element(n, "set");
        n_expects += is_element(n, "expect");
    }
    c->sets = calloc((size_t)n_sets + 1, sizeof *c->sets);
    c->expects = calloc((size_t)n_expects + 1, sizeof *c->expects);
    if (!c->sets || !c->expects)
        return errors + 1;
    bf_household_reset(&c->household);
    for (xmlNode *n = cn->children; n; n = n->next) {
        if (is_element(n, "set"))
            errors += read_set(n, &c->sets[c->n_sets++], file, errs);
        else if (is_element(n, "expect"))
            errors += read_expect(n, &c->expects[c->n_expects++], file, errs);
        else if (is_element(n, "household")) {
            apply_defaults(n, defaults);
            errors += bf_xml_household_from_node(n, &c->household, file, errs);
            errors += bf_household_validate(&c->household, file, c->date, errs);
        }
    }
    return errors;
}

static int load_file(const char *path, bf_case_suite *s, bf_errors *errs)
{
    xmlDoc *doc;
    int rc = bf_xml_load(path, BF_XSD_CASES, &doc, errs);
    if (rc != BF_OK)
        return 1;
    xmlNode *root = xmlDocGetRootElement(doc);
    char *date = attr(root, "date");
    bf_date file_date = 0;
    int errors = 0;
    if (!date || bf_date_parse(date, &file_date) != BF_OK) {
        bf_errors_add(errs, _("%s:%ld: cases date \"%s\" is not a date"), path, bf_xml_line(root),
                      date ? date : "");
        errors++;
    }
    free(date);
    int count = 0;
    for (xmlNode *n = root->children; n; n = n->next)
        count += is_element(n, "case");
    bf_case *grown = realloc(s->cases, sizeof *grown * (size_t)(s->n_cases + count + 1));
    if (!grown) {
        xmlFreeDoc(doc);
        return errors + 1;
    }
    s->cases = grown;
    const char *file = s->files[s->n_files - 1];
    xmlNode *defaults = find_defaults(root);
    for (xmlNode *n = root->children; n && !errors; n = n->next) {
        if (!is_element(n, "case"))
            continue;
        bf_case *c = &s->cases[s->n_cases++];
        memset(c, 0, sizeof *c);
        errors += read_case(n, c, file_date, file, defaults, errs);
    }
    xmlFreeDoc(doc);
    return errors;
}

static int load_owned(char **names, int n, bf_case_suite *out, bf_errors *errs);

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int bf_cases_load_dir(const char *dir, bf_case_suite *out, bf_errors *errs)
{
    memset(out, 0, sizeof *out);
    DIR *d = opendir(dir);
    if (!d) {
        bf_errors_add(errs, _("%s: cannot open the test cases folder"), dir);
        return BF_EIO;
    }
    char **names = NULL;
    int n = 0;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        size_t len = strlen(ent->d_name);
        if (len < 5 || strcmp(ent->d_name + len - 4, ".xml") != 0 || ent->d_name[0] == '.')
            continue;
        char **grown = realloc(names, sizeof *grown * (size_t)(n + 1));
        if (!grown)
            break;
        names = grown;
        size_t plen = strlen(dir) + len + 2;
        if ((names[n] = malloc(plen)))
            snprintf(names[n++], plen, "%s/%s", dir, ent->d_name);
    }
    closedir(d);
    if (n == 0) {
        free(names);
        bf_errors_add(errs, _("%s: no test case files (*.xml)"), dir);
        return BF_EINPUT;
    }
    qsort(names, (size_t)n, sizeof *names, compare_names);
    return load_owned(names, n, out, errs);
}

/* Loads the files of names (malloc'd, owned by the suite from now on). */
static int load_owned(char **names, int n, bf_case_suite *out, bf_errors *errs)
{
    int errors = 0;
    out->files = names;
    for (int i = 0; i < n; i++) {
        out->n_files = i + 1;
        errors += load_file(names[i], out, errs);
    }
    out->n_files = n;
    return errors ? BF_EINPUT : BF_OK;
}

int bf_cases_load_files(char *const *paths, int n, bf_case_suite *out, bf_errors *errs)
{
    memset(out, 0, sizeof *out);
    char **names = calloc((size_t)n + 1, sizeof *names);
    if (!names)
        return BF_ENOMEM;
    for (int i = 0; i < n; i++)
        if (!(names[i] = strdup(paths[i]))) {
            for (int k = 0; k < i; k++)
                free(names[k]);
            free(names);
            return BF_ENOMEM;
        }
    return load_owned(names, n, out, errs);
}

void bf_cases_free(bf_case_suite *s)
{
    for (int i = 0; i < s->n_cases; i++) {
        bf_case *c = &s->cases[i];
        free(c->name);
        free(c->sets);
        for (int k = 0; k < c->n_expects; k++) {
            free(c->expects[k].policy);
            free(c->expects[k].member);
            free(c->expects[k].tier);
        }
        free(c->expects);
        bf_household_free(&c->household);
    }
    free(s->cases);
    for (int i = 0; i < s->n_files; i++)
        free(s->files[i]);
    free(s->files);
    memset(s, 0, sizeof *s);
}

/* The decision an expectation names, or NULL. */
static const bf_decision *find_decision(const bf_engine *e, const bf_case *c, const bf_result *r,
                                        const bf_expect *x)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    for (int i = 0; i < r->n; i++) {
        const bf_decision *d = &r->d[i];
        if (strcmp(pol[d->policy].id, x->policy) != 0)
            continue;
        if (d->member < 0 ? x->member == NULL
                          : (x->member && strcmp(c->household.members[d->member].id, x->member) == 0))
            return d;
    }
    return NULL;
}

static void describe(bf_buf *b, bool eligible, bool has_amount, bf_fen amount, const char *tier)
{
    char a[BF_MONEY_STRLEN];
    bf_money_format(amount, a);
    bf_buf_printf(b, "eligible=%s", eligible ? "true" : "false");
    if (has_amount)
        bf_buf_printf(b, " amount=%s", a);
    bf_buf_printf(b, " tier=%s", tier ? tier : "nil");
}

/* Checks one expectation; on failure appends a description to why. */
static bool check_expect(const bf_engine *e, const bf_case *c, const bf_result *r,
                         const bf_expect *x, bf_buf *why)
{
    const bf_decision *d = find_decision(e, c, r, x);
    const char *who = x->member ? x->member : _("the household");
    if (!d) {
        bf_buf_printf(why, _("  %s:%ld: %s for %s: no such decision (unknown policy, member, or "
                             "wrong scope)\n"), c->file, x->line, x->policy, who);
        return false;
    }
    if (d->failed) {
        bf_buf_printf(why, _("  %s:%ld: %s for %s: error decision: %s\n"), c->file, x->line,
                      x->policy, who, bf_result_text(r, d->error));
        return false;
    }
    const char *tier = bf_result_text(r, d->tier);
    bool ok = d->eligible == x->eligible && (!x->has_amount || d->amount == x->amount) &&
              (!x->tier || (tier && strcmp(tier, x->tier) == 0));
    if (ok)
        return true;
    bf_buf expected = {0}, got = {0};
    describe(&expected, x->eligible, x->has_amount, x->amount, x->tier);
    describe(&got, d->eligible, true, d->amount, tier);
    const char *reasons = bf_result_text(r, d->reasons);
    bf_buf_printf(why, _("  %s:%ld: %s for %s: expected %s, got %s\n    reasons: %s\n"), c->file,
                  x->line, x->policy, who, bf_buf_str(&expected), bf_buf_str(&got),
                  reasons ? reasons : "[]");
    bf_buf_free(&expected);
    bf_buf_free(&got);
    return false;
}

/* Whether expectation x is checked under cfg's --policy selection. */
static bool selected_expect(const bf_case_run *cfg, const bf_expect *x)
{
    return !cfg->policy || (x->policy && strcmp(x->policy, cfg->policy) == 0);
}

static bool selected_case(const bf_case_run *cfg, const bf_case *c)
{
    if (cfg->name && !(c->name && strstr(c->name, cfg->name)))
        return false;
    for (int k = 0; k < c->n_expects; k++)
        if (selected_expect(cfg, &c->expects[k]))
            return true;
    return false;
}

/* The engine configuration of a case: its date and values; with --policy only that policy
 * (and what it requires) is evaluated. */
static bf_engine_config case_engine(const bf_case_run *cfg, bf_date date, const bf_param_set *set)
{
    bf_engine_config ec = {.policies_dir = cfg->policies_dir, .params = cfg->params, .sets = set,
                           .n_sets = 1, .date = date, .jobs = 1, .text = BF_TEXT_ALL,
                           .modules = cfg->modules, .coverage = cfg->coverage,
                           .only = cfg->policy ? &cfg->policy : NULL,
                           .n_only = cfg->policy ? 1 : 0};
    return ec;
}

int bf_cases_check_policies(const bf_case_run *cfg, bf_errors *errs)
{
    bf_param_set set;
    int rc = bf_params_resolve(cfg->params, bf_date_today(), NULL, 0, &set, errs);
    if (rc != BF_OK)
        return rc;
    bf_case_run all = *cfg;
    all.coverage = NULL;                 /* the cases' own runs count, not this one */
    all.policy = NULL;                   /* every script, as lint and run load them */
    bf_engine_config ec = case_engine(&all, bf_date_today(), &set);
    bf_engine *e;
    rc = bf_engine_open(&ec, &e, errs);
    if (rc == BF_OK && cfg->policy) {
        int n;
        const bf_policy *pol = bf_engine_policies(e, &n);
        bool known = false;
        for (int k = 0; k < n; k++)
            known |= strcmp(pol[k].id, cfg->policy) == 0;
        if (!known) {
            bf_errors_add(errs, _("%s: no policy '%s'"), cfg->policies_dir, cfg->policy);
            rc = BF_EINPUT;
        }
    }
    bf_engine_close(e);
    bf_param_set_free(&set);
    return rc;
}

static bool run_case(const bf_case *c, const bf_case_run *cfg, bf_buf *why)
{
    bf_errors errs;
    bf_errors_init(&errs, 10);
    bf_param_set set;
    bool ok = false;
    if (bf_params_resolve(cfg->params, c->date, c->sets, c->n_sets, &set, &errs) == BF_OK) {
        bf_engine_config ec = case_engine(cfg, c->date, &set);
        bf_engine *e;
        if (bf_engine_open(&ec, &e, &errs) == BF_OK) {
            bf_result r = {0};
            bf_engine_evaluate(e, &c->household, 1, 0, &r);
            ok = true;
            for (int k = 0; k < c->n_expects; k++)
                if (selected_expect(cfg, &c->expects[k]))
                    ok &= check_expect(e, c, &r, &c->expects[k], why);
            bf_result_free(&r);
            bf_engine_close(e);
        }
        bf_param_set_free(&set);
    }
    for (int i = 0; i < errs.count; i++)
        bf_buf_printf(why, "  %s\n", errs.msgs[i]);
    bf_errors_free(&errs);
    return ok;
}

int bf_cases_run(const bf_case_suite *s, const bf_case_run *cfg, bf_case_report *out)
{
    memset(out, 0, sizeof *out);
    out->cases = calloc((size_t)s->n_cases + 1, sizeof *out->cases);
    if (!out->cases)
        return BF_ENOMEM;
    bf_buf why = {0};
    for (int i = 0; i < s->n_cases; i++) {
        const bf_case *c = &s->cases[i];
        if (!selected_case(cfg, c))
            continue;
        bf_buf_clear(&why);
        bf_case_outcome *o = &out->cases[out->n++];
        o->c = c;
        o->ok = run_case(c, cfg, &why);
        o->why = strdup(bf_buf_str(&why));
        if (o->ok)
            out->passed++;
        else
            out->failed++;
    }
    bf_buf_free(&why);
    return BF_OK;
}

void bf_case_report_free(bf_case_report *r)
{
    for (int i = 0; i < r->n; i++)
        free(r->cases[i].why);
    free(r->cases);
    memset(r, 0, sizeof *r);
}
