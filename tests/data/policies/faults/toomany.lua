-- Returns 150 reasons: past the 100 a decision may give (issue 11).
return {
  id = "toomany", title = "理由过多", scope = "household",
  evaluate = function(h, p, ctx)
    local reasons = {}
    for i = 1, 150 do reasons[i] = "理由" .. i end
    return { eligible = false, amount = 0, reasons = reasons }
  end,
}
