/* test_store.c — the SQLite store: schema, version checks, round trip of every field, streaming; an import's insert thread. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bangfu.h"
#include "helpers.h"
#include "inserter.h"
#include "store.h"

static char dir[] = "/tmp/bf-store-XXXXXX";
static char path[256];
static bf_store *store;

static void setup(void)
{
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/t.db", dir);
    cr_assert_eq(bf_store_open(path, &store, &bf_test_errs), BF_OK, "%s", bf_test_error());
}

static void teardown(void)
{
    bf_store_close(store);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(store, .init = setup, .fini = teardown);

/* A household with every field set away from its default. */
static void full_household(bf_household *h, const char *id, int members)
{
    memset(h, 0, sizeof *h);
    bf_household_reset(h);
    snprintf(h->id, sizeof h->id, "%s", id);
    strcpy(h->town, "桂头镇");
    strcpy(h->village, "杨溪村");
    h->status = BF_STATUS_POVERTY_ALLEVIATED;
    h->monitor = BF_MONITOR_HARDSHIP;
    strcpy(h->recorded, "dibao medical_aid");
    h->wage = 100001; h->business = 2; h->property = 3; h->transfer = 4; h->excluded = 5;
    h->has_previous = true; h->previous = 0;        /* present and zero, not absent */
    h->deposits = 6; h->vehicle = 7; h->extra_houses = 1; h->medical = 8; h->education = 9;
    h->housing_safe = false; h->water_safe = false;
    for (int i = 0; i < members; i++) {
        bf_member *m = bf_household_add_member(h);
        snprintf(m->id, sizeof m->id, "%s-%d", id, i + 1);
        strcpy(m->name, i == 0 ? "邓秀英" : "");
        strcpy(m->idnumber, i == 0 ? "44023219800501123X" : "");
        m->relation = (bf_relation)(i % BF_REL__N);
        bf_date_parse(i == 0 ? "1952-02-29" : "2010-12-31", &m->birth);
        m->sex = BF_SEX_F; m->labor = BF_LABOR_PARTIAL; m->employment = BF_EMP_OUTSIDE;
        m->school = BF_SCHOOL_VOCATIONAL; m->self_care = BF_CARE_NONE; m->disability = 2;
        m->disability_type = BF_DIS_MENTAL; m->serious_illness = true; m->pension_insured = true;
        m->medical_insured = true; m->medical_cost = 1500050; m->supporter = true;
    }
}

static void expect_same(const bf_household *a, const bf_household *b)
{
    cr_expect_str_eq(a->id, b->id);
    cr_expect_str_eq(a->town, b->town);
    cr_expect_str_eq(a->village, b->village);
    cr_expect_eq(a->status, b->status);
    cr_expect_eq(a->monitor, b->monitor);
    cr_expect_str_eq(a->recorded, b->recorded);
    cr_expect_eq(a->wage, b->wage); cr_expect_eq(a->business, b->business);
    cr_expect_eq(a->property, b->property); cr_expect_eq(a->transfer, b->transfer);
    cr_expect_eq(a->excluded, b->excluded); cr_expect_eq(a->has_previous, b->has_previous);
    cr_expect_eq(a->previous, b->previous); cr_expect_eq(a->deposits, b->deposits);
    cr_expect_eq(a->vehicle, b->vehicle); cr_expect_eq(a->extra_houses, b->extra_houses);
    cr_expect_eq(a->medical, b->medical); cr_expect_eq(a->education, b->education);
    cr_expect_eq(a->housing_safe, b->housing_safe); cr_expect_eq(a->water_safe, b->water_safe);
    cr_assert_eq(a->n_members, b->n_members);
    for (int i = 0; i < a->n_members; i++) {
        const bf_member *x = &a->members[i], *y = &b->members[i];
        cr_expect_str_eq(x->id, y->id); cr_expect_str_eq(x->name, y->name);
        cr_expect_str_eq(x->idnumber, y->idnumber); cr_expect_eq(x->relation, y->relation);
        cr_expect_eq(x->birth, y->birth); cr_expect_eq(x->sex, y->sex);
        cr_expect_eq(x->labor, y->labor); cr_expect_eq(x->employment, y->employment);
        cr_expect_eq(x->school, y->school); cr_expect_eq(x->self_care, y->self_care);
        cr_expect_eq(x->disability, y->disability);
        cr_expect_eq(x->disability_type, y->disability_type);
        cr_expect_eq(x->serious_illness, y->serious_illness);
        cr_expect_eq(x->pension_insured, y->pension_insured);
        cr_expect_eq(x->medical_insured, y->medical_insured);
        cr_expect_eq(x->medical_cost, y->medical_cost); cr_expect_eq(x->supporter, y->supporter);
    }
}

Test(store, every_field_round_trips)
{
    bf_household h, back;
    full_household(&h, "户-001", 3);
    memset(&back, 0, sizeof back);
    cr_assert_eq(bf_store_insert_household(store, &h, &bf_test_errs), BF_OK, "%s", bf_test_error());
    cr_assert_eq(bf_store_get_household(store, "户-001", &back, &bf_test_errs), BF_OK, "%s",
                 bf_test_error());
    expect_same(&h, &back);
    h.has_previous = false;
    strcpy(h.id, "H2");
    for (int i = 0; i < h.n_members; i++)
        h.members[i].id[0] = 'X';
    cr_assert_eq(bf_store_insert_household(store, &h, &bf_test_errs), BF_OK, "%s", bf_test_error());
    cr_assert_eq(bf_store_get_household(store, "H2", &back, &bf_test_errs), BF_OK);
    cr_expect(!back.has_previous, "absent previous income stays absent (NULL), not 0");
    bf_household_free(&h);
    bf_household_free(&back);
}

