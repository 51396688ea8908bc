-- The reasons function returns a number: the error names the line where the function is written.
return {
  id = "reasons_nonlist", title = "理由不是列表", scope = "household",
  evaluate = function(h, p, ctx)
    local n = #h.members
    return { eligible = false, amount = 0,
             reasons = function() return n end }
  end,
}
