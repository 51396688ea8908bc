-- 低收入家庭认定 — identification of low-income households (one decision per household)
--
-- Plan 乳农组〔2021〕4号 三（一）"做好精准识别管理……对农村低保对象、农村特困人员、
-- 农村低收入家庭……开展动态监测"; 三（三）"将符合条件的低收入家庭纳入……专项救助范围".
-- Rule (广东 低保边缘家庭: below 1.5x the dibao standard).
--   eligible <=> assets pass and S <= pcm < low_income.multiplier x S
--   amount 0 (identification only: dibao, medical_aid and disability_subsidy read it);
--   tier "low_income"

local decision = require "decision"
local household = require "household"
local fmt = require "fmt"

local format = string.format

local function evaluate(h, p, ctx)
  local S = p.dibao.standard
  local multiplier = p.low_income.multiplier
  local N, _, pcm = household.income(h)

  -- 条件一 家庭财产符合低保家庭财产条件 [三（一）; assets pass]
  local assets_ok = household.assets(h, p, N)

  -- 条件二 人均月收入不低于低保标准、低于低保标准的 1.5 倍
  -- [三（一）; S <= pcm < multiplier x S]
  -- (a household below S is a 低保 household, not a 低收入 one)
  local line = multiplier * S
  local income_ok = S <= pcm and pcm < line

  local details = { pcm = pcm, standard = S, line = line }

  if assets_ok and income_ok then
    return decision.eligible(0, "low_income", {
      format("家庭人均月收入 %s 元，不低于低保标准 %s 元、低于低收入标准 %s 元（低保标准 × %s）",
        fmt.money(pcm), fmt.std(S), fmt.std(line), fmt.std(multiplier)),
      household.assets_reason(h, p, N),
    }, details)
  end

  return decision.not_eligible(function()
    local reasons = {}
    if pcm < S then
      reasons[1] = format("家庭人均月收入 %s 元，低于低保标准 %s 元，属低保收入范围而非低收入家庭",
        fmt.money(pcm), fmt.std(S))
    elseif not income_ok then
      reasons[1] = format("家庭人均月收入 %s 元，不低于低收入标准 %s 元（低保标准 × %s）",
        fmt.money(pcm), fmt.std(line), fmt.std(multiplier))
    end
    if not assets_ok then
      reasons[#reasons + 1] = household.assets_reason(h, p, N)
    end
    return reasons
  end, details)
end

return {
  id = "low_income",
  title = "低收入家庭认定",
  title_en = "Low-income household identification",
  basis = "乳农组〔2021〕4号 三（一）",
  department = "县民政局",
  scope = "household",
  requires = {},
  -- 档次的称呼 [三（一）]
  tiers = { low_income = "低收入家庭" },
  evaluate = evaluate,
}
