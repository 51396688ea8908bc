/* cli.c — the `bangfu` command: dispatch to subcommands, global --help and --version. */
#include "cli.h"
#include "bangfu.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EVAL_HELP \
    "  --policies DIR     policy scripts and params.xml (default: $BANGFU_POLICIES or ./policies)\n" \
    "  --date YYYY-MM-DD  the evaluation date (default: today)\n" \
    "  --set NAME=VALUE   use VALUE for a parameter in this command only (repeatable)\n" \
    "  --max-memory MIB   memory cap of each Lua state (default 256)\n" \
    "  --max-instructions N  instruction budget of one evaluation (default 10000000)\n" \
    "  --plugins DIR      native plugins, for the Lua modules they offer (default: see\n" \
    "                     'bangfu plugins --help')\n"
#define DB_HELP "  --db DB            the SQLite database (default: bangfu.db in this folder)\n"

/* The command table; `bangfu --help` lists it in this order. */
const bf_command bf_commands[] = {
    {"import", bf_cmd_import, "validate and import household files into the database",
     "usage: bangfu import FILE... [--db DB] [--replace] [--check] [--format F]\n"
     "                     [--policies DIR] [--plugins DIR]\n"
     "\n"
     "Validates every file and the record rules, then imports all of them in one transaction:\n"
     "any error and nothing is imported. Errors name file:line:column of the value (an XML\n"
     "attribute, a CSV cell: line and column number), the household and member ids, the\n"
     "field, the value and the rule; every error found is counted (the first 20 in full).\n"
     "The rules: every field converts (amounts, dates, enum values, required fields); ids of 1\n"
     "to 64 characters, unique (household, member; not already stored unless --replace);\n"
     "amounts not negative; at least one member and exactly one head; birth not after today\n"
     "and age at most 120; an idnumber of 18 characters with a real date, the right check\n"
     "digit (GB 11643), the member's birth and a sex digit agreeing with sex, held by one\n"
     "member only (in the files and the database); a town of DIR/areas.xml and a village of\n"
     "that town (see 'bangfu areas'). README.md lists them all.\n"
     "\n"
     "The format comes from --format or from each file's extension:\n"
     "  .xml   built in: <households xmlns=\"urn:bangfu:households:1\">, checked against the\n"
     "         shipped schema while it streams\n"
     "  .csv   the csv plugin: households.csv and members.csv given together, e.g.\n"
     "           bangfu import households.csv members.csv\n"
     "         Each has a header row with the XML attribute names (households: id, town,\n"
     "         village, status, monitor, recorded, wage, business, property, transfer,\n"
     "         excluded, previous, deposits, vehicle, extra_houses, medical, education,\n"
     "         housing_safe, water_safe; members: household, id, name, idnumber, relation,\n"
     "         birth, …, supporter); an empty cell is an absent value. Which file is which\n"
     "         comes from its header (members have a 'household' column). RFC 4180 quoting,\n"
     "         UTF-8 with or without a byte-order mark, CRLF or LF. Members may be in any\n"
     "         order: they are held in memory while the households stream (about the size of\n"
     "         members.csv).\n"
     "Other plugins may add formats; an unknown format lists the ones available.\n"
     "\n" DB_HELP
     "  --replace          replace households whose id is already stored (default: an error)\n"
     "  --check            check everything, write nothing\n"
     "  --policies DIR     the folder of areas.xml (default: $BANGFU_POLICIES or ./policies)\n"
     "  --format F         read every file as F (xml, csv, …) whatever its extension\n"
     "  --plugins DIR      native plugins (default: see 'bangfu plugins --help')\n"
     "\nExit status: 0 imported (with --check: no errors), 2 bad input, unknown format or\n"
     "usage.\n"},
    {"gen", bf_cmd_gen, "generate a synthetic county population",
     "usage: bangfu gen --households N [--seed S] (--db DB | --out FILE.xml)\n"
     "\n"
     "Makes N households in the county's nine towns, deterministic for a seed, with every\n"
     "policy and tier of POLICIES.md represented; ages are taken on 2021-06-30. --db writes\n"
     "straight into the database (it must hold no households yet); --out writes an XML file\n"
     "that `import` accepts. On an error or an interrupt nothing is kept.\n"
     "\n"
     "  --households N     how many households (1 to 100000000)\n"
     "  --seed S           the seed, a whole number (default 1)\n"
     "  --db DB            write into this SQLite database (created when missing)\n"
     "  --out FILE.xml     write XML instead of a database\n"},
    {"run", bf_cmd_run, "evaluate every household, store the decisions and an audit record",
     "usage: bangfu run [--db DB] [--date D] [--only P,...] [--jobs N] [--store-all]\n"
     "                  [--report FILE.html]\n"
     "\n"
     "Evaluates every policy for every stored household on N worker threads and stores a run:\n"
     "its id, start and end, evaluation date, the sha256 of every policy file and of\n"
     "params.xml, the parameter values in force, its status and counts, and the decisions\n"
     "(every eligible one and every error; with --store-all the ineligible ones too). Then\n"
     "prints per policy: households and members eligible, the yearly amount, errors.\n"
     "A run stopped by Ctrl-C or SIGTERM is marked interrupted and keeps what it stored;\n"
     "a run killed outright stays 'running', never 'completed'.\n"
     "\n" DB_HELP EVAL_HELP
     "  --only P,...       only these policies (and the ones they require)\n"
     "  --jobs N           worker threads (default: the number of cores); results are the same\n"
     "  --store-all        also store the decisions that are not eligible\n"
     "  --report FILE.html also write a self-contained HTML report of the stored run: per\n"
     "                     policy and per town, tables and bar charts (inline SVG, no scripts)\n"
     "\nExit status: 0 all decisions made, 1 some evaluation failed or interrupted, 2 bad input.\n"},
    {"simulate", bf_cmd_simulate, "what if a standard changes: who gains, who loses, what it costs",
     "usage: bangfu simulate (--set NAME=VALUE... | --scenario FILE) [--db DB] [--date D]\n"
     "                       [--format text|json|csv] [--limit N] [--jobs N] [--only P,...]\n"
     "                       [--baseline-run N] [--report FILE.html]\n"
     "\n"
     "Evaluates every stored household twice on the same date: the baseline (parameters in\n"
     "force) and the scenario (with the changed values), and prints per policy: eligible\n"
     "households and members and the yearly amount before and after, the change, how many\n"
     "decisions gained or lost eligibility and how many amounts were raised or cut; the same\n"
     "per town; and the changed decisions (the first N, with the total). A policy is evaluated\n"
     "again only where it read a changed parameter or requires a policy whose decision\n"
     "changed for that household; the 're?' column says whether that happened. Nothing is\n"
     "written to the database.\n"
     "\n"
     "  --set NAME=VALUE   a changed parameter value (repeatable; see 'bangfu params')\n"
     "  --scenario FILE    <scenario xmlns=\"urn:bangfu:scenario:1\" name=\"…\"> with\n"
     "                     <set param=\"dibao.standard\" value=\"610\" [from=\"YYYY-MM-DD\"]/>\n"
     "  --format FMT       text (default), json, or csv (per policy, then per town)\n"
     "  --limit N          changed decisions listed (default 50)\n"
     "  --report FILE.html also write a self-contained HTML page: tables and bar charts of\n"
     "                     baseline against scenario per policy and per town, the changes\n"
     "  --baseline-run N   use stored run N as the baseline (same date, parameter values and\n"
     "                     policy files, no households imported since); 0 evaluates it.\n"
     "                     Default: the latest such run if any\n"
     DB_HELP EVAL_HELP
     "  --jobs N           worker threads (default: the number of cores)\n"
     "\nExit status: 0 simulated, 1 evaluation errors or interrupted, 2 bad input or usage.\n"},
    {"review", bf_cmd_review, "recorded statuses against a run's decisions (数据比对)",
     "usage: bangfu review [--db DB] [--run N] [--format text|json|csv]\n"
     "\n"
     "Compares what each household's records say (its `recorded` policies and `monitor`\n"
     "status) with the decisions of a stored run (POLICIES.md §3) and lists, with household\n"
     "id, town, village, policy, member and the stored reasons:\n"
     "  recorded_not_eligible   a recorded policy none of whose decisions is eligible now\n"
     "  eligible_not_recorded   dibao or tekun eligible but not recorded (possible omission, 漏保)\n"
     "  monitoring_candidate    monitoring tier alert on a household with monitor = none\n"
     "  unknown_policy          a recorded policy id the run does not have\n"
     "  evaluation_error        a recorded policy whose evaluation failed (never eligible)\n"
     "Text has Chinese headings, one section per kind and the counts at the end.\n"
     "\n" DB_HELP
     "  --run N            the run to compare (default: the latest completed run); it must\n"
     "                     have completed, or its decisions would not cover every household\n"
     "  --format FMT       text (default); json {\"run\", \"date\", \"findings\": [{\"household\",\n"
     "                     \"town\", \"village\", \"kind\", \"policy\", \"policy_title\", \"member\",\n"
     "                     \"reasons\"}], \"households\", \"counts\"}; or csv (RFC 4180, UTF-8 with\n"
     "                     a byte-order mark so Excel shows Chinese: household,town,village,kind,\n"
     "                     policy,policy_title,member,reason, the reasons joined by '；')\n"
     "\nExit status: 0 reviewed (findings are not errors), 2 no such run, bad input or usage.\n"},
    {"export", bf_cmd_export, "write a stored run's decisions as XML, CSV or JSON",
     "usage: bangfu export [--db DB] [--run N] --format xml|csv|json [--out FILE] [--plugins DIR]\n"
     "\n"
     "Writes a stored run: its audit record (times, date, status, counts, the sha256 of every\n"
     "policy file, the parameter values in force) and every decision it stored, in household\n"
     "id then evaluation order, with town, village and the policy's title. Amounts are yuan\n"
     "with two decimals.\n"
     "  xml    built in: <export xmlns=\"urn:bangfu:export:1\">, valid against the shipped\n"
     "         core/input/schemas/export.xsd, ending with <totals decisions eligible errors amount>\n"
     "  csv    from the csv plugin: RFC 4180, UTF-8 with a byte-order mark (so Excel opens\n"
     "         Chinese text correctly), header run_id,household,town,village,policy,\n"
     "         policy_title,member,eligible,amount,tier,reasons,details,error (reasons and\n"
     "         details as JSON)\n"
     "  json   from the json plugin: {\"run\": {…}, \"decisions\": […]}\n"
     "Other plugins may add formats; an unknown format lists the ones available.\n"
     "\n" DB_HELP
     "  --run N            the run (default: the latest completed run)\n"
     "  --format FMT       the output format (required)\n"
     "  --out FILE         write FILE instead of standard output: a temporary file beside it\n"
     "                     is renamed only when the export succeeded, so a failed export never\n"
     "                     leaves a partial file\n"
     "  --plugins DIR      native plugins (default: see 'bangfu plugins --help')\n"
     "\nExit status: 0 exported, 2 no such run, unknown format, unwritable file or usage.\n"},
    {"check", bf_cmd_check, "evaluate one household: eligible for what, how much, and why",
     "usage: bangfu check HOUSEHOLD_ID [--db DB] [--date D] [--set NAME=VALUE]... [--explain]\n"
     "                    [--format text|json] [--only P,...]\n"
     "\n"
     "Evaluates every policy for one stored household and prints each decision: eligible or\n"
     "not, the yearly amount in yuan, the tier, and the reasons, members in record order.\n"
     "Nothing is written to the database.\n"
     "\n" DB_HELP EVAL_HELP
     "  --only P,...       only these policies (and the ones they require)\n"
     "  --explain          also show, per decision, the parameters read and what the script printed\n"
     "  --format FMT       text (default) or json: {\"household\", \"date\", \"decisions\": [...]}\n"
     "\nExit status: 0 evaluated, 1 some decision is an error, 2 bad input or usage.\n"},
    {"test", bf_cmd_test, "run the policy test cases (DIR/tests/*.xml)",
     "usage: bangfu test [DIR] [--verbose] [--plugins DIR]\n"
     "\n"
     "Runs every case in DIR/tests/*.xml (DIR: the policies folder, default ./policies):\n"
     "evaluates the case's household on its date with its <set> values and compares each\n"
     "<expect> (eligible, amount to the fen, tier). Prints every failure with expected and\n"
     "actual values and the reasons, then 'N passed, N failed'.\n"
     "\n"
     "  --verbose          also list the cases that pass\n"
     "  --plugins DIR      native plugins whose Lua modules the scripts may require\n"
     "\nExit status: 0 all passed, 1 some failed, 2 the cases or policies could not be loaded.\n"},
    {"lint", bf_cmd_lint, "load every policy and check the contract, parameters and requires",
     "usage: bangfu lint [DIR] [--plugins DIR]\n"
     "\n"
     "Loads params.xml and every policy script of DIR (default ./policies) without a database\n"
     "and reports each problem as file:line: message, one per line: scripts that do not load,\n"
     "broken contracts (id, title, scope, evaluate, requires), unknown or circular requires,\n"
     "and p.NAME references to parameters that params.xml does not define.\n"
     "\nExit status: 0 no problems, 1 problems found, 2 usage.\n"},
    {"params", bf_cmd_params, "list every parameter in force on a date, with unit and source",
     "usage: bangfu params [--date D] [--format text|json] [--policies DIR]\n"
     "\n"
     "Lists every parameter of params.xml: the value in force on the date (default today) and\n"
     "since when, its unit, title and source. A parameter with no value on that date is shown\n"
     "as not in force; a script that reads it gets an error naming it.\n"},
    {"areas", bf_cmd_areas, "list the county's towns and villages (areas.xml)",
     "usage: bangfu areas [--format text|json] [--policies DIR]\n"
     "\n"
     "Lists the towns and administrative villages of DIR/areas.xml (default ./policies), the\n"
     "places `bangfu import` accepts: a household's town must be one of them and its village\n"
     "one of that town's. Names not yet verified against the county's official list are\n"
     "marked. Staff edit areas.xml like params.xml (schema urn:bangfu:areas:1).\n"},
    {"plugins", bf_cmd_plugins, "list the native plugins and what they provide",
     "usage: bangfu plugins [--plugins DIR]\n"
     "\n"
     "Loads every NAME.so of the plugins folder and lists each plugin: name, version, file,\n"
     "description, and what it provides (import formats with their extensions, export\n"
     "formats, Lua modules for policy scripts). Files that cannot be used (not a plugin,\n"
     "another plugin ABI, no bf_plugin_init, an init that fails, a name, format or module\n"
     "another plugin already has) are listed with the reason and skipped.\n"
     "\n"
     "The plugins folder is the first of: --plugins DIR; $BANGFU_PLUGINS; ./plugins when it\n"
     "holds NAME.so files; the folder 'plugins' beside the bangfu executable (a build tree:\n"
     "build/plugins beside build/bangfu); ../lib/bangfu/plugins from the executable's folder\n"
     "(an installed bangfu: PREFIX/lib/bangfu/plugins). No folder means no plugins.\n"
     "\nExit status: 0 every file loaded, 1 some file was skipped, 2 usage.\n"},
    {NULL, NULL, NULL, NULL},
};

