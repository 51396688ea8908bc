-- 教育资助 — education aid for students of poverty-alleviated, monitored and 低保
-- households and for 特困 children (one decision per member)
--
-- Plan 乳农组〔2021〕4号 三（四）"健全家庭经济困难学生资助体系"; 二（三）"健全控辍保学工作
-- 机制……确保……脱贫家庭义务教育阶段适龄儿童少年不失学辍学".
-- Rule:
--   eligible <=> school ~= none and (status = poverty_alleviated or monitor ~= none
--                or dibao eligible or m tekun-eligible)
--   amount = education.<school>; tier = school

local decision = require "decision"
local household = require "household"
local fmt = require "fmt"
local terms = require "terms"

local format = string.format

local function evaluate(m, h, p, ctx)
  -- 条件一 在校就读 [三（四）; school ~= none]
  local school = m.school
  if school == "none" then
    return decision.not_eligible(function() return { "未在校就读" } end)
  end
  local stage = terms.school[school]

  -- 条件二 家庭经济困难学生：脱贫户、监测对象、低保家庭的学生，或本人为特困人员
  -- [三（四）"健全家庭经济困难学生资助体系", 二（三）]
  local group
  if h.status == "poverty_alleviated" then
    group = "脱贫户家庭学生"
  elseif h.monitor ~= "none" then
    group = terms.monitor[h.monitor] .. "家庭学生"
  elseif ctx.decision("dibao").eligible then
    group = "低保家庭学生"
  elseif household.is_tekun(m, ctx) then
    group = "特困人员"
  end
  if not group then
    return decision.not_eligible(function()
      return { format("在读%s，但家庭不是脱贫户、监测对象或低保家庭，本人也不是特困人员", stage) }
    end)
  end

  -- 资助标准按学段 [amount = education.<school>, tier = school]
  local amount = p.education[school]
  return decision.eligible(amount, school, {
    format("在读%s，属%s，按学段资助 %s 元", stage, group, fmt.money(amount)),
  })
end

return {
  id = "education_aid",
  title = "教育资助",
  title_en = "Education aid",
  basis = "乳农组〔2021〕4号 三（四）、二（三）",
  department = "县教育局",
  scope = "member",
  requires = { "tekun", "dibao" },
  -- 档次即学段 [三（四）、二（三）]
  tiers = { preschool = "学前教育", primary = "小学", junior = "初中", senior = "普通高中",
            vocational = "中等职业教育", college = "高等教育" },
  evaluate = evaluate,
}
