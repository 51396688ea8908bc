-- Eligible, with reasons that fail: a run stores an eligible decision's reasons, so the function
-- is called, and the decision is an error, whatever is kept.
return {
  id = "eligible_raises", title = "符合但理由报错", scope = "household",
  evaluate = function(h, p, ctx)
    return { eligible = true, amount = 1, reasons = function() return { nil .. "x" } end }
  end,
}
