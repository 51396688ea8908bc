return {
  id = "not_in_force", title = "未生效", scope = "household",
  evaluate = function(h, p, ctx)
    return { eligible = true, amount = p.later.only, reasons = { "?" } }
  end,
}
