// Number forms and sentence templates of the organization generator. The templates are many
// and differ in structure, not only in numbers, so extraction is tested on real variety.

#include "dingtalk/sandbox/org_phrases.h"

#include <cmath>
#include <cstdio>

namespace logbridge::dingtalk {
namespace {

const char* const kChineseDigits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

std::string FormatFixed(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

// Formats with at most one decimal, dropping a trailing ".0".
std::string OneDecimal(double value) {
  std::string text = FormatFixed(value, 1);
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) {
    text.resize(text.size() - 2);
  }
  return text;
}

std::string WithThousands(int64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) {
      out += ',';
    }
    out += digits[i];
  }
  return out;
}

}  // namespace

Dice::Dice(uint64_t seed) : state_(seed ^ 0x9E3779B97F4A7C15ULL) {}

uint64_t Dice::Next() {
  // splitmix64: a small generator whose output is fixed by the seed on every platform.
  state_ += 0x9E3779B97F4A7C15ULL;
  uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

int64_t Dice::Between(int64_t low, int64_t high) {
  uint64_t span = static_cast<uint64_t>(high - low) + 1;
  return low + static_cast<int64_t>(Next() % span);
}

double Dice::Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

bool Dice::Chance(double p) { return Unit() < p; }

std::string ChineseNumber(int64_t value) {
  if (value < 0 || value > 9999) {
    return std::to_string(value);
  }
  if (value < 10) {
    return kChineseDigits[value];
  }
  if (value < 20) {
    return std::string("十") + (value % 10 == 0 ? "" : kChineseDigits[value % 10]);
  }
  static const char* const kUnits[] = {"千", "百", "十", ""};
  static const int64_t kPowers[] = {1000, 100, 10, 1};
  std::string text;
  bool pending_zero = false;
  for (int i = 0; i < 4; ++i) {
    int64_t digit = value / kPowers[i] % 10;
    if (digit == 0) {
      pending_zero = !text.empty();
      continue;
    }
    if (pending_zero) {
      text += "零";
      pending_zero = false;
    }
    text += kChineseDigits[digit];
    text += kUnits[i];
  }
  return text;
}

std::string FullWidth(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      // U+FF10..U+FF19 in UTF-8: EF BC 90..99.
      out += "\xEF\xBC";
      out += static_cast<char>(0x90 + (c - '0'));
    } else if (c == '.') {
      out += "\xEF\xBC\x8E";
    } else if (c == '%') {
      out += "\xEF\xBC\x85";
    } else {
      out += c;
    }
  }
  return out;
}

std::string CountText(Dice& dice, int64_t count, std::string_view unit) {
  std::string number;
  switch (dice.Between(0, 5)) {
    case 0:
    case 1:
      number = std::to_string(count);
      break;
    case 2:
    case 3:
      number = ChineseNumber(count);
      break;
    case 4:
      number = FullWidth(std::to_string(count));
      break;
    default:
      return std::to_string(count);  // a bare number, no unit
  }
  return number + std::string(unit);
}

std::string AmountText(Dice& dice, int64_t yuan) {
  double wan = static_cast<double>(yuan) / 10000.0;
  bool round_wan = yuan % 10000 == 0;
  bool round_thousand = yuan % 1000 == 0;
  switch (dice.Between(0, 8)) {
    case 0:
      return OneDecimal(wan) + "万";
    case 1:
      return OneDecimal(wan) + "万元";
    case 2:
      return std::to_string(yuan) + "元";
    case 3:
      return OneDecimal(wan) + "w";
    case 4:
      return round_thousand ? std::to_string(yuan / 1000) + "k" : std::to_string(yuan);
    case 5:
      return WithThousands(yuan) + "元";
    case 6:
      return round_wan && yuan / 10000 <= 9999 ? ChineseNumber(yuan / 10000) + "万"
                                               : OneDecimal(wan) + "万";
    case 7:
      return FullWidth(OneDecimal(wan)) + "万";
    default:
      return "人民币" + std::to_string(yuan) + "元";
  }
}

