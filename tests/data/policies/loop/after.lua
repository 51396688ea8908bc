-- Reads the decisions the loop made before it, per member, and a parameter after them.
return {
  id = "after", title = "其后", scope = "member",
  requires = { "midfail", "per_member", "shape", "runaway", "kept" },
  evaluate = function(m, h, p, ctx)
    local mid = ctx.decision("midfail")
    local mine = ctx.decision("per_member", m)
    local shape = ctx.decision("shape")
    local run = ctx.decision("runaway")
    local kept = ctx.decision("kept")
    local rate = p.base.rate
    return { eligible = true, amount = mine.amount * rate, tier = mine.tier,
             reasons = { "其后", tostring(mid.eligible), tostring(shape.eligible),
                         tostring(run.eligible), tostring(kept.eligible) } }
  end,
}