Test(store, households_of_1_to_20_members_round_trip_member_by_member)
{
    /* members are written up to eight to a statement: 1 … 20 members cover one statement, a
     * full one, a full one and one more, and three statements; each member differs from the
     * others in every number, so a value bound to the wrong row shows */
    for (int n = 1; n <= 20; n++) {
        bf_household h, back;
        char id[16];
        snprintf(id, sizeof id, "N%02d", n);
        full_household(&h, id, n);
        for (int i = 0; i < n; i++) {
            bf_member *m = &h.members[i];
            m->disability = i % 5;
            m->medical_cost = 100 * i + n;
            m->supporter = i % 2;
            m->birth = (bf_date)(m->birth - i);
            m->sex = i % 3 ? BF_SEX_M : BF_SEX_F;
        }
        memset(&back, 0, sizeof back);
        cr_assert_eq(bf_store_insert_household(store, &h, &bf_test_errs), BF_OK, "%s",
                     bf_test_error());
        cr_assert_eq(bf_store_get_household(store, id, &back, &bf_test_errs), BF_OK, "%s",
                     bf_test_error());
        expect_same(&h, &back);
        bf_household_free(&h);
        bf_household_free(&back);
    }
}

Test(store, a_member_id_taken_inside_a_statement_of_several_names_the_rows)
{
    bf_household a, b;
    full_household(&a, "A", 1);
    full_household(&b, "B", 10);
    strcpy(b.members[4].id, "A-1");           /* in the first statement, members 1 to 8 */
    cr_assert_eq(bf_store_begin(store, &bf_test_errs), BF_OK);
    cr_assert_eq(bf_store_insert_household(store, &a, &bf_test_errs), BF_OK, "%s", bf_test_error());
    cr_expect_eq(bf_store_insert_household(store, &b, &bf_test_errs), BF_ESTORE);
    cr_expect(strstr(bf_test_error(), "inserting members B-1 to B-8 of household B"),
              "%s", bf_test_error());
    cr_assert_eq(bf_store_rollback(store, &bf_test_errs), BF_OK);
    int64_t nh, nm;
    cr_assert_eq(bf_store_count(store, &nh, &nm, &bf_test_errs), BF_OK);
    cr_expect_eq(nh, 0);
    cr_expect_eq(nm, 0);
    bf_household_free(&a);
    bf_household_free(&b);
}

Test(store, missing_household_is_not_found)
{
    bf_household back;
    memset(&back, 0, sizeof back);
    cr_expect_eq(bf_store_get_household(store, "nope", &back, &bf_test_errs), BF_ENOTFOUND);
    cr_expect(strstr(bf_test_error(), "nope") != NULL);
    bf_household_free(&back);
}

Test(store, duplicate_ids_are_refused_and_delete_cascades)
{
    bf_household h;
    full_household(&h, "H1", 2);
    cr_assert_eq(bf_store_insert_household(store, &h, &bf_test_errs), BF_OK);
    cr_expect_eq(bf_store_insert_household(store, &h, &bf_test_errs), BF_ESTORE);
    cr_expect(strstr(bf_test_error(), "H1") != NULL);
    bool exists;
    cr_assert_eq(bf_store_member_exists(store, "H1-2", &exists, &bf_test_errs), BF_OK);
    cr_expect(exists);
    cr_assert_eq(bf_store_delete_household(store, "H1", &bf_test_errs), BF_OK);
    cr_assert_eq(bf_store_member_exists(store, "H1-2", &exists, &bf_test_errs), BF_OK);
    cr_expect(!exists, "members are deleted with their household");
    int64_t nh, nm;
    cr_assert_eq(bf_store_count(store, &nh, &nm, &bf_test_errs), BF_OK);
    cr_expect_eq(nh, 0);
    cr_expect_eq(nm, 0);
    bf_household_free(&h);
}

Test(store, reader_streams_in_id_order_in_batches)
{
    bf_household h;
    cr_assert_eq(bf_store_begin(store, &bf_test_errs), BF_OK);
    /* insert out of order, with 1..7 members, so batches split between households */
    for (int i = 0; i < 1000; i++) {
        int k = (i * 397) % 1000;
        char id[32];
        snprintf(id, sizeof id, "H%05d", k);
        full_household(&h, id, 1 + k % 7);
        cr_assert_eq(bf_store_insert_household(store, &h, &bf_test_errs), BF_OK, "%s",
                     bf_test_error());
        bf_household_free(&h);
    }
    cr_assert_eq(bf_store_commit(store, &bf_test_errs), BF_OK);
    bf_reader *r;
    cr_assert_eq(bf_store_reader_open(store, 64, &r, &bf_test_errs), BF_OK);
    int seen = 0, batches = 0;
    bf_household *batch;
    int n;
    while (bf_reader_next(r, &batch, &n, &bf_test_errs) == BF_OK && n > 0) {
        batches++;
        for (int i = 0; i < n; i++, seen++) {
            char id[32];
            snprintf(id, sizeof id, "H%05d", seen);
            cr_assert_str_eq(batch[i].id, id);
            cr_assert_eq(batch[i].n_members, 1 + seen % 7, "%s", id);
            char mid[48];
            snprintf(mid, sizeof mid, "%s-%d", id, batch[i].n_members);
            cr_assert_str_eq(batch[i].members[batch[i].n_members - 1].id, mid);
        }
    }
    cr_expect_eq(seen, 1000);
    cr_expect_eq(batches, 16);
    bf_reader_close(r);
}

