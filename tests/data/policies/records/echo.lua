-- Gives back every field of the household and of each member as it sees them, in details.
local fields = { "id", "town", "village", "status", "monitor", "wage", "business", "property",
  "transfer", "excluded", "previous", "deposits", "vehicle", "extra_houses", "medical",
  "education", "housing_safe", "water_safe" }
local member_fields = { "id", "name", "idnumber", "relation", "birth", "sex", "labor",
  "employment", "school", "self_care", "disability", "disability_type", "serious_illness",
  "pension_insured", "medical_insured", "medical_cost", "supporter" }

return {
  id = "echo", title = "回显", scope = "household",
  evaluate = function(h, p, ctx)
    local details = { members = #h.members, recorded = table.concat(h.recorded, " ") }
    for _, f in ipairs(fields) do
      details[f] = tostring(h[f])
    end
    for i, m in ipairs(h.members) do
      for _, f in ipairs(member_fields) do
        details[i .. "." .. f] = tostring(m[f])
      end
    end
    return { eligible = false, amount = 0, reasons = { "回显" }, details = details }
  end,
}
