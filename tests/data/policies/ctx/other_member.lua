-- Asks for the decision of a member by an id that is no member's of the household.
return {
  id = "other_member", title = "他人", scope = "household", requires = { "ages" },
  evaluate = function(h, p, ctx)
    return ctx.decision("ages", h.id .. "-9")
  end,
}