Test(store, rollback_leaves_nothing)
{
    bf_household h;
    full_household(&h, "H1", 1);
    cr_assert_eq(bf_store_begin(store, &bf_test_errs), BF_OK);
    cr_assert_eq(bf_store_insert_household(store, &h, &bf_test_errs), BF_OK);
    cr_assert_eq(bf_store_rollback(store, &bf_test_errs), BF_OK);
    int64_t nh, nm;
    cr_assert_eq(bf_store_count(store, &nh, &nm, &bf_test_errs), BF_OK);
    cr_expect_eq(nh, 0);
    bf_household_free(&h);
}

Test(store, version_mismatch_and_foreign_files_are_refused)
{
    bf_store_close(store);
    store = NULL;
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "UPDATE meta SET value='99' WHERE key='schema_version'", 0, 0, 0),
                 SQLITE_OK);
    sqlite3_close(db);
    bf_store *s2;
    cr_expect_eq(bf_store_open(path, &s2, &bf_test_errs), BF_EVERSION);
    cr_expect(strstr(bf_test_error(), "schema version 99") && strstr(bf_test_error(), "newer"),
              "%s", bf_test_error());

    char other[300];
    snprintf(other, sizeof other, "%s/other.db", dir);
    cr_assert_eq(sqlite3_open(other, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "CREATE TABLE t(x)", 0, 0, 0), SQLITE_OK);
    sqlite3_close(db);
    cr_expect_eq(bf_store_open(other, &s2, &bf_test_errs), BF_EVERSION);
    cr_expect(strstr(bf_test_error(), "not a bangfu database") != NULL, "%s", bf_test_error());

    snprintf(other, sizeof other, "%s/text.db", dir);
    FILE *f = fopen(other, "w");
    fputs("this is not sqlite at all, just some text that is long enough to be a header....", f);
    fclose(f);
    cr_expect_neq(bf_store_open(other, &s2, &bf_test_errs), BF_OK);

    snprintf(other, sizeof other, "%s/missing.db", dir);
    cr_expect_eq(bf_store_open_existing(other, &s2, &bf_test_errs), BF_ENOTFOUND);
    cr_expect_neq(access(other, F_OK), 0, "open_existing must not create the file");
    cr_assert_eq(bf_store_open(path, &store, &bf_test_errs), BF_EVERSION);
    store = NULL;
}

/* Expects the rows of sql to be want ("v1|v2\n…", NULL as "NULL"). */
static void expect_rows(const char *sql, const char *want, const char *why)
{
    char *v = bf_test_query(path, sql);
    cr_expect_str_eq(v, want, "%s", why);
    free(v);
}

/* What a person reads of the decisions with sqlite3. */
#define DECISIONS_AS_READ "SELECT run_id, household_id, policy_seq, member_seq, policy, " \
    "member_id, eligible, amount_fen, tier, reasons, details, error FROM decisions " \
    "ORDER BY run_id, household_id, policy_seq, member_seq"

/* Stores a run with five decisions: two share their texts, one has details "" and one NULL, one
 * member's id is not the usual "household-place". */
static int64_t store_five_decisions(void)
{
    bf_run_row run = {"2021-07-01T00:00:00Z", "2021-06-30", 1, NULL, false, "{}", "{}"};
    int64_t run_id = 0;
    cr_assert_eq(bf_store_run_create(store, &run, &run_id, &bf_test_errs), BF_OK, "%s",
                 bf_test_error());
    const bf_decision_row rows[] = {
        {"A1", 0, 0, "dibao", NULL, true, 104600, "full", "[\"低于低保标准\"]", "{\"pcm\":463.83}", NULL},
        {"A1", 1, 1, "education_aid", "A1-1", false, 0, NULL, "[\"未在校就读\"]", NULL, NULL},
        {"A1", 1, 2, "education_aid", "A1-2", false, 0, NULL, "[\"未在校就读\"]", NULL, NULL},
        {"A1", 1, 3, "education_aid", "身份-3", false, 0, NULL, "[\"未在校就读\"]", "", NULL},
        {"A2", 0, 0, "dibao", NULL, false, 0, NULL, NULL, NULL, "dibao.lua:3: boom"},
    };
    cr_assert_eq(bf_store_begin(store, &bf_test_errs), BF_OK);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        cr_assert_eq(bf_store_decision_insert(store, run_id, &rows[i], &bf_test_errs), BF_OK, "%s",
                     bf_test_error());
    cr_assert_eq(bf_store_commit(store, &bf_test_errs), BF_OK);
    return run_id;
}

