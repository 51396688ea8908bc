/* i18n.c — choosing the language of bangfu's messages from the environment. */
#include "i18n.h"

#include <locale.h>

void bf_i18n_init(const char *localedir)
{
    /* A locale that is not installed leaves "C": the messages stay English, nothing fails. */
    setlocale(LC_ALL, "");
    /* Numbers are read from files and written to CSV, JSON, XML and Lua in one form, with a
     * decimal point: a locale with a decimal comma must not change printf, strtod or Lua. */
    setlocale(LC_NUMERIC, "C");
    bindtextdomain(BF_TEXTDOMAIN, localedir);
    bind_textdomain_codeset(BF_TEXTDOMAIN, "UTF-8");
    textdomain(BF_TEXTDOMAIN);
}
