-- Two branches: a household of more than big.members members, and the others.
return {
  id = "branchy", title = "分支", scope = "household",
  evaluate = function(h, p, ctx)
    if #h.members > p.big.members then
      return { eligible = true, amount = 1, reasons = { "大户" } }
    end
    return { eligible = false, amount = 0, reasons = { "小户" } }
  end,
}
