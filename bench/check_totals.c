/* check_totals.c — compares the per-policy totals of the latest run stored in a database (its
 * run_policies rows) with the native totals written by `native --totals FILE`. Any difference is
 * printed policy by policy and the exit status is 1: the bench stops there. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#define MAX_POLICIES 64

typedef struct row {
    char policy[128];
    long long households, members, amount, errors;
    int found;
} row;

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: check_totals DB NATIVE_TOTALS\n");
        return 2;
    }
    row nat[MAX_POLICIES];
    int n_nat = 0;
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 2;
    }
    while (n_nat < MAX_POLICIES && fscanf(f, "%127s %lld %lld %lld", nat[n_nat].policy,
                                          &nat[n_nat].households, &nat[n_nat].members,
                                          &nat[n_nat].amount) == 4) {
        nat[n_nat].found = 0;
        n_nat++;
    }
    fclose(f);
    sqlite3 *db;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "check_totals: %s: %s\n", argv[1], sqlite3_errmsg(db));
        return 2;
    }
    sqlite3_stmt *st;
    const char *sql =
        "SELECT r.id, r.status, p.policy, p.households_eligible, p.members_eligible, p.amount_fen,"
        " p.errors FROM runs r JOIN run_policies p ON p.run_id = r.id"
        " WHERE r.id = (SELECT max(id) FROM runs) ORDER BY p.seq";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "check_totals: %s: %s\n", argv[1], sqlite3_errmsg(db));
        return 2;
    }
    int bad = 0, rows = 0;
    long long run_id = 0;
    char status[64] = "";
    while (sqlite3_step(st) == SQLITE_ROW) {
        rows++;
        run_id = sqlite3_column_int64(st, 0);
        snprintf(status, sizeof status, "%s", (const char *)sqlite3_column_text(st, 1));
        const char *policy = (const char *)sqlite3_column_text(st, 2);
        long long hh = sqlite3_column_int64(st, 3), mem = sqlite3_column_int64(st, 4),
                  amount = sqlite3_column_int64(st, 5), errors = sqlite3_column_int64(st, 6);
        row *n = NULL;
        for (int i = 0; i < n_nat; i++)
            if (strcmp(nat[i].policy, policy) == 0)
                n = &nat[i];
        if (!n) {
            fprintf(stderr, "TOTALS DIFFER: run %lld has policy %s, which the native rules do not know\n",
                    run_id, policy);
            bad = 1;
            continue;
        }
        n->found = 1;
        if (errors || hh != n->households || mem != n->members || amount != n->amount) {
            fprintf(stderr, "TOTALS DIFFER: %-20s run %lld: households %lld members %lld amount_fen %lld"
                    " errors %lld | native: households %lld members %lld amount_fen %lld\n",
                    policy, run_id, hh, mem, amount, errors, n->households, n->members, n->amount);
            bad = 1;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (rows == 0) {
        fprintf(stderr, "TOTALS DIFFER: %s holds no finished run with policy totals\n", argv[1]);
        return 1;
    }
    if (strcmp(status, "completed") != 0) {
        fprintf(stderr, "TOTALS DIFFER: run %lld ended with status '%s'\n", run_id, status);
        bad = 1;
    }
    for (int i = 0; i < n_nat; i++)
        if (!nat[i].found) {
            fprintf(stderr, "TOTALS DIFFER: policy %s is missing from run %lld\n", nat[i].policy, run_id);
            bad = 1;
        }
    if (bad)
        return 1;
    printf("run %lld: totals of %d policies equal the native totals\n", run_id, rows);
    return 0;
}
