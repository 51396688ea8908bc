-- A malformed decision for household M1 only.
return {
  id = "shape", title = "格式", scope = "household",
  evaluate = function(h, p, ctx)
    if h.id == "M1" then
      return { eligible = "yes", amount = 0, reasons = { "格式不对" } }
    end
    return { eligible = false, amount = 0, reasons = { "格式正确" } }
  end,
}
