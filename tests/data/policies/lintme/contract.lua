-- A broken contract (no title) and an unknown requires, reported together with the other files'
-- problems in the same pass.
return {
  id = "contract", scope = "household", requires = { "nosuch" },
  evaluate = function(h, p, ctx)
    return { eligible = false, amount = 0, reasons = { "无" } }
  end,
}
