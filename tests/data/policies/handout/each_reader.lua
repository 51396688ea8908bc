-- Per member, says as its reason what it sees of the member's decision of each.
return {
  id = "each_reader", title = "每人读者", scope = "member", requires = { "each" },
  evaluate = function(m, h, p, ctx)
    local d = ctx.decision("each", m)
    return { eligible = false, amount = 0,
             reasons = { string.format("%s|%s|%s", tostring(d.eligible), tostring(d.tier), d.reasons[1]) } }
  end,
}
