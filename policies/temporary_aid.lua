-- 临时救助（支出型）— temporary assistance when rigid expenses push a household below the
-- dibao line (one decision per household)
--
-- Plan 乳农组〔2021〕4号 三（三）"对基本生活陷入暂时困难的群众加强临时救助". This is the
-- expenditure type (支出型): a one-off grant when the household's medical and education expenses
-- leave it, for the year, with less than the dibao standard for each member not supported as
-- 特困. (The sudden-hardship type, 急难型, needs event records the households do not carry.)
-- Rule, in this order:
--   T = members eligible for tekun, N' = N - |T|; rigid = medical + education expenses
--   D = dibao's decided amount (0 when not eligible); available = I + D - rigid
--   line = 12 x S x N'
--   1. N' = 0                  -> not eligible (all covered by 特困)
--   2. rigid = 0               -> not eligible
--   3. assets fail             -> not eligible
--   4. available >= line       -> not eligible
--   5. otherwise               -> tier expenditure,
--                                 amount min(line - available, temp_aid.cap_months x S x N')
--   details: rigid, available, line, shortfall (line - available)

local decision = require "decision"
local household = require "household"
local fmt = require "fmt"
local money = require "money"

local format = string.format

-- The figures rules 4 and 5 give as reasons: the income after the rigid expenses, the line,
-- and the members supported as 特困 (nil when none). Called only when the reasons are kept.
local function texts(h, I, D, rigid, available, line, S, counted, in_tekun)
  local income_text = format("扣除刚性支出后家庭全年收入 %s 元（年收入 %s 元 + 低保金 %s 元 − 刚性支出 %s 元：医疗 %s 元、教育 %s 元）",
    fmt.money(available), fmt.money(I), fmt.money(D), fmt.money(rigid), fmt.money(h.medical),
    fmt.money(h.education))
  local line_text = format("救助线 %s 元（低保标准 %s 元 × %d 人 × 12 个月）", fmt.std(line), fmt.std(S), counted)
  local tekun_text
  if in_tekun > 0 then
    tekun_text = format("%d 名成员已纳入特困人员救助供养，不计入救助人数", in_tekun)
  end
  return income_text, line_text, tekun_text
end

local function evaluate(h, p, ctx)
  local S = p.dibao.standard
  local N, I = household.income(h)

  -- 特困人员已单独供养，救助线只计其余成员 [三（三）: T, N' = N - |T|]
  local counted = household.not_tekun_count(h, ctx)
  local in_tekun = N - counted

  -- 刚性支出：医疗、教育自付支出 [三（三）"基本生活陷入暂时困难"]
  local rigid = h.medical + h.education

  -- 低保金计入收入：低保家庭领取的低保金（按决定金额，到分）也用于基本生活 [三（三）: D]
  local dibao = ctx.decision("dibao")
  local D = 0
  if dibao.eligible then D = money.round(dibao.amount) end

  -- 扣除刚性支出后的家庭收入与救助线（不含特困人员的低保标准全年额）
  -- [三（三）: available = I + D - rigid, line = 12 x S x N'].
  -- available is a sum of figures in fen: rounding it to the fen removes the binary noise of
  -- the sum, so that available = line is judged exactly.
  local available = money.round(I + D - rigid)
  local line = 12 * S * counted
  local shortfall = line - available
  local details = { rigid = rigid, available = available, line = line, shortfall = shortfall }

  -- 规则一 全部成员已纳入特困供养 [三（三）: N' = 0]
  if counted == 0 then
    return decision.not_eligible(function()
      return { format("家庭 %d 名成员均已纳入特困人员救助供养，不再给予临时救助", N) }
    end, details)
  end

  -- 规则二 无刚性支出，不属于支出型困难 [三（三）: rigid = 0]
  if rigid == 0 then
    return decision.not_eligible(function()
      return { "家庭无医疗、教育刚性支出，不属于支出型临时救助对象" }
    end, details)
  end

  -- 规则三 家庭财产须符合低保家庭财产条件 [三（三）: assets pass]
  if not household.assets(h, p, N) then
    return decision.not_eligible(function() return { household.assets_reason(h, p, N) } end, details)
  end

  -- 规则四 扣除刚性支出后收入不低于救助线，基本生活未陷入困难 [三（三）: available >= line]
  if available >= line then
    return decision.not_eligible(function()
      local income_text, line_text, tekun_text =
        texts(h, I, D, rigid, available, line, S, counted, in_tekun)
      local reasons = { format("%s，不低于%s", income_text, line_text) }
      if tekun_text then reasons[2] = tekun_text end
      return reasons
    end, details)
  end

  -- 规则五 按缺口给予一次性临时救助，每次不超过 cap_months 个月低保标准 × 救助人数
  -- [三（三）: amount = min(line - available, temp_aid.cap_months x S x N'), tier expenditure]
  local months = p.temp_aid.cap_months
  local cap = months * S * counted
  local amount = math.min(shortfall, cap)
  local income_text, line_text, tekun_text =
    texts(h, I, D, rigid, available, line, S, counted, in_tekun)
  local reasons = {
    format("%s，低于%s，缺口 %s 元", income_text, line_text, fmt.money(shortfall)),
    household.assets_reason(h, p, N),
  }
  if tekun_text then reasons[#reasons + 1] = tekun_text end
  if shortfall > cap then
    reasons[#reasons + 1] = format("缺口 %s 元超过救助上限 %s 元（%s 个月 × 低保标准 %s 元 × %d 人），临时救助金按上限 %s 元",
      fmt.money(shortfall), fmt.std(cap), fmt.std(months), fmt.std(S), counted, fmt.money(amount))
  else
    reasons[#reasons + 1] = format("缺口 %s 元未超过救助上限 %s 元（%s 个月 × 低保标准 %s 元 × %d 人），临时救助金 %s 元",
      fmt.money(shortfall), fmt.std(cap), fmt.std(months), fmt.std(S), counted, fmt.money(amount))
  end
  return decision.eligible(amount, "expenditure", reasons, details)
end

return {
  id = "temporary_aid",
  title = "临时救助（支出型）",
  title_en = "Temporary assistance (expenditure type)",
  basis = "乳农组〔2021〕4号 三（三）",
  department = "县民政局",
  scope = "household",
  requires = { "tekun", "dibao" },
  -- 档次的称呼 [三（三）]
  tiers = { expenditure = "支出型临时救助" },
  evaluate = evaluate,
}