bool bf_cli_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *arg = argv[*i];
    size_t len = strlen(name);
    if (strncmp(arg, name, len) != 0)
        return false;
    if (arg[len] == '=') {
        *value = arg + len + 1;
        return true;
    }
    if (arg[len] != '\0')
        return false;
    if (*i + 1 >= argc) {
        fprintf(stderr, "bangfu %s: option %s needs a value\n", argv[0], name);
        *value = NULL;
        return true;
    }
    *value = argv[++*i];
    return true;
}

bool bf_cli_flag(const char *arg, const char *name)
{
    return strcmp(arg, name) == 0;
}

bool bf_cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

int bf_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bangfu %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'bangfu %s --help'.\n", cmd);
    va_end(ap);
    return BF_EXIT_USAGE;
}

int bf_cli_print_usage(const char *cmd)
{
    for (const bf_command *c = bf_commands; c->name; c++)
        if (strcmp(c->name, cmd) == 0) {
            fputs(c->usage, stdout);
            return BF_EXIT_OK;
        }
    return BF_EXIT_USAGE;
}

static const char *dir_from(const char *option, const char *env, const char *fallback)
{
    if (option)
        return option;
    const char *v = getenv(env);
    return v && *v ? v : fallback;
}

/* True when dir holds at least one NAME.so file. */
static bool holds_plugins(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool found = false;
    struct dirent *ent;
    while (!found && (ent = readdir(d))) {
        size_t len = strlen(ent->d_name);
        found = len > 3 && ent->d_name[0] != '.' && strcmp(ent->d_name + len - 3, ".so") == 0;
    }
    closedir(d);
    return found;
}

