-- 困难残疾人生活补贴和重度残疾人护理补贴 — living subsidy for disabled persons in
-- poor households and care subsidy for the severely disabled (one decision per member)
--
-- Plan 乳农组〔2021〕4号 三（四）"稳步提高困难残疾人生活补贴和重度残疾人护理补贴标准".
-- Rule:
--   living = 12 x disability.living_monthly if disability >= 1 and (dibao or low_income
--            eligible), else 0
--   care   = 12 x disability.care_monthly_1 if disability = 1;
--            12 x disability.care_monthly_2 if disability = 2, or disability = 3 and
--            disability_type intellectual or mental; else 0
--   eligible <=> living + care > 0; amount = living + care; tier living, care or living+care

local decision = require "decision"
local fmt = require "fmt"
local terms = require "terms"

local format = string.format

local function evaluate(m, h, p, ctx)
  local grade = m.disability
  if grade == 0 then
    return decision.not_eligible(function()
      return { "未持有残疾人证（无残疾等级），不享受残疾人两项补贴" }
    end)
  end
  local disability = p.disability   -- the parameters disability.* of params.xml, by their names
  local dt = m.disability_type
  local kind = terms.disability[grade] .. terms.disability_type[dt] .. "残疾"

  -- 困难残疾人生活补贴：低保家庭或低收入家庭中的残疾人 [三（四）; living]
  local living = 0
  local poor
  if ctx.decision("dibao").eligible then
    poor = "低保家庭"
  elseif ctx.decision("low_income").eligible then
    poor = "低收入家庭"
  end
  if poor then
    living = 12 * disability.living_monthly
  end
  local function living_reason()
    if poor then
      return format("%s，家庭属%s，困难残疾人生活补贴 %s 元/月 × 12 个月 = %s 元",
        kind, poor, fmt.std(disability.living_monthly), fmt.money(living))
    end
    return format("%s，家庭不属于低保或低收入家庭，不享受困难残疾人生活补贴", kind)
  end

  -- 重度残疾人护理补贴：一级；二级；三级智力、精神残疾 [三（四）; care]
  local care, monthly = 0, nil
  if grade == 1 then
    monthly = disability.care_monthly_1
  elseif grade == 2 or (grade == 3 and (dt == "intellectual" or dt == "mental")) then
    monthly = disability.care_monthly_2
  end
  if monthly then
    care = 12 * monthly
  end
  local function care_reason()
    if monthly then
      return format("重度残疾人护理补贴（%s）%s 元/月 × 12 个月 = %s 元",
        kind, fmt.std(monthly), fmt.money(care))
    end
    return format("%s不属于一、二级或三级智力、精神残疾，不享受重度残疾人护理补贴", kind)
  end

  -- 两项补贴合计，任一项大于 0 即符合 [三（四）: eligible <=> living + care > 0]
  local amount = living + care
  if not (amount > 0) then
    return decision.not_eligible(function() return { living_reason(), care_reason() } end)
  end
  local tier
  if living > 0 and care > 0 then
    tier = "living+care"
  elseif living > 0 then
    tier = "living"
  else
    tier = "care"
  end
  return decision.eligible(amount, tier, { living_reason(), care_reason(), decision.total(amount) },
    { living = living, care = care })
end

return {
  id = "disability_subsidy",
  title = "困难残疾人生活补贴和重度残疾人护理补贴",
  title_en = "Disability living and care subsidies",
  basis = "乳农组〔2021〕4号 三（四）",
  department = "县残联",
  scope = "member",
  requires = { "dibao", "low_income" },
  -- 档次的称呼：生活补贴、护理补贴或两项都有 [三（四）]
  tiers = { living = "困难残疾人生活补贴", care = "重度残疾人护理补贴",
            ["living+care"] = "生活补贴和护理补贴" },
  evaluate = evaluate,
}
