/* init_fails.c — a broken plugin for tests/test_plugins.c: its bf_plugin_init refuses to load
 * (returns 3), as a plugin does when something it needs is missing. */
#include "plugin.h"

BF_PLUGIN_EXPORT_ABI;

int bf_plugin_init(const bf_host *host, bf_plugin *plugin)
{
    (void)host;
    plugin->abi = BF_PLUGIN_ABI;
    plugin->name = "init_fails";
    return 3;
}
