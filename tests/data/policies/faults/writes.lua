return {
  id = "writes", title = "改写", scope = "household",
  evaluate = function(h, p, ctx)
    h.wage = 0
    return { eligible = false, amount = 0, reasons = { "unreachable" } }
  end,
}
