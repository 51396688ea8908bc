-- Seeded mistakes in modules and globals.
return {
  id = "modules", title = "模块", scope = "household",
  evaluate = function(h, p, ctx)
    if h.id == "never" then
      local fmt = require "fmtt"                            -- 9: no such module
      pritn(fmt)                                            -- 10: no such global
      local r = math.random()                               -- 10: not offered by the sandbox
      return { eligible = r > 0, amount = 0, reasons = { "x" } }
    end
    return { eligible = false, amount = 0, reasons = { "无" } }
  end,
}