/* The five decisions as sqlite3 prints them (written by hand from store_five_decisions). */
static const char five_decisions[] =
    "1|A1|0|0|dibao|NULL|1|104600|full|[\"低于低保标准\"]|{\"pcm\":463.83}|NULL\n"
    "1|A1|1|1|education_aid|A1-1|0|0|NULL|[\"未在校就读\"]|NULL|NULL\n"
    "1|A1|1|2|education_aid|A1-2|0|0|NULL|[\"未在校就读\"]|NULL|NULL\n"
    "1|A1|1|3|education_aid|身份-3|0|0|NULL|[\"未在校就读\"]||NULL\n"
    "1|A2|0|0|dibao|NULL|0|0|NULL|[]|NULL|dibao.lua:3: boom\n";

Test(store, decisions_are_stored_lean_and_read_back_whole)
{
    store_five_decisions();
    expect_rows(DECISIONS_AS_READ, five_decisions, "read back as written");
    expect_rows("SELECT count(*) FROM decision_texts", "4\n", "the two \"未在校就读\" without "
                "details share a text; \"\" details is another text than NULL");
    expect_rows("SELECT member_seq, coalesce(member_id, '-') FROM decision_rows ORDER BY "
                "household_id, policy_seq, member_seq", "0|-\n1|-\n2|-\n3|身份-3\n0|-\n",
                "only the unusual member id is stored");
    expect_rows("SELECT run_id, seq, policy FROM run_policy_ids", "1|0|dibao\n1|1|education_aid\n",
                "each policy's name once");
}

Test(store, texts_beyond_the_writers_memory_are_compared_with_the_stored_rows)
{
    cr_assert_eq(bf_store_texts_memory(store, 0, &bf_test_errs), BF_OK);
    store_five_decisions();
    expect_rows(DECISIONS_AS_READ, five_decisions, "read back as written");
    expect_rows("SELECT count(*) FROM decision_texts", "4\n", "shared as with texts in memory");
}

/* 75 decisions of households H00 to H24, three members each: more than two statements' worth
 * of rows (32 each) and a rest of 11 written one by one. Reasons cycle through three texts; the
 * first and third members have details of their own, the second members all share "乙" without
 * details: 51 texts, more than one statement's worth (32) too. */
#define MANY_ROWS 75
static char many_ids[MANY_ROWS][3][24];
static const char *const many_reasons[] = {"[\"甲\"]", "[\"乙\"]", "[\"丙\"]"};

static void make_many_rows(bf_decision_row rows[MANY_ROWS], int64_t *run_id)
{
    if (run_id) {              /* and the run they belong to */
        bf_run_row run = {"2021-07-01T00:00:00Z", "2021-06-30", 1, NULL, false, "{}", "{}"};
        cr_assert_eq(bf_store_run_create(store, &run, run_id, &bf_test_errs), BF_OK, "%s",
                     bf_test_error());
    }
    for (int i = 0; i < MANY_ROWS; i++) {
        int h = i / 3, m = i % 3 + 1;
        snprintf(many_ids[i][0], sizeof many_ids[i][0], "H%02d", h);
        snprintf(many_ids[i][1], sizeof many_ids[i][1], "%s", m == 2 ? "X" : "");
        if (m != 2)
            snprintf(many_ids[i][1], sizeof many_ids[i][1], "H%02d-%d", h, m);
        snprintf(many_ids[i][2], sizeof many_ids[i][2], "{\"row\":%d}", i);
        rows[i] = (bf_decision_row){many_ids[i][0], 4, m, "tekun", many_ids[i][1], h % 2 == 0,
                                    h % 2 == 0 ? 100 * i : 0, NULL, many_reasons[i % 3],
                                    m == 2 ? NULL : many_ids[i][2], NULL};
    }
}

/* Stores the 75 rows in one call and checks what was written. */
static void store_many_and_check(void)
{
    int64_t run_id = 0;
    bf_decision_row rows[MANY_ROWS];
    make_many_rows(rows, &run_id);
    cr_assert_eq(bf_store_begin(store, &bf_test_errs), BF_OK);
    cr_assert_eq(bf_store_decisions_insert(store, run_id, rows, MANY_ROWS, &bf_test_errs), BF_OK,
                 "%s", bf_test_error());
    cr_assert_eq(bf_store_commit(store, &bf_test_errs), BF_OK);
    /* what was written, row by row as the test made it */
    char want[MANY_ROWS * 64] = "", line[64];
    for (int i = 0; i < MANY_ROWS; i++) {
        snprintf(line, sizeof line, "%s|%d|%s|%d|%lld|%s|%s\n", rows[i].household_id,
                 rows[i].member_seq, rows[i].member_id, rows[i].eligible,
                 (long long)rows[i].amount_fen, rows[i].reasons,
                 rows[i].details ? rows[i].details : "NULL");
        strcat(want, line);
    }
    expect_rows("SELECT household_id, member_seq, member_id, eligible, amount_fen, reasons, "
                "coalesce(details, 'NULL') FROM decisions ORDER BY household_id, member_seq",
                want, "every row as given");
    expect_rows("SELECT count(*), count(DISTINCT text_id) FROM decision_rows", "75|51\n",
                "each text once");
    expect_rows("SELECT count(*) FROM decision_texts", "51\n", "no text written twice");
    expect_rows("SELECT count(*) FROM decision_rows WHERE member_id IS NOT NULL", "25\n",
                "only the unusual member ids (X) are stored");
}

