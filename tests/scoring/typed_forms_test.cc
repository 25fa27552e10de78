// Tests for the forms people type into DingTalk form fields. They cover ranges from 0 in
// durations, 分 for minutes, remarks after the value, bounds such as 以上, 九成五, loose enum
// choices and dates with a clock time, and the hints for the forms that stay unreadable.
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include <catch2/catch.hpp>

#include "scoring/config.h"
#include "scoring/log_record.h"
#include "scoring/normalize.h"
#include "scoring/period.h"

namespace logbridge::scoring {
namespace {

// A template with one field of each type, each feeding its own metric.
constexpr std::string_view kFormsConfig = R"(
[metrics.hours]
aggregation = "sum"
[metrics.items]
aggregation = "sum"
[metrics.money]
aggregation = "sum"
[metrics.share]
aggregation = "max"
[metrics.rating]
aggregation = "mean"

[[templates]]
name = "日报"
  [[templates.fields]]
  key = "日期"
  type = "date"
  work_date = true
  [[templates.fields]]
  key = "用时"
  type = "duration"
  unit = "小时"
  metric = "hours"
  [[templates.fields]]
  key = "件数"
  type = "count"
  metric = "items"
  [[templates.fields]]
  key = "金额"
  type = "amount"
  unit = "元"
  metric = "money"
  [[templates.fields]]
  key = "进度"
  type = "percent"
  metric = "share"
  [[templates.fields]]
  key = "满意度"
  type = "enum"
  choices = { "非常满意" = 5, "满意" = 4, "一般" = 3 }
  metric = "rating"

[roles.staff]
templates = ["日报"]
  [[roles.staff.kpis]]
  metric = "money"
  weight = 100
  target = 100000
)";

const Config& FormsConfig() {
  static const Config kConfig = [] {
    Result<Config> config = LoadConfigString(kFormsConfig, "forms.toml");
    if (!config.ok()) {
      FAIL(config.error().message);
    }
    return std::move(config).value();
  }();
  return kConfig;
}

LogRecord FieldLog(std::string key, std::string value) {
  LogRecord record;
  record.report_id = "r1";
  record.template_name = "日报";
  record.creator_id = "zhangsan";
  record.create_time = EpochMs(1793000000000);
  record.contents = {{std::move(key), 0, "1", std::move(value)}};
  return record;
}

// Normalizes a log with one field. The result's quotes point into a record that is gone, so
// a test that checks a quote keeps its own FieldLog.
NormalizedLog NormalizeField(std::string key, std::string value) {
  return Normalize(FormsConfig(), FieldLog(std::move(key), std::move(value)));
}

struct Reading {
  const char* key;
  const char* value;
  int64_t hundredths;         // the counted value x 100
  std::optional<int64_t> low;   // the range's ends x 100 when the value is approximate
  std::optional<int64_t> high;
};

void CheckReadings(std::initializer_list<Reading> readings) {
  for (const Reading& reading : readings) {
    INFO(reading.key << ": " << reading.value);
    NormalizedLog log = NormalizeField(reading.key, reading.value);
    CHECK(log.unreadable.empty());
    REQUIRE(log.values.size() == 1);
    CHECK(log.values[0].value.Times(100) == Decimal::FromInt(reading.hundredths));
    const std::optional<ValueRange>& range = log.values[0].evidence.approximate;
    REQUIRE(range.has_value() == reading.low.has_value());
    if (range) {
      CHECK(range->low.Times(100) == Decimal::FromInt(*reading.low));
      CHECK(range->high.Times(100) == Decimal::FromInt(*reading.high));
    }
  }
}

// Checks that the value counts nothing and that its hint contains part.
void CheckHint(const char* key, const char* value, const std::string& part) {
  INFO(key << ": " << value);
  NormalizedLog log = NormalizeField(key, value);
  CHECK(log.values.empty());
  REQUIRE(log.unreadable.size() == 1);
  INFO("hint: " << log.unreadable[0].hint);
  CHECK(log.unreadable[0].hint.find(part) != std::string::npos);
}

TEST_CASE("Typed duration range from 0", "[normalize]") {
  CheckReadings({{"用时", "0-1小时", 50, 0, 100},
                 {"用时", "0~2小时", 100, 0, 200},
                 {"用时", "0小时-1小时", 50, 0, 100},
                 {"用时", "0到1天", 400, 0, 800}});
  // Other kinds keep the rule of free text, which takes a range from 0 for a typing mistake.
  CheckHint("件数", "0-1个", "starts at 0");
  CheckHint("金额", "0-5万", "starts at 0");
  CheckHint("进度", "0-10%", "starts at 0");
}

TEST_CASE("Typed duration minutes as 分", "[normalize]") {
  CheckReadings({{"用时", "45分", 75, std::nullopt, std::nullopt},
                 {"用时", "3小时30分", 350, std::nullopt, std::nullopt},
                 {"用时", "90分", 150, std::nullopt, std::nullopt}});
  LogRecord record = FieldLog("用时", "45分");
  NormalizedLog log = Normalize(FormsConfig(), record);
  REQUIRE(log.values.size() == 1);
  CHECK(log.values[0].evidence.span == Span{0, 3});
  CHECK(log.values[0].evidence.quote == "45分");
  // A count field does not read 分.
  NormalizedLog count = NormalizeField("件数", "45分");
  CHECK(count.values.empty());
  CHECK(count.unreadable.size() == 1);
}

TEST_CASE("Typed value with a remark", "[normalize]") {
  CheckReadings({{"用时", "3天，已完成", 2400, std::nullopt, std::nullopt},
                 {"用时", "2小时,已完成", 200, std::nullopt, std::nullopt},
                 {"件数", "3，已完成", 300, std::nullopt, std::nullopt},
                 {"件数", "3个；新客户", 300, std::nullopt, std::nullopt},
                 {"金额", "5万，已回款", 5000000, std::nullopt, std::nullopt},
                 {"金额", "5万元。", 5000000, std::nullopt, std::nullopt},
                 {"进度", "80%，已完成", 8000, std::nullopt, std::nullopt},
                 {"用时", "约2小时，已完成", 200, 200, 200}});
  LogRecord record = FieldLog("金额", "5万，已回款");
  NormalizedLog log = Normalize(FormsConfig(), record);
  REQUIRE(log.values.size() == 1);
  CHECK(log.values[0].evidence.span == Span{0, 2});
  CHECK(log.values[0].evidence.quote == "5万");
  // A remark with a number of its own may be the value meant.
  CheckHint("用时", "3天，其中路上1天", "has a number of its own");
  CheckHint("用时", "3天，其中路上1天", "such as 3天,");
  CheckHint("金额", "5万，另有一万", "has a number of its own");
  // Digits after an ASCII comma are a digit group, not a remark, so 5,00 stays unreadable.
  CheckHint("金额", "5,00", "");
}

TEST_CASE("Typed bounds and tenths", "[normalize]") {
  CheckReadings({{"进度", "95%以上", 9500, 9500, 9500},
                 {"用时", "2小时以内", 200, 200, 200},
                 {"进度", "九成五", 9500, std::nullopt, std::nullopt},
                 {"进度", "9成5", 9500, std::nullopt, std::nullopt},
                 {"进度", "八成", 8000, std::nullopt, std::nullopt}});
  for (const char* value : {"十成五", "九成零", "以上"}) {
    INFO("percent: " << value);
    NormalizedLog log = NormalizeField("进度", value);
    CHECK(log.values.empty());
    CHECK(log.unreadable.size() == 1);
  }
}

TEST_CASE("Typed enum read loosely", "[normalize]") {
  CheckReadings({{"满意度", "满 意", 400, std::nullopt, std::nullopt},
                 {"满意度", "非常 满意", 500, std::nullopt, std::nullopt},
                 {"满意度", "满意。", 400, std::nullopt, std::nullopt},
                 {"满意度", "满意！", 400, std::nullopt, std::nullopt},
                 {"满意度", "满意（客户反馈）", 400, std::nullopt, std::nullopt},
                 {"满意度", "一般 ", 300, std::nullopt, std::nullopt},
                 {"满意度", "满\u3000意", 400, std::nullopt, std::nullopt},
                 {"满意度", "满意!", 400, std::nullopt, std::nullopt}});
  for (const char* none : {"无", "-", "/", "暂无"}) {
    INFO("enum: " << none);
    NormalizedLog log = NormalizeField("满意度", none);
    CHECK(log.values.empty());
    CHECK(log.unreadable.empty());
  }
  CheckReadings({{"满意度", "满意✅", 400, std::nullopt, std::nullopt},
                 {"满意度", "满意👍", 400, std::nullopt, std::nullopt},
                 {"满意度", "非常满意✔️", 500, std::nullopt, std::nullopt},
                 {"满意度", "满意！😀", 400, std::nullopt, std::nullopt}});
  CheckHint("满意度", "✅", "not one of the allowed choices");
  CheckHint("满意度", "一般般", "not one of the allowed choices");
  CheckHint("满意度", "很满意", "not one of the allowed choices");
}

TEST_CASE("Typed date with a clock time", "[normalize]") {
  const int64_t expected = ParseDay("2026-11-03").value();
  for (const char* value :
       {"2026-11-03 10:00", "2026-11-03 9:05", "2026-11-03 10:00:00", "2026/11/03 10:00"}) {
    INFO("date: " << value);
    NormalizedLog log = NormalizeField("日期", value);
    CHECK(log.unreadable.empty());
    CHECK(log.work_day == expected);
  }
  for (const char* value : {"2026-11-03 25", "2026-11-03 10:0", "2026-11-03 10:00:0",
                            "2026-11-03 24:00", "2026-11-03 10:60", "2026-11-03 10:00:60"}) {
    INFO("date: " << value);
    CHECK(NormalizeField("日期", value).unreadable.size() == 1);
  }
  for (const char* none : {"无", "-"}) {
    INFO("date: " << none);
    CHECK(NormalizeField("日期", none).unreadable.empty());
  }
  CheckHint("日期", "11月3日", "no year");
  CheckHint("日期", "11-03", "no year");
  CheckHint("日期", "下周二", "does not read as a date");
}

TEST_CASE("Typed hints name the problem", "[normalize]") {
  CheckHint("用时", "2小时-3万", "makes it an amount, not a duration");
  CheckHint("金额", "5万元/年", "rate per 年");
  CheckHint("金额", "50000元/月", "such as 5万,");
  CheckHint("件数", "3次/周", "rate per 周");
  CheckHint("金额", "$5000", "another currency ($)");
  CheckHint("金额", "5000美元", "another currency (美元)");
}

TEST_CASE("Typed states mean no value", "[normalize]") {
  for (const char* key : {"金额", "用时", "件数", "进度", "满意度"}) {
    for (const char* none : {"未成交", "未反馈", "——", "—", "--", "未填写", "不适用"}) {
      INFO(key << ": " << none);
      NormalizedLog log = NormalizeField(key, none);
      CHECK(log.values.empty());
      CHECK(log.unreadable.empty());
    }
  }
  // A state word with more text is not a state alone.
  CheckHint("金额", "未成交客户", "write an amount such as 5万");
}

TEST_CASE("Typed half day words", "[normalize]") {
  CheckReadings({{"用时", "上午", 400, std::nullopt, std::nullopt},
                 {"用时", "下午", 400, std::nullopt, std::nullopt},
                 {"用时", "一上午", 400, std::nullopt, std::nullopt},
                 {"用时", "一下午", 400, std::nullopt, std::nullopt},
                 {"用时", "半天", 400, std::nullopt, std::nullopt}});
  LogRecord record = FieldLog("用时", "一上午");
  NormalizedLog log = Normalize(FormsConfig(), record);
  REQUIRE(log.values.size() == 1);
  CHECK(log.values[0].evidence.quote == "一上午");
  // The words are read only in a duration field, and only alone.
  CheckHint("件数", "上午", "write a count such as 3 or 3个");
  CheckHint("用时", "上午开会", "write a duration such as 1.5小时");
}

TEST_CASE("Typed duration clock span", "[normalize]") {
  CheckReadings({{"用时", "10:00-11:30", 150, std::nullopt, std::nullopt},
                 {"用时", "9:00 - 12:00", 300, std::nullopt, std::nullopt},
                 {"用时", "14：00～15：15", 125, std::nullopt, std::nullopt},
                 {"用时", "8:30到17:30", 900, std::nullopt, std::nullopt}});
  CheckHint("用时", "11:30-10:00", "Its end time is not after its start time; write the clock "
                                  "times in order, such as 10:00-11:30");
  CheckHint("用时", "10:00-10:00", "Its end time is not after its start time");
  // Only a duration field reads clock times, and only two of them.
  CheckHint("件数", "10:00-11:30", "write a count such as 3");
  CheckHint("用时", "10:00-11:30-12:00", "write a duration such as 1.5小时");
  CheckHint("用时", "10:00-25:00", "write a duration such as 1.5小时");
}

TEST_CASE("Typed percent states", "[normalize]") {
  CheckReadings({{"进度", "已完成", 10000, std::nullopt, std::nullopt},
                 {"进度", "完成", 10000, std::nullopt, std::nullopt},
                 {"进度", "全部完成", 10000, std::nullopt, std::nullopt},
                 {"进度", "未开始", 0, std::nullopt, std::nullopt}});
  CheckHint("进度", "进行中", "It names a state, not how far the work is; write a percentage "
                             "such as 50%");
  CheckHint("件数", "已完成", "write a count such as 3 or 3个");
}

TEST_CASE("Typed count with unit noun", "[normalize]") {
  CheckReadings({{"件数", "2个bug", 200, std::nullopt, std::nullopt},
                 {"件数", "3 commits", 300, std::nullopt, std::nullopt},
                 {"件数", "4PR", 400, std::nullopt, std::nullopt}});
  // A scale word is no noun, and a noun needs two letters.
  CheckHint("件数", "2kw", "write a count such as 3");
  CheckHint("件数", "bug", "write a count such as 3");
  CheckHint("件数", "2个bug和3个PR", "");
}

TEST_CASE("Typed percent label and fraction", "[normalize]") {
  CheckReadings({{"进度", "进度80%", 8000, std::nullopt, std::nullopt},
                 {"进度", "完成度：80%", 8000, std::nullopt, std::nullopt},
                 {"进度", "完成 90%", 9000, std::nullopt, std::nullopt},
                 {"进度", "80/100", 8000, std::nullopt, std::nullopt},
                 {"进度", "72.5/100", 7250, std::nullopt, std::nullopt}});
  CheckHint("进度", "80/200", "");
  CheckHint("进度", "120/100", "");
  CheckHint("进度", "-5/100", "");
  CheckHint("进度", "进度约70%-80%", "");
}

TEST_CASE("Typed hints name accepted forms", "[normalize]") {
  CheckHint("用时", "很久", "It does not read as a duration; write a duration such as 1.5小时, "
                          "90分钟, 2天 or 半天");
  CheckHint("进度", "差不多", "It does not read as a percentage; write a percentage such as 80%, "
                           "八成 or 已完成");
  CheckHint("件数", "若干", "It does not read as a count; write a count such as 3 or 3个");
  CheckHint("金额", "不少", "It does not read as an amount; write an amount such as 5万, 50000 "
                          "or 50000元");
}

TEST_CASE("Typed rate hint quotes unit", "[normalize]") {
  for (auto [key, value, per] : {std::tuple{"用时", "20分钟/人，共3人", "It is a rate per 人, "},
                                 std::tuple{"金额", "5万/年，签3年", "It is a rate per 年, "},
                                 std::tuple{"金额", "5万/年 签3年", "It is a rate per 年, "},
                                 std::tuple{"件数", "3次/周。", "It is a rate per 周, "}}) {
    CheckHint(key, value, per);
  }
}

}  // namespace
}  // namespace logbridge::scoring
