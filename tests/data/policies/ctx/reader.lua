-- Reads the decisions before it every way a script may name them: the policy by a literal, by a
-- string built at run time, and each member by its table and by its id.
return {
  id = "reader", title = "读取", scope = "household", requires = { "base", "ages" },
  evaluate = function(h, p, ctx)
    local total = ctx.decision("ba" .. "se").amount
    for _, m in ipairs(h.members) do
      total = total + ctx.decision("ages", m).amount + ctx.decision("ages", m.id).amount
        + ctx.age(m.id)
    end
    return { eligible = true, amount = total, reasons = { "读取" } }
  end,
}