/* The folder of the running executable (from /proc/self/exe) into dir; false when unknown. */
static bool exe_dir(char *dir, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", dir, size - 1);
    if (n <= 0 || (size_t)n >= size - 1)
        return false;
    dir[n] = '\0';
    char *slash = strrchr(dir, '/');
    if (!slash)
        return false;
    *slash = '\0';
    return true;
}

/* True when dir holds a params.xml (a policies folder). */
static bool holds_policies(const char *dir)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/params.xml", dir);
    return access(path, R_OK) == 0;
}

const char *bf_cli_policies_dir(const char *option)
{
    static char found[PATH_MAX + 32];
    const char *dir = dir_from(option, "BANGFU_POLICIES", NULL);
    if (dir)
        return dir;
    if (holds_policies("policies"))
        return "policies";
    char exe[PATH_MAX];      /* installed: PREFIX/bin/bangfu finds PREFIX/share/bangfu/policies */
    if (exe_dir(exe, sizeof exe)) {
        snprintf(found, sizeof found, "%s/../share/bangfu/policies", exe);
        if (holds_policies(found))
            return found;
    }
    return "policies";
}

const char *bf_cli_plugins_dir(const char *option)
{
    static char found[PATH_MAX + 32];
    const char *v = getenv("BANGFU_PLUGINS");
    if (option)
        return option;
    if (v && *v)
        return v;
    if (holds_plugins("plugins"))
        return "plugins";
    char exe[PATH_MAX];
    if (exe_dir(exe, sizeof exe)) {
        snprintf(found, sizeof found, "%s/plugins", exe);
        if (holds_plugins(found))
            return found;
        snprintf(found, sizeof found, "%s/../lib/bangfu/plugins", exe);
        if (holds_plugins(found))
            return found;
    }
    return "plugins";
}

