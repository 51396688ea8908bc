-- Fails for household E1 only, after reading a parameter; its not-eligible reasons are deferred.
return {
  id = "midfail", title = "中间出错", scope = "household", requires = { "first" },
  evaluate = function(h, p, ctx)
    local limit = p.base.limit
    if h.id == "E1" then
      error("deliberate failure for E1")
    end
    local first = ctx.decision("first")
    return { eligible = false, amount = 0, details = { limit = limit, first = first.amount },
             reasons = function() return { "中间：人数上限 " .. limit } end }
  end,
}
