-- Eligible for every household: the first unit of the loop.
return {
  id = "first", title = "第一", scope = "household",
  evaluate = function(h, p, ctx)
    return { eligible = true, amount = p.base.amount, tier = "one", reasons = { "第一" },
             details = { n = #h.members } }
  end,
}