bool bf_cli_parse_count(const char *cmd, const char *opt, const char *text, long max, long *out)
{
    char *end;
    errno = 0;
    long v = text ? strtol(text, &end, 10) : 0;
    if (!text || errno || *end || end == text || v < 1 || v > max) {
        bf_cli_usage_error(cmd, "%s must be a whole number from 1 to %ld, got '%s'", opt, max,
                           text ? text : "");
        return false;
    }
    *out = v;
    return true;
}

/* Whether the report's folder can take a new file (checked before a long run, not instead of
 * handling the write's own failure). */
bool bf_cli_report_folder_writable(const char *path)
{
    char *copy = strdup(path);
    bool ok = copy && access(dirname(copy), W_OK | X_OK) == 0;
    free(copy);
    return ok;
}

static void print_help(void)
{
    printf("bangfu %s — rural social assistance rules (帮扶)\n\n"
           "usage: bangfu COMMAND [OPTIONS]\n\ncommands:\n", BF_VERSION);
    for (const bf_command *c = bf_commands; c->name; c++)
        printf("  %-10s %s\n", c->name, c->summary);
    printf("\n'bangfu COMMAND --help' describes each command.\n"
           "Exit status: 0 success, 1 evaluation errors or test failures, 2 usage or input errors.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_help();
        return argc < 2 ? BF_EXIT_USAGE : BF_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("bangfu %s\n", BF_VERSION);
        return BF_EXIT_OK;
    }
    for (const bf_command *c = bf_commands; c->name; c++)
        if (strcmp(c->name, argv[1]) == 0) {
            if (bf_cli_wants_help(argc - 1, argv + 1))
                return bf_cli_print_usage(c->name);
            return c->run(argc - 1, argv + 1);
        }
    fprintf(stderr, "bangfu: unknown command '%s'\nTry 'bangfu --help'.\n", argv[1]);
    return BF_EXIT_USAGE;
}
