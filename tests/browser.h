/* browser.h — headless Chromium for the tests that look at pages as a browser shows them (the
 * HTML reports, the server's pages): find it, skip when it cannot run here, dump a page's DOM or
 * take its screenshot. */
#ifndef BF_TEST_BROWSER_H
#define BF_TEST_BROWSER_H

#include "helpers.h"

/* Where Chromium is, or NULL (then the browser tests skip, saying why). */
const char *bf_test_chromium(void);
/* Runs headless Chromium on url (file://… or http://…) with one more flag (--dump-dom or
 * --screenshot=…), in bf_test_dir; its exit status. */
int bf_test_browse(bf_test_run *r, const char *url, const char *flag);
/* Skips the test unless Chromium is installed and renders a page here. */
void bf_test_need_chromium(void);

/* Parses an HTML text (libxml2's HTML parser; the test fails when it cannot). */
struct _xmlDoc *bf_test_parse_html(const char *text);
/* The string value of XPath expr in doc ("" when nothing matches), malloc'd. */
char *bf_test_xpath_string(struct _xmlDoc *doc, const char *expr);

#endif