Test(store, many_decisions_at_once_are_stored_as_one_by_one)
{
    store_many_and_check();
}

Test(store, many_decisions_at_once_with_texts_beyond_the_writers_memory)
{
    cr_assert_eq(bf_store_texts_memory(store, 0, &bf_test_errs), BF_OK);
    store_many_and_check();       /* "乙" is compared with its row, which may wait to be written */
}

Test(store, a_refused_row_among_many_leaves_none_of_them)
{
    int64_t run_id = 0;
    bf_decision_row rows[MANY_ROWS];
    make_many_rows(rows, &run_id);
    rows[40] = rows[39];                  /* the same key twice, inside the second statement */
    cr_assert_eq(bf_store_begin(store, &bf_test_errs), BF_OK);
    cr_assert_eq(bf_store_decisions_insert(store, run_id, rows, MANY_ROWS, &bf_test_errs),
                 BF_ESTORE);
    cr_expect(strstr(bf_test_error(), "recording a decision") != NULL, "%s", bf_test_error());
    cr_assert_eq(bf_store_rollback(store, &bf_test_errs), BF_OK);
    expect_rows("SELECT (SELECT count(*) FROM decision_rows) + (SELECT count(*) FROM "
                "decision_texts)", "0\n", "nothing of the refused batch is kept");
    /* the good rows afterwards: their texts are stored anew, not taken from the rolled-back ones */
    make_many_rows(rows, NULL);
    cr_assert_eq(bf_store_begin(store, &bf_test_errs), BF_OK);
    cr_assert_eq(bf_store_decisions_insert(store, run_id, rows, MANY_ROWS, &bf_test_errs), BF_OK,
                 "%s", bf_test_error());
    cr_assert_eq(bf_store_commit(store, &bf_test_errs), BF_OK);
    expect_rows("SELECT count(*), count(DISTINCT t.id) FROM decision_rows r JOIN decision_texts t "
                "ON t.id = r.text_id", "75|51\n", "every row finds its text");
}

Test(store, a_rolled_back_decision_leaves_no_text_behind_for_the_next_one)
{
    bf_run_row run = {"2021-07-01T00:00:00Z", "2021-06-30", 1, NULL, false, "{}", "{}"};
    int64_t run_id = 0;
    cr_assert_eq(bf_store_run_create(store, &run, &run_id, &bf_test_errs), BF_OK, "%s",
                 bf_test_error());
    bf_decision_row row = {"A1", 0, 0, "dibao", NULL, true, 100, "full", "[\"甲\"]", NULL, NULL};
    cr_assert_eq(bf_store_begin(store, &bf_test_errs), BF_OK);
    cr_assert_eq(bf_store_decision_insert(store, run_id, &row, &bf_test_errs), BF_OK);
    cr_assert_eq(bf_store_rollback(store, &bf_test_errs), BF_OK);
    /* the same texts again: stored anew, not referring to the rolled-back row */
    cr_assert_eq(bf_store_begin(store, &bf_test_errs), BF_OK);
    cr_assert_eq(bf_store_decision_insert(store, run_id, &row, &bf_test_errs), BF_OK, "%s",
                 bf_test_error());
    cr_assert_eq(bf_store_commit(store, &bf_test_errs), BF_OK);
    char *v = bf_test_query(path, "SELECT household_id, reasons FROM decisions");
    cr_expect_str_eq(v, "A1|[\"甲\"]\n");
    free(v);
    cr_expect_eq(bf_store_run_delete_decisions(store, run_id, &bf_test_errs), BF_OK);
    v = bf_test_query(path, "SELECT (SELECT count(*) FROM decision_rows) + (SELECT count(*) FROM decision_texts)");
    cr_expect_str_eq(v, "0\n", "a deleted run's decisions take their texts with them");
    free(v);
}

/* Stores the five decisions, closes the store and runs sql on the file (making it older). */
static void five_decisions_then(const char *sql)
{
    store_five_decisions();
    bf_store_close(store);
    store = NULL;
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, sql, 0, 0, 0), SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
}

/* Opens the older database of the five decisions for writing: it is migrated to version 8 and
 * reads every decision as before. */
static void open_migrated_five_decisions(void)
{
    cr_assert_eq(bf_store_open(path, &store, &bf_test_errs), BF_OK, "%s", bf_test_error());
    char *v = bf_test_query(path, "SELECT value FROM meta WHERE key = 'schema_version'");
    cr_expect_str_eq(v, "8\n");
    free(v);
    v = bf_test_query(path, DECISIONS_AS_READ);
    cr_expect_str_eq(v, five_decisions, "migrated, every decision reads as before");
    free(v);
}

Test(store, a_version_6_database_keeps_every_decision_as_it_was)
{
    five_decisions_then(BF_TEST_AS_VERSION_6_DECISIONS
                        "UPDATE meta SET value = '6' WHERE key = 'schema_version';");
    char *v = bf_test_query(path, DECISIONS_AS_READ);
    cr_expect_str_eq(v, five_decisions, "the version 6 table holds the decisions");
    free(v);
    cr_assert_eq(bf_store_open_readonly(path, &store, &bf_test_errs), BF_EVERSION,
                 "a reader cannot migrate");
    store = NULL;
    open_migrated_five_decisions();
    v = bf_test_query(path, "SELECT count(*), (SELECT count(member_id) FROM decision_rows) FROM decision_texts");
    cr_expect_str_eq(v, "4|1\n");
    free(v);
    cr_expect_null(bf_store_note(store), "five decisions free too little of the file for a note");
}

