// The organization generator: people and departments first, then an anomaly plan over the
// (person, workday) slots, then the logs day by day, and last the ids and ordering.

#include "dingtalk/sandbox/org_generator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "dingtalk/sandbox/org_phrases.h"

namespace logbridge::dingtalk {
namespace {

enum class Role { kSales, kRnd, kAdmin, kProduct };

struct RoleSpec {
  Role role;
  int64_t dept_id;
  const char* dept_name;
  const char* template_name;
  const char* staff_title;
  const char* manager_title;
  int32_t share_percent;
};

constexpr RoleSpec kRoles[] = {
    {Role::kSales, 2, "销售部", "销售日报", "销售代表", "销售经理", 40},
    {Role::kRnd, 3, "研发部", "研发日报", "软件工程师", "研发经理", 30},
    {Role::kAdmin, 4, "行政部", "行政日报", "行政专员", "行政主管", 10},
    {Role::kProduct, 5, "产品部", "产品日报", "产品经理", "产品总监", 20},
};

constexpr const char* kWeeklyTemplate = "周报";

const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄",
                                            "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
                                            "何", "郭", "马", "罗", "梁", "宋", "郑", "谢"};
const std::vector<std::string> kGivenNames = {
    "伟",   "芳",   "娜",   "敏",   "静",   "磊",   "洋",   "艳",   "勇",   "军",   "杰",
    "娟",   "涛",   "明",   "超",   "秀英", "海燕", "志强", "建华", "晓东", "雪梅", "子涵",
    "浩然", "思远", "佳怡", "雨婷", "俊杰", "欣怡", "宇航", "梦琪", "文博", "嘉豪"};
const std::vector<std::string> kCities = {"杭州", "上海", "苏州", "南京", "宁波",
                                          "合肥", "无锡", "深圳", "成都", "武汉"};
const std::vector<std::string> kCompanyWords = {"恒信", "博远", "华科", "启明", "瑞丰", "中联",
                                                "天成", "鼎盛", "新元", "盛达", "海纳", "卓越",
                                                "宏图", "金桥", "云帆", "嘉禾"};
const std::vector<std::string> kCompanyKinds = {"科技有限公司", "贸易有限公司", "制造有限公司",
                                                "信息技术有限公司", "医疗器械有限公司"};
const std::vector<std::string> kProducts = {"智能排班系统", "客户管理系统", "数据看板", "移动审批",
                                            "仓储管理模块"};
const std::vector<std::string> kProjects = {"客户管理系统v2.3", "移动端App",    "数据中台",
                                            "支付网关改造",     "消息推送服务", "报表引擎"};
const std::vector<std::string> kFeatures = {"会员积分", "订单导出", "权限管理", "消息中心",
                                            "搜索优化", "批量导入", "审批流",   "数据大屏"};
const std::vector<std::string> kTechs = {"Redis集群", "ClickHouse", "Flutter",
                                         "gRPC",      "向量检索",   "低代码平台"};
const std::vector<std::string> kSatisfaction = {
    "满意", "比较满意", "非常满意", "一般", "4分", "4.5/5", "90%", "９０分", "很满意，主动转介绍"};
const std::vector<std::string> kAdminDone = {
    "已完成", "完成", "进行中", "待跟进", "部分完成，剩余明天处理", "已办结"};
const std::vector<std::string> kComments = {"收到",
                                            "继续保持",
                                            "签约金额请附上合同编号",
                                            "辛苦了",
                                            "明天早会同步一下",
                                            "注意回款进度",
                                            "进度有点慢，需要支持吗？"};

struct Customer {
  std::string name;
  int64_t typical_yuan = 0;
  int64_t largest_order_yuan = 0;  // 0 until the first order
};

struct Person {
  size_t user_index = 0;
  const RoleSpec* role = nullptr;
  bool manager = false;
  int32_t style = 0;                           // how the person joins clauses
  std::vector<size_t> customers;               // sales only
  std::vector<ReportField> previous_contents;  // the last daily log, for copy-paste
};

// One (person, workday) daily-log slot. Generator::planned_ maps slots to anomaly kinds.
struct Slot {
  size_t person = 0;
  int64_t day = 0;
};

class Generator {
 public:
  explicit Generator(const OrgGeneratorOptions& options) : options_(options), dice_(options.seed) {}

  Organization Run();

