-- One decision per member, each with its own deferred reasons naming the member.
return {
  id = "deferred_member", title = "成员理由延后", scope = "member",
  evaluate = function(m, h, p, ctx)
    return { eligible = false, amount = 0, reasons = function() return { "成员 " .. m.id .. " 不符合" } end }
  end,
}
