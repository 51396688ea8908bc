/* i18n.h — the program's messages through GNU gettext: English in the source, translations in
 * core/po/LANG.po, compiled to LOCALEDIR/LANG/LC_MESSAGES/bangfu.mo. */
#ifndef BF_I18N_H
#define BF_I18N_H

#include <libintl.h>
#include <stdbool.h>
#include <stdio.h>

/* The gettext domain of every message of bangfu (the .mo file's name). */
#define BF_TEXTDOMAIN "bangfu"

/* A message translated into the user's language. dgettext, not gettext: a program that embeds
 * libbangfu keeps its own text domain and bangfu's messages still find their catalog. */
#define _(msgid) dgettext(BF_TEXTDOMAIN, msgid)
/* Marks a message for the catalog where it cannot be translated yet (a static initializer);
 * _() translates it where it is shown. */
#define N_(msgid) msgid
/* A message in a context: the same English word that Chinese says two ways ("households" as a
 * count heading, 户数, and as a unit, 户) gets one entry per context. */
#define C_(context, msgid) bf_pgettext(context "\004" msgid, msgid)
/* Marks context\004msgid for the catalog in a static table; bf_pgettext translates it. */
#define NC_(context, msgid) context "\004" msgid
/* A message with singular and plural forms, chosen by n (Chinese has one form). */
#define P_(msgid, plural, n) dngettext(BF_TEXTDOMAIN, msgid, plural, (unsigned long)(n))

/* gettext's pgettext: the translation of context\004msgid, else msgid. */
const char *bf_pgettext(const char *context_msgid, const char *msgid) __attribute__((format_arg(2)));

/* Takes the language from the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) and finds
 * bangfu's catalogs under localedir; numbers stay in the C locale's form (see i18n.c). */
void bf_i18n_init(const char *localedir);

/* The columns UTF-8 text takes on a terminal: 2 for each wide (CJK) character, 1 for others. */
int bf__text_columns(const char *text);
/* Writes text to out padded with spaces to width columns (right-aligned when right is true):
 * printf's %-20s counts bytes, so a Chinese heading would misalign the table. */
void bf_fput_cell(FILE *out, const char *text, int width, bool right);

#endif
