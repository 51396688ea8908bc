/* i18n.h — the program's messages through GNU gettext: English in the source, translations in
 * core/po/LANG.po, compiled to LOCALEDIR/LANG/LC_MESSAGES/bangfu.mo. */
#ifndef BF_I18N_H
#define BF_I18N_H

#include <libintl.h>

/* The gettext domain of every message of bangfu (the .mo file's name). */
#define BF_TEXTDOMAIN "bangfu"

/* A message translated into the user's language. dgettext, not gettext: a program that embeds
 * libbangfu keeps its own text domain and bangfu's messages still find their catalog. */
#define _(msgid) dgettext(BF_TEXTDOMAIN, msgid)
/* Marks a message for the catalog where it cannot be translated yet (a static initializer);
 * _() translates it where it is shown. */
#define N_(msgid) msgid
/* A message with singular and plural forms, chosen by n (Chinese has one form). */
#define P_(msgid, plural, n) dngettext(BF_TEXTDOMAIN, msgid, plural, (unsigned long)(n))

/* Takes the language from the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) and finds
 * bangfu's catalogs under localedir; numbers stay in the C locale's form (see i18n.c). */
void bf_i18n_init(const char *localedir);

#endif
