-- Calls the four functions of the idcard plugin module on the test vectors of
-- tests/test_idcard.c (where their check digits are worked out by hand) and returns, in details,
-- one line per vector: "valid=… birth=… sex=… region=…", a failing call showing nil (or false)
-- with its message in parentheses. Nothing here may raise: a raise would make the decision an
-- error, and the test checks it is not one.
local idcard = require "idcard"

local function show(s)
  local ok, why = idcard.valid(s)
  local parts = { "valid=" .. tostring(ok) .. (why and (" (" .. why .. ")") or "") }
  for _, name in ipairs({ "birth", "sex", "region" }) do
    local v, msg = idcard[name](s)
    parts[#parts + 1] = name .. "=" .. tostring(v) .. (msg and (" (" .. msg .. ")") or "")
  end
  return table.concat(parts, " ")
end

local vectors = {
  x_beijing = "11010519491231002X",    -- valid, check character X, woman
  county = "440232197805200137",       -- valid, man (the sample's S01-1)
  x_county_man = "44023219650815001X", -- valid, X, man
  x_county_girl = "44023220100304002X",-- valid, X, girl
  leap_2000 = "440232200002290022",    -- valid: 2000 is a leap year
  feb29_1900 = "440232190002290018",   -- right check digit, but 1900-02-29 does not exist
  wrong_check = "440232197805200138",  -- the check digit should be 7
  x_for_7 = "44023219780520013X",      -- X where the check digit 7 belongs
  one_for_x = "110105194912310021",    -- 1 where the check character X belongs
  short = "44023219780520013",         -- 17 characters
  long = "4402321978052001370",        -- 19 characters
  letter = "4402321978A5200137",       -- a letter among the digits
  lower_x = "11010519491231002x",      -- lowercase x: accepted as X
  empty = "",
  month13 = "440232197813200137",      -- month 13
}

return {
  id = "idcard_vectors", title = "身份证号校验", scope = "household",
  evaluate = function(h, p, ctx)
    local details = {}
    for name, s in pairs(vectors) do
      details[name] = show(s)
    end
    details.number = show(440232197805200137)   -- a number, not a string
    details.none = show(nil)
    details.table = show({})
    details.boolean = show(true)
    return { eligible = true, amount = 0, reasons = { "idcard " .. h.id }, details = details }
  end,
}
