-- Counts the households it has seen in a local of its top level: refused when it loads.
local count = 0
return {
  id = "counter", title = "计数", scope = "household",
  evaluate = function(h, p, ctx)
    count = count + 1
    return { eligible = false, amount = 0, reasons = { "第 " .. count .. " 户" } }
  end,
}
