-- A correct household policy: eligible, amount from a parameter, reads a lib module.
local util = require "util"
return {
  id = "good", title = "正常", scope = "household",
  evaluate = function(h, p, ctx)
    print("checking", h.id, "idnumber 44023219800501123X")
    return { eligible = true, amount = util.double(p.base.amount), tier = "ok",
             reasons = { "正常 " .. h.id }, details = { n = #h.members, town = h.town } }
  end,
}
