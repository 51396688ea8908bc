-- 防止返贫监测预警 — early warning against return to poverty (one decision per household)
--
-- Plan 乳农组〔2021〕4号 二（二）"完善返贫监测帮扶机制……对……脱贫不稳定户、边缘易致贫户，
-- 以及因病因残因灾因意外事故等刚性支出较大或收入大幅缩减导致基本生活出现严重困难户，开展
-- 常态化监测预警，持续跟踪其收支变化、“两不愁三保障”及饮水安全等情况"; 二（三）控辍保学、
-- 住房安全、饮水安全.
-- Rule: six triggers, each adding a reason;
--   k = 0 -> not eligible; k = 1 -> tier watch; k >= 2 -> tier alert; amount 0.

local decision = require "decision"
local household = require "household"
local fmt = require "fmt"

local format = string.format

local function evaluate(h, p, ctx)
  local monitoring = p.monitoring   -- the parameters monitoring.* of params.xml, by their names
  local _, I, _, pcy = household.income(h)
  local reasons = {}

  -- 触发一 收入：家庭人均年收入低于监测收入线 [二（二）"收支变化"; rule 1]
  if pcy < monitoring.income_line then
    reasons[#reasons + 1] = format("家庭人均年收入 %s 元，低于防止返贫监测收入线 %s 元",
      fmt.money(pcy), fmt.std(monitoring.income_line))
  end

  -- 触发二 刚性支出较大：医疗、教育支出超过家庭年收入的 rigid_ratio
  -- (with I = 0 any rigid expense counts) [二（二）"刚性支出较大"; rule 2]
  local rigid = h.medical + h.education
  if rigid > monitoring.rigid_ratio * I then
    reasons[#reasons + 1] = format("刚性支出 %s 元（医疗 %s 元、教育 %s 元），超过家庭年收入 %s 元的 %s",
      fmt.money(rigid), fmt.money(h.medical), fmt.money(h.education), fmt.money(I),
      fmt.pct(monitoring.rigid_ratio))
  end

  -- 触发三 收入大幅缩减：年收入低于上年的 (1 - drop_ratio) [二（二）"收入大幅缩减";
  -- rule 3]
  local previous = h.previous
  if previous and previous > 0 and I < (1 - monitoring.drop_ratio) * previous then
    reasons[#reasons + 1] = format("家庭年收入 %s 元，较上年 %s 元减少 %s，缩减超过 %s",
      fmt.money(I), fmt.money(previous), fmt.pct((previous - I) / previous),
      fmt.pct(monitoring.drop_ratio))
  end

  -- 触发四 住房安全 [二（三）"住房安全动态监测"; rule 4]
  if not h.housing_safe then
    reasons[#reasons + 1] = "住房不安全"
  end

  -- 触发五 饮水安全 [二（二）"饮水安全"; rule 5]
  if not h.water_safe then
    reasons[#reasons + 1] = "饮水不安全"
  end

  -- 触发六 控辍保学：义务教育年龄段 (school_age_min–school_age_max 岁) 成员未在校，且非因
  -- 一、二级残疾（身体原因）不具备学习条件; one trigger however many children
  -- [二（三）"确保除身体原因不具备学习条件外……不失学辍学"; rule 6]
  local dropouts      -- their names, once there is one
  for _, m in ipairs(h.members) do
    if m.school == "none" and not household.severely_disabled(m) then
      local age = ctx.age(m)
      if monitoring.school_age_min <= age and age <= monitoring.school_age_max then
        dropouts = dropouts or {}
        dropouts[#dropouts + 1] = household.who(m, format("%d 岁", age))
      end
    end
  end
  if dropouts then
    reasons[#reasons + 1] = format("义务教育阶段适龄儿童少年失学辍学：%s", table.concat(dropouts, "、"))
  end

  -- 预警等级：触发 1 项为关注 (watch)，2 项及以上为预警 (alert) [二（二）: k triggers]
  local k = #reasons
  local details = { triggers = k, pcy = pcy, income_line = monitoring.income_line, rigid = rigid }
  if k == 0 then
    return decision.not_eligible(function()
      return { "未触发监测预警指标（收入、刚性支出、收入缩减、住房、饮水、控辍保学均无异常）" }
    end, details)
  end
  local tier
  if k >= 2 then
    tier = "alert"
  else
    tier = "watch"
  end
  return decision.eligible(0, tier, reasons, details)
end

return {
  id = "monitoring",
  title = "防止返贫监测预警",
  title_en = "Monitoring and early warning against return to poverty",
  basis = "乳农组〔2021〕4号 二（二）",
  department = "县乡村振兴局",
  scope = "household",
  requires = {},
  -- 档次的称呼：一项触发为关注，两项及以上为预警 [二（二）]
  tiers = { watch = "关注", alert = "预警" },
  evaluate = evaluate,
}
