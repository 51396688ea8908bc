/* cli_serve.c — `bangfu serve`: the same work in a browser (core/serve), until Ctrl-C or
 * SIGTERM. */
#include "bangfu.h"
#include "cli.h"
#include "cli_eval.h"
#include "plugins.h"
#include "serve.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* bangfu serve: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_serve(int argc, char **argv);
static const char *const serve_usage[] = {
    N_("usage: bangfu serve [--db DB] [--listen ADDR:PORT] [--users FILE] [--cert F --key F]\n"
       "                    [--threads N] [--jobs N] [--policies DIR] [--plugins DIR]\n"
       "\n"
       "Serves the database to a browser until interrupted (Ctrl-C or SIGTERM end it cleanly):\n"
       "pages for the county's staff, and a JSON API whose answers are those of the commands'\n"
       "--format json:\n"
       "  GET  /api/check/ID?date=D        bangfu check ID --date D\n"
       "  POST /api/simulate               bangfu simulate; body {\"date\": D, \"set\":\n"
       "                                   {\"dibao.standard\": 640}}\n"
       "  GET  /api/params?date=D          bangfu params --date D\n"
       "  GET  /api/review?run=N           bangfu review --run N\n"
       "  GET  /api/runs                   bangfu runs\n"
       "  GET  /api/diff?from=A&to=B       bangfu diff A B\n"
       "Nothing it serves changes households, runs or policies. Simulations run one at a time\n"
       "while look-ups go on.\n"
       "\n"),
    BF_CLI_DB_HELP,
    N_("  --listen ADDR:PORT where to listen (default 127.0.0.1:8080; port 0: any free port).\n"
       "                     An address other than loopback is refused without --users\n"
       "  --users FILE       only the users of FILE may look, after logging in (bangfu passwd)\n"
       "  --cert F --key F   HTTPS with this certificate and key (PEM)\n"
       "  --threads N        request threads (default: twice the cores)\n"
       "  --jobs N           worker threads of a simulation (default: the cores)\n"
       "  --policies DIR     policy scripts and params.xml (default: $BANGFU_POLICIES or ./policies)\n"
       "  --plugins DIR      native plugins (default: see 'bangfu plugins --help')\n"
       "\nExit status: 0 stopped by Ctrl-C or SIGTERM, 2 bad usage or the address cannot be served.\n"),
    NULL};
const bf_command bf_cli_serve = {"serve", cmd_serve, N_("the same work in a browser: pages and a JSON API"), serve_usage};

typedef struct serve_options {
    bf_serve_config cfg;
    const char *policies, *plugins;
} serve_options;

static int parse_serve(int argc, char **argv, serve_options *o)
{
    const char *v;
    long n;
    for (int i = 1; i < argc; i++) {
        const char **text = NULL;
        if (bf__cli_opt(argc, argv, &i, "--db", &v))
            text = &o->cfg.db;
        else if (bf__cli_opt(argc, argv, &i, "--listen", &v))
            text = &o->cfg.listen;
        else if (bf__cli_opt(argc, argv, &i, "--users", &v))
            text = &o->cfg.users_file;
        else if (bf__cli_opt(argc, argv, &i, "--cert", &v))
            text = &o->cfg.cert_file;
        else if (bf__cli_opt(argc, argv, &i, "--key", &v))
            text = &o->cfg.key_file;
        else if (bf__cli_opt(argc, argv, &i, "--policies", &v))
            text = &o->policies;
        else if (bf__cli_opt(argc, argv, &i, "--plugins", &v))
            text = &o->plugins;
        else if (bf__cli_opt(argc, argv, &i, "--threads", &v)) {
            if (!bf__cli_parse_count("serve", "--threads", v, 256, &n))
                return BF_EXIT_USAGE;
            o->cfg.threads = (int)n;
            continue;
        } else if (bf__cli_opt(argc, argv, &i, "--jobs", &v)) {
            if (!bf__cli_parse_count("serve", "--jobs", v, 64, &n))
                return BF_EXIT_USAGE;
            o->cfg.sim_jobs = (int)n;
            continue;
        } else
            return bf__cli_usage_error("serve", _("unknown argument %s"), argv[i]);
        if (!v)
            return BF_EXIT_USAGE;
        *text = v;
    }
    if (!o->cfg.cert_file != !o->cfg.key_file)
        return bf__cli_usage_error("serve", _("HTTPS needs both --cert FILE and --key FILE."));
    return BF_EXIT_OK;
}

/* Serves until SIGINT or SIGTERM arrives; they are blocked in every thread and taken here. */
static int serve_until_signal(const bf_serve_config *cfg)
{
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);      /* before any thread starts: they inherit it */
    signal(SIGPIPE, SIG_IGN);
    bf_errors errs;
    bf_errors_init(&errs, 20);
    bf_server *server;
    if (bf_serve_start(cfg, &server, &errs) != BF_OK) {
        bf__cli_print_errors("serve", &errs);
        bf_errors_free(&errs);
        return BF_EXIT_USAGE;
    }
    bf_errors_free(&errs);
    const char *host = cfg->listen;
    const char *colon = host[0] == '[' ? strchr(host, ']') + 1 : strrchr(host, ':');
    printf(_("bangfu serve: serving %1$s at %2$s://%3$.*4$s:%5$d/ (Ctrl-C stops)\n"), cfg->db,
           bf_serve_tls(server) ? "https" : "http", host, (int)(colon - host), bf_serve_port(server));
    fflush(stdout);
    int sig;
    sigwait(&stop, &sig);
    fprintf(stderr, _("bangfu serve: stopping (signal %d)\n"), sig);
    bf_serve_stop(server);
    return BF_EXIT_OK;
}

static int cmd_serve(int argc, char **argv)
{
    serve_options o = {.cfg = {.db = "bangfu.db", .listen = "127.0.0.1:8080"}};
    int status = parse_serve(argc, argv, &o);
    if (status != BF_EXIT_OK)
        return status;
    if (!o.cfg.users_file && !bf_serve_listen_is_loopback(o.cfg.listen)) {
        bf_errors errs;
        bf_errors_init(&errs, 20);
        bf_server *none;
        bf_serve_start(&o.cfg, &none, &errs);               /* says why it refuses */
        bf__cli_print_errors("serve", &errs);
        bf_errors_free(&errs);
        return BF_EXIT_USAGE;
    }
    const char *dir = bf__cli_policies_dir(o.policies);
    bf_params *params;
    if ((status = bf__cli_load_params("serve", dir, &params)) != BF_EXIT_OK)
        return status;
    bf_plugins *plugins;
    if (bf__cli_load_plugins("serve", bf__cli_plugins_dir(o.plugins), &plugins) != BF_EXIT_OK) {
        bf_params_free(params);
        return BF_EXIT_USAGE;
    }
    o.cfg.policies_dir = dir;
    o.cfg.params = params;
    o.cfg.modules = bf_plugins_lua_modules(plugins);
    status = serve_until_signal(&o.cfg);
    bf_plugins_free(plugins);
    bf_params_free(params);
    return status;
}
