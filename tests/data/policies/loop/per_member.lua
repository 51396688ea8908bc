-- One decision per member; fails for the second member of household P1 only.
return {
  id = "per_member", title = "成员", scope = "member",
  evaluate = function(m, h, p, ctx)
    if h.id == "P1" and m.id == "P1-2" then
      error("member P1-2 fails")
    end
    return { eligible = true, amount = ctx.age(m), tier = m.id, reasons = { "成员 " .. m.id } }
  end,
}
