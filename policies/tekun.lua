-- 特困人员救助供养 — support for persons in extreme poverty (one decision per member)
--
-- Plan 乳农组〔2021〕4号 三（三）："对脱贫人口中完全丧失劳动能力……的人口，按规定纳入
-- 农村低保或特困人员救助供养范围……落实特困人员救助供养制度"; 三（四）"强化……对失能、
-- 半失能特困老年人的兜底保障".
-- Rule (conditions of 民发〔2021〕43号).
--   eligible <=> supporter = false
--                and (age >= tekun.age_elderly or age < tekun.age_minor
--                     or disability in {1,2} or labor = none)
--                and pcm < S
--   amount = 12 x (tekun.basic_ratio x S + care), care by self_care; tier = self_care

local decision = require "decision"
local household = require "household"
local fmt = require "fmt"
local terms = require "terms"

local format = string.format

-- How the member belongs to the covered groups, for the reason.
local function group_text(group, m, tekun, age)
  if group == "elderly" then
    return format("年满 %s 周岁的老年人（%d 岁）", fmt.std(tekun.age_elderly), age)
  elseif group == "minor" then
    return format("未满 %s 周岁的未成年人（%d 岁）", fmt.std(tekun.age_minor), age)
  elseif group == "disabled" then
    return format("%s%s残疾人（%d 岁）", terms.disability[m.disability],
      terms.disability_type[m.disability_type], age)
  end
  return format("无劳动能力（%d 岁）", age)
end

-- 照料护理标准 (yuan/month) by 生活自理能力 [三（三）、三（四）: care by self_care]
local function care_standard(m, tekun)
  if m.self_care == "full" then
    return tekun.care_full
  elseif m.self_care == "partial" then
    return tekun.care_partial
  end
  return tekun.care_none
end

local function evaluate(m, h, p, ctx)
  local tekun = p.tekun        -- the parameters tekun.* of params.xml, by their names
  local S = p.dibao.standard
  local age = ctx.age(m)

  -- 条件一 老年人、未成年人、重度残疾人或无劳动能力 [三（三）:
  -- age >= tekun.age_elderly or age < tekun.age_minor or disability in {1,2} or labor = none]
  local group
  if age >= tekun.age_elderly then
    group = "elderly"
  elseif age < tekun.age_minor then
    group = "minor"
  elseif household.severely_disabled(m) then
    group = "disabled"
  elseif m.labor == "none" then
    group = "labor"
  end

  -- 条件二 无法定赡养、抚养、扶养义务人，或其无履行义务能力 [三（三）; supporter = false]
  local has_supporter = m.supporter

  -- 条件三 收入低于当地低保标准 [三（三）; pcm < S]
  -- (looked at only when conditions one and two hold; the reasons of a refusal look again)
  local poor = group and not has_supporter and household.pcm(h) < S

  if not group or has_supporter or not poor then
    return decision.not_eligible(function()
      local pcm = household.pcm(h)
      local reasons = {}
      if not group then
        reasons[#reasons + 1] = format("%d 岁，非老年人（%s 周岁及以上）或未成年人（未满 %s 周岁），"
          .. "非一、二级残疾且有劳动能力", age, fmt.std(tekun.age_elderly), fmt.std(tekun.age_minor))
      end
      if has_supporter then
        reasons[#reasons + 1] = "有具备履行能力的法定赡养、抚养、扶养义务人"
      end
      if pcm >= S then
        reasons[#reasons + 1] = format("家庭人均月收入 %s 元，不低于低保标准 %s 元",
          fmt.money(pcm), fmt.std(S))
      end
      return reasons
    end)
  end

  -- 供养标准 = 基本生活标准 (不低于低保标准的 1.6 倍) + 照料护理标准 (按生活自理能力)
  -- [三（三）、三（四）; 12 x (basic_ratio x S + care), tier = self_care]
  local pcm = household.pcm(h)
  local basic = tekun.basic_ratio * S
  local care = care_standard(m, tekun)
  local amount = 12 * (basic + care)

  return decision.eligible(amount, m.self_care, {
    group_text(group, m, tekun, age) .. "，无具备履行能力的法定赡养、抚养、扶养义务人",
    format("家庭人均月收入 %s 元，低于低保标准 %s 元", fmt.money(pcm), fmt.std(S)),
    format("供养标准：基本生活 %s 元/月（低保标准 %s 元 × %s）+ 照料护理 %s 元/月（%s），"
      .. "每月 %s 元 × 12 个月", fmt.std(basic), fmt.std(S), fmt.std(tekun.basic_ratio),
      fmt.std(care), terms.self_care[m.self_care], fmt.std(basic + care)),
    decision.total(amount),
  }, { pcm = pcm, standard = S, basic_monthly = basic, care_monthly = care, age = age })
end

return {
  id = "tekun",
  title = "特困人员救助供养",
  title_en = "Support for persons in extreme poverty",
  basis = "乳农组〔2021〕4号 三（三）",
  department = "县民政局",
  scope = "member",
  requires = {},
  -- 档次即生活自理能力 [三（三）]
  tiers = { full = "具备生活自理能力", partial = "部分丧失生活自理能力",
            none = "完全丧失生活自理能力" },
  evaluate = evaluate,
}
