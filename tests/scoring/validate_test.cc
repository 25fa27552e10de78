// Validation flags, one case per check, and normalization details the checks rely on:
// planned and negated work not counted, unreadable typed values, field lookup by sort.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/config.h"
#include "scoring/normalize.h"
#include "scoring/validate.h"

namespace logbridge::scoring {
namespace {

constexpr std::string_view kConfig = R"(
[metrics.sales]
aggregation = "sum"
[metrics.visits]
aggregation = "sum"

[[templates]]
name = "销售日报"
deadline = { period = "day", time = "21:00" }
  [[templates.fields]]
  key = "今日工作"
  type = "text"
  required = true
  [[templates.fields]]
  key = "客户"
  type = "text"
  customer = true
  extract = false
  [[templates.fields]]
  key = "金额"
  sort = 2
  type = "amount"
  unit = "元"
  metric = "sales"
  [[templates.fields]]
  key = "日期"
  type = "date"
  work_date = true

[[rules]]
name = "visits"
metric = "visits"
pattern = "拜访"
kind = "count"
measure_words = ["家"]

[roles.sales]
templates = ["销售日报"]
  [[roles.sales.kpis]]
  metric = "sales"
  weight = 100
  target = 100000

[validation]
order_metric = "sales"
outlier_min_samples = 10
)";

// 2026-11-03 18:00 in Shanghai.
constexpr int64_t kEvening = 1793700000000;

class Fixture {
 public:
  explicit Fixture(std::string_view config_text = kConfig) {
    Result<Config> config = LoadConfigString(config_text, "validate.toml");
    INFO((config.ok() ? "" : config.error().message));
    REQUIRE(config.ok());
    config_ = std::make_unique<Config>(std::move(config).value());
    validator_ = std::make_unique<Validator>(*config_);
  }

  // Checks a log against the history, then remembers it, and returns its flag codes.
  std::vector<std::string> Feed(std::string person, std::string text, std::string customer = "",
                                std::string amount = "", int64_t create_ms = kEvening,
                                int64_t modified_ms = 0) {
    records_.push_back(std::make_unique<LogRecord>());
    LogRecord& record = *records_.back();
    record.report_id = "r" + std::to_string(records_.size());
    record.template_name = "销售日报";
    record.creator_id = std::move(person);
    record.create_time = EpochMs(create_ms);
    record.modified_time = EpochMs(modified_ms == 0 ? create_ms : modified_ms);
    record.contents = {{"今日工作", 0, "1", std::move(text)},
                       {"客户", 1, "1", std::move(customer)},
                       {"金额", 2, "1", std::move(amount)}};
    NormalizedLog log = Normalize(*config_, record);
    last_flags_ = validator_->Check(log);
    validator_->Remember(log);
    std::vector<std::string> codes;
    for (const Flag& flag : last_flags_) {
      codes.push_back(flag.code);
    }
    return codes;
  }

  const std::vector<Flag>& last_flags() const { return last_flags_; }
  const Config& config() const { return *config_; }
  Validator& validator() { return *validator_; }

