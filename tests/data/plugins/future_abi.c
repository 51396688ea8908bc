/* future_abi.c — a broken plugin for tests/test_plugins.c: it exports bf_plugin_abi = BF_PLUGIN_ABI + 1 (a
 * later ABI), so the host must refuse it before calling any of its code; its init aborts to prove it is not run. */
#include "plugin.h"

#include <stdlib.h>

extern const int bf_plugin_abi;
const int bf_plugin_abi = BF_PLUGIN_ABI + 1;

int bf_plugin_init(const bf_host *host, bf_plugin *plugin)
{
    (void)host;
    (void)plugin;
    abort();
}
