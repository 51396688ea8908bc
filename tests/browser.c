/* browser.c — headless Chromium for the tests (browser.h). */
#include <criterion/criterion.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "browser.h"

const char *bf_test_chromium(void)
{
    static const char *const candidates[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser"};
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (access(candidates[i], X_OK) == 0)
            return candidates[i];
    return NULL;
}

int bf_test_browse(bf_test_run *r, const char *url, const char *flag)
{
    char *profile = bf_test_path(bf_test_dir, "chromium-profile");
    char user_data[4200];
    snprintf(user_data, sizeof user_data, "--user-data-dir=%s", profile);
    const char *argv[] = {
        bf_test_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-quic", "--hide-scrollbars", "--window-size=1000,2600", user_data, flag, url,
        NULL,
    };
    int status = bf_test_run_argv(r, bf_test_dir, argv, 90);
    free(profile);
    return status;
}

void bf_test_need_chromium(void)
{
    if (!bf_test_chromium())
        cr_skip_test("chromium is not installed (make deps installs it with apt-get; it could not "
                     "be installed here): the browser checks are skipped");
    char *probe = bf_test_path(bf_test_dir, "probe.html");
    cr_assert_eq(bf_test_write_file(probe, "<!DOCTYPE html><p id=probe>ok</p>", (size_t)-1), 0);
    char url[4200];
    snprintf(url, sizeof url, "file://%s", probe);
    bf_test_run r;
    int status = bf_test_browse(&r, url, "--dump-dom");
    bool works = status == 0 && strstr(r.out, "<p id=\"probe\">ok</p>");
    if (!works)
        fprintf(stderr, "chromium status %d:\n%s\n", status, r.err);
    bf_test_run_free(&r);
    free(probe);
    if (!works)
        cr_skip_test("chromium is installed but cannot render a page here (status %d): the "
                     "browser checks are skipped", status);
}

struct _xmlDoc *bf_test_parse_html(const char *text)
{
    htmlDocPtr doc = htmlReadMemory(text, (int)strlen(text), "page.html", "UTF-8",
                                    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    cr_assert_not_null(doc);
    return doc;
}

char *bf_test_xpath_string(struct _xmlDoc *doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    xmlChar *s = xmlXPathCastToString(o);
    char *out = strdup((const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    return out;
}