std::string HoursText(Dice& dice, double hours) {
  bool half = std::fabs(hours - std::floor(hours) - 0.5) < 1e-9;
  auto whole = static_cast<int64_t>(std::floor(hours));
  switch (dice.Between(0, 6)) {
    case 0:
      return OneDecimal(hours) + "小时";
    case 1:
      return OneDecimal(hours) + "h";
    case 2:
      return OneDecimal(hours) + " h";
    case 3:
      return ChineseNumber(whole) + (half ? "个半小时" : "个小时");
    case 4:
      return std::to_string(static_cast<int64_t>(std::lround(hours * 60))) + "分钟";
    case 5:
      return "约" + OneDecimal(hours) + "小时";
    default:
      return FullWidth(OneDecimal(hours)) + "小时";
  }
}

std::string PercentText(Dice& dice, int64_t percent) {
  switch (dice.Between(0, 6)) {
    case 0:
    case 1:
      return std::to_string(percent) + "%";
    case 2:
      return "百分之" + ChineseNumber(percent);
    case 3:
      return FullWidth(std::to_string(percent) + "%");
    case 4:
      return percent % 10 == 0 ? ChineseNumber(percent / 10) + "成" : std::to_string(percent) + "%";
    case 5:
      return "完成约" + std::to_string(percent) + "%";
    default:
      return percent >= 100 ? "已完成" : std::to_string(percent) + "％左右";
  }
}

std::string FillTemplate(std::string_view pattern, Dice& dice, const SlotFillers& slots) {
  std::string out;
  size_t i = 0;
  while (i < pattern.size()) {
    size_t open = pattern.find('{', i);
    if (open == std::string_view::npos) {
      out.append(pattern.substr(i));
      break;
    }
    size_t close = pattern.find('}', open);
    if (close == std::string_view::npos) {
      out.append(pattern.substr(i));
      break;
    }
    out.append(pattern.substr(i, open - i));
    std::string key(pattern.substr(open + 1, close - open - 1));
    auto slot = slots.find(key);
    out += slot != slots.end() ? slot->second(dice) : "{" + key + "}";
    i = close + 1;
  }
  return out;
}

std::string JoinClauses(Dice& dice, int32_t style, const std::vector<std::string>& clauses,
                        bool time_of_day) {
  std::string out;
  // A person keeps a style most days but not always; 上午/下午 only fits up to three clauses.
  int32_t chosen = dice.Chance(0.8) ? style : static_cast<int32_t>(dice.Between(0, 4));
  if (chosen == 2 && (!time_of_day || clauses.size() < 2 || clauses.size() > 3)) {
    chosen = 1;
  }
  for (size_t i = 0; i < clauses.size(); ++i) {
    switch (chosen) {
      case 0:
        out += std::to_string(i + 1) + ". " + clauses[i] + (i + 1 < clauses.size() ? "；" : "。");
        break;
      case 1:
        out += (i > 0 ? "；" : "") + clauses[i];
        break;
      case 2:
        out += std::string(i == 0   ? "上午"
                           : i == 1 ? "下午"
                                    : "晚上") +
               clauses[i] + (i + 1 < clauses.size() ? "。" : "");
        break;
      case 3:
        out += (i > 0 ? "\n" : "") + std::string("- ") + clauses[i];
        break;
      default:
        out += (i > 0 ? "，" : "") + clauses[i] + (i + 1 == clauses.size() ? "。" : "");
        break;
    }
  }
  return out;
}

const std::vector<std::string>& SalesWorkTemplates() {
  static const std::vector<std::string> kTemplates = {
      "拜访{customer}，介绍了{product}的新功能，对方采购经理表示下周给答复",
      "电话回访{count_people}老客户，{customer}有续约意向",
      "整理{customer}的报价单，发给对方财务确认",
      "陪同{colleague}去{customer}做产品演示，现场反馈不错",
      "跟进{customer}的合同条款，法务提出{count_items}修改意见，已同步给客户",
      "在{city}参加行业展会，收集意向客户名片{count_people}",
      "处理{customer}的售后投诉，约好周{weekday}上门",
      "和{customer}敲定首批订单，金额{amount}，等对方盖章",
      "给{customer}演示{product}，对方技术负责人提了{count_items}问题",
      "更新CRM里{count_people}客户的跟进记录",
      "与{customer}就价格谈了两轮，对方希望再让{percent}",
      "带新人{colleague}熟悉{city}区域的客户",
      "准备{customer}招标材料，标书初稿完成",
      "去{customer}收回款{amount}，发票已开",
      "约了{customer}老板下周{weekday}吃饭，聊明年合作",
      "整理本月销售漏斗，重点盯{customer}和{customer}",
  };
  return kTemplates;
}

