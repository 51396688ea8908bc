/* cli_passwd.c — `bangfu passwd USER --users FILE`: adds a user of bangfu serve, or sets a
 * user's password and role. */
#include "bangfu.h"
#include "cli.h"
#include "serve.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* bangfu passwd: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_passwd(int argc, char **argv);
static const char *const passwd_usage[] = {
    N_("usage: bangfu passwd USER --users FILE [--role viewer|auditor]\n"
       "\n"
       "Adds USER to the users file of bangfu serve, or gives them a new password and role. The\n"
       "password (at least 8 characters) is read from standard input: one line when it is not a\n"
       "terminal (echo 'secret-words' | bangfu passwd …), else asked twice without echo. The file\n"
       "keeps \"user:role:hash\" lines, the hash yescrypt with a fresh salt (as Debian hashes login\n"
       "passwords); it is created readable by its owner only.\n"
       "\n"
       "  --users FILE       the users file (bangfu serve --users FILE)\n"
       "  --role ROLE        viewer (default: every page and answer) or auditor (also who looked\n"
       "                     at which household)\n"
       "\nExit status: 0 written, 2 bad usage, a short password, or the file cannot be written.\n"),
    NULL};
const bf_command bf_cli_passwd = {"passwd", cmd_passwd, N_("add a user of bangfu serve, or set a password"), passwd_usage};

/* Reads one line of standard input into out, without its newline; echo off on a terminal. */
static bool read_password(const char *prompt, char *out, size_t size)
{
    bool tty = isatty(STDIN_FILENO);
    struct termios old, quiet;
    if (tty) {
        fputs(prompt, stderr);
        if (tcgetattr(STDIN_FILENO, &old) != 0)
            return false;
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    bool got = fgets(out, (int)size, stdin) != NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (got)
        out[strcspn(out, "\r\n")] = '\0';
    return got;
}

static int cmd_passwd(int argc, char **argv)
{
    const char *user = NULL, *file = NULL, *role = "viewer", *v;
    for (int i = 1; i < argc; i++) {
        if (bf__cli_opt(argc, argv, &i, "--users", &v)) {
            if (!(file = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--role", &v)) {
            if (!(role = v))
                return BF_EXIT_USAGE;
        } else if (argv[i][0] != '-' && !user) {
            user = argv[i];
        } else {
            return bf__cli_usage_error("passwd", _("unknown argument %s"), argv[i]);
        }
    }
    if (!user || !file)
        return bf__cli_usage_error("passwd", _("give the user and the file: bangfu passwd USER "
                                              "--users FILE"));
    char pw[512], again[512];
    if (!read_password(_("New password: "), pw, sizeof pw)) {
        fprintf(stderr, _("bangfu passwd: no password on standard input\n"));
        return BF_EXIT_USAGE;
    }
    if (isatty(STDIN_FILENO) &&
        (!read_password(_("The same again: "), again, sizeof again) || strcmp(pw, again) != 0)) {
        fprintf(stderr, _("bangfu passwd: the two passwords differ; nothing was written\n"));
        return BF_EXIT_USAGE;
    }
    bf_errors errs;
    bf_errors_init(&errs, 20);
    int rc = bf_serve_passwd(file, user, role, pw, &errs);
    explicit_bzero(pw, sizeof pw);
    explicit_bzero(again, sizeof again);
    if (rc != BF_OK)
        bf__cli_print_errors("passwd", &errs);
    bf_errors_free(&errs);
    if (rc != BF_OK)
        return BF_EXIT_USAGE;
    printf(_("%1$s: %2$s can log in to bangfu serve as %3$s\n"), file, user, role);
    return BF_EXIT_OK;
}
