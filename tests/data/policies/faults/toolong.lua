-- Returns a reason of 40,000 bytes: past the 4,096 bytes a reason may have (issue 11), an error
-- decision rather than 40 KB stored for every household.
return {
  id = "toolong", title = "理由过长", scope = "household",
  evaluate = function(h, p, ctx)
    return { eligible = false, amount = 0, reasons = { string.rep("长", 13334) } }
  end,
}
