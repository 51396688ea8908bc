-- Forgets its reasons in a return some lines below evaluate: the error names that return's line
-- (for a return over several lines, its last) and says that reasons is missing.
return {
  id = "noreasons", title = "缺少理由", scope = "household",
  evaluate = function(h, p, ctx)
    local n = #h.members
    if n > 0 then
      return { eligible = false,
               amount = 0 }
    end
    return { eligible = false, amount = 0, reasons = { "无成员" } }
  end,
}
