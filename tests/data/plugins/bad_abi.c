/* bad_abi.c — a broken plugin for tests/test_plugins.c: built for another plugin ABI (99), which it
 * says only through plugin->abi (it does not export bf_plugin_abi). */
#include "plugin.h"

int bf_plugin_init(const bf_host *host, bf_plugin *plugin)
{
    (void)host;
    plugin->abi = 99;
    plugin->name = "bad_abi";
    plugin->version = "0";
    return 0;
}
