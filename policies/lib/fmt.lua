-- fmt: how numbers are written in the reasons of every policy, one rule each.
--
--   fmt.money(x)  a figure of the household or a computed amount (income,
--                 savings, costs, benefits): always two decimals, "520.00".
--   fmt.std(x)    a standard, limit or parameter (or a value computed only from
--                 parameters): at most two decimals, trailing zeros dropped,
--                 "551", "826.5", "32.4", "26448".
--   fmt.pct(r)    a ratio as a percentage: 0.75 -> "75%", 0.065 -> "6.5%".
--
-- Both round half away from zero to 0.01, as the host rounds amounts.

local floor, format = math.floor, string.format

local fmt = {}

-- x rounded half away from zero to 0.01 (never -0)
local function round2(x)
  local r
  if x < 0 then r = -floor(-x * 100 + 0.5) / 100 else r = floor(x * 100 + 0.5) / 100 end
  if r == 0 then return 0.0 end
  return r
end
fmt.round2 = round2

function fmt.money(x)
  return format("%.2f", round2(x))
end

-- Standards and limits repeat in every evaluation, so their text is remembered
-- (a small cache per Lua state, emptied when it grows past 512 entries).
local std_cache, std_count = {}, 0

function fmt.std(x)
  local s = std_cache[x]
  if s then return s end
  s = format("%.2f", round2(x))
  if s:sub(-3) == ".00" then
    s = s:sub(1, -4)
  elseif s:sub(-1) == "0" then
    s = s:sub(1, -2)
  end
  if x == x then -- not NaN
    if std_count >= 512 then std_cache, std_count = {}, 0 end
    std_cache[x] = s
    std_count = std_count + 1
  end
  return s
end

function fmt.pct(r)
  return fmt.std(r * 100) .. "%"
end

return fmt
