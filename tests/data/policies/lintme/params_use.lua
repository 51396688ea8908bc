-- Seeded mistakes in parameter names, and a decision read without requires.
return {
  id = "params_use", title = "参数", scope = "member", requires = { "fields" },
  evaluate = function(m, h, p, ctx)
    local A = p.aid
    if m.id == "never" then
      local base = p.aid.bse                                -- 5: parameter path
      local cap = A.cap_facter * base                       -- 6: parameter through a local alias
      local other = ctx.decision("modules")                 -- 7: not in requires
      local gone = ctx.decision("dibao")                    -- 8: no such policy
      return { eligible = true, amount = cap + other.amount + gone.amount, reasons = { "x" } }
    end
    return { eligible = false, amount = 0, reasons = { "无" } }
  end,
}
