-- One decision per member: its age in yuan.
return {
  id = "ages", title = "年龄", scope = "member",
  evaluate = function(m, h, p, ctx)
    return { eligible = true, amount = ctx.age(m), reasons = { "年龄" } }
  end,
}
