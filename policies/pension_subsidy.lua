-- 城乡居民养老保险政府代缴 — resident pension contributions paid by the government
-- (one decision per member)
--
-- Plan 乳农组〔2021〕4号 三（四）"继续实施城乡居民基本养老保险政府代缴保费政策，按照最低
-- 缴费档次为参加城乡居民养老保险的低保对象、特困人员、返贫致贫人员、重度残疾人和精神智力
-- 残疾人等缴费困难群体代缴部分或全部保费".
-- Rule: POLICIES.md §2 "pension_subsidy":
--   preconditions: pension.age_min <= age <= pension.age_max, pension_insured, school = none
--   r = the largest ratio whose condition holds (ties: first in the list below), tier = its name
--   r = 0 or no condition -> not eligible; amount = r x pension.min_tier

local household = require "household"
local fmt = require "fmt"
local terms = require "terms"

local format = string.format

local function evaluate(m, h, p, ctx)
  local P = p.pension
  local age = ctx.age(m)

  -- 前提 参保缴费年龄、已参加城乡居民养老保险、不在校 [三（四）; POLICIES.md pension_subsidy,
  -- preconditions]
  local in_age = P.age_min <= age and age <= P.age_max
  if not (in_age and m.pension_insured and m.school == "none") then
    local reasons = {}
    if not in_age then
      reasons[#reasons + 1] = format("%d 岁，不在参保缴费年龄 %s–%s 周岁内",
        age, fmt.std(P.age_min), fmt.std(P.age_max))
    end
    if not m.pension_insured then
      reasons[#reasons + 1] = "未参加城乡居民基本养老保险"
    end
    if m.school ~= "none" then
      reasons[#reasons + 1] = format("在校学生（%s），不属参保缴费对象", terms.school[m.school])
    end
    return { eligible = false, amount = 0, reasons = reasons }
  end

  -- 代缴比例：符合条件的比例中取最高者；比例相同时按下列顺序取先者 (hence strict >)
  -- [三（四）"代缴部分或全部保费"; POLICIES.md pension_subsidy: r, tier]
  local r, tier, group = 0, nil, nil
  local any = false

  -- 特困人员 (m tekun-eligible)
  if household.is_tekun(m, ctx) then
    any = true
    if P.ratio_tekun > r then r, tier, group = P.ratio_tekun, "tekun", "特困人员" end
  end

  -- 重度残疾人 (disability 1 or 2)
  if household.severely_disabled(m) then
    any = true
    if P.ratio_severe_disability > r then
      r, tier, group = P.ratio_severe_disability, "severe_disability",
        "重度残疾人（" .. terms.disability[m.disability] .. "）"
    end
  end

  -- 精神智力残疾人 (disability_type intellectual or mental, any grade)
  local dt = m.disability_type
  if (dt == "intellectual" or dt == "mental") and m.disability >= 1 then
    any = true
    if P.ratio_mental > r then
      r, tier, group = P.ratio_mental, "mental",
        terms.disability_type[dt] .. "残疾人（" .. terms.disability[m.disability] .. "）"
    end
  end

  -- 低保对象 (m is a dibao object)
  if household.is_dibao_object(m, ctx) then
    any = true
    if P.ratio_dibao > r then r, tier, group = P.ratio_dibao, "dibao", "低保对象" end
  end

  -- 返贫致贫人员 (household monitor unstable or hardship)
  local monitor = h.monitor
  if monitor == "unstable" or monitor == "hardship" then
    any = true
    if P.ratio_returned > r then
      r, tier, group = P.ratio_returned, "returned", "返贫致贫人员（" .. terms.monitor[monitor] .. "）"
    end
  end

  if not tier then
    local why
    if any then
      why = "属缴费困难群体，但适用的代缴比例为 0"
    else
      why = "不属于特困人员、重度残疾人、精神智力残疾人、低保对象或返贫致贫人员，不享受政府代缴"
    end
    return { eligible = false, amount = 0, reasons = { why } }
  end

  -- 代缴金额 = 代缴比例 x 最低缴费档次 [三（四）"按照最低缴费档次"; POLICIES.md pension_subsidy]
  local amount = r * P.min_tier
  return {
    eligible = true, amount = amount, tier = tier,
    reasons = {
      format("%d 岁，已参加城乡居民基本养老保险，属%s", age, group),
      format("按最低缴费档次 %s 元代缴 %s，代缴 %s 元", fmt.std(P.min_tier), fmt.pct(r), fmt.money(amount)),
    },
    details = { ratio = r, min_tier = P.min_tier, age = age },
  }
end

return {
  id = "pension_subsidy",
  title = "城乡居民养老保险政府代缴",
  title_en = "Resident pension contributions paid by the government",
  basis = "乳农组〔2021〕4号 三（四）",
  department = "县人社局",
  scope = "member",
  requires = { "tekun", "dibao" },
  evaluate = evaluate,
}
