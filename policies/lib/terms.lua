-- terms: the Chinese words for the coded values of the records (see the handbook, bangfu doc),
-- used in reasons so that a caseworker reads 脱贫不稳定户, not "unstable".

return {
  status = {
    none = "一般农户",
    poverty_alleviated = "脱贫户",
  },

  monitor = {
    none = "非监测对象",
    unstable = "脱贫不稳定户",
    marginal = "边缘易致贫户",
    hardship = "突发严重困难户",
  },

  labor = {
    full = "有劳动能力",
    partial = "部分丧失劳动能力",
    none = "无劳动能力",
  },

  employment = {
    ["local"] = "县内务工",
    outside = "县外务工",
    unemployed = "有劳动能力未就业",
    none = "不在劳动力市场",
  },

  school = {
    none = "未在校",
    preschool = "学前教育",
    primary = "小学",
    junior = "初中",
    senior = "普通高中",
    vocational = "中等职业教育",
    college = "高等教育",
  },

  self_care = {
    full = "具备生活自理能力",
    partial = "部分丧失生活自理能力",
    none = "完全丧失生活自理能力",
  },

  -- 残疾等级 1–4 (1 most severe)
  disability = { "一级", "二级", "三级", "四级" },

  disability_type = {
    none = "",
    physical = "肢体",
    visual = "视力",
    hearing = "听力",
    speech = "言语",
    intellectual = "智力",
    mental = "精神",
    multiple = "多重",
  },
}
