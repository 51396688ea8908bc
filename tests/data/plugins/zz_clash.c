/* zz_clash.c — a broken plugin for tests/test_plugins.c: it calls itself "idcard" and offers the
 * Lua module "idcard" too, like idcard.so, which loads first (files load in name order); the
 * host skips this one and names both files. */
#include "plugin.h"

#include <lua.h>

BF_PLUGIN_EXPORT_ABI;

/* Would push the module table; never called. */
static int open_module(lua_State *L)
{
    lua_newtable(L);                   /* module */
    return 1;
}

static const bf_lua_module_def modules[] = {
    {"idcard", open_module},
    {NULL, NULL},
};

int bf_plugin_init(const bf_host *host, bf_plugin *plugin)
{
    (void)host;
    plugin->abi = BF_PLUGIN_ABI;
    plugin->name = "idcard";
    plugin->version = "9.9";
    plugin->description = "a second idcard: must be refused";
    plugin->modules = modules;
    return 0;
}
