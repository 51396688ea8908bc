-- Says, as its reason, everything it sees of first's decision through ctx.decision: its fields,
-- eligible, amount, tier, first reason and details.n. A decision in a reused table must show
-- nothing of the decision the table held for the household before.
return {
  id = "reader", title = "读者", scope = "household", requires = { "first" },
  evaluate = function(h, p, ctx)
    local d = ctx.decision("first")
    local keys = {}
    for k in pairs(d) do
      keys[#keys + 1] = k
    end
    table.sort(keys)
    local n = d.details and d.details.n or "无"
    local seen = string.format("%s|%s|%s|%s|%s|%s", table.concat(keys, ","), tostring(d.eligible),
                               tostring(d.amount), tostring(d.tier), d.reasons[1], tostring(n))
    return { eligible = false, amount = 0, reasons = { seen } }
  end,
}
