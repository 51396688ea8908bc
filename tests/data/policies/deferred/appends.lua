-- The reasons function adds to a list evaluate made: called once (never re-run by the
-- watchdog: bf__sandbox_call_once), it gives two reasons.
return {
  id = "appends", title = "追加理由", scope = "household",
  evaluate = function(h, p, ctx)
    local reasons = { "一" }
    return { eligible = false, amount = 0, reasons = function()
      reasons[#reasons + 1] = "二"
      return reasons
    end }
  end,
}
