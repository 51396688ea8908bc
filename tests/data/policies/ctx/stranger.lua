-- Asks for the decision of a table that is no member of the household.
return {
  id = "stranger", title = "外人", scope = "household", requires = { "ages" },
  evaluate = function(h, p, ctx)
    return ctx.decision("ages", {})
  end,
}
