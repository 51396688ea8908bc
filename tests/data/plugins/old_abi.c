/* old_abi.c — a plugin for tests/test_plugins.c built against the structs of plugin ABI 1
 * (plugin_abi1.h), as one built before the ABI carried sizes: it does not export bf_plugin_abi,
 * and its init reads the host's fields at their ABI 1 offsets (every one of them, member_cell
 * last) and fills an ABI 1 bf_plugin. The host must run it without either side reading or writing
 * past the end of a struct, then refuse it: "built for plugin ABI 1". */
#include "plugin_abi1.h"

int bf_plugin_init(const v1_host *host, v1_plugin *plugin);

int bf_plugin_init(const v1_host *host, v1_plugin *plugin)
{
    if (!host || !host->version || !host->log || !host->household_begin || !host->household_set ||
        !host->member_begin || !host->member_set || !host->household_end || !host->error ||
        !host->member_error || !host->household_cell || !host->member_cell)
        return 7;                       /* the host's ABI 1 fields are not where they were */
    plugin->abi = 1;
    plugin->name = "old_abi";
    plugin->version = "0.1";
    plugin->description = "built against plugin ABI 1";
    return 0;
}
