-- 就业帮扶 — employment support for poverty-alleviated and monitored households
-- (one decision per member)
--
-- Plan 乳农组〔2021〕4号 三（二）"拓展稳定增收渠道……采取以工代赈、生产奖补、劳务补贴等
-- 方式……对就业特别困难的人员通过公益性岗位进行托底安置……深化区域劳务合作"; 二（一）
-- "完善……就业扶持、技能培训……措施".
-- Rule:
--   preconditions: status = poverty_alleviated or monitor ~= none;
--                  employment.age_min <= age <= employment.age_max; labor full or partial;
--                  school = none
--   outside                                   -> cross_region, employment.cross_region_subsidy
--   unemployed and (labor partial or disability >= 1 or age >= employment.hard_age)
--                                             -> public_post, 12 x employment.public_post_monthly
--   unemployed otherwise                      -> training, employment.training_subsidy
--   otherwise                                 -> not eligible

local decision = require "decision"
local fmt = require "fmt"
local terms = require "terms"

local format = string.format

local function evaluate(m, h, p, ctx)
  local employment = p.employment   -- the parameters employment.* of params.xml, by their names
  local age = ctx.age(m)

  -- 前提 脱贫户或监测对象家庭中劳动年龄内、有劳动能力、不在校的成员
  -- [三（二）; preconditions]
  local covered = h.status == "poverty_alleviated" or h.monitor ~= "none"
  local in_age = employment.age_min <= age and age <= employment.age_max
  local can_work = m.labor == "full" or m.labor == "partial"
  local in_school = m.school ~= "none"
  if not (covered and in_age and can_work and not in_school) then
    return decision.not_eligible(function()
      local reasons = {}
      if not covered then
        reasons[#reasons + 1] = "家庭不是脱贫户或监测对象，不在就业帮扶范围"
      end
      if not in_age then
        reasons[#reasons + 1] = format("%d 岁，不在劳动年龄 %s–%s 周岁内",
          age, fmt.std(employment.age_min), fmt.std(employment.age_max))
      end
      if not can_work then
        reasons[#reasons + 1] = "无劳动能力"
      end
      if in_school then
        reasons[#reasons + 1] = format("在校学生（%s）", terms.school[m.school])
      end
      return reasons
    end)
  end

  local who
  if h.monitor ~= "none" then
    who = format("%s家庭成员，%d 岁，%s", terms.monitor[h.monitor], age, terms.labor[m.labor])
  else
    who = format("脱贫户家庭成员，%d 岁，%s", age, terms.labor[m.labor])
  end

  -- 跨区域就业：外出务工给予一次性交通补贴 [三（二）"深化区域劳务合作";
  -- outside -> cross_region]
  if m.employment == "outside" then
    local amount = employment.cross_region_subsidy
    return decision.eligible(amount, "cross_region", {
      who, format("县外务工，给予跨区域就业交通补贴 %s 元", fmt.money(amount)),
    }, { age = age })
  end

  if m.employment == "unemployed" then
    -- 就业特别困难人员（部分丧失劳动能力、残疾或年满 hard_age 岁）通过公益性岗位托底安置
    -- [三（二）"对就业特别困难的人员通过公益性岗位进行托底安置"; public_post]
    local hard
    if m.labor == "partial" then
      hard = "部分丧失劳动能力"
    elseif m.disability >= 1 then
      hard = terms.disability[m.disability] .. "残疾"
    elseif age >= employment.hard_age then
      hard = format("年满 %s 周岁", fmt.std(employment.hard_age))
    end
    if hard then
      local monthly = employment.public_post_monthly
      local amount = 12 * monthly
      return decision.eligible(amount, "public_post", {
        who,
        format("未就业且属就业困难人员（%s），安排公益性岗位：%s 元/月 × 12 个月 = %s 元",
          hard, fmt.std(monthly), fmt.money(amount)),
      }, { age = age, monthly = monthly })
    end

    -- 其他未就业人员：技能培训补贴 [二（一）"技能培训"; training]
    local amount = employment.training_subsidy
    return decision.eligible(amount, "training", {
      who, format("有劳动能力未就业，给予技能培训补贴 %s 元", fmt.money(amount)),
    }, { age = age })
  end

  -- 县内已就业或不在劳动力市场：无需就业帮扶 [otherwise]
  return decision.not_eligible(function()
    return { format("%s，不需要跨区域就业、公益性岗位或技能培训帮扶", terms.employment[m.employment]) }
  end)
end

return {
  id = "employment_support",
  title = "就业帮扶",
  title_en = "Employment support",
  basis = "乳农组〔2021〕4号 三（二）",
  department = "县人社局",
  scope = "member",
  requires = {},
  -- 档次的称呼 [三（二）、二（一）]
  tiers = { cross_region = "跨区域就业交通补贴", public_post = "公益性岗位",
            training = "技能培训补贴" },
  evaluate = evaluate,
}
