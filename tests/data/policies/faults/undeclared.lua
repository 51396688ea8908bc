return {
  id = "undeclared", title = "未声明", scope = "household",
  evaluate = function(h, p, ctx)
    return ctx.decision("good")
  end,
}
