-- 城乡居民养老保险政府代缴 — resident pension contributions paid by the government
-- (one decision per member)
--
-- Plan 乳农组〔2021〕4号 三（四）"继续实施城乡居民基本养老保险政府代缴保费政策，按照最低
-- 缴费档次为参加城乡居民养老保险的低保对象、特困人员、返贫致贫人员、重度残疾人和精神智力
-- 残疾人等缴费困难群体代缴部分或全部保费".
-- Rule:
--   preconditions: pension.age_min <= age <= pension.age_max, pension_insured, school = none
--   r = the largest ratio whose condition holds (ties: first in the list below), tier = its name
--   r = 0 or no condition -> not eligible; amount = r x pension.min_tier

local decision = require "decision"
local household = require "household"
local fmt = require "fmt"
local terms = require "terms"

local format = string.format

-- The group of the rule with the largest ratio among those whose condition holds
-- for m (ties: the first in the rule's order below): its tier and ratio, or nil.
local function best_group(m, h, pension, ctx)
  local tier, ratio

  -- 特困人员 (m tekun-eligible)
  local tekun = household.is_tekun(m, ctx)
  if tekun then
    tier, ratio = "tekun", pension.ratio_tekun
  end

  -- 重度残疾人 (disability 1 or 2)
  if household.severely_disabled(m) then
    local r = pension.ratio_severe_disability
    if ratio == nil or r > ratio then tier, ratio = "severe_disability", r end
  end

  -- 精神智力残疾人 (disability_type intellectual or mental, any grade)
  local dt = m.disability_type
  if (dt == "intellectual" or dt == "mental") and m.disability >= 1 then
    local r = pension.ratio_mental
    if ratio == nil or r > ratio then tier, ratio = "mental", r end
  end

  -- 低保对象 (m is a dibao object: not tekun-eligible, and covered by dibao)
  if not tekun and household.dibao_covers(m, ctx.decision("dibao")) then
    local r = pension.ratio_dibao
    if ratio == nil or r > ratio then tier, ratio = "dibao", r end
  end

  -- 返贫致贫人员 (household monitor unstable or hardship)
  local monitor = h.monitor
  if monitor == "unstable" or monitor == "hardship" then
    local r = pension.ratio_returned
    if ratio == nil or r > ratio then tier, ratio = "returned", r end
  end

  return tier, ratio
end

-- How the reason names the group of tier.
local function group_name(tier, m, h)
  if tier == "severe_disability" then
    return "重度残疾人（" .. terms.disability[m.disability] .. "）"
  elseif tier == "mental" then
    return terms.disability_type[m.disability_type] .. "残疾人（" .. terms.disability[m.disability] .. "）"
  elseif tier == "dibao" then
    return "低保对象"
  elseif tier == "returned" then
    return "返贫致贫人员（" .. terms.monitor[h.monitor] .. "）"
  end
  return "特困人员"
end

local function evaluate(m, h, p, ctx)
  local pension = p.pension    -- the parameters pension.* of params.xml, by their names
  local age = ctx.age(m)

  -- 前提 参保缴费年龄、已参加城乡居民养老保险、不在校 [三（四）;
  -- preconditions]
  local in_age = pension.age_min <= age and age <= pension.age_max
  if not (in_age and m.pension_insured and m.school == "none") then
    return decision.not_eligible(function()
      local reasons = {}
      if not in_age then
        reasons[#reasons + 1] = format("%d 岁，不在参保缴费年龄 %s–%s 周岁内",
          age, fmt.std(pension.age_min), fmt.std(pension.age_max))
      end
      if not m.pension_insured then
        reasons[#reasons + 1] = "未参加城乡居民基本养老保险"
      end
      if m.school ~= "none" then
        reasons[#reasons + 1] = format("在校学生（%s），不属参保缴费对象", terms.school[m.school])
      end
      return reasons
    end)
  end

  -- 代缴比例：符合条件的群体中比例最高者；比例相同时取上列顺序在先者
  -- [三（四）"代缴部分或全部保费"; r, tier]
  local tier, ratio = best_group(m, h, pension, ctx)
  if tier == nil then
    return decision.not_eligible(function()
      return { "不属于特困人员、重度残疾人、精神智力残疾人、低保对象或返贫致贫人员，不享受政府代缴" }
    end)
  end
  if ratio == 0 then
    return decision.not_eligible(function() return { "属缴费困难群体，但适用的代缴比例为 0" } end)
  end

  -- 代缴金额 = 代缴比例 x 最低缴费档次 [三（四）"按照最低缴费档次"]
  local min_tier = pension.min_tier
  local amount = ratio * min_tier
  return decision.eligible(amount, tier, {
    format("%d 岁，已参加城乡居民基本养老保险，属%s", age, group_name(tier, m, h)),
    format("按最低缴费档次 %s 元代缴 %s，代缴 %s 元", fmt.std(min_tier), fmt.pct(ratio),
      fmt.money(amount)),
  }, { ratio = ratio, min_tier = min_tier, age = age })
end

return {
  id = "pension_subsidy",
  title = "城乡居民养老保险政府代缴",
  title_en = "Resident pension contributions paid by the government",
  basis = "乳农组〔2021〕4号 三（四）",
  department = "县人社局",
  scope = "member",
  requires = { "tekun", "dibao" },
  -- 档次即代缴对象类别 [三（四）]
  tiers = { tekun = "特困人员", severe_disability = "重度残疾人", mental = "智力、精神残疾人",
            dibao = "低保对象", returned = "返贫致贫人员" },
  evaluate = evaluate,
}
