/* xmlwrite.c — households as XML: each field an attribute, as the schema names it. */
#include "xmlwrite.h"
#include "bangfu.h"
#include "i18n.h"
#include "xmlio.h"
#include "xmlout.h"

#include <stdlib.h>

struct bf_xml_writer {
    bf_xml_out *x;
};

int bf_xml_writer_open(const char *path, bf_xml_writer **out, bf_errors *errs)
{
    *out = NULL;
    bf_xml_writer *w = calloc(1, sizeof *w);
    if (!w) {
        bf_errors_add(errs, _("%s: out of memory"), path);
        return BF_ENOMEM;
    }
    int rc = bf_xml_out_open(path, "households", BF_NS_HOUSEHOLDS, &w->x, errs);
    if (rc != BF_OK) {
        free(w);
        return rc;
    }
    *out = w;
    return BF_OK;
}

/* An enumerated field by its name in the schema. */
static void attr_enum(bf_xml_out *x, const char *name, bf_enum_kind kind, int value)
{
    bf_xml_out_attr(x, name, bf_enum_name(kind, value));
}

static void write_member(bf_xml_out *x, const bf_member *m)
{
    char birth[BF_DATE_STRLEN];
    bf_date_format(m->birth, birth);
    bf_xml_out_start(x, "member");
    bf_xml_out_attr(x, "id", m->id);
    if (m->name[0])
        bf_xml_out_attr(x, "name", m->name);
    if (m->idnumber[0])
        bf_xml_out_attr(x, "idnumber", m->idnumber);
    attr_enum(x, "relation", BF_ENUM_RELATION, (int)m->relation);
    bf_xml_out_attr(x, "birth", birth);
    attr_enum(x, "sex", BF_ENUM_SEX, (int)m->sex);
    attr_enum(x, "labor", BF_ENUM_LABOR, (int)m->labor);
    attr_enum(x, "employment", BF_ENUM_EMPLOYMENT, (int)m->employment);
    attr_enum(x, "school", BF_ENUM_SCHOOL, (int)m->school);
    attr_enum(x, "self_care", BF_ENUM_SELF_CARE, (int)m->self_care);
    bf_xml_out_attr_int(x, "disability", m->disability);
    attr_enum(x, "disability_type", BF_ENUM_DISABILITY_TYPE, (int)m->disability_type);
    bf_xml_out_attr_bool(x, "serious_illness", m->serious_illness);
    bf_xml_out_attr_bool(x, "pension_insured", m->pension_insured);
    bf_xml_out_attr_bool(x, "medical_insured", m->medical_insured);
    bf_xml_out_attr_money(x, "medical_cost", m->medical_cost);
    bf_xml_out_attr_bool(x, "supporter", m->supporter);
    bf_xml_out_end(x);
}

/* An element with one flag attribute: <housing safe="true"/>. */
static void flag_element(bf_xml_out *x, const char *element, const char *name, bool v)
{
    bf_xml_out_start(x, element);
    bf_xml_out_attr_bool(x, name, v);
    bf_xml_out_end(x);
}

int bf_xml_write_household(bf_xml_writer *w, const bf_household *h)
{
    bf_xml_out *x = w->x;
    bf_xml_out_start(x, "household");
    bf_xml_out_attr(x, "id", h->id);
    bf_xml_out_attr(x, "town", h->town);
    bf_xml_out_attr(x, "village", h->village);
    attr_enum(x, "status", BF_ENUM_STATUS, (int)h->status);
    attr_enum(x, "monitor", BF_ENUM_MONITOR, (int)h->monitor);
    if (h->recorded[0])
        bf_xml_out_attr(x, "recorded", h->recorded);
    bf_xml_out_start(x, "income");
    bf_xml_out_attr_money(x, "wage", h->wage);
    bf_xml_out_attr_money(x, "business", h->business);
    bf_xml_out_attr_money(x, "property", h->property);
    bf_xml_out_attr_money(x, "transfer", h->transfer);
    bf_xml_out_attr_money(x, "excluded", h->excluded);
    if (h->has_previous)
        bf_xml_out_attr_money(x, "previous", h->previous);
    bf_xml_out_end(x);
    bf_xml_out_start(x, "assets");
    bf_xml_out_attr_money(x, "deposits", h->deposits);
    bf_xml_out_attr_money(x, "vehicle", h->vehicle);
    bf_xml_out_attr_int(x, "extra_houses", h->extra_houses);
    bf_xml_out_end(x);
    bf_xml_out_start(x, "expenses");
    bf_xml_out_attr_money(x, "medical", h->medical);
    bf_xml_out_attr_money(x, "education", h->education);
    bf_xml_out_end(x);
    flag_element(x, "housing", "safe", h->housing_safe);
    flag_element(x, "water", "safe", h->water_safe);
    for (int i = 0; i < h->n_members; i++)
        write_member(x, &h->members[i]);
    bf_xml_out_end(x);
    return bf_xml_out_ok(x) ? BF_OK : BF_EIO;
}

int bf_xml_writer_close(bf_xml_writer *w, bf_errors *errs)
{
    if (!w)
        return BF_OK;
    int rc = bf_xml_out_close(w->x, errs);
    free(w);
    return rc;
}
