/* fielddoc.c — the meaning of each record field (the county plan's terms in brackets). */
#include "fielddoc.h"

#include <string.h>

#define E(k) BF_ENUM_##k
static const bf_field_doc household_docs[] = {
    {"id", BF_LUA_STRING, -1, false, "文本，1–64 字符", "户编号，导入时唯一"},
    {"town", BF_LUA_STRING, -1, false, "文本（乡镇名）", "所在镇，须为 areas.xml 中的镇"},
    {"village", BF_LUA_STRING, -1, false, "文本（行政村名）", "所在行政村，须为该镇的村"},
    {"status", BF_LUA_STRING, E(STATUS), false, "取值之一", "脱贫户（原建档立卡贫困户）标识"},
    {"monitor", BF_LUA_STRING, E(MONITOR), false, "取值之一",
     "防返贫监测对象类别：脱贫不稳定户、边缘易致贫户、突发严重困难户"},
    {"recorded", BF_LUA_STRING, -1, false, "政策编号列表（空格分隔，在脚本中为列表）",
     "按现有台账该户正在享受的救助"},
    {"wage", BF_LUA_NUMBER, -1, false, "金额（元/年），≥ 0", "工资性收入（计入）"},
    {"business", BF_LUA_NUMBER, -1, false, "金额（元/年），≥ 0", "经营净收入（计入）"},
    {"property", BF_LUA_NUMBER, -1, false, "金额（元/年），≥ 0", "财产净收入（计入）"},
    {"transfer", BF_LUA_NUMBER, -1, false, "金额（元/年），≥ 0", "转移净收入（计入）"},
    {"excluded", BF_LUA_NUMBER, -1, false, "金额（元/年），≥ 0", "不计入的收入（奖励、抚恤金等）"},
    {"previous", BF_LUA_NUMBER, -1, true, "金额（元/年），≥ 0，可缺（nil）", "上年计入收入"},
    {"deposits", BF_LUA_NUMBER, -1, false, "金额（元），≥ 0", "存款及金融资产"},
    {"vehicle", BF_LUA_NUMBER, -1, false, "金额（元），≥ 0", "非生产性机动车价值"},
    {"extra_houses", BF_LUA_INTEGER, -1, false, "整数，≥ 0", "自住房以外的房产套数"},
    {"medical", BF_LUA_NUMBER, -1, false, "金额（元/年），≥ 0", "医疗刚性支出（自付）"},
    {"education", BF_LUA_NUMBER, -1, false, "金额（元/年），≥ 0", "教育刚性支出"},
    {"housing_safe", BF_LUA_BOOLEAN, -1, false, "true/false", "住房安全有保障"},
    {"water_safe", BF_LUA_BOOLEAN, -1, false, "true/false", "饮水安全有保障"},
};

static const bf_field_doc member_docs[] = {
    {"id", BF_LUA_STRING, -1, false, "文本，1–64 字符", "成员编号，户内唯一"},
    {"name", BF_LUA_STRING, -1, false, "文本，可为空", "姓名"},
    {"idnumber", BF_LUA_STRING, -1, false, "18 位居民身份证号，可为空", "身份证号（输出时脱敏）"},
    {"relation", BF_LUA_STRING, E(RELATION), false, "取值之一", "与户主关系"},
    {"birth", BF_LUA_STRING, -1, false, "日期 YYYY-MM-DD", "出生日期（年龄用 ctx.age(m)）"},
    {"sex", BF_LUA_STRING, E(SEX), false, "取值之一", "性别"},
    {"labor", BF_LUA_STRING, E(LABOR), false, "取值之一", "劳动能力：完全、部分、无"},
    {"employment", BF_LUA_STRING, E(EMPLOYMENT), false, "取值之一",
     "就业：县内务工、外出务工、有劳动能力但未就业、不在劳动力范围"},
    {"school", BF_LUA_STRING, E(SCHOOL), false, "取值之一", "在读学段（none 为不在读）"},
    {"self_care", BF_LUA_STRING, E(SELF_CARE), false, "取值之一", "生活自理能力：完全、部分、无"},
    {"disability", BF_LUA_INTEGER, -1, false, "整数 0–4", "残疾等级：0 无，1 最重 … 4"},
    {"disability_type", BF_LUA_STRING, E(DISABILITY_TYPE), false, "取值之一", "残疾类别"},
    {"serious_illness", BF_LUA_BOOLEAN, -1, false, "true/false", "患重病"},
    {"pension_insured", BF_LUA_BOOLEAN, -1, false, "true/false", "参加城乡居民养老保险"},
    {"medical_insured", BF_LUA_BOOLEAN, -1, false, "true/false", "参加城乡居民医疗保险"},
    {"medical_cost", BF_LUA_NUMBER, -1, false, "金额（元/年），≥ 0", "政策范围内医疗费用"},
    {"supporter", BF_LUA_BOOLEAN, -1, false, "true/false",
     "有履行能力的法定赡养、抚养、扶养义务人"},
};
#undef E

static const bf_field_doc members_doc = {"members", BF_LUA_STRING, -1, false, "成员列表（1–64 人）",
                                         "家庭成员，ipairs(h.members) 逐一读取"};

const bf_field_doc *bf_field_docs(bf_record_kind kind, int *n)
{
    if (kind == BF_RECORD_HOUSEHOLD) {
        *n = (int)(sizeof household_docs / sizeof household_docs[0]);
        return household_docs;
    }
    *n = (int)(sizeof member_docs / sizeof member_docs[0]);
    return member_docs;
}

const bf_field_doc *bf_field_doc_find(bf_record_kind kind, const char *name)
{
    int n;
    const bf_field_doc *d = bf_field_docs(kind, &n);
    for (int i = 0; i < n; i++)
        if (strcmp(d[i].name, name) == 0)
            return &d[i];
    if (kind == BF_RECORD_HOUSEHOLD && strcmp(name, "members") == 0)
        return &members_doc;
    return NULL;
}
