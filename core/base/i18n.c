/* i18n.c — choosing the language of bangfu's messages from the environment. */
#include "i18n.h"

#include <locale.h>
#include <stdint.h>

const char *bf_pgettext(const char *context_msgid, const char *msgid)
{
    const char *t = dgettext(BF_TEXTDOMAIN, context_msgid);
    return t == context_msgid ? msgid : t;
}

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

/* True for the code points East Asian terminals draw two columns wide (Unicode's East Asian
 * Width W and F: Hangul Jamo, CJK and its punctuation, Hangul, compatibility ideographs,
 * fullwidth forms, the supplementary ideographic planes). */
static bool is_wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
           (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

int bf__text_columns(const char *text)
{
    int cols = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        uint32_t c = *p;
        int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        c &= extra == 3 ? 0x07 : extra == 2 ? 0x0F : extra == 1 ? 0x1F : 0xFF;
        p++;
        for (; extra > 0 && (*p & 0xC0) == 0x80; extra--, p++)
            c = (c << 6) | (*p & 0x3F);
        cols += is_wide(c) ? 2 : 1;
    }
    return cols;
}

void bf_fput_cell(FILE *out, const char *text, int width, bool right)
{
    int pad = width - bf__text_columns(text);
    if (right)
        for (int i = 0; i < pad; i++)
            fputc(' ', out);
    fputs(text, out);
    if (!right)
        for (int i = 0; i < pad; i++)
            fputc(' ', out);
}
