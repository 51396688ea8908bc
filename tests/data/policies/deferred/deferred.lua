-- Not eligible for a household of at most base.limit members, its reasons deferred: they read
-- base.amount, which evaluate does not read, and print.
return {
  id = "deferred", title = "理由延后", scope = "household",
  evaluate = function(h, p, ctx)
    local n = #h.members
    if n > p.base.limit then
      return { eligible = true, amount = p.base.amount, reasons = { "成员多" } }
    end
    return { eligible = false, amount = 0, details = { n = n },
             reasons = function()
               print("reasons of", h.id)
               return { string.format("成员 %d 人，不超过 %d 人（测试金额 %s 元）", n, p.base.limit,
                                      p.base.amount) }
             end }
  end,
}
