return {
  id = "reasons_loops", title = "理由死循环", scope = "household",
  evaluate = function(h, p, ctx)
    return { eligible = false, amount = 0, reasons = function()
      while true do end
    end }
  end,
}
