-- Tries to change the shared libraries for the scripts after it.
return {
  id = "tamper", title = "篡改", scope = "household",
  evaluate = function(h, p, ctx)
    string.format = function() return "hacked" end
    return { eligible = false, amount = 0, reasons = { "unreachable" } }
  end,
}
