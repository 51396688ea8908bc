-- Eligible with deferred reasons, which are always kept (the loop returns for them); they fail
-- for household R1.
return {
  id = "kept", title = "保留理由", scope = "household",
  evaluate = function(h, p, ctx)
    return { eligible = true, amount = 1, reasons = function()
      if h.id == "R1" then
        error("the reasons of R1 fail")
      end
      return { "保留 " .. h.id }
    end }
  end,
}