const std::vector<std::string>& RndTaskTemplates() {
  static const std::vector<std::string> kTemplates = {
      "完成{feature}接口开发并自测",
      "修复{project}里{count_items}线上bug，其中一个是空指针",
      "评审{colleague}的代码，提了{count_items}修改建议",
      "排查{project}接口超时问题，定位到数据库慢查询",
      "给{feature}补充单元测试，覆盖率提高到{percent}",
      "和产品讨论{feature}的交互细节",
      "升级{project}依赖库，跑通回归测试",
      "写{feature}技术方案，待周{weekday}评审",
      "配合测试验证{count_items}缺陷修复",
      "重构{feature}模块，删掉一批历史代码",
      "压测{project}，QPS达到{count_plain}",
      "值班处理告警{count_items}，都已恢复",
      "部署{project}预发环境，发现配置问题已修正",
      "调研{tech}在{feature}上的可行性",
  };
  return kTemplates;
}

const std::vector<std::string>& AdminTaskTemplates() {
  static const std::vector<std::string> kTemplates = {
      "采购办公用品一批，共{count_items}，已入库",
      "安排{city}客户来访接待，预订会议室",
      "审核报销单{count_items}，退回两张票据不全的",
      "协调{department}工位调整",
      "收发快递{count_items}",
      "组织消防安全培训，{count_people}参加",
      "跟进办公室空调维修，师傅周{weekday}上门",
      "整理固定资产台账，盘点笔记本电脑{count_items}",
      "预订下月{city}出差机票和酒店",
      "筹备部门团建，确定场地和预算{amount}",
      "更新员工通讯录，新增{count_people}新同事",
  };
  return kTemplates;
}

const std::vector<std::string>& ProductDocTemplates() {
  static const std::vector<std::string> kTemplates = {
      "{feature}需求文档完成{percent}",
      "{feature}PRD已评审通过，待排期",
      "补充{feature}的异常流程说明",
      "根据评审意见修改{feature}需求，改了{count_items}地方",
      "{feature}需求文档初稿写完，明天找研发过一遍",
      "整理{feature}的验收标准",
  };
  return kTemplates;
}

const std::vector<std::string>& ProductResearchTemplates() {
  static const std::vector<std::string> kTemplates = {
      "访谈{count_people}用户，多数希望{feature}更简单",
      "问卷回收{count_plain}份，满意度{score}分",
      "分析竞品{tech}，整理对比表",
      "和{customer}的使用者电话沟通，收集到{count_items}改进建议",
      "暂无新的调研",
      "看了上周埋点数据，{feature}使用率{percent}",
  };
  return kTemplates;
}

const std::vector<std::string>& ProductPrototypeTemplates() {
  static const std::vector<std::string> kTemplates = {
      "{feature}原型完成{percent}", "高保真原型已交给设计",    "完成{count_items}页面的线框图",
      "原型按评审意见调整完毕",     "{feature}交互稿画了一半",
  };
  return kTemplates;
}

const std::vector<std::string>& SalesPlanTemplates() {
  static const std::vector<std::string> kTemplates = {
      "继续跟进{customer}",       "去{city}出差，拜访{customer}",
      "回访{count_people}老客户", "把{customer}的报价再核一遍",
      "催{customer}回款",         "约{customer}做第二次演示",
  };
  return kTemplates;
}

const std::vector<std::string>& PlanTemplates() {
  static const std::vector<std::string> kTemplates = {
      "整理周报，准备周会",       "把{feature}收尾", "完成{feature}联调",
      "和{colleague}对齐进度",    "处理遗留问题",    "继续{feature}相关工作",
      "参加{department}的评审会",
  };
  return kTemplates;
}

const std::vector<std::string>& WeeklyTemplates() {
  static const std::vector<std::string> kTemplates = {
      "本周主要推进{feature}，整体进度{percent}",
      "本周拜访客户{count_people}，新签{count_items}单",
      "本周处理事务较多，{department}的需求都已响应",
      "本周完成{count_items}任务，有一项延期到下周",
      "本周和{customer}的合作有实质进展",
  };
  return kTemplates;
}

const std::vector<std::string>& BoilerplateTexts() {
  static const std::vector<std::string> kTexts = {"完成日常工作", "今日无工作", "同上",
                                                  "无",           "正常工作",   "日常事务"};
  return kTexts;
}

}  // namespace logbridge::dingtalk
