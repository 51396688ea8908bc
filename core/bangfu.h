/* bangfu.h — the public library API of bangfu: error codes and version. */
#ifndef BANGFU_H
#define BANGFU_H

#define BF_VERSION "0.1.0"

/* Error codes. Every library function returns one of these; BF_OK is 0. */
#define BF_OK           0   /* success */
#define BF_EINPUT       1   /* bad input data (file, record, parameter, option value) */
#define BF_ESCRIPT      2   /* a policy script failed to load or evaluate */
#define BF_ESTORE       3   /* the SQLite store failed */
#define BF_ENOMEM       4   /* out of memory */
#define BF_EIO          5   /* a file could not be read or written */
#define BF_ENOTFOUND    6   /* the named household, run or parameter does not exist */
#define BF_EVERSION     7   /* database or plugin from another version */
#define BF_EINTERRUPTED 8   /* stopped by a signal */
#define BF_ELIMIT       9   /* a configured limit was hit (memory cap, instruction budget, size) */
#define BF_EUSAGE      10   /* the caller used the API or the CLI wrongly */
#define BF_ECHANGED    11   /* the households changed (an import) while they were being read */

/* Returns a short English description of an error code. */
const char *bf_strerror(int code);

#endif
