-- Never ends for household B1: the instruction budget stops it.
return {
  id = "runaway", title = "死循环", scope = "household",
  evaluate = function(h, p, ctx)
    if h.id == "B1" then
      while true do end
    end
    return { eligible = false, amount = 0, reasons = { "正常结束" } }
  end,
}