/* SQL turning version 8's decision tables back into version 7's: each text with its policy's
 * name (that of a decision reading it), no run_policy_ids, the view reading the texts' names. */
#define AS_VERSION_7_TEXTS \
    "DROP VIEW decisions;" \
    "CREATE TABLE texts_7(id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, policy TEXT NOT NULL, " \
    "reasons TEXT NOT NULL, details TEXT);" \
    "INSERT INTO texts_7 SELECT t.id, t.run_id, (SELECT p.policy FROM decision_rows r JOIN " \
    "run_policy_ids p ON p.run_id = r.run_id AND p.seq = r.policy_seq WHERE r.text_id = t.id " \
    "LIMIT 1), t.reasons, t.details FROM decision_texts t;" \
    "DROP TABLE decision_texts; DROP TABLE run_policy_ids;" \
    "ALTER TABLE texts_7 RENAME TO decision_texts;" \
    "CREATE VIEW decisions AS SELECT r.run_id AS run_id, r.household_id AS household_id, " \
    "r.policy_seq AS policy_seq, r.member_seq AS member_seq, t.policy AS policy, CASE WHEN " \
    "r.member_id IS NULL AND r.member_seq > 0 THEN r.household_id || '-' || r.member_seq ELSE " \
    "r.member_id END AS member_id, r.eligible AS eligible, r.amount_fen AS amount_fen, " \
    "r.tier AS tier, t.reasons AS reasons, t.details AS details, r.error AS error " \
    "FROM decision_rows r JOIN decision_texts t ON t.id = r.text_id;" \
    "UPDATE meta SET value = '7' WHERE key = 'schema_version';"

Test(store, a_version_7_database_keeps_every_decision_as_it_was)
{
    five_decisions_then(AS_VERSION_7_TEXTS);
    char *v = bf_test_query(path, DECISIONS_AS_READ);
    cr_expect_str_eq(v, five_decisions, "the version 7 tables hold the decisions");
    free(v);
    open_migrated_five_decisions();
    v = bf_test_query(path, "SELECT (SELECT count(*) FROM decision_texts), group_concat(policy, ' ') "
                            "FROM run_policy_ids");
    cr_expect_str_eq(v, "4|dibao education_aid\n", "the texts kept, each policy's name once");
    free(v);
    /* the next decisions of a run are stored as in a new database */
    bf_run_row run = {"2021-07-02T00:00:00Z", "2021-06-30", 1, NULL, false, "{}", "{}"};
    int64_t run_id = 0;
    cr_assert_eq(bf_store_run_create(store, &run, &run_id, &bf_test_errs), BF_OK, "%s",
                 bf_test_error());
    bf_decision_row row = {"A1", 3, 0, "tekun", NULL, true, 5, NULL, "[\"甲\"]", NULL, NULL};
    cr_assert_eq(bf_store_begin(store, &bf_test_errs), BF_OK);
    cr_assert_eq(bf_store_decision_insert(store, run_id, &row, &bf_test_errs), BF_OK, "%s",
                 bf_test_error());
    cr_assert_eq(bf_store_commit(store, &bf_test_errs), BF_OK);
    v = bf_test_query(path, "SELECT policy, reasons FROM decisions WHERE run_id = 2");
    cr_expect_str_eq(v, "tekun|[\"甲\"]\n");
    free(v);
}

/* An upgrade that frees much of the file (here the version 6 decisions table, 3,000 rows of
 * 1,000-byte reasons, becomes one text and 3,000 lean rows) says how much, and VACUUM gives it
 * back as the note says. */
Test(store, an_upgrade_that_frees_much_of_the_file_says_how_to_give_it_back)
{
    five_decisions_then(BF_TEST_AS_VERSION_6_DECISIONS
                        "UPDATE meta SET value = '6' WHERE key = 'schema_version';"
                        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE "
                        "i < 3000) INSERT INTO decisions SELECT 1, printf('B%04d', i), 0, 0, "
                        "'dibao', NULL, 0, 0, NULL, '[\"' || printf('%.996c', 'x') || '\"]', "
                        "NULL, NULL FROM n;");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "runs", "--db", path, NULL), 0, "%s", r.err);
    /* what the file holds after the upgrade, in whole MB as the note gives them */
    char *v = bf_test_query(path, "SELECT freelist_count * page_size / 1000000, page_count * "
                                  "page_size / 1000000, (page_count - freelist_count) * page_size "
                                  "FROM pragma_freelist_count, pragma_page_count, pragma_page_size");
    long long unused_mb = 0, size_mb = 0, used = 0;
    cr_assert_eq(sscanf(v, "%lld|%lld|%lld", &unused_mb, &size_mb, &used), 3, "%s", v);
    free(v);
    cr_expect_geq(unused_mb, 2, "about 3 MB of version 6 rows freed");
    char want[256];
    snprintf(want, sizeof want, "the upgrade to schema version 8 left %lld MB of the file's %lld MB "
             "unused", unused_mb, size_mb);
    cr_expect(strstr(r.err, want), "%s in\n%s", want, r.err);
    cr_expect(strstr(r.err, "VACUUM"), "%s", r.err);
    bf_test_run_free(&r);
    /* and VACUUM gives back what it said */
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "VACUUM", 0, 0, 0), SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
    v = bf_test_query(path, "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size");
    cr_expect_leq(atoll(v), used, "%s after VACUUM, %lld in use before", v, used);
    free(v);
    /* told once: the next command opens version 7 and says nothing of it */
    cr_assert_eq(bf_test_bangfu(&r, NULL, "runs", "--db", path, NULL), 0, "%s", r.err);
    cr_expect(!strstr(r.err, "VACUUM"), "%s", r.err);
    bf_test_run_free(&r);
}

