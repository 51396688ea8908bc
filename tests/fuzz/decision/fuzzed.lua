-- The policy of tests/fuzz/fuzz_decision.c: it builds its decision from the bytes of h.village,
-- which the harness fills with fuzzed bytes, so the fuzzer reaches every corner of the host's
-- intake of a decision: missing fields, wrong types, NaN, infinities, huge and negative numbers,
-- integers, text that is not UTF-8, nested and sparse tables, functions.
return {
  id = "fuzzed", title = "模糊测试", scope = "household", requires = {},
  evaluate = function(h, p, ctx)
    local s, pos = h.village, 0
    local function byte()
      pos = pos + 1
      return s:byte(pos) or 0
    end
    local KEYS = { "eligible", "amount", "tier", "reasons", "details", "covered", 1, 2, 3, "" }
    local function value(depth)
      local b = byte() % 12
      if b == 0 then return nil
      elseif b == 1 then return byte() % 2 == 1
      elseif b == 2 then return byte() * 100.005
      elseif b == 3 then return 10.0 ^ (byte() % 40 - 10)
      elseif b == 4 then return 0 / 0
      elseif b == 5 then return (byte() % 2 == 0 and 1 or -1) * math.huge
      elseif b == 6 then return math.maxinteger - byte()
      elseif b == 7 then
        local n = byte() % 8
        local text = s:sub(pos + 1, pos + n)
        pos = pos + n
        return text
      elseif b == 8 then return -byte()
      elseif b == 11 then return function() return value(depth + 1) end
      elseif depth > 4 then return {}
      else
        local t = {}
        for _ = 1, byte() % 6 do
          t[KEYS[byte() % #KEYS + 1]] = value(depth + 1)
        end
        return t
      end
    end
    local d = {}
    for _, key in ipairs({ "eligible", "amount", "tier", "reasons", "details" }) do
      d[key] = value(0)
    end
    if byte() % 4 == 0 then return value(0) end
    return d
  end,
}
