/* users.c — the users file of bangfu serve, written by bangfu passwd: one line per user,
 * "user:role:hash", the hash yescrypt with a fresh salt (libxcrypt). */
#include "serve.h"
#include "bangfu.h"
#include "buf.h"
#include "i18n.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool bf__serve_role_known(const char *role)
{
    return strcmp(role, "viewer") == 0 || strcmp(role, "auditor") == 0;
}

/* A user name: 1 to 32 letters, digits, '.', '_' or '-'. */
static bool user_name_ok(const char *user)
{
    size_t n = strlen(user);
    if (n == 0 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = user[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* The yescrypt hash of password into out; false when crypt cannot make one. */
static bool hash_password(const char *password, char out[CRYPT_OUTPUT_SIZE])
{
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    struct crypt_data *cd = calloc(1, sizeof *cd);
    const char *h = cd && crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt)
                        ? crypt_rn(password, salt, cd, sizeof *cd) : NULL;
    bool ok = h && h[0] == '$';
    if (ok)
        snprintf(out, CRYPT_OUTPUT_SIZE, "%s", h);
    free(cd);
    return ok;
}

/* The file's lines without user's own into out; false when it exists but cannot be read. */
static bool other_lines(const char *path, const char *user, bf_buf *out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT;
    char line[1024];
    size_t n = strlen(user);
    while (fgets(line, sizeof line, f))
        if (!(strncmp(line, user, n) == 0 && line[n] == ':'))
            bf_buf_puts(out, line);
    bool ok = !ferror(f);
    fclose(f);
    return ok;
}

/* Writes text to path through a temporary file in the same folder (mode 0600), then renames. */
static bool write_atomically(const char *path, const bf_buf *text)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return false;
    bool ok = fchmod(fd, 0600) == 0 &&
              write(fd, bf_buf_str(text), text->len) == (ssize_t)text->len && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    ok = ok && rename(tmp, path) == 0;
    if (!ok)
        unlink(tmp);
    return ok;
}

int bf_serve_passwd(const char *path, const char *user, const char *role, const char *password,
                    bf_errors *errs)
{
    if (!user_name_ok(user)) {
        bf_errors_add(errs, _("'%.40s' is not a user name: 1 to 32 letters, digits, '.', '_' or "
                                "'-'"), user);
        return BF_EINPUT;
    }
    if (!bf__serve_role_known(role)) {
        bf_errors_add(errs, _("--role is viewer or auditor, got '%.40s'"), role);
        return BF_EINPUT;
    }
    if (strlen(password) < 8) {
        bf_errors_add(errs, _("the password must have at least 8 characters"));
        return BF_EINPUT;
    }
    char hash[CRYPT_OUTPUT_SIZE];
    if (!hash_password(password, hash)) {
        bf_errors_add(errs, _("this system's crypt cannot make yescrypt hashes"));
        return BF_EIO;
    }
    bf_buf text = {0};
    if (!other_lines(path, user, &text)) {
        bf_errors_add(errs, _("cannot read %s: %s"), path, strerror(errno));
        bf_buf_free(&text);
        return BF_EIO;
    }
    if (text.len && text.data[text.len - 1] != '\n')
        bf_buf_puts(&text, "\n");
    bf_buf_printf(&text, "%s:%s:%s\n", user, role, hash);
    int rc = BF_OK;
    if (text.oom || !write_atomically(path, &text)) {
        bf_errors_add(errs, _("cannot write %s: %s"), path, strerror(errno));
        rc = BF_EIO;
    }
    explicit_bzero(hash, sizeof hash);
    bf_buf_free(&text);
    return rc;
}
