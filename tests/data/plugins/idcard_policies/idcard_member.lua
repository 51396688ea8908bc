-- How a policy would use the idcard module: is each member's ID number valid, and do the birth
-- date and sex it encodes agree with the record? A member without an ID number gets nil and a
-- message from idcard.valid, which makes the decision "not eligible", never an error.
local idcard = require "idcard"

return {
  id = "idcard_member", title = "身份证号与登记一致", scope = "member",
  evaluate = function(m, h, p, ctx)
    local ok, why = idcard.valid(m.idnumber)
    if not ok then
      return { eligible = false, amount = 0, reasons = { why } }
    end
    local same_birth = idcard.birth(m.idnumber) == m.birth
    local same_sex = idcard.sex(m.idnumber) == m.sex
    return {
      eligible = same_birth and same_sex, amount = 0,
      reasons = { same_birth and same_sex and "一致" or "不一致" },
      details = { region = idcard.region(m.idnumber), birth_matches = same_birth and 1 or 0,
                  sex_matches = same_sex and 1 or 0 },
    }
  end,
}
