return {
  id = "reasons_raises", title = "理由报错", scope = "household",
  evaluate = function(h, p, ctx)
    return { eligible = false, amount = 0, reasons = function()
      error("deliberate failure in the reasons")
    end }
  end,
}
