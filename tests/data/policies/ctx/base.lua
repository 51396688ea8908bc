-- One decision per household: 100 yuan.
return {
  id = "base", title = "基础", scope = "household",
  evaluate = function(h, p, ctx)
    return { eligible = true, amount = 100, reasons = { "基础" } }
  end,
}