 private:
  std::unique_ptr<Config> config_;
  std::unique_ptr<Validator> validator_;
  std::vector<std::unique_ptr<LogRecord>> records_;
  std::vector<Flag> last_flags_;
};

std::vector<std::string> Codes(const std::vector<Flag>& flags) {
  std::vector<std::string> codes;
  for (const Flag& flag : flags) {
    codes.push_back(flag.code);
  }
  return codes;
}

bool Has(const std::vector<std::string>& codes, std::string_view code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

TEST_CASE("clean log has no flags", "[validate]") {
  Fixture fixture;
  CHECK(fixture.Feed("a", "拜访3家客户，介绍了新产品方案并约好下周演示。").empty());
}

TEST_CASE("short and empty logs", "[validate]") {
  Fixture fixture;
  std::vector<std::string> codes = fixture.Feed("a", "开会");
  CHECK(Has(codes, "too_short"));
  CHECK(fixture.last_flags()[0].message.find("fewer than 10") != std::string::npos);
  codes = fixture.Feed("a", "   ");
  CHECK(Has(codes, "too_short"));
  CHECK(Has(codes, "missing_field"));
  CHECK(fixture.last_flags()[0].message == "the log is empty");
}

TEST_CASE("boilerplate phrase with nothing else", "[validate]") {
  Fixture fixture;
  CHECK(Has(fixture.Feed("a", "完成日常工作。完成日常工作！"), "boilerplate"));
  CHECK(Has(fixture.Feed("b", "今日无工作"), "boilerplate"));
  // The phrase inside a detailed log is not boilerplate.
  CHECK_FALSE(Has(fixture.Feed("c", "完成日常工作，另外拜访3家客户并整理了报价单和合同草稿。"),
                  "boilerplate"));
}

// The test config with a boilerplate list, given as the TOML array's items.
std::string WithBoilerplate(std::string_view items) {
  return std::string(kConfig) + "boilerplate = [" + std::string(items) + "]\n";
}

TEST_CASE("boilerplate phrase at every offset", "[validate]") {
  // Punctuation counts as no content, so padding moves the phrase through every byte offset of
  // the 16-byte blocks and the tail, and the log stays boilerplate.
  Fixture fixture(WithBoilerplate(R"("完成日常工作", "今日无工作", "同上")"));
  int report = 0;
  for (const std::string phrase : {"完成日常工作", "今日无工作", "同上"}) {
    for (size_t before = 0; before < 40; ++before) {
      for (size_t after : {0, 1, 7, 16, 17}) {
        std::string text = std::string(before, '!') + phrase + std::string(after, '.');
        INFO("text: " << text);
        CHECK(Has(fixture.Feed("p" + std::to_string(report++), text), "boilerplate"));
      }
    }
  }
}

TEST_CASE("boilerplate needs whole phrase", "[validate]") {
  Fixture fixture(WithBoilerplate(R"("完成日常工作", "今日无工作", "同上")"));
  // The last two characters of a phrase, or its last bytes after other bytes, are not the phrase.
  CHECK_FALSE(Has(fixture.Feed("a", "!!!!!!!!!!!!!!!!!!!!工作"), "boilerplate"));
  CHECK_FALSE(Has(fixture.Feed("b", "无工作"), "boilerplate"));
  CHECK_FALSE(Has(fixture.Feed("c", "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!上"), "boilerplate"));
  CHECK_FALSE(Has(fixture.Feed("d", ""), "boilerplate"));
}

TEST_CASE("short boilerplate phrases", "[validate]") {
  // A one-byte phrase and five distinct endings both take the scan by last byte.
  Fixture fixture(WithBoilerplate(R"("x", "同上")"));
  CHECK(Has(fixture.Feed("a", "!!!x!!!"), "boilerplate"));
  CHECK(Has(fixture.Feed("b", "同上。"), "boilerplate"));
  CHECK_FALSE(Has(fixture.Feed("c", "!!!!!!"), "boilerplate"));

  Fixture five_endings(WithBoilerplate(R"("ab", "cd", "ef", "gh", "ij")"));
  CHECK(Has(five_endings.Feed("a", "!!!!!!!!!!!!!!!!!!!!ij"), "boilerplate"));
  CHECK_FALSE(Has(five_endings.Feed("b", "!!!!!!!!!!!!!!!!!!!!jj"), "boilerplate"));
}

TEST_CASE("many boilerplate phrases", "[validate]") {
  // 66 phrases ending in the same character as two real ones, so one scan serves many, and a
  // 67th beyond the first 64.
  std::string phrases = "\"占位0作\", \"完成日常工作\"";
  for (int i = 2; i < 66; ++i) {
    phrases += ", \"占位" + std::to_string(i) + "作\"";
  }
  phrases += ", \"今日无工作\"";
  std::string config_text = std::string(kConfig) + "boilerplate = [" + phrases + "]\n";
  Fixture fixture(config_text);

  CHECK(Has(fixture.Feed("a", "今日无工作"), "boilerplate"));
  CHECK(Has(fixture.Feed("b", "完成日常工作。"), "boilerplate"));
  // With two phrases found, the message names the later one in the list.
  REQUIRE(Has(fixture.Feed("c", "完成日常工作，占位7作"), "boilerplate"));
  CHECK(fixture.last_flags()[0].message.find("占位7作") != std::string::npos);
  CHECK_FALSE(Has(fixture.Feed("d", "完成日常工作，另外拜访3家客户并整理了报价单和合同草稿。"),
                  "boilerplate"));
  // A phrase that would start before the text is not found.
  CHECK_FALSE(Has(fixture.Feed("e", "位7作，拜访3家客户并整理了报价单和合同草稿。"), "boilerplate"));
}

TEST_CASE("unreadable amount is flagged", "[validate]") {
  Fixture fixture;
  std::vector<std::string> codes = fixture.Feed("a", "拜访客户并商谈合作细节和后续安排。", "美的",
                                                "待定");
  REQUIRE(Has(codes, "unreadable_value"));
  CHECK(fixture.last_flags()[0].field == "金额");
  CHECK(fixture.last_flags()[0].message.find("待定") != std::string::npos);
}

TEST_CASE("explicit none amount is not flagged", "[validate]") {
  Fixture fixture;
  const std::string text = "拜访客户并商谈合作细节和后续安排。";
  for (const char* none : {"无", "暂无签约", "没有", "—"}) {
    INFO("amount: " << none);
    CHECK_FALSE(Has(fixture.Feed("a", text + none, "美的", none), "unreadable_value"));
  }
  // A longer value that only starts with 无 is still read, and flagged when unreadable.
  CHECK(Has(fixture.Feed("a", text + "尾", "美的", "无锡客户待定金额"), "unreadable_value"));
}

TEST_CASE("amount jump over customer history", "[validate]") {
  Fixture fixture;
  std::string text = "与客户商谈续约事宜，确认了合同条款和交付时间。";
  CHECK(fixture.Feed("a", text + "一", "美的", "20000").empty());
  CHECK_FALSE(Has(fixture.Feed("a", text + "二", "美的", "40000"), "amount_jump"));
  std::vector<std::string> codes = fixture.Feed("a", text + "三", "美的", "80001");
  CHECK(Has(codes, "amount_jump"));
  // Another customer has no history, so no jump.
  CHECK_FALSE(Has(fixture.Feed("a", text + "四", "格力", "900000"), "amount_jump"));
}

TEST_CASE("unit slip against own median", "[validate]") {
  Fixture fixture;
  std::string text = "回访老客户并完成本周的续约签字流程，第";
  for (int i = 0; i < 3; ++i) {
    CHECK(fixture.Feed("a", text + std::to_string(i) + "单", "客户" + std::to_string(i),
                       std::to_string(30000 + i * 1000))
              .empty());
  }
  std::vector<std::string> codes = fixture.Feed("a", text + "9单", "客户9", "310000");
  CHECK(Has(codes, "unit_slip"));
  CHECK(fixture.last_flags()[0].message.find("about 10 times this person's usual 31000.00") !=
        std::string::npos);
  CHECK_FALSE(Has(fixture.Feed("a", text + "8单", "客户8", "45000"), "unit_slip"));
  CHECK(Has(fixture.Feed("a", text + "7单", "客户7", "3.1"), "unit_slip"));
  CHECK(fixture.last_flags()[0].message.find("about 1/10000 of") != std::string::npos);
}

TEST_CASE("same order claimed by two people", "[validate]") {
  Fixture fixture;
  CHECK(fixture.Feed("a", "和华为签了年度服务合同，对方非常满意。", "华为", "50000").empty());
  std::vector<std::string> codes =
      fixture.Feed("b", "协助跟进华为的年度服务合同，已经完成签约。", "华为", "50000");
  REQUIRE(Has(codes, "duplicate_order"));
  CHECK(fixture.last_flags().back().message.find("already claimed by a in report r1") !=
        std::string::npos);
  // The same person reporting another order of the same size is not someone else's claim.
  CHECK_FALSE(Has(fixture.Feed("a", "华为追加了一份同样金额的服务订单，已签字。", "华为", "50000"),
                  "duplicate_order"));
}

TEST_CASE("same order repeated by one person", "[validate]") {
  Fixture fixture;
  CHECK(fixture.Feed("a", "和美的签了配件采购合同，对方很满意。", "美的", "50000").empty());
  std::vector<std::string> codes =
      fixture.Feed("a", "美的的订单补充材料已经提交给法务审核。", "美的", "50000");
  REQUIRE(codes == std::vector<std::string>{"repeated_order"});
  CHECK(fixture.last_flags()[0].severity == Severity::kWarning);
  CHECK(fixture.last_flags()[0].message ==
        "the order of 50000 from customer \"美的\" was already claimed by the same person in "
        "report r1; check that it is a new order");
  // Another amount from the same customer is another order.
  CHECK(fixture.Feed("a", "美的追加了一批配件订单，金额不同。", "美的", "30000").empty());
}

TEST_CASE("order claims end after window", "[validate]") {
  constexpr int64_t kDayMs = 24 * 3600 * 1000;
  constexpr int64_t kWindowMs = kOrderWindowDays * kDayMs;
  Fixture fixture;
  CHECK(fixture.Feed("a", "和美的签了配件采购合同，对方很满意。", "美的", "50000", kEvening).empty());
  CHECK(fixture.Feed("b", "和格力签了空调采购合同，对方很满意。", "格力", "60000", kEvening).empty());
  // No claim is added in between, so neither has been expired by a later one.
  CHECK(fixture.Feed("a", "美的又签了一份同样金额的配件订单。", "美的", "50000",
                     kEvening + kWindowMs + 1)
            .empty());
  CHECK(fixture.Feed("c", "协助跟进格力的空调订单，已经签约。", "格力", "60000",
                     kEvening + kWindowMs + 2)
            .empty());
  // One millisecond inside the window the claim still counts.
  Fixture inside;
  CHECK(inside.Feed("a", "和美的签了配件采购合同，对方很满意。", "美的", "50000", kEvening).empty());
  CHECK(inside.Feed("a", "美的又签了一份同样金额的配件订单。", "美的", "50000",
                    kEvening + kWindowMs) == std::vector<std::string>{"repeated_order"});
}

TEST_CASE("near duplicate of own earlier log", "[validate]") {
  Fixture fixture;
  std::string text = "上午拜访美的总部采购部，讨论第二批配件的交付周期和价格调整方案。";
  CHECK(fixture.Feed("a", text).empty());
  std::vector<std::string> codes = fixture.Feed("a", text + "。");
  REQUIRE(Has(codes, "near_duplicate"));
  CHECK(fixture.last_flags()[0].message.find("report r1") != std::string::npos);
  // The same text from another person is not this check's business.
  CHECK_FALSE(Has(fixture.Feed("b", text), "near_duplicate"));
  CHECK_FALSE(Has(fixture.Feed("a", "下午整理客户档案，更新了十二家客户的联系人信息和需求。"),
                  "near_duplicate"));
}

TEST_CASE("similar text with new values is reused", "[validate]") {
  Fixture fixture;
  std::string opening = "上午拜访美的总部采购部，讨论第二批配件的交付周期和价格调整方案，";
  CHECK(fixture.Feed("a", opening + "拜访3家").empty());
  // The same wording with another count is a template filled in again, not a copy.
  std::vector<std::string> codes = fixture.Feed("a", opening + "拜访4家");
  REQUIRE(codes == std::vector<std::string>{"reused_text"});
  CHECK(fixture.last_flags()[0].severity == Severity::kInfo);
  CHECK(fixture.last_flags()[0].message.find("report r1, but its counted values differ") !=
        std::string::npos);
  // Repeating the first log's values as well is a copy of it, even though r2 is as similar.
  CHECK(fixture.Feed("a", opening + "拜访3家") == std::vector<std::string>{"near_duplicate"});
  CHECK(fixture.last_flags()[0].message.find("earlier report r1") != std::string::npos);
}

TEST_CASE("late and edited after deadline", "[validate]") {
  Fixture fixture;
  int64_t late = kEvening + 4 * 3600 * 1000;  // 22:00, deadline 21:00
  std::vector<std::string> codes =
      fixture.Feed("a", "拜访3家客户，讨论年度框架协议的具体条款。", "", "", late);
  REQUIRE(Has(codes, "late"));
  CHECK(fixture.last_flags()[0].message == "submitted 60 minutes after the deadline");
  codes = fixture.Feed("a", "整理本月回款明细并提交财务部门复核。", "", "", kEvening,
                      kEvening + 15 * 3600 * 1000);
  CHECK(Has(codes, "edited_late"));
  CHECK_FALSE(Has(codes, "late"));
  CHECK(fixture.last_flags()[0].message == "edited 720 minutes after the deadline");
  codes = fixture.Feed("a", "复核上月的费用报销单并补齐了缺失的发票。", "", "", kEvening,
                      kEvening + int64_t{32 * 24 + 3} * 3600 * 1000);
  REQUIRE(Has(codes, "edited_late"));
  CHECK(fixture.last_flags()[0].message == "edited 32 days after the deadline");
  codes = fixture.Feed("a", "参加区域销售周会，汇报了重点项目的进展。", "", "", kEvening,
                      kEvening + 3600 * 1000);
  CHECK(codes.empty());
}

TEST_CASE("deadline follows each work day", "[validate]") {
  // Logs that alternate between two days must each be held to their own day's deadline.
  Fixture fixture;
  constexpr int64_t kDayMs = 24 * 3600 * 1000;
  int64_t late_today = kEvening + 4 * 3600 * 1000;  // 22:00, deadline 21:00
  int64_t early_tomorrow = kEvening + kDayMs + 2 * 3600 * 1000;  // 20:00 the next day
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    std::vector<std::string> codes = fixture.Feed(
        "a", "拜访" + std::to_string(round + 2) + "家客户，讨论年度框架协议的条款。", "", "",
        late_today);
    REQUIRE(Has(codes, "late"));
    CHECK(fixture.last_flags()[0].message == "submitted 60 minutes after the deadline");
    codes = fixture.Feed(
        "b", "整理" + std::to_string(round + 2) + "月回款明细并提交财务部门复核。", "", "",
        early_tomorrow);
    CHECK_FALSE(Has(codes, "late"));
  }
}

TEST_CASE("deadline change at same address", "[validate]") {
  // A spec rewritten in place, as a reloaded config may be, must not reuse the old deadline.
  Fixture fixture;
  LogRecord record;
  record.report_id = "r1";
  record.template_name = "销售日报";
  record.creator_id = "a";
  record.create_time = EpochMs(kEvening + 4 * 3600 * 1000);  // 22:00, deadline 21:00
  record.modified_time = record.create_time;
  record.contents = {{"今日工作", 0, "1", "拜访2家客户，讨论年度框架协议的条款。"}};
  NormalizedLog log = Normalize(fixture.config(), record);
  TemplateSpec spec = *log.spec;
  REQUIRE(spec.deadline.has_value());
  log.spec = &spec;
  CHECK(Has(Codes(fixture.validator().Check(log)), "late"));

  spec.deadline->minute_of_day = 23 * 60;
  CHECK_FALSE(Has(Codes(fixture.validator().Check(log)), "late"));
}

TEST_CASE("requested edits are not late", "[validate]") {
  Fixture fixture;
  constexpr int64_t kHour = 3600 * 1000;
  // Report ids follow the feed order: r1, r2, ...
  Validator& validator = fixture.validator();
  auto at = [](int64_t hours) { return EpochMs(kEvening + hours * kHour); };
  validator.AllowEdits("r1", at(5), at(20));
  validator.AllowEdits("r3", at(5), at(14));
  validator.AllowEdits("r4", at(5), at(25));
  // The edit at +15 hours came before this request, so the request does not excuse it.
  validator.AllowEdits("r5", at(16), at(40));
  // A second window for r6 covers its edit although the first does not.
  validator.AllowEdits("r6", at(5), at(10));
  validator.AllowEdits("r6", at(12), at(36));

  // Each log is written at 18:00 and edited at 09:00 the next day, 12 hours after the deadline.
  struct EditCase {
    const char* person;
    const char* text;
    bool edited_late;
  };
  const EditCase cases[] = {
      {"a", "拜访3家客户，讨论年度框架协议的具体条款。", false},  // r1: inside its window
      {"b", "整理本月回款明细并提交财务部门复核。", true},        // r2: no window
      {"c", "复核上月的费用报销单并补齐了缺失的发票。", true},    // r3: the window ended
  };
  for (const EditCase& edit : cases) {
    INFO("person " << edit.person);
    std::vector<std::string> codes =
        fixture.Feed(edit.person, edit.text, "", "", kEvening, kEvening + 15 * kHour);
    CHECK(Has(codes, "edited_late") == edit.edited_late);
  }
  REQUIRE_FALSE(fixture.last_flags().empty());
  CHECK(fixture.last_flags()[0].message == "edited 720 minutes after the deadline");

  // The allowance covers edits only: a log created after its deadline is still late.
  std::vector<std::string> codes = fixture.Feed("d", "参加区域销售周会，汇报了重点项目的进展。",
                                                "", "", kEvening + 4 * kHour, kEvening + 15 * kHour);
  CHECK(Has(codes, "late"));
  CHECK_FALSE(Has(codes, "edited_late"));

  const EditCase windows[] = {
      {"e", "核对了本周的发货单并更新了库存台账。", true},          // r5: the window opened later
      {"f", "与物流公司确认了下周两批货物的到货时间。", false},    // r6: the second window
  };
  for (const EditCase& edit : windows) {
    INFO("person " << edit.person);
    codes = fixture.Feed(edit.person, edit.text, "", "", kEvening, kEvening + 15 * kHour);
    CHECK(Has(codes, "edited_late") == edit.edited_late);
  }
}

TEST_CASE("role outlier after enough samples", "[validate]") {
  Fixture fixture;
  for (int i = 0; i < 12; ++i) {
    std::string person = "p" + std::to_string(i % 4);
    fixture.Feed(person, "今天拜访" + std::to_string(3 + i % 3) + "家客户，第" + std::to_string(i) +
                             "轮沟通产品方案细节。");
  }
  std::vector<std::string> codes = fixture.Feed("p9", "今天拜访90家客户，沟通产品方案细节。");
  REQUIRE(Has(codes, "role_outlier"));
  CHECK(fixture.last_flags()[0].message.find("visits of 90.00") != std::string::npos);
  CHECK_FALSE(Has(fixture.Feed("p8", "今天拜访4家客户，沟通产品方案细节和报价。"), "role_outlier"));
}

TEST_CASE("role outlier sums a metric's values", "[validate]") {
  // Two visit counts in one log are judged, and remembered, as their total.
  Fixture fixture;
  for (int i = 0; i < 12; ++i) {
    std::string person = "p" + std::to_string(i % 4);
    fixture.Feed(person, "上午拜访" + std::to_string(1 + i % 3) + "家客户，下午又拜访2家客户，第" +
                             std::to_string(i) + "轮沟通。");
  }
  std::vector<std::string> codes =
      fixture.Feed("p9", "上午拜访30家客户，下午又拜访40家客户，沟通产品方案。");
  REQUIRE(Has(codes, "role_outlier"));
  CHECK(fixture.last_flags()[0].field == "今日工作");
  CHECK(fixture.last_flags()[0].message.find("visits of 70.00") != std::string::npos);
  CHECK(fixture.last_flags()[0].message.find("role's usual 4.00") != std::string::npos);
  CHECK_FALSE(Has(fixture.Feed("p8", "上午拜访2家客户，下午又拜访2家客户，沟通报价。"),
                  "role_outlier"));
}

TEST_CASE("check leaves history unchanged", "[validate]") {
  Result<Config> config = LoadConfigString(kConfig, "validate.toml");
  REQUIRE(config.ok());
  Validator validator(*config);
  LogRecord record;
  record.report_id = "r1";
  record.template_name = "销售日报";
  record.creator_id = "a";
  record.create_time = record.modified_time = EpochMs(kEvening);
  record.contents = {{"今日工作", 0, "1", "上午拜访美的总部采购部，讨论配件交付周期。"}};
  NormalizedLog log = Normalize(*config, record);
  CHECK(validator.Check(log).empty());
  CHECK(validator.Check(log).empty());
  validator.Remember(log);
  LogRecord copy = record;
  copy.report_id = "r2";
  NormalizedLog second = Normalize(*config, copy);
  REQUIRE(validator.Check(second).size() == 1);
  CHECK(validator.Check(second)[0].code == "near_duplicate");
}

TEST_CASE("planned and negated work not counted", "[validate]") {
  Result<Config> config = LoadConfigString(kConfig, "validate.toml");
  REQUIRE(config.ok());
  LogRecord record;
  record.report_id = "r1";
  record.template_name = "销售日报";
  record.creator_id = "a";
  record.contents = {{"今日工作", 0, "1", "今天拜访2家客户，明天计划拜访3家"}};
  NormalizedLog log = Normalize(*config, record);
  REQUIRE(log.values.size() == 1);
  CHECK(log.values[0].value == Decimal::FromInt(2));
  CHECK(log.values[0].evidence.quote.find("2家") != std::string::npos);
  REQUIRE(log.ignored.size() == 1);
  CHECK(log.ignored[0].extraction.aspect == Aspect::kPlanned);
}

TEST_CASE("work date and sort fallback", "[validate]") {
  Result<Config> config = LoadConfigString(kConfig, "validate.toml");
  REQUIRE(config.ok());
  LogRecord record;
  record.report_id = "r1";
  record.template_name = "销售日报";
  record.creator_id = "a";
  record.create_time = EpochMs(kEvening);
  // The amount field was renamed in DingTalk; its sort still finds it.
  record.contents = {{"今日工作", 0, "1", "签约"}, {"成交额（元）", 2, "1", " ¥12,500 "},
                     {"日期", 3, "1", "2026-11-01"}};
  NormalizedLog log = Normalize(*config, record);
  REQUIRE(log.values.size() == 1);
  CHECK(log.values[0].value == Decimal::FromInt(12500));
  CHECK(log.values[0].evidence.field_key == "金额");
  CHECK(log.values[0].evidence.span.begin == 1);
  CHECK(log.values[0].evidence.Quote() == "¥12,500");
  CHECK(log.work_day == DaysFromCivil({2026, 11, 1}));
}

TEST_CASE("typed field quote matches its span", "[normalize]") {
  Result<Config> config = LoadConfigString(kConfig, "validate.toml");
  REQUIRE(config.ok());
  LogRecord record;
  record.report_id = "r1";
  record.template_name = "销售日报";
  record.creator_id = "a";
  record.create_time = EpochMs(kEvening);
  record.contents = {{"今日工作", 0, "1", "签约"}, {"金额", 2, "1", "约5万"}};
  NormalizedLog log = Normalize(*config, record);
  REQUIRE(log.values.size() == 1);
  CHECK(log.values[0].value == Decimal::FromInt(50000));
  CHECK(log.values[0].evidence.span == Span{1, 3});
  CHECK(log.values[0].evidence.Quote() == "5万");
}

TEST_CASE("weekly report written monday reports last week", "[normalize]") {
  TemplateSpec weekly;
  weekly.deadline = Deadline{PeriodKind::kWeek, 10 * 60, 1};  // Monday 10:00 after the week
  int64_t sunday = DaysFromCivil({2026, 11, 22});
  int64_t monday = sunday + 1;
  auto at = [](int64_t day, int hour, int minute) {
    return ShanghaiDayStart(day) + std::chrono::minutes(hour * 60 + minute);
  };
  CHECK(ReportedDay(weekly, at(monday, 9, 0)) == sunday);
  CHECK(ReportedDay(weekly, at(monday, 11, 30)) == sunday);  // late, still last week's
  CHECK(ReportedDay(weekly, at(monday + 1, 9, 59)) == sunday);
  CHECK(ReportedDay(weekly, at(monday + 1, 10, 1)) == monday + 1);
  CHECK(ReportedDay(weekly, at(monday + 4, 17, 0)) == monday + 4);

  TemplateSpec daily;
  daily.deadline = Deadline{PeriodKind::kDay, 21 * 60, 0};
  CHECK(ReportedDay(daily, at(monday, 0, 30)) == monday);  // due the same evening: no carry
  daily.deadline = Deadline{PeriodKind::kDay, 9 * 60, 1};
  CHECK(ReportedDay(daily, at(monday, 8, 0)) == sunday);
  CHECK(ReportedDay(daily, at(monday, 9, 30)) == monday);  // no grace for daily logs

  TemplateSpec no_deadline;
  CHECK(ReportedDay(no_deadline, at(monday, 9, 0)) == monday);
}

TEST_CASE("duplicate window over 64 slots", "[validate]") {
  // The window is scanned 64 slots at a time, so copies of logs in the first, second and last
  // block must all be found.
  Fixture fixture(std::string(kConfig) + "duplicate_window = 150\n");
  auto text_of = [](int index) {
    std::string text;
    for (int k = 0; k < 20; ++k) {
      char32_t cp = 0x4E00 + static_cast<char32_t>((index * 211 + k * 7) % 5000);
      text += static_cast<char>(0xE0 | (cp >> 12));
      text += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      text += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return text;
  };
  for (int index = 0; index < 140; ++index) {
    INFO("log " << index);
    REQUIRE(fixture.Feed("a", text_of(index)).empty());
  }
  for (int copied : {3, 70, 139}) {
    INFO("copy of log " << copied);
    std::vector<std::string> codes = fixture.Feed("a", text_of(copied));
    REQUIRE(Has(codes, "near_duplicate"));
    CHECK(fixture.last_flags()[0].message ==
          "the text is 100% similar to the same person's earlier report r" +
              std::to_string(copied + 1));
  }
}

TEST_CASE("near duplicate names most similar", "[validate]") {
  Result<Config> config = LoadConfigString(kConfig, "validate.toml");
  REQUIRE(config.ok());
  const ValidationSpec& spec = config->validation;
  Validator validator(*config);
  std::mt19937 random(5);
  const std::vector<std::string> pieces = {"拜访客户并介绍方案", "整理报价单", "跟进合同条款",
                                           "参加区域周会", "处理退货申请", "更新客户档案"};
  // The remembered logs of the one author, oldest first, as report id and sketch.
  std::deque<std::pair<std::string, Sketch>> window;
  int flagged = 0;
  for (int i = 0; i < 400; ++i) {
    std::string text;
    for (int piece = 0; piece < 3; ++piece) {
      text += pieces[random() % 4] + "，";
    }
    text += pieces[4 + random() % 2];
    LogRecord record;
    record.report_id = "r" + std::to_string(i);
    record.template_name = "销售日报";
    record.creator_id = "a";
    record.create_time = record.modified_time = EpochMs(kEvening);
    record.contents = {{"今日工作", 0, "1", text}};
    NormalizedLog log = Normalize(*config, record);
    REQUIRE(log.text_chars >= spec.min_chars);

    // Every remembered log that reaches the threshold, and the highest similarity among them.
    Sketch sketch = TextSketch(log.free_text);
    double best = 0;
    std::set<std::string> best_reports;
    for (const auto& [report_id, other] : window) {
      double similarity = SketchSimilarity(sketch, other);
      if (similarity < spec.duplicate_similarity || similarity < best) {
        continue;
      }
      if (similarity > best) {
        best_reports.clear();
      }
      best = similarity;
      best_reports.insert(report_id);
    }

    std::vector<Flag> flags = validator.CheckAndRemember(log);
    INFO("log " << i << ": " << text);
    if (best_reports.empty()) {
      CHECK(flags.empty());
    } else {
      REQUIRE(flags.size() == 1);
      CHECK(flags[0].code == "near_duplicate");
      char percent[16];
      std::snprintf(percent, sizeof(percent), "%.0f", best * 100);
      CHECK(flags[0].message.find(std::string("the text is ") + percent + "% similar") == 0);
      std::string named = flags[0].message.substr(flags[0].message.rfind(' ') + 1);
      CHECK(best_reports.count(named) == 1);
      ++flagged;
    }
    window.emplace_back(record.report_id, sketch);
    if (window.size() > static_cast<size_t>(spec.duplicate_window)) {
      window.pop_front();
    }
  }
  // The pieces repeat often enough that the check is exercised both ways.
  CHECK(flagged > 20);
  CHECK(flagged < 380);
}

// The exact Jaccard similarity of two texts' sets of 3-code-point sequences.
double ExactTrigramJaccard(std::string_view a, std::string_view b) {
  auto grams = [](std::string_view text) {
    std::vector<std::string> points;
    for (size_t i = 0; i < text.size();) {
      unsigned char lead = static_cast<unsigned char>(text[i]);
      size_t length = 4;
      if (lead < 0x80) {
        length = 1;
      } else if (lead < 0xE0) {
        length = 2;
      } else if (lead < 0xF0) {
        length = 3;
      }
      points.emplace_back(text.substr(i, length));
      i += length;
    }
    std::set<std::string> set;
    for (size_t i = 0; i + 2 < points.size(); ++i) {
      set.insert(points[i] + points[i + 1] + points[i + 2]);
    }
    return set;
  };
  std::set<std::string> first = grams(a);
  std::set<std::string> second = grams(b);
  size_t shared = 0;
  for (const std::string& gram : first) {
    shared += second.count(gram);
  }
  return static_cast<double>(shared) / static_cast<double>(first.size() + second.size() - shared);
}

TEST_CASE("sketch similarity estimates jaccard", "[validate]") {
  CHECK(SketchSimilarity(TextSketch("今天拜访了三家客户"), TextSketch("今天拜访了三家客户")) == 1.0);
  CHECK(SketchSimilarity(TextSketch("今天拜访了三家客户"), TextSketch("整理报价单和合同")) == 0.0);
  CHECK(SketchSimilarity(TextSketch(""), TextSketch("abc")) == 0.0);
  std::string long_text;
  for (int i = 0; i < 200; ++i) {
    long_text += "第" + std::to_string(i) + "项";
  }
  // Long texts fill every bin, and the estimate follows the exact Jaccard similarity of the
  // 3-gram sets (the texts are ASCII digits and CJK, so splitting by code point is simple).
  Sketch long_sketch = TextSketch(long_text);
  CHECK(std::count(long_sketch.begin(), long_sketch.end(), 0) == 0);
  auto items = [](int first, int last) {
    std::string text;
    for (int i = first; i < last; ++i) {
      text += "第" + std::to_string(i) + "项完成";
    }
    return text;
  };
  for (auto [first, last] : {std::pair{0, 200}, std::pair{60, 260}, std::pair{150, 350}}) {
    std::string a = items(0, 200);
    std::string b = items(first, last);
    double exact = ExactTrigramJaccard(a, b);
    double estimate = SketchSimilarity(TextSketch(a), TextSketch(b));
    INFO("items " << first << ".." << last << ": exact " << exact << ", estimate " << estimate);
    CHECK(std::fabs(estimate - exact) < 0.15);
  }
  CHECK(SketchSimilarity(TextSketch(items(0, 200)), TextSketch(items(0, 200))) == 1.0);
}

// The sketch as the header describes it, written plainly: code points decoded one at a time
// (a stray byte as U+FFFD), white space and punctuation skipped, each 3-gram hashed into a bin.
Sketch ReferenceSketch(std::string_view text) {
  auto mix = [](uint64_t value) {
    value ^= value >> 33;
    value *= 0xff51afd7ed558ccdULL;
    value ^= value >> 33;
    value *= 0xc4ceb9fe1a85ec53ULL;
    value ^= value >> 33;
    return value;
  };
  auto skipped = [](char32_t cp) {
    if (cp < 0x80) {
      return !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'));
    }
    return (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
           (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0x2000 && cp <= 0x206F);
  };
  std::vector<char32_t> points;
  for (size_t i = 0; i < text.size();) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    if (lead < 0x80) {
      length = 1;
    } else if ((lead >> 5) == 0x6) {
      length = 2;
    } else if ((lead >> 4) == 0xE) {
      length = 3;
    } else if ((lead >> 3) == 0x1E) {
      length = 4;
    }
    if (length == 0 || i + length > text.size()) {
      points.push_back(U'\uFFFD');
      i += 1;
      continue;
    }
    char32_t cp = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    if (!skipped(cp)) {
      points.push_back(cp);
    }
    i += length;
  }
  std::vector<uint64_t> hashes;
  for (size_t i = 2; i < points.size(); ++i) {
    hashes.push_back(mix((static_cast<uint64_t>(points[i - 2]) << 42) ^
                         (static_cast<uint64_t>(points[i - 1]) << 21) ^ points[i]));
  }
  if (points.size() == 1) {
    hashes.push_back(mix(points[0] * 0x10001ULL));
  } else if (points.size() == 2) {
    hashes.push_back(mix(points[0] * 0x10001ULL + points[1]));
  }
  Sketch sketch{};
  for (size_t bin = 0; bin < kSketchSize; ++bin) {
    bool used = false;
    uint64_t smallest = 0;
    for (uint64_t hash : hashes) {
      if (hash % kSketchSize == bin && (!used || hash / kSketchSize < smallest)) {
        smallest = hash / kSketchSize;
        used = true;
      }
    }
    if (used) {
      uint16_t fingerprint = static_cast<uint16_t>(mix(smallest));
      sketch[bin] = fingerprint == 0 ? 1 : fingerprint;
    }
  }
  return sketch;
}

TEST_CASE("sketch matches plain reference", "[validate]") {
  std::string long_text;
  for (int i = 0; i < 300; ++i) {
    long_text += "第" + std::to_string(i) + "项，拜访客户";
  }
  const std::vector<std::string> texts = {
      "",
      "a",
      "拜",
      "拜访",
      "，。！",
      "今天拜访了三家客户",
      "上午拜访3家客户，和客户12签约5.00万元，整理了报价单并发给采购部确认",
      "Visited 3 customers; signed ABC-123 for 5000 yuan.",
      "签约 \xF0\x9F\x98\x80 表情和 \xC3\xA9 重音",
      "stray \x80\xFF bytes \xE6\x8B",
      "truncated at the end \xE6",
      "overlong \xE0\x80\xA0space and \xE0\x81\x81letter",
      "全角：ＡＢＣ１２３，半角 abc",
      long_text,
  };
  for (const std::string& text : texts) {
    INFO("text: " << text);
    CHECK(TextSketch(text) == ReferenceSketch(text));
    CHECK(TextSketchWithoutBmi2(text) == ReferenceSketch(text));
  }
}

// Texts drawn from pieces that take each path of TextSketch's decode (ASCII, 3-byte sequences
// in and out of the kept range, other lengths, stray and truncated bytes) must give the
// reference's sketch.
TEST_CASE("sketch matches reference on generated texts", "[validate]") {
  const std::vector<std::string> pieces = {
      "拜访", "客户", "签约", "万元", "，", "。", "、", "　", "（", "）", "ａ", "Ｂ", "１",
      "a", "Z", "7", " ", ".", "-", "\xC3\xA9", "\xF0\x9F\x98\x80", "\x80", "\xFF", "\xE6",
      "\xE6\x8B", "\xE0\x81\x81", "\xE3\x81\x82", "\xEE\x80\x80", "\xEF\xBC\x81",
      "\xE4\x00\x41", "\xE2\x80\x94", "\xED\xA0\x80", "今天上午拜访三家重点客户"};
  std::mt19937_64 random(29);
  for (int round = 0; round < 3000; ++round) {
    size_t count = random() % (round % 10 == 0 ? 400 : 40);
    std::string text;
    for (size_t i = 0; i < count; ++i) {
      text += pieces[random() % pieces.size()];
    }
    INFO("round " << round << ", text: " << text);
    CHECK(TextSketch(text) == ReferenceSketch(text));
    CHECK(TextSketchWithoutBmi2(text) == ReferenceSketch(text));
  }
}

TEST_CASE("log key hashes", "[validate]") {
  Fixture fixture;
  LogRecord record;
  record.report_id = "r1";
  record.template_name = "销售日报";
  record.creator_id = "alice";
  record.contents = {{"今日工作", 0, "1", "拜访3家客户，介绍了新产品方案。"},
                     {"客户", 1, "1", "华为"}};
  NormalizedLog log = Normalize(fixture.config(), record);
  LogKeyHashes keys = HashLogKeys(log);
  CHECK(keys.person == HashText("alice"));
  CHECK(keys.customer == HashText("华为"));
  record.contents[1].value.clear();
  CHECK(HashLogKeys(Normalize(fixture.config(), record)).customer == 0);
}

TEST_CASE("started loads leave flags unchanged", "[validate]") {
  // One validator checks each log after starting the loads of the logs after it, as a batch
  // does, and another checks the same logs plainly. Orders repeat across people and customers,
  // and texts repeat, so that the history checks read what the loads touched.
  Fixture plain;
  Fixture ahead;
  const char* const texts[] = {"拜访3家客户，介绍了新产品方案并约好下周演示。",
                               "走访两家经销商，整理了报价单并发给采购部确认。"};
  const char* const customers[] = {"华为", "腾讯", ""};
  const char* const amounts[] = {"20000", "8000", "2000000", ""};
  std::vector<std::unique_ptr<LogRecord>> records;
  // Each validator reads logs normalized with its own config, whose roles it indexes.
  std::vector<NormalizedLog> logs;
  std::vector<NormalizedLog> ahead_logs;
  // An order, customer i % 3 and amount (i / 3) % 4, repeats every 12 logs, and its author,
  // i % 5, every 60 logs.
  for (int i = 0; i < 80; ++i) {
    auto record = std::make_unique<LogRecord>();
    record->report_id = "r" + std::to_string(i);
    record->template_name = i % 13 == 0 ? "周报" : "销售日报";
    record->creator_id = "p" + std::to_string(i % 5);
    record->create_time = EpochMs(kEvening + i * 60000);
    record->modified_time = record->create_time;
    record->contents = {{"今日工作", 0, "1", texts[i % 2]},
                        {"客户", 1, "1", customers[i % 3]},
                        {"金额", 2, "1", amounts[(i / 3) % 4]}};
    logs.push_back(Normalize(plain.config(), *record));
    ahead_logs.push_back(Normalize(ahead.config(), *record));
    records.push_back(std::move(record));
  }

  // Each log keeps the lookups of its first StartRecordLoads, made kAhead - 1 logs before it is
  // checked, so people and customers added in between are among them.
  constexpr size_t kAhead = 4;
  std::vector<LogLookups> found(logs.size());
  std::map<std::string, int> codes;
  for (size_t i = 0; i < logs.size(); ++i) {
    for (size_t next = i; next < std::min(logs.size(), i + kAhead); ++next) {
      LogKeyHashes keys = HashLogKeys(ahead_logs[next]);
      ahead.validator().StartLoads(ahead_logs[next], keys);
      LogLookups lookups;
      ahead.validator().StartRecordLoads(ahead_logs[next], keys, &lookups);
      if (next == i + kAhead - 1 || i == 0) {
        found[next] = lookups;
      }
    }
    std::vector<Flag> expected = plain.validator().CheckAndRemember(logs[i]);
    std::vector<Flag> flags =
        ahead.validator().CheckAndRemember(ahead_logs[i], HashLogKeys(ahead_logs[i]), found[i]);
    INFO("log " << i);
    CHECK(flags == expected);
    for (const Flag& flag : expected) {
      ++codes[flag.code];
    }
  }
  CHECK(codes["duplicate_order"] > 0);
  CHECK(codes["repeated_order"] > 0);
  CHECK(codes["near_duplicate"] + codes["reused_text"] > 0);
}

TEST_CASE("check and remember match separate calls", "[validate]") {
  // CheckAndRemember orders its lookups for memory and looks the customer up before it has
  // the amount. Check followed by Remember takes the plain order, and the flags must agree.
  Fixture separate;
  Fixture combined;
  const char* const texts[] = {"拜访3家客户，介绍了新产品方案并约好下周演示。",
                               "走访两家经销商，整理了报价单并发给采购部确认。", "好"};
  const char* const customers[] = {"华为", "腾讯", "", "京东"};
  const char* const amounts[] = {"20000", "8000", "2000000", "", "200"};

  std::set<std::string> seen_codes;
  for (int i = 0; i < 240; ++i) {
    LogRecord record;
    record.report_id = "r" + std::to_string(i);
    record.template_name = i % 13 == 0 ? "周报" : "销售日报";
    record.creator_id = "p" + std::to_string(i % 7);
    record.create_time = EpochMs(kEvening + i * 60000);
    record.modified_time = record.create_time;
    record.contents = {{"今日工作", 0, "1", texts[i % 3]},
                       {"客户", 1, "1", customers[i % 4]},
                       {"金额", 2, "1", amounts[(i / 4) % 5]}};

    NormalizedLog log = Normalize(separate.config(), record);
    std::vector<Flag> expected = separate.validator().Check(log);
    separate.validator().Remember(log);
    std::vector<Flag> flags =
        combined.validator().CheckAndRemember(Normalize(combined.config(), record));
    for (const Flag& flag : expected) {
      seen_codes.insert(flag.code);
    }
    INFO("log " << i);
    CHECK(flags == expected);
  }

  // The logs raise the flags of the checks whose lookups moved.
  for (const char* code : {"duplicate_order", "repeated_order", "amount_jump"}) {
    INFO("code " << code);
    CHECK(seen_codes.count(code) == 1);
  }
}

}  // namespace
}  // namespace logbridge::scoring
