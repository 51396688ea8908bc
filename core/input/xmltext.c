/* xmltext.c — finding a tag or an attribute again in the last bytes an XML parser read
 * (see xmltext.h). */
#include "xmltext.h"

#include <string.h>

/* The number of newlines in n bytes at p. */
static long count_lines(const char *p, size_t n)
{
    long lines = 0;
    for (const char *end = p + n; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        lines++;
    return lines;
}

void bf__xml_window_keep(bf_xml_window *w, const char *buffer, size_t n)
{
    if (!w->buf)
        return;
    if (n >= BF_XML_WINDOW_CAP / 2) {       /* cannot happen with libxml2's 4 kB reads */
        w->line0 += count_lines(w->buf, w->len);
        w->at_line_start = w->len == 0 ? w->at_line_start : w->buf[w->len - 1] == '\n';
        w->len = 0;
    } else if (w->len + n > BF_XML_WINDOW_CAP) {
        size_t drop = w->len + n - BF_XML_WINDOW_CAP / 2;
        w->line0 += count_lines(w->buf, drop);
        w->at_line_start = w->buf[drop - 1] == '\n';
        memmove(w->buf, w->buf + drop, w->len - drop);
        w->len -= drop;
    }
    if (n < BF_XML_WINDOW_CAP / 2) {
        memcpy(w->buf + w->len, buffer, n);
        w->len += n;
    }
}

/* The offset of the start of line `line` in the window, or -1 when it does not hold it. */
long bf__xml_window_line_start(const bf_xml_window *w, long line)
{
    if (!w->buf || line < w->line0 || (line == w->line0 && !w->at_line_start))
        return -1;
    size_t i = 0;
    for (long l = w->line0; l < line; l++) {
        const char *nl = memchr(w->buf + i, '\n', w->len - i);
        if (!nl)
            return -1;
        i = (size_t)(nl - w->buf) + 1;
    }
    return (long)i;
}

/* Line and column (characters from 1) of offset off of the window; column 0 when the start of
 * its line is no longer held. */
void bf__xml_window_position(const bf_xml_window *w, size_t off, long *line, long *column)
{
    *line = w->line0 + count_lines(w->buf, off);
    size_t start = off;
    while (start > 0 && w->buf[start - 1] != '\n')
        start--;
    if (start == 0 && !w->at_line_start) {
        *column = 0;
        return;
    }
    long col = 1;
    for (size_t i = start; i < off; i++)
        col += ((unsigned char)w->buf[i] & 0xC0) != 0x80;      /* code points, like libxml2 */
    *column = col;
}

/* True when a start tag of element `name` (any prefix) begins at offset i. */
bool bf__xml_window_start_tag_at(const bf_xml_window *w, size_t i, const char *name)
{
    if (w->buf[i] != '<' || i + 1 >= w->len || strchr("/!?", w->buf[i + 1]))
        return false;
    size_t k = i + 1, local = i + 1;
    while (k < w->len && !strchr(" \t\r\n/>", w->buf[k])) {
        if (w->buf[k] == ':')
            local = k + 1;
        k++;
    }
    size_t n = strlen(name);
    return k - local == n && memcmp(w->buf + local, name, n) == 0;
}

/* The offset just past the next `end` at or after i (w->len when there is none). */
static size_t past(const bf_xml_window *w, size_t i, const char *end)
{
    size_t n = strlen(end);
    for (; i + n <= w->len; i++)
        if (memcmp(w->buf + i, end, n) == 0)
            return i + n;
    return w->len;
}

/* The offset of the next start tag of `name` at or after i, skipping comments, processing
 * instructions and CDATA; -1 when the window holds none. */
long bf__xml_window_next_start_tag(const bf_xml_window *w, size_t i, const char *name)
{
    while (i < w->len) {
        const char *lt = memchr(w->buf + i, '<', w->len - i);
        if (!lt)
            return -1;
        i = (size_t)(lt - w->buf);
        size_t left = w->len - i;
        if (left >= 4 && memcmp(lt, "<!--", 4) == 0)
            i = past(w, i + 4, "-->");
        else if (left >= 9 && memcmp(lt, "<![CDATA[", 9) == 0)
            i = past(w, i + 9, "]]>");
        else if (left >= 2 && lt[1] == '?')
            i = past(w, i + 2, "?>");
        else if (bf__xml_window_start_tag_at(w, i, name))
            return (long)i;
        else
            i++;
    }
    return -1;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The offset of attribute attr's name in the start tag at offset tag, or -1. */
long bf__xml_window_attribute(const bf_xml_window *w, size_t tag, const char *attr)
{
    size_t i = tag + 1, n = strlen(attr);
    while (i < w->len && !is_space(w->buf[i]) && w->buf[i] != '>' && w->buf[i] != '/')
        i++;
    for (;;) {
        while (i < w->len && is_space(w->buf[i]))
            i++;
        if (i >= w->len || w->buf[i] == '>' || w->buf[i] == '/')
            return -1;
        size_t name = i;
        while (i < w->len && w->buf[i] != '=' && !is_space(w->buf[i]))
            i++;
        if (i - name == n && memcmp(w->buf + name, attr, n) == 0)
            return (long)name;
        while (i < w->len && w->buf[i] != '"' && w->buf[i] != '\'')
            i++;
        if (i >= w->len)
            return -1;
        const char *close = memchr(w->buf + i + 1, w->buf[i], w->len - i - 1);
        if (!close)
            return -1;
        i = (size_t)(close - w->buf) + 1;
    }
}