 private:
  void BuildPeople();
  void BuildTemplates();
  void BuildCustomers();
  std::vector<int64_t> Workdays() const;
  void PlanAnomalies(const std::vector<int64_t>& workdays);
  void WriteDailyLog(size_t person_index, int64_t day);
  void WriteWeeklyLog(size_t person_index, int64_t day);
  std::vector<ReportField> SalesContents(Person& person, int64_t day, const std::string& kind,
                                         std::string* detail, std::string* order_key);
  std::vector<ReportField> RndContents(Person& person);
  std::vector<ReportField> AdminContents(Person& person);
  std::vector<ReportField> ProductContents(Person& person);
  std::string Clauses(Person& person, const std::vector<std::string>& templates, int64_t low,
                      int64_t high, bool time_of_day = true);
  SlotFillers Slots(const Person& person);
  Report& AddReport(const Person& person, const char* template_name,
                    std::vector<ReportField> contents, EpochMs create_time);
  void AddTruth(const std::string& kind, const Person& person, const std::string& report_id,
                int64_t day, const std::string& detail);
  std::vector<ReportField> Fields(const char* template_name,
                                  std::vector<std::pair<std::string, std::string>> values) const;

  const OrgGeneratorOptions options_;
  Dice dice_;
  Organization org_;
  std::vector<Person> people_;
  std::vector<Customer> customers_;
  std::map<std::pair<size_t, int64_t>, std::string> planned_;  // (person, day) -> kind
  std::map<std::pair<size_t, int64_t>, std::pair<size_t, int64_t>> shared_order_values_;
  int64_t next_report_number_ = 0;
};

Organization Generator::Run() {
  org_.corp_id = "dingsandboxcorp";
  BuildPeople();
  BuildTemplates();
  BuildCustomers();
  std::vector<int64_t> workdays = Workdays();
  PlanAnomalies(workdays);

  for (size_t w = 0; w < workdays.size(); ++w) {
    int64_t day = workdays[w];
    for (size_t p = 0; p < people_.size(); ++p) {
      if (!people_[p].manager) {
        WriteDailyLog(p, day);
      }
    }
    // The weekly log goes on the last workday before a non-workday.
    bool last_of_week = w + 1 == workdays.size() || workdays[w + 1] != day + 1;
    if (last_of_week) {
      for (size_t p = 0; p < people_.size(); ++p) {
        WriteWeeklyLog(p, day);
      }
    }
  }

  std::sort(org_.reports.begin(), org_.reports.end(), [](const Report& a, const Report& b) {
    return std::tie(a.create_time, a.report_id) < std::tie(b.create_time, b.report_id);
  });
  return std::move(org_);
}

// ---------------------------------------------------------------------------------------------
// People, templates, customers.

void Generator::BuildPeople() {
  org_.departments.push_back({kRootDepartmentId, 0, "星河科技", {}});
  std::set<std::string> used_names;
  auto new_user = [&](const std::string& title, int64_t dept_id) {
    User user;
    std::string name;
    do {
      name = dice_.Pick(kSurnames) + dice_.Pick(kGivenNames);
    } while (!used_names.insert(name).second);
    char userid[32];
    std::snprintf(userid, sizeof(userid), "%016llu",
                  static_cast<unsigned long long>(dice_.Next() % 10000000000000000ULL));
    user.userid = userid;
    user.unionid = "union" + user.userid.substr(8);
    user.name = name;
    user.title = title;
    user.job_number = "XH" + std::to_string(1000 + org_.users.size());
    user.dept_ids = {dept_id};
    user.hired_date = ShanghaiTime(DaysFromCivil({2019, 1, 1}) + dice_.Between(0, 2000), 9, 0);
    org_.users.push_back(user);
    return org_.users.size() - 1;
  };

  size_t ceo = new_user("总经理", kRootDepartmentId);
  org_.users[ceo].leader = true;
  org_.departments[0].manager_userids = {org_.users[ceo].userid};

  int32_t staff_total = options_.people - 1;
  int32_t assigned = 0;
  for (size_t r = 0; r < std::size(kRoles); ++r) {
    const RoleSpec& role = kRoles[r];
    int32_t count = r + 1 == std::size(kRoles)
                        ? staff_total - assigned
                        : std::max(2, staff_total * role.share_percent / 100);
    assigned += count;

    size_t manager = new_user(role.manager_title, role.dept_id);
    org_.users[manager].leader = true;
    org_.users[manager].manager_userid = org_.users[ceo].userid;
    org_.departments.push_back(
        {role.dept_id, kRootDepartmentId, role.dept_name, {org_.users[manager].userid}});
    people_.push_back({manager, &role, true, static_cast<int32_t>(dice_.Between(0, 4))});

    for (int32_t i = 1; i < count; ++i) {
      size_t staff = new_user(role.staff_title, role.dept_id);
      org_.users[staff].manager_userid = org_.users[manager].userid;
      people_.push_back({staff, &role, false, static_cast<int32_t>(dice_.Between(0, 4))});
    }
  }
}

void Generator::BuildTemplates() {
  auto make = [this](const char* id, const char* name, std::vector<std::string> fields,
                     std::vector<int64_t> dept_ids) {
    Template report_template;
    report_template.id = id;
    report_template.name = name;
    report_template.icon_url = "https://sandbox.invalid/icons/report.png";
    report_template.url = "https://sandbox.invalid/report/" + std::string(id);
    report_template.dept_ids = std::move(dept_ids);
    for (size_t i = 0; i < fields.size(); ++i) {
      report_template.fields.push_back({fields[i], static_cast<int32_t>(i), 1});
    }
    org_.templates.push_back(std::move(report_template));
  };
  make("1734bff776fcc65ce6944f749e085001", "销售日报",
       {"客户名称", "拜访客户数", "签约金额", "客户满意度", "今日工作", "计划用时", "实际用时",
        "明日计划"},
       {2});
  make("1734bff776fcc65ce6944f749e085002", "研发日报",
       {"项目名称", "任务内容", "完成进度", "bug解决数量", "代码提交量", "明日计划"}, {3});
  make("1734bff776fcc65ce6944f749e085003", "行政日报",
       {"事项名称", "处理时间", "服务对象", "完成情况"}, {4});
  make("1734bff776fcc65ce6944f749e085004", "产品日报",
       {"需求文档完成情况", "用户调研结果", "原型设计进度", "明日计划"}, {5});
  make("1734bff776fcc65ce6944f749e085005", kWeeklyTemplate,
       {"本周完成工作", "下周计划", "需协调事项"}, {});
}

void Generator::BuildCustomers() {
  std::set<std::string> names;
  while (names.size() < 40) {
    std::string name = dice_.Pick(kCities) + dice_.Pick(kCompanyWords) + dice_.Pick(kCompanyKinds);
    if (names.insert(name).second) {
      // Typical orders from 1万 to 30万, in whole thousands.
      customers_.push_back({name, dice_.Between(10, 300) * 1000, 0});
    }
  }
  for (Person& person : people_) {
    if (person.role->role != Role::kSales || person.manager) {
      continue;
    }
    size_t count = static_cast<size_t>(dice_.Between(4, 7));
    while (person.customers.size() < count) {
      size_t customer = static_cast<size_t>(dice_.Between(0, 39));
      if (std::find(person.customers.begin(), person.customers.end(), customer) ==
          person.customers.end()) {
        person.customers.push_back(customer);
      }
    }
  }
}

std::vector<int64_t> Generator::Workdays() const {
  int64_t first = DaysFromCivil(options_.start);
  CivilDate end = options_.start;
  end.month += options_.months;
  while (end.month > 12) {
    end.month -= 12;
    end.year += 1;
  }
  end.day = 1;
  std::vector<int64_t> days;
  for (int64_t day = first; day < DaysFromCivil(end); ++day) {
    if (IsChinaWorkday(day)) {
      days.push_back(day);
    }
  }
  return days;
}

// ---------------------------------------------------------------------------------------------
// The anomaly plan: which slots get which anomaly, fixed before any log is written.

void Generator::PlanAnomalies(const std::vector<int64_t>& workdays) {
  std::vector<Slot> all;
  std::vector<Slot> sales_late;  // sales slots in the second half, when customers have history
  std::vector<Slot> not_first;   // slots with an earlier log of the same person
  for (size_t p = 0; p < people_.size(); ++p) {
    if (people_[p].manager) {
      continue;
    }
    for (size_t w = 0; w < workdays.size(); ++w) {
      Slot slot{p, workdays[w]};
      all.push_back(slot);
      if (w >= 3) {
        not_first.push_back(slot);
      }
      if (people_[p].role->role == Role::kSales && w >= workdays.size() / 2) {
        sales_late.push_back(slot);
      }
    }
  }
  dice_.Shuffle(all);
  dice_.Shuffle(sales_late);
  dice_.Shuffle(not_first);

  // Roughly one anomaly of each kind per 400 slots, at least two of each.
  size_t per_kind = std::max<size_t>(2, all.size() / 400);
  auto assign = [this](std::vector<Slot>& pool, const std::string& kind, size_t count) {
    for (const Slot& slot : pool) {
      if (count == 0) {
        break;
      }
      if (planned_.emplace(std::make_pair(slot.person, slot.day), kind).second) {
        --count;
      }
    }
  };
  assign(all, "empty", per_kind);
  assign(all, "boilerplate", per_kind * 2);
  assign(all, "missing_field", per_kind * 2);
  assign(all, "late", per_kind * 2);
  assign(all, "edited", per_kind);
  assign(not_first, "copy_paste", per_kind);
  assign(sales_late, "unit_slip", per_kind);
  assign(sales_late, "inflated_amount", per_kind);

  // Two people claim one order: pairs of sales staff on the same late day.
  std::vector<size_t> sellers;
  for (size_t p = 0; p < people_.size(); ++p) {
    if (people_[p].role->role == Role::kSales && !people_[p].manager) {
      sellers.push_back(p);
    }
  }
  for (size_t pair = 0; pair < std::max<size_t>(1, per_kind / 2) && sellers.size() >= 2; ++pair) {
    int64_t day =
        workdays[workdays.size() / 2 + static_cast<size_t>(dice_.Between(
                                           0, static_cast<int64_t>(workdays.size() / 2) - 1))];
    size_t first = sellers[static_cast<size_t>(dice_.Between(0, sellers.size() - 1))];
    size_t second = first;
    while (second == first) {
      second = sellers[static_cast<size_t>(dice_.Between(0, sellers.size() - 1))];
    }
    if (planned_.count({first, day}) > 0 || planned_.count({second, day}) > 0) {
      continue;
    }
    planned_[{first, day}] = "duplicate_order";
    planned_[{second, day}] = "duplicate_order";
    size_t customer = people_[first].customers.front();
    int64_t yuan = customers_[customer].typical_yuan;
    shared_order_values_[{first, day}] = {customer, yuan};
    shared_order_values_[{second, day}] = {customer, yuan};
  }

  // Skipped days: a few habitual skippers miss several days, others miss the odd day.
  std::vector<size_t> staff;
  for (size_t p = 0; p < people_.size(); ++p) {
    if (!people_[p].manager) {
      staff.push_back(p);
    }
  }
  dice_.Shuffle(staff);
  size_t skippers = std::max<size_t>(2, staff.size() / 12);
  for (size_t i = 0; i < staff.size(); ++i) {
    size_t misses =
        i < skippers ? static_cast<size_t>(dice_.Between(4, 9)) : (dice_.Chance(0.3) ? 1 : 0);
    for (size_t m = 0; m < misses; ++m) {
      int64_t day = workdays[static_cast<size_t>(
          dice_.Between(0, static_cast<int64_t>(workdays.size()) - 1))];
      planned_.emplace(std::make_pair(staff[i], day), "skipped_day");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Logs.

SlotFillers Generator::Slots(const Person& person) {
  const Person* writer = &person;
  SlotFillers slots;
  slots["customer"] = [this, writer](Dice& dice) {
    if (writer->customers.empty()) {
      return customers_[static_cast<size_t>(dice.Between(0, 39))].name;
    }
    return customers_[dice.Pick(writer->customers)].name;
  };
  slots["product"] = [](Dice& dice) { return dice.Pick(kProducts); };
  slots["project"] = [](Dice& dice) { return dice.Pick(kProjects); };
  slots["feature"] = [](Dice& dice) { return dice.Pick(kFeatures); };
  slots["tech"] = [](Dice& dice) { return dice.Pick(kTechs); };
  slots["city"] = [](Dice& dice) { return dice.Pick(kCities); };
  slots["department"] = [](Dice& dice) {
    return std::string(kRoles[dice.Between(0, 3)].dept_name);
  };
  slots["colleague"] = [this](Dice& dice) { return dice.Pick(org_.users).name; };
  slots["weekday"] = [](Dice& dice) { return ChineseNumber(dice.Between(1, 5)); };
  slots["count_people"] = [](Dice& dice) { return CountText(dice, dice.Between(2, 12), "位"); };
  slots["count_items"] = [](Dice& dice) { return CountText(dice, dice.Between(1, 9), "个"); };
  slots["count_plain"] = [](Dice& dice) { return std::to_string(dice.Between(50, 3000)); };
  slots["percent"] = [](Dice& dice) { return PercentText(dice, dice.Between(2, 19) * 5); };
  slots["amount"] = [](Dice& dice) { return AmountText(dice, dice.Between(5, 200) * 1000); };
  slots["score"] = [](Dice& dice) {
    return std::to_string(dice.Between(35, 49) / 10.0).substr(0, 3);
  };
  return slots;
}

std::string Generator::Clauses(Person& person, const std::vector<std::string>& templates,
                               int64_t low, int64_t high, bool time_of_day) {
  SlotFillers slots = Slots(person);
  std::vector<std::string> clauses;
  int64_t count = dice_.Between(low, high);
  std::set<size_t> used;
  while (static_cast<int64_t>(clauses.size()) < count && used.size() < templates.size()) {
    size_t index =
        static_cast<size_t>(dice_.Between(0, static_cast<int64_t>(templates.size()) - 1));
    if (used.insert(index).second) {
      clauses.push_back(FillTemplate(templates[index], dice_, slots));
    }
  }
  return JoinClauses(dice_, person.style, clauses, time_of_day);
}

std::vector<ReportField> Generator::Fields(
    const char* template_name, std::vector<std::pair<std::string, std::string>> values) const {
  std::vector<ReportField> fields;
  for (const Template& report_template : org_.templates) {
    if (report_template.name != template_name) {
      continue;
    }
    for (const TemplateField& field : report_template.fields) {
      for (auto& [key, value] : values) {
        if (key == field.field_name) {
          fields.push_back({key, field.sort, field.type, value});
        }
      }
    }
  }
  return fields;
}

std::vector<ReportField> Generator::SalesContents(Person& person, int64_t day,
                                                  const std::string& kind, std::string* detail,
                                                  std::string* order_key) {
  // Visited customers, and maybe an order from one of them.
  int64_t visits = dice_.Between(1, 4);
  std::vector<size_t> visited;
  for (int64_t i = 0; i < visits; ++i) {
    size_t customer = dice_.Pick(person.customers);
    if (std::find(visited.begin(), visited.end(), customer) == visited.end()) {
      visited.push_back(customer);
    }
  }
  std::optional<std::pair<size_t, int64_t>> order;
  size_t person_index = static_cast<size_t>(&person - people_.data());
  if (kind == "duplicate_order") {
    order = shared_order_values_[{person_index, day}];
    visited = {order->first};
  } else if (kind == "unit_slip" || kind == "inflated_amount" || dice_.Chance(0.25)) {
    size_t customer = visited.front();
    int64_t yuan = customers_[customer].typical_yuan * dice_.Between(60, 140) / 100 / 500 * 500;
    order = std::make_pair(customer, std::max<int64_t>(yuan, 1000));
  }

  std::string amount_text = dice_.Pick(std::vector<std::string>{"0", "无", "暂无签约", "0元"});
  if (order) {
    Customer& customer = customers_[order->first];
    int64_t yuan = order->second;
    amount_text = AmountText(dice_, yuan);
    if (kind == "unit_slip") {
      // The writer meant yuan but dropped two zeros, e.g. 500 for 50000.
      yuan = std::max<int64_t>(customer.typical_yuan, 10000) / 10000 * 10000;
      amount_text = std::to_string(yuan / 100);
      *detail = "签约金额 written " + amount_text + ", meant " + std::to_string(yuan) + " yuan";
    } else if (kind == "inflated_amount") {
      bool has_history = customer.largest_order_yuan > 0;
      int64_t base = has_history ? customer.largest_order_yuan : customer.typical_yuan;
      yuan = base * dice_.Between(25, 40) / 10 / 1000 * 1000;
      amount_text = AmountText(dice_, yuan);
      *detail = "签约金额 " + std::to_string(yuan) + " yuan for " + customer.name +
                ", over twice its " + (has_history ? "largest earlier" : "typical") + " order " +
                std::to_string(base);
    } else if (kind == "duplicate_order") {
      *order_key = customer.name + ":" + std::to_string(yuan);
      *detail = "order " + *order_key + " claimed by two people";
    }
    if (kind != "unit_slip" && kind != "inflated_amount") {
      customer.largest_order_yuan = std::max(customer.largest_order_yuan, yuan);
    }
  }

  std::string names;
  for (size_t customer : visited) {
    names += (names.empty() ? "" : dice_.Chance(0.5) ? "、" : "，") + customers_[customer].name;
  }
  std::string work = Clauses(person, SalesWorkTemplates(), 2, 4);
  if (order && dice_.Chance(0.6)) {
    work += (dice_.Chance(0.5) ? "；" : "。") + std::string("签下") +
            customers_[order->first].name + "订单" + amount_text;
  }
  // Quicker people (a higher style) finish a planned 8-hour day in less time: on average 0% to
  // 16% faster, give or take an hour, in half hours.
  double plan = 8.0;
  double usual = plan * (1.0 - 0.04 * static_cast<double>(person.style));
  double actual = std::round(2.0 * usual + static_cast<double>(dice_.Between(-2, 2))) / 2.0;
  return Fields(
      "销售日报",
      {{"客户名称", names},
       {"拜访客户数",
        CountText(dice_, static_cast<int64_t>(visited.size()) + dice_.Between(0, 1), "家")},
       {"签约金额", amount_text},
       {"客户满意度", dice_.Pick(kSatisfaction)},
       {"今日工作", work},
       {"计划用时", HoursText(dice_, plan)},
       {"实际用时", HoursText(dice_, actual)},
       {"明日计划", Clauses(person, SalesPlanTemplates(), 1, 2)}});
}

std::vector<ReportField> Generator::RndContents(Person& person) {
  return Fields(
      "研发日报",
      {{"项目名称", dice_.Pick(kProjects)},
       {"任务内容", Clauses(person, RndTaskTemplates(), 1, 3)},
       {"完成进度", PercentText(dice_, dice_.Between(2, 20) * 5)},
       {"bug解决数量", CountText(dice_, dice_.Between(0, 8), "个")},
       {"代码提交量", dice_.Chance(0.7) ? CountText(dice_, dice_.Between(1, 15), "次")
                                        : "约" + std::to_string(dice_.Between(5, 60) * 10) + "行"},
       {"明日计划", Clauses(person, PlanTemplates(), 1, 2)}});
}

std::vector<ReportField> Generator::AdminContents(Person& person) {
  static const std::vector<std::string> kTargets = {"全体员工", "销售部",     "研发部",
                                                    "来访客户", "新入职同事", "财务部"};
  return Fields("行政日报", {{"事项名称", Clauses(person, AdminTaskTemplates(), 1, 3)},
                             {"处理时间", HoursText(dice_, dice_.Between(1, 12) / 2.0)},
                             {"服务对象", dice_.Pick(kTargets)},
                             {"完成情况", dice_.Pick(kAdminDone)}});
}

std::vector<ReportField> Generator::ProductContents(Person& person) {
  return Fields("产品日报", {{"需求文档完成情况", Clauses(person, ProductDocTemplates(), 1, 2)},
                             {"用户调研结果", Clauses(person, ProductResearchTemplates(), 1, 2)},
                             {"原型设计进度", Clauses(person, ProductPrototypeTemplates(), 1, 1)},
                             {"明日计划", Clauses(person, PlanTemplates(), 1, 2)}});
}

Report& Generator::AddReport(const Person& person, const char* template_name,
                             std::vector<ReportField> contents, EpochMs create_time) {
  const User& user = org_.users[person.user_index];
  Report report;
  char id[40];
  std::snprintf(id, sizeof(id), "%011llx%07llx", static_cast<unsigned long long>(create_time.value),
                static_cast<unsigned long long>(next_report_number_++));
  report.report_id = id;
  report.template_name = template_name;
  report.creator_id = user.userid;
  report.creator_name = user.name;
  report.dept_name = person.role->dept_name;
  report.create_time = create_time;
  report.modified_time = create_time;
  report.contents = std::move(contents);
  if (!user.manager_userid.empty()) {
    report.receiver_userids.push_back(user.manager_userid);
    if (dice_.Chance(0.15)) {
      report.comments.push_back({user.manager_userid, dice_.Pick(kComments),
                                 create_time + std::chrono::minutes(dice_.Between(20, 600))});
    }
  }
  org_.reports.push_back(std::move(report));
  return org_.reports.back();
}

void Generator::AddTruth(const std::string& kind, const Person& person,
                         const std::string& report_id, int64_t day, const std::string& detail) {
  org_.truth.push_back({kind, org_.users[person.user_index].userid, report_id,
                        FormatDate(CivilFromDays(day)), detail});
}

void Generator::WriteDailyLog(size_t person_index, int64_t day) {
  Person& person = people_[person_index];
  auto planned = planned_.find({person_index, day});
  std::string kind = planned == planned_.end() ? "" : planned->second;
  if (kind == "skipped_day") {
    AddTruth(kind, person, "", day, "no 日报 on a workday");
    return;
  }

  std::string detail;
  std::string order_key;
  std::vector<ReportField> contents;
  switch (person.role->role) {
    case Role::kSales:
      contents = SalesContents(person, day, kind, &detail, &order_key);
      break;
    case Role::kRnd:
      contents = RndContents(person);
      break;
    case Role::kAdmin:
      contents = AdminContents(person);
      break;
    case Role::kProduct:
      contents = ProductContents(person);
      break;
  }

  // Content anomalies overwrite what was generated.
  if (kind == "empty") {
    for (ReportField& field : contents) {
      field.value = dice_.Chance(0.5) ? "" : " ";
    }
    detail = "every field is blank";
  } else if (kind == "boilerplate") {
    std::string text = dice_.Pick(BoilerplateTexts());
    for (ReportField& field : contents) {
      field.value = field.sort == 0 || dice_.Chance(0.5) ? text : "无";
    }
    detail = "boilerplate text " + text;
  } else if (kind == "missing_field") {
    size_t drop = static_cast<size_t>(dice_.Between(0, static_cast<int64_t>(contents.size()) - 1));
    detail = "field " + contents[drop].key + " is missing";
    contents.erase(contents.begin() + static_cast<std::ptrdiff_t>(drop));
  } else if (kind == "copy_paste" && !person.previous_contents.empty()) {
    contents = person.previous_contents;
    detail = "same contents as the previous log";
  }

  // Most logs go in between 17:00 and 19:50; late ones after 20:00.
  EpochMs created = ShanghaiTime(day, 17, 0) + std::chrono::minutes(dice_.Between(0, 170));
  if (kind == "late") {
    created = ShanghaiTime(day, 20, 5) + std::chrono::minutes(dice_.Between(0, 200));
    detail = "日报 created after 20:00";
  }
  Report& report = AddReport(person, person.role->template_name, contents, created);
  person.previous_contents = report.contents;

  if (kind == "edited") {
    // Edited the next morning, after the deadline, with a changed first field.
    report.modified_time =
        ShanghaiTime(day + 1, 9, 30) + std::chrono::minutes(dice_.Between(0, 90));
    if (!report.contents.empty()) {
      report.contents.front().value += "（补充）";
    }
    detail = "modified after the next morning's deadline";
  } else if (kind.empty() && dice_.Chance(0.05)) {
    // An ordinary correction within half an hour, which is not an anomaly.
    report.modified_time = created + std::chrono::minutes(dice_.Between(1, 30));
  }
  if (!kind.empty() && !detail.empty()) {
    AddTruth(kind, person, report.report_id, day, detail);
  }
}

void Generator::WriteWeeklyLog(size_t person_index, int64_t day) {
  Person& person = people_[person_index];
  if (planned_.count({person_index, day}) > 0 &&
      planned_.at({person_index, day}) == "skipped_day") {
    return;
  }
  std::vector<ReportField> contents =
      Fields(kWeeklyTemplate,
             {{"本周完成工作", Clauses(person, WeeklyTemplates(), 1, 3, false)},
              {"下周计划", Clauses(person, PlanTemplates(), 1, 3)},
              {"需协调事项", dice_.Chance(0.6) ? "无" : Clauses(person, PlanTemplates(), 1, 1)}});
  AddReport(person, kWeeklyTemplate, std::move(contents),
            ShanghaiTime(day, 16, 0) + std::chrono::minutes(dice_.Between(0, 120)));
}

}  // namespace

Result<Organization> GenerateOrganization(const OrgGeneratorOptions& options) {
  if (options.people < 10 || options.people > 5000) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "people " + std::to_string(options.people) + " must be 10..5000");
  }
  if (options.months < 1 || options.months > 12) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "months " + std::to_string(options.months) + " must be 1..12");
  }
  return Generator(options).Run();
}

}  // namespace logbridge::dingtalk