Test(store, a_version_1_database_is_migrated_and_its_runs_stop_serving_as_baselines)
{
    bf_store_close(store);
    store = NULL;
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    /* what version 1 looked like: no households_version anywhere, one completed run */
    cr_assert_eq(sqlite3_exec(db, BF_TEST_AS_VERSION_6_DECISIONS
                                  "ALTER TABLE runs DROP COLUMN households_version;"
                                  "ALTER TABLE runs DROP COLUMN summary_recorded;"
                                  "DROP TABLE run_param_reads; DROP TABLE run_towns;"
                                  "DROP TABLE household_versions; DROP TABLE run_sources;"
                                  "DROP TABLE household_views;"
                                  "ALTER TABLE runs DROP COLUMN reused_from;"
                                  "ALTER TABLE runs DROP COLUMN reused;"
                                  "DELETE FROM meta WHERE key = 'households_version';"
                                  "UPDATE meta SET value = '1' WHERE key = 'schema_version';"
                                  "INSERT INTO runs(id, started, eval_date, status, jobs, file_hashes, parameters) "
                                  "VALUES (1, 'x', '2021-06-30', 'completed', 1, 'h', 'p')", 0, 0, 0),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
    cr_assert_eq(bf_store_open(path, &store, &bf_test_errs), BF_OK, "%s", bf_test_error());
    char *v = bf_test_query(path, "SELECT value FROM meta WHERE key IN ('schema_version', 'households_version') ORDER BY key");
    cr_expect_str_eq(v, "0\n8\n");
    free(v);
    v = bf_test_query(path, "SELECT (SELECT count(*) FROM run_towns) + (SELECT count(*) FROM run_param_reads),"
                            " (SELECT summary_recorded FROM runs WHERE id = 1)");
    cr_expect_str_eq(v, "0|0\n", "the tally tables exist, empty; the old run has no tally");
    free(v);
    cr_expect_eq(bf_store_check_baseline(store, 1, "2021-06-30", "p", "h", &bf_test_errs),
                 BF_EINPUT);
    cr_expect(strstr(bf_test_error(), "made by an older bangfu"), "%s", bf_test_error());
    int64_t run_id = -1;
    cr_expect_eq(bf_store_find_baseline(store, "2021-06-30", "p", "h", &run_id, &bf_test_errs),
                 BF_OK);
    cr_expect_eq(run_id, 0, "no baseline found");
}

Test(store, writing_households_counts_the_version_once_per_transaction)
{
    bf_household h;
    char *v = bf_test_query(path, "SELECT value FROM meta WHERE key = 'households_version'");
    cr_expect_str_eq(v, "0\n");
    free(v);
    cr_assert_eq(bf_store_begin(store, &bf_test_errs), BF_OK);
    for (int i = 0; i < 3; i++) {
        char id[16];
        snprintf(id, sizeof id, "V%d", i);
        full_household(&h, id, 2);
        cr_assert_eq(bf_store_insert_household(store, &h, &bf_test_errs), BF_OK, "%s",
                     bf_test_error());
        bf_household_free(&h);
    }
    cr_assert_eq(bf_store_commit(store, &bf_test_errs), BF_OK);
    v = bf_test_query(path, "SELECT value FROM meta WHERE key = 'households_version'");
    cr_expect_str_eq(v, "1\n");
    free(v);
    cr_assert_eq(bf_store_begin(store, &bf_test_errs), BF_OK);
    full_household(&h, "V7", 1);
    cr_assert_eq(bf_store_insert_household(store, &h, &bf_test_errs), BF_OK);
    bf_household_free(&h);
    cr_assert_eq(bf_store_rollback(store, &bf_test_errs), BF_OK);
    cr_assert_eq(bf_store_begin(store, &bf_test_errs), BF_OK);
    cr_assert_eq(bf_store_commit(store, &bf_test_errs), BF_OK);
    v = bf_test_query(path, "SELECT value FROM meta WHERE key = 'households_version'");
    cr_expect_str_eq(v, "1\n", "a rollback and an empty transaction count nothing");
    free(v);
}

/* Issue 11, item 2: a run whose process died is shown as abandoned, never as running. The lock
 * that marks a run alive is an open-file-description lock, so a second connection in this same
 * process sees it as another process would. */
Test(store, a_run_is_running_while_its_connection_lives_and_abandoned_after)
{
    bf_run_row row = {"2026-12-04T10:00:00Z", "2026-12-04", 1, NULL, false, "{}", "{}"};
    int64_t id;
    cr_assert_eq(bf_store_run_create(store, &row, &id, &bf_test_errs), BF_OK, "%s",
                 bf_test_error());
    bf_store *other;
    cr_assert_eq(bf_store_open_existing(path, &other, &bf_test_errs), BF_OK, "%s", bf_test_error());
    bf_stored_run run;
    cr_assert_eq(bf_store_run_get(other, id, &run, &bf_test_errs), BF_OK, "%s", bf_test_error());
    cr_expect_str_eq(run.status, "running");
    bf_stored_run_free(&run);

    /* a second run of the same store finishes; the first connection dies without finishing */
    int64_t id2;
    cr_assert_eq(bf_store_run_create(other, &row, &id2, &bf_test_errs), BF_OK, "%s",
                 bf_test_error());
    cr_assert_eq(bf_store_run_finish(other, id2, "completed", "2026-12-04T10:01:00Z", 0, 0, 0,
                                     &bf_test_errs), BF_OK);
    bf_store_close(store);
    cr_assert_eq(bf_store_open_existing(path, &store, &bf_test_errs), BF_OK, "%s", bf_test_error());
    cr_assert_eq(bf_store_run_get(other, id, &run, &bf_test_errs), BF_OK);
    cr_expect_str_eq(run.status, "abandoned");
    bf_stored_run_free(&run);
    cr_assert_eq(bf_store_run_get(store, id2, &run, &bf_test_errs), BF_OK);
    cr_expect_str_eq(run.status, "completed");
    bf_stored_run_free(&run);
    bf_store_close(other);
}

/* ---- an import's insert thread (core/input/inserter.c) ---- */

/* Household number i with i % 3 + 1 members (ids H0001, H0001-1 …). */
static void numbered_household(bf_household *h, int i)
{
    bf_household_reset(h);
    snprintf(h->id, sizeof h->id, "H%04d", i);
    strcpy(h->town, "桂头镇");
    strcpy(h->village, "杨溪村");
    h->wage = 100 * i;
    for (int k = 0; k < i % 3 + 1; k++) {
        bf_member *m = bf_household_add_member(h);
        cr_assert_not_null(m);
        snprintf(m->id, sizeof m->id, "H%04d-%d", i, k + 1);
        m->relation = k == 0 ? BF_REL_HEAD : BF_REL_CHILD;
        bf_date_parse("1980-05-01", &m->birth);
    }
}

/* More households than the queue holds: all of them written, each with its own fields. */
Test(store, inserter_writes_every_household_in_order)
{
    cr_assert_eq(bf_store_begin(store, &bf_test_errs), BF_OK);
    bf_inserter *w;
    cr_assert_eq(bf_inserter_start(store, &w), BF_OK);
    bf_household h = {0};
    for (int i = 1; i <= 1000; i++) {
        numbered_household(&h, i);
        cr_assert_eq(bf_inserter_add(w, &h, "a.xml"), BF_OK);
    }
    bf_household_free(&h);
    cr_assert_eq(bf_inserter_finish(w, &bf_test_errs), BF_OK, "%s", bf_test_error());
    cr_assert_eq(bf_store_commit(store, &bf_test_errs), BF_OK);
    /* 1000 households; members: i % 3 + 1 over i = 1..1000 is 334·2 + 333·3 + 333·1 = 2000 */
    char *v = bf_test_query(path, "SELECT (SELECT count(*) FROM households) || ' ' || "
                                  "(SELECT count(*) FROM members) || ' ' || "
                                  "(SELECT sum(wage_fen) FROM households)");
    /* wages: 100 · (1 + … + 1000) = 100 · 500500 */
    cr_expect_str_eq(v, "1000 2000 50050000\n");
    free(v);
    v = bf_test_query(path, "SELECT count(*) FROM members WHERE household_id = 'H0999'");
    cr_expect_str_eq(v, "1\n");                     /* 999 % 3 + 1 */
    free(v);
}

/* An insert the store refuses (a negative wage breaks the table's CHECK) stops the writing:
 * later adds report the failure, finish gives the store's message naming the household. */
Test(store, inserter_a_refused_insert_stops_the_writing_with_the_stores_message)
{
    cr_assert_eq(bf_store_begin(store, &bf_test_errs), BF_OK);
    bf_inserter *w;
    cr_assert_eq(bf_inserter_start(store, &w), BF_OK);
    bf_household h = {0};
    int rc = BF_OK;
    for (int i = 1; i <= 400 && rc == BF_OK; i++) {
        numbered_household(&h, i);
        if (i == 10)
            h.wage = -1;
        rc = bf_inserter_add(w, &h, "a.xml");
    }
    bf_household_free(&h);
    bf_errors errs;
    bf_errors_init(&errs, 5);
    cr_expect_eq(bf_inserter_finish(w, &errs), BF_ESTORE);
    cr_expect_eq(errs.count, 1, "one message, the refused insert's");
    cr_expect(strstr(bf_errors_first(&errs), "H0010"), "%s", bf_errors_first(&errs));
    bf_errors_free(&errs);
    cr_assert_eq(bf_store_commit(store, &bf_test_errs), BF_OK);
    char *v = bf_test_query(path, "SELECT count(*) FROM households WHERE id > 'H0010'");
    cr_expect_str_eq(v, "0\n", "nothing after the refused household is written");
    free(v);
}
