-- A correct member policy that reads another policy's decision.
return {
  id = "member_good", title = "成员正常", scope = "member", requires = { "good" },
  evaluate = function(m, h, p, ctx)
    local g = ctx.decision("good")
    return { eligible = g.eligible, amount = ctx.age(m), tier = g.tier,
             reasons = { "age " .. ctx.age(m) } }
  end,
}
