-- Asks string.rep for 2 MB, past its 1 MiB limit (issue 11: every evaluation ends).
return {
  id = "bigrep", title = "超长文本", scope = "household",
  evaluate = function(h, p, ctx)
    local s = string.rep("x", 2000000)
    return { eligible = false, amount = 0, reasons = { s:sub(1, 1) } }
  end,
}
