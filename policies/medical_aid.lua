-- 医疗保障四重保障 — medical security: insurance premium subsidy and medical aid
-- (one decision per member)
--
-- Plan 乳农组〔2021〕4号 三（五）"坚持统筹发挥基本医疗保险、大病保险、医疗救助、商业医疗
-- 保险四重保障制度综合梯次减负功能。将农村特困人员、农村低保对象、农村低收入家庭救助对象
-- 等纳入城乡居民基本医疗救助范围，继续全额资助农村特困人员，定额资助低保对象、农村低收入
-- 家庭救助对象"; 二（三）"落实分类资助参保政策".
-- Rule:
--   category c, first that holds: tekun, dibao, low_income, monitored, alleviated, else none
--   premium subsidy = medical.premium x medical.subsidy_ratio.<c>
--   basic    = min(max(C - basic_deductible, 0) x basic_ratio, basic_cap)
--   critical = max(C - basic - d, 0) x q   (d, q tilted for tekun, dibao, monitored)
--   aid      = min(max(C - basic - critical - aid.<c>.deductible, 0) x aid.<c>.ratio, aid.<c>.cap)
--   eligible <=> premium subsidy + aid > 0; amount = premium subsidy + aid; tier = c

local decision = require "decision"
local household = require "household"
local fmt = require "fmt"
local terms = require "terms"

local format = string.format

-- 救助类别，按顺序取第一个符合的 [三（五）; category c]:
-- the category and how the reason names it, or "none".
local function category(m, h, ctx)
  if household.is_tekun(m, ctx) then
    return "tekun", "特困人员"
  end
  -- (m is not tekun-eligible from here on)
  local dibao = ctx.decision("dibao")
  if household.dibao_covers(m, dibao) then
    return "dibao", "低保对象"
  elseif dibao.eligible or ctx.decision("low_income").eligible then
    -- 低收入家庭成员, and members of a 单人保 household who are not covered themselves
    -- (m is no 低保对象 here: the branch above took those)
    return "low_income", "低收入家庭成员"
  elseif h.monitor ~= "none" then
    return "monitored", "监测对象（" .. terms.monitor[h.monitor] .. "）"
  elseif h.status == "poverty_alleviated" then
    return "alleviated", "脱贫人口"
  end
  return "none"
end

local function evaluate(m, h, p, ctx)
  local c, group = category(m, h, ctx)

  -- 救助范围：须属上述类别，且已参加城乡居民基本医疗保险 [三（五）]
  if c == "none" or not m.medical_insured then
    return decision.not_eligible(function()
      local reasons = {}
      if c == "none" then
        reasons[1] = "不属于特困人员、低保对象、低收入家庭、监测对象或脱贫人口，不在医疗救助范围"
      end
      if not m.medical_insured then
        reasons[#reasons + 1] = "未参加城乡居民基本医疗保险"
      end
      return reasons
    end)
  end

  local medical = p.medical    -- the parameters medical.* of params.xml, by their names

  -- 资助参保：个人缴费 x 资助比例 (特困、低保全额，其余定额/部分)
  -- [三（五）"继续全额资助……定额资助", 二（三）"分类资助参保"; premium subsidy]
  local premium, subsidy_ratio = medical.premium, medical.subsidy_ratio[c]
  local premium_subsidy = premium * subsidy_ratio

  -- 第一重 基本医疗保险 [三（五）; basic]
  local C = m.medical_cost
  local basic = math.min(math.max(C - medical.basic_deductible, 0) * medical.basic_ratio,
                         medical.basic_cap)

  -- 第二重 大病保险：特困、低保、返贫致贫人员起付线减半、报销比例提高 5 个百分点 (倾斜)
  -- [三（五）; critical illness]
  local d, q = medical.critical_deductible, medical.critical_ratio
  if c == "tekun" or c == "dibao" or c == "monitored" then
    d = d * medical.critical_deductible_factor
    q = q + medical.critical_ratio_bonus
  end
  local critical = math.max(C - basic - d, 0) * q

  -- 第三重 医疗救助：政策范围内自付费用，超过起付线部分按比例救助，不超过年度限额
  -- [三（五）"给予适当比例补助"; aid]
  local aid_rule = medical.aid[c]
  local aid_deductible, aid_ratio, aid_cap = aid_rule.deductible, aid_rule.ratio, aid_rule.cap
  local aid = math.min(math.max(C - basic - critical - aid_deductible, 0) * aid_ratio, aid_cap)

  local out_of_pocket = C - basic - critical - aid
  local amount = premium_subsidy + aid
  local details = {
    category = c, cost = C, basic = basic, critical = critical, aid = aid,
    premium_subsidy = premium_subsidy, out_of_pocket = out_of_pocket,
  }

  -- 资助参保与医疗救助合计 [三（五）: eligible <=> premium subsidy + aid > 0]
  if not (amount > 0) then
    return decision.not_eligible(function()
      return { format("属%s，但资助参保 %s 元、医疗救助 %s 元，均为 0",
        group, fmt.money(premium_subsidy), fmt.money(aid)) }
    end, details)
  end

  local reasons = {
    format("属%s，已参加城乡居民基本医疗保险", group),
    format("资助参保：个人缴费 %s 元 × %s = %s 元",
      fmt.std(premium), fmt.pct(subsidy_ratio), fmt.money(premium_subsidy)),
  }
  if C > 0 then
    reasons[3] = format("政策范围内医疗费用 %s 元：基本医保 %s 元，大病保险 %s 元（起付线 %s 元，报销 %s），"
      .. "医疗救助 %s 元（起付线 %s 元，救助 %s，限额 %s 元），个人自付 %s 元",
      fmt.money(C), fmt.money(basic), fmt.money(critical), fmt.std(d), fmt.pct(q),
      fmt.money(aid), fmt.std(aid_deductible), fmt.pct(aid_ratio), fmt.std(aid_cap),
      fmt.money(out_of_pocket))
  else
    reasons[3] = "本年度无政策范围内医疗费用，医疗救助 0 元"
  end
  reasons[4] = decision.total(amount)

  return decision.eligible(amount, c, reasons, details)
end

return {
  id = "medical_aid",
  title = "医疗保障四重保障",
  title_en = "Medical security: premium subsidy and medical aid",
  basis = "乳农组〔2021〕4号 三（五）",
  department = "县医保局",
  scope = "member",
  requires = { "tekun", "dibao", "low_income" },
  -- 档次即救助对象类别 [三（五）]
  tiers = { tekun = "特困人员", dibao = "低保对象", low_income = "低收入人口",
            monitored = "监测对象", alleviated = "脱贫人口" },
  evaluate = evaluate,
}
