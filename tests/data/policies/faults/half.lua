-- Returns 1.005 yuan: rounded once, half away from zero, to 1.01.
return {
  id = "half", title = "半分", scope = "household",
  evaluate = function(h, p, ctx)
    return { eligible = true, amount = p.base.half, reasons = { "1.005" } }
  end,
}
