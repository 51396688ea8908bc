-- Seeded mistakes, each on a branch no household of a test reaches (id "never").
local helper = require "helper"
return {
  id = "fields", title = "字段", scope = "household",
  evaluate = function(h, p, ctx)
    if h.id == "never" then
      local cost = (h.medical_expenses or 0)                -- 1: household field
      for _, m in ipairs(h.members) do
        if m.serious_ilness then cost = cost + 1 end        -- 2: member field through ipairs
      end
      for i = 1, #h.members do
        cost = cost + h.members[i].medical_cots              -- 3: member field through h.members[i]
      end
      local head = h.members[1]
      if head.relation == "father" then cost = 0 end        -- 11: an enum value it never holds
      if head.labour == "full" then cost = 1 end            -- 4: member field through a local
      return { eligible = helper.is_adult_worker(head), amount = 0, reasons = { "x" } }
    end
    return { eligible = false, amount = 0, reasons = { "无" } }
  end,
}
