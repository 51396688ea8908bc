-- Tries to swallow the budget stop with pcall and keep going.
return {
  id = "pcall_loop", title = "吞掉停止", scope = "household",
  evaluate = function(h, p, ctx)
    for _ = 1, 1000 do
      pcall(function() while true do end end)
    end
    return { eligible = true, amount = 1, reasons = { "escaped" } }
  end,
}
