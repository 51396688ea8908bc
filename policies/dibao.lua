-- 农村最低生活保障 — rural minimum living guarantee (one decision per household)
--
-- Plan 乳农组〔2021〕4号 三（三）"完善最低生活保障制度，科学认定农村低保对象……调整优化
-- 针对原建档立卡贫困户的低保“单人保”政策，将低收入家庭中的重病、重残人员参照“单人户”
-- 纳入低保范围".
-- Rules 1–4, in that order:
--   T = members eligible for tekun, N' = N - |T|
--   1. N' = 0                          -> not eligible (all covered by 特困)
--   2. assets pass and pcm < S         -> tier household,
--                                         amount 12 x N' x max(S - pcm, dibao.min_benefit)
--   3. low_income eligible (单人保)    -> members not in T with severe(m), if any:
--                                         tier single_person, amount 12 x S x count
--   4. otherwise                       -> not eligible

local decision = require "decision"
local household = require "household"
local fmt = require "fmt"

local format = string.format

-- Why the household as a whole does not qualify under rule 2 (the first reasons of rules 3
-- and 4): a new list.
local function household_reasons(h, p, N, pcm, S, assets_ok)
  local reasons = {}
  if pcm >= S then
    reasons[1] = format("家庭人均月收入 %s 元，不低于低保标准 %s 元", fmt.money(pcm), fmt.std(S))
  end
  if not assets_ok then
    reasons[#reasons + 1] = household.assets_reason(h, p, N)
  end
  return reasons
end

local function evaluate(h, p, ctx)
  local S = p.dibao.standard
  local N, I, pcm = household.income(h)

  -- 特困人员单独供养，不重复纳入低保 [三（三）; T, N' = N - |T|]
  local counted = household.not_tekun_count(h, ctx)
  local in_tekun = N - counted

  -- 规则一 全部成员已纳入特困供养 [三（三）; rule 1]
  if counted == 0 then
    return decision.not_eligible(function()
      return { format("家庭 %d 名成员均已纳入特困人员救助供养，不再纳入低保", N) }
    end, { pcm = pcm, standard = S, members = N, members_counted = 0 })
  end

  -- 规则二 按户保：家庭财产符合条件且人均月收入低于低保标准，按低保标准与人均收入的
  -- 差额补差，每人每月不低于最低补差 dibao.min_benefit [三（三）; rule 2]
  local assets_ok = household.assets(h, p, N)
  if assets_ok and pcm < S then
    local min_benefit = p.dibao.min_benefit
    local gap = S - pcm
    local monthly = math.max(gap, min_benefit)
    local amount = 12 * counted * monthly

    local reasons = {
      format("家庭人均月收入 %s 元（年收入 %s 元 ÷ %d 人 ÷ 12），低于低保标准 %s 元",
        fmt.money(pcm), fmt.money(I), N, fmt.std(S)),
      household.assets_reason(h, p, N),
    }
    if gap < min_benefit then
      reasons[3] = format("每人每月补差 %s 元低于最低补差 %s 元，按 %s 元 × %d 人 × 12 个月 = %s 元",
        fmt.money(gap), fmt.std(min_benefit), fmt.std(min_benefit), counted, fmt.money(amount))
    else
      reasons[3] = format("按户补差：每人每月 %s 元（%s − %s）× %d 人 × 12 个月 = %s 元",
        fmt.money(gap), fmt.std(S), fmt.money(pcm), counted, fmt.money(amount))
    end
    if in_tekun > 0 then
      reasons[4] = format("%d 名成员已纳入特困人员救助供养，不计入低保人数", in_tekun)
    end
    return decision.eligible(amount, "household", reasons,
      { pcm = pcm, standard = S, members = N, members_counted = counted, monthly_benefit = monthly })
  end

  -- 规则三 单人保：低收入家庭中的重病、重残人员（不含特困人员）参照单人户纳入低保，
  -- 每人按低保标准全额 [三（三）; rule 3]
  local low_income = ctx.decision("low_income").eligible
  if low_income then
    local covered, names = {}, {}
    for _, m in ipairs(h.members) do
      if household.severe(m) and not household.is_tekun(m, ctx) then
        covered[#covered + 1] = m.id
        names[#names + 1] = household.who(m, household.severe_text(m))
      end
    end
    local count = #covered
    if count > 0 then
      local amount = 12 * S * count
      local reasons = household_reasons(h, p, N, pcm, S, assets_ok)
      reasons[#reasons + 1] = format("属低收入家庭，重病、重残成员 %s 参照单人户纳入低保（“单人保”）",
        table.concat(names, "、"))
      reasons[#reasons + 1] = format("单人保：%d 人 × 低保标准 %s 元 × 12 个月 = %s 元",
        count, fmt.std(S), fmt.money(amount))
      return decision.eligible(amount, "single_person", reasons,
        { pcm = pcm, standard = S, members = N, members_counted = count,
          covered = table.concat(covered, ",") })
    end
  end

  -- 规则四 其余情形不符合 [rule 4]
  return decision.not_eligible(function()
    local reasons = household_reasons(h, p, N, pcm, S, assets_ok)
    if low_income then
      reasons[#reasons + 1] = "属低收入家庭，但无重病、重残成员，不适用“单人保”"
    else
      reasons[#reasons + 1] = "不属于低收入家庭，不适用“单人保”"
    end
    return reasons
  end, { pcm = pcm, standard = S, members = N })
end

return {
  id = "dibao",
  title = "农村最低生活保障",
  title_en = "Rural minimum living guarantee",
  basis = "乳农组〔2021〕4号 三（三）",
  department = "县民政局",
  scope = "household",
  requires = { "tekun", "low_income" },
  -- 档次的称呼，报告和结果中显示 [三（三）]
  tiers = { household = "按户保", single_person = "单人保" },
  evaluate = evaluate,
}
