-- household: the derived quantities of the records, defined once for
-- every policy script, and the member tests several policies share
-- ("is m tekun-eligible", "is m a dibao object", "how many members are not
-- tekun-eligible").

local fmt = require "fmt"
local terms = require "terms"

local format = string.format

local household = {}

-- N  = number of members
-- I  = counted income: wage + business + property + transfer (excluded is not counted)
-- pcm = I / N / 12, per-capita monthly counted income
-- pcy = I / N, per-capita yearly counted income
-- Usage: local N, I, pcm, pcy = household.income(h)
function household.income(h)
  local N = #h.members
  local I = h.wage + h.business + h.property + h.transfer
  return N, I, I / N / 12, I / N
end

-- pcm alone, as household.income gives it: for a rule that needs only pcm, and
-- only sometimes (it reads one field less than income and returns one value).
function household.pcm(h)
  return (h.wage + h.business + h.property + h.transfer) / #h.members / 12
end

-- 家庭财产条件 (粤民规字〔2019〕9号), "assets pass":
--   deposits <= p.dibao.deposit_months x S x N, vehicle <= p.dibao.vehicle_limit,
--   extra_houses = 0.
function household.assets(h, p, N)
  local d = p.dibao
  return h.deposits <= d.deposit_months * d.standard * N
     and h.vehicle <= d.vehicle_limit
     and h.extra_houses == 0
end

-- The reason for household.assets, with every limit and figure: which limits
-- were exceeded, or that all were met. Call it only when the reason is used.
function household.assets_reason(h, p, N)
  local d = p.dibao
  local months, S, vehicle_limit = d.deposit_months, d.standard, d.vehicle_limit
  local limit = months * S * N
  local deposits, vehicle, houses = h.deposits, h.vehicle, h.extra_houses

  local failed = {}
  if deposits > limit then
    failed[#failed + 1] = format("存款 %s 元超过限额 %s 元（%s 个月 × 低保标准 %s 元 × %d 人）",
      fmt.money(deposits), fmt.std(limit), fmt.std(months), fmt.std(S), N)
  end
  if vehicle > vehicle_limit then
    failed[#failed + 1] = format("非生产性机动车价值 %s 元超过限额 %s 元",
      fmt.money(vehicle), fmt.std(vehicle_limit))
  end
  if houses ~= 0 then
    failed[#failed + 1] = format("除自住房外另有住房 %d 套", houses)
  end
  if #failed > 0 then
    return "家庭财产不符合条件：" .. table.concat(failed, "；")
  end
  local car
  if vehicle == 0 then
    car = "无非生产性机动车"
  else
    car = format("非生产性机动车 %s 元未超过限额 %s 元", fmt.money(vehicle), fmt.std(vehicle_limit))
  end
  return format("家庭财产符合条件：存款 %s 元未超过限额 %s 元（%s 个月 × 低保标准 %s 元 × %d 人），%s，无其他住房",
    fmt.money(deposits), fmt.std(limit), fmt.std(months), fmt.std(S), N, car)
end

-- 重度残疾: disability grade 1 or 2
local function severely_disabled(m)
  local d = m.disability
  return d == 1 or d == 2
end
household.severely_disabled = severely_disabled

-- severe(m): 重病 or 重残 (serious_illness or disability in {1, 2})
local function severe(m)
  return m.serious_illness or severely_disabled(m)
end
household.severe = severe

-- Short Chinese description of why severe(m) holds, e.g. "重病" or "二级肢体残疾".
function household.severe_text(m)
  if severely_disabled(m) then
    local t = terms.disability[m.disability] .. terms.disability_type[m.disability_type] .. "残疾"
    if m.serious_illness then return "重病、" .. t end
    return t
  end
  return "重病"
end

-- Is m tekun-eligible? Reads the tekun decision: the calling policy must list
-- "tekun" in its requires.
local function is_tekun(m, ctx)
  return ctx.decision("tekun", m).eligible
end
household.is_tekun = is_tekun

-- Does the dibao decision d cover m, a member who is not tekun-eligible? d is
-- eligible and (tier household, or tier single_person and severe(m)). For a
-- policy that has read both decisions already (see is_dibao_object).
local function dibao_covers(m, d)
  if not d.eligible then
    return false
  end
  local tier = d.tier
  return tier == "household" or (tier == "single_person" and severe(m))
end
household.dibao_covers = dibao_covers

-- Is m a 低保对象 (dibao object)? as dibao.lua decides it:
-- dibao eligible and m not tekun-eligible and (tier household, or tier
-- single_person and severe(m)). The caller must require "tekun" and "dibao".
function household.is_dibao_object(m, ctx)
  local d = ctx.decision("dibao")
  if not d.eligible or is_tekun(m, ctx) then
    return false
  end
  return dibao_covers(m, d)
end

-- How many members are not tekun-eligible: N' = N - |T| of dibao and
-- temporary_aid. The caller must require "tekun".
function household.not_tekun_count(h, ctx)
  local decide = ctx.decision
  local counted = 0
  for _, m in ipairs(h.members) do
    if not decide("tekun", m).eligible then counted = counted + 1 end
  end
  return counted
end

-- How a member is named in reasons: "李某（C1-1）", or "C1-1" without a name;
-- with a note: "李某（C1-1，重病）", "C1-1（重病）". Never the resident ID number.
function household.who(m, note)
  local name = m.name
  if note then
    if name then return name .. "（" .. m.id .. "，" .. note .. "）" end
    return m.id .. "（" .. note .. "）"
  end
  if name then return name .. "（" .. m.id .. "）" end
  return m.id
end

return household
