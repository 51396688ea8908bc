-- Keeps every household's id in a table of its top level (issue 11: no state between households).
local seen = {}
return {
  id = "keeps", title = "留存", scope = "household",
  evaluate = function(h, p, ctx)
    seen[#seen + 1] = h.id
    return { eligible = false, amount = 0, reasons = { "已见 " .. #seen .. " 户" } }
  end,
}
