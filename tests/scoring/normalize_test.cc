// Tests for Normalize on the sales config: content character counts, joined texts, and logs
// normalized one after another sharing nothing.
#include "scoring/normalize.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "scoring/config.h"
#include "scoring/log_record.h"
#include "scoring/period.h"

namespace logbridge::scoring {
namespace {

// Loads a config from the repository's config folder, such as "sales.toml".
Config LoadRepositoryConfig(const std::string& name) {
  std::ifstream file(std::string(LOGBRIDGE_SOURCE_DIR) + "/config/" + name);
  std::ostringstream text;
  text << file.rdbuf();
  Result<Config> config = LoadConfigString(text.str(), name);
  if (!config.ok()) {
    FAIL(config.error().message);
  }
  return std::move(config).value();
}

const Config& SalesConfig() {
  static const Config kConfig = LoadRepositoryConfig("sales.toml");
  return kConfig;
}

const Config& RndConfig() {
  static const Config kConfig = LoadRepositoryConfig("rnd.toml");
  return kConfig;
}

LogRecord SalesLog(std::string work, std::string customer, std::string amount) {
  LogRecord record;
  record.report_id = "r1";
  record.template_name = "销售日报";
  record.creator_id = "zhangsan";
  record.create_time = EpochMs(1793000000000);
  record.contents = {
      {"今日工作", 0, "1", std::move(work)},
      {"客户名称", 1, "1", std::move(customer)},
      {"成交金额", 2, "1", std::move(amount)},
      {"客户满意度", 3, "1", "满意"},
      {"计划用时", 4, "1", "2天"},
      {"实际用时", 5, "1", "1.5天"},
  };
  return record;
}

// One line per value: metric, value, source, span and quote.
std::vector<std::string> DescribeValues(const NormalizedLog& log) {
  std::vector<std::string> lines;
  for (const MetricValue& value : log.values) {
    lines.push_back(std::to_string(value.metric) + " " + value.value.ToString() + " " +
                    std::string(value.evidence.source) + " " +
                    std::to_string(value.evidence.span.begin) + "-" +
                    std::to_string(value.evidence.span.end) + " " + value.evidence.Quote());
  }
  return lines;
}

TEST_CASE("Normalize matches whole field keys", "[normalize]") {
  // Keys of equal length whose first eight bytes agree: 成交金币 and 成交金额 differ only in
  // their last character, and so do 客户满意率 and 客户满意度.
  const Config& config = SalesConfig();
  int sales = config.FindMetric("sales");
  int satisfaction = config.FindMetric("satisfaction");
  auto count_values = [](const NormalizedLog& log, int metric) {
    int count = 0;
    for (const MetricValue& value : log.values) {
      count += value.metric == metric ? 1 : 0;
    }
    return count;
  };

  LogRecord record = SalesLog("整理报价单", "客户A", "5000");
  record.contents[2].key = "成交金币";
  record.contents[3].key = "客户满意率";
  NormalizedLog log = Normalize(config, record);
  CHECK(count_values(log, sales) == 0);
  CHECK(count_values(log, satisfaction) == 0);

  record.contents.push_back({"成交金额", 6, "1", "7000"});
  record.contents.push_back({"客户满意度", 7, "1", "一般"});
  log = Normalize(config, record);
  REQUIRE(count_values(log, sales) == 1);
  REQUIRE(count_values(log, satisfaction) == 1);
  for (const MetricValue& value : log.values) {
    if (value.metric == sales) {
      CHECK(value.value == Decimal::FromInt(7000));
    }
    if (value.metric == satisfaction) {
      CHECK(value.value == Decimal::FromInt(3));
    }
  }
}

TEST_CASE("Normalize reads the first duplicate field", "[normalize]") {
  // The work field is missing, and the amount field comes twice, first out of template order
  // and then at its own index. The first field with the key is read, as in LogRecord::FindField.
  const Config& config = SalesConfig();
  int sales = config.FindMetric("sales");
  LogRecord record = SalesLog("整理报价单", "客户A", "5000");
  record.contents[0] = {"成交金额", 0, "1", "7000"};
  NormalizedLog log = Normalize(config, record);
  CHECK(log.missing_fields == std::vector<std::string>{"今日工作"});
  std::vector<Decimal> amounts;
  for (const MetricValue& value : log.values) {
    if (value.metric == sales) {
      amounts.push_back(value.value);
    }
  }
  CHECK(amounts == std::vector<Decimal>{Decimal::FromInt(7000)});
}

TEST_CASE("Normalize rounds and saturates time savings", "[normalize]") {
  // The saving is the planned share saved, rounded to four digits, times 100. So 3 hours planned
  // and 2 done save 33.33, not 33.3333. A plan of 0.0001 hours against 10亿 done saturates.
  const Config& config = SalesConfig();
  int efficiency = config.FindMetric("efficiency");
  auto saving = [&](std::string planned, std::string actual) {
    LogRecord record = SalesLog("整理报价单", "客户A", "5000");
    record.contents[4].value = std::move(planned);
    record.contents[5].value = std::move(actual);
    std::vector<Decimal> found;
    for (const MetricValue& value : Normalize(config, record).values) {
      if (value.metric == efficiency) {
        found.push_back(value.value);
      }
    }
    return found;
  };
  CHECK(saving("3小时", "2小时") == std::vector<Decimal>{Decimal::FromUnits(333300)});
  CHECK(saving("0.0001小时", "10亿小时") ==
        std::vector<Decimal>{Decimal::FromUnits(std::numeric_limits<int64_t>::min())});
}

TEST_CASE("Normalize counts content characters", "[normalize]") {
  struct CharCase {
    std::string work;
    int32_t expected;  // plus 2 for 满意, 2 for 2天 and 4 for 1.5天
  };
  const CharCase cases[] = {
      {"a b\tc\r\n", 3},
      {"\u3000拜访\u3000", 2},
      {"\xFF拜访", 3},             // a stray byte counts as one character
      {"x\xE3\x80", 2},            // U+3000 cut short is not white space
      {"x\xE3\x80\x80", 1},
      {"", 0},
  };
  for (const CharCase& c : cases) {
    INFO("text: " << c.work);
    NormalizedLog log = Normalize(SalesConfig(), SalesLog(c.work, "", ""));
    CHECK(log.text_chars == c.expected + 8);
  }
}

TEST_CASE("Normalize counts each field alone", "[normalize]") {
  // A lead byte at the end of a field announces bytes that the joined text takes from the next
  // field, so such a log is counted field by field. The cut-short E4 counts as one character.
  LogRecord record = SalesLog("拜访3家客户x\xE4", "华为", "5000");
  NormalizedLog log = Normalize(SalesConfig(), record);
  CHECK(log.text_chars == 8 + 2 + 4 + 8);

  // The same log over 64 bytes, counted in chunks, and with stray bytes in four chunks.
  std::string work;
  for (int i = 0; i < 10; ++i) {
    work += "拜访客户 ";
  }
  CHECK(Normalize(SalesConfig(), SalesLog(work, "华为", "5000")).text_chars == 40 + 6 + 8);
  std::string stray = work;
  for (size_t at = 0; at < stray.size(); at += 40) {
    stray.insert(at, "\xFF");
  }
  REQUIRE(stray.size() == work.size() + 4);  // at the starts of units 0, 3, 6 and 9
  CHECK(Normalize(SalesConfig(), SalesLog(stray, "华为", "5000")).text_chars == 44 + 6 + 8);
}

TEST_CASE("Normalize spans ignore other fields", "[normalize]") {
  // A stray byte in the work text makes the log's text invalid UTF-8, which changes how spans
  // are counted but not the spans of the other fields.
  auto spans = [](const std::string& work) {
    NormalizedLog log = Normalize(SalesConfig(), SalesLog(work, " \u3000华为", "  5000"));
    std::vector<std::string> found;
    for (const MetricValue& value : log.values) {
      if (value.evidence.field_key != "今日工作") {
        found.push_back(std::string(value.evidence.field_key) + " " +
                        std::to_string(value.evidence.span.begin) + "-" +
                        std::to_string(value.evidence.span.end));
      }
    }
    return found;
  };
  std::vector<std::string> valid = spans("整理资料");
  CHECK(valid == std::vector<std::string>{"客户名称 2-4", "成交金额 2-6", "客户满意度 0-2",
                                          "实际用时 0-4"});
  CHECK(spans("整理资料\xFF") == valid);
  CHECK(spans("\xC3") == valid);
}

TEST_CASE("Normalize reads ranges in text and fields", "[normalize]") {
  const int sales = SalesConfig().FindMetric("sales");
  REQUIRE(sales >= 0);
  auto sales_values = [sales](const NormalizedLog& log) {
    std::vector<std::string> found;
    for (const MetricValue& value : log.values) {
      if (value.metric == sales) {
        found.push_back(std::string(value.evidence.field_key) + " " + value.value.ToString());
      }
    }
    return found;
  };

  // Free text: a range with a place on each end, and the spaced forms.
  NormalizedLog text = Normalize(SalesConfig(), SalesLog("签约5千-1万元", "华为", ""));
  CHECK(sales_values(text) == std::vector<std::string>{"今日工作 7500"});
  CHECK(sales_values(Normalize(SalesConfig(), SalesLog("签约2 万 3 千元", "华为", ""))) ==
        std::vector<std::string>{"今日工作 23000"});

  // A range more than ten times wide is listed as not counted, with no value.
  NormalizedLog wide = Normalize(SalesConfig(), SalesLog("签约3万-31万元", "华为", ""));
  CHECK(sales_values(wide).empty());
  REQUIRE(wide.ignored.size() == 1);
  CHECK(wide.ignored[0].field_key == "今日工作");
  CHECK(wide.ignored[0].extraction.unreadable);

  // Typed fields read the same dashes, and reject the same wide ranges.
  CHECK(sales_values(Normalize(SalesConfig(), SalesLog("整理资料", "华为", "3万—5万"))) ==
        std::vector<std::string>{"成交金额 40000"});
  NormalizedLog typed_wide = Normalize(SalesConfig(), SalesLog("整理资料", "华为", "3万-31万"));
  CHECK(sales_values(typed_wide).empty());
  REQUIRE(typed_wide.unreadable.size() == 1);
  CHECK(typed_wide.unreadable[0].key == "成交金额");
}

TEST_CASE("Normalize reads sums and falling ranges", "[normalize]") {
  const int sales = SalesConfig().FindMetric("sales");
  REQUIRE(sales >= 0);

  // A sum in free text counts once, with the whole sum quoted.
  // The record outlives the log, whose evidence quotes point into it.
  LogRecord record = SalesLog("签约3万+5万元", "华为", "");
  NormalizedLog text = Normalize(SalesConfig(), record);
  std::vector<std::string> lines = DescribeValues(text);
  for (const std::string& line : lines) {
    UNSCOPED_INFO(line);
  }
  CHECK(std::count(lines.begin(), lines.end(),
                   std::to_string(sales) + " 80000 deals_signed 0-8 签约3万+5万元") == 1);

  // Spaces around the + change nothing.
  LogRecord spaced_record = SalesLog("签约3万 + 5万元", "华为", "");
  std::vector<std::string> spaced_lines = DescribeValues(Normalize(SalesConfig(), spaced_record));
  CHECK(std::count(spaced_lines.begin(), spaced_lines.end(),
                   std::to_string(sales) + " 80000 deals_signed 0-10 签约3万 + 5万元") == 1);

  // A typed sum reads the same, with or without spaces.
  for (const char* amount : {"3万+5万", "3万 + 5万", "3万 +5万"}) {
    INFO("amount: " << amount);
    NormalizedLog typed = Normalize(SalesConfig(), SalesLog("整理资料", "华为", amount));
    REQUIRE(typed.unreadable.empty());
    CHECK(std::count_if(typed.values.begin(), typed.values.end(), [sales](const MetricValue& v) {
            return v.metric == sales && v.value == Decimal::FromInt(80000);
          }) == 1);
  }

  // A long typed chain is added term by term too, without a call per term on the stack.
  std::string chain;
  for (int i = 0; i < 40000; ++i) {
    chain += "3万+";
  }
  chain += "5万";
  NormalizedLog long_typed = Normalize(SalesConfig(), SalesLog("整理资料", "华为", chain));
  REQUIRE(long_typed.unreadable.empty());
  CHECK(std::count_if(long_typed.values.begin(), long_typed.values.end(),
                      [sales](const MetricValue& v) {
                        return v.metric == sales && v.value == Decimal::FromInt(1200050000);
                      }) == 1);

  // A range whose upper end is not above its lower end is listed as not counted.
  for (const char* work : {"签约5-5万元", "签约3万-5元", "签约3万-2万元", "签约3万-5千元"}) {
    INFO("work: " << work);
    NormalizedLog falling = Normalize(SalesConfig(), SalesLog(work, "华为", ""));
    CHECK(std::none_of(falling.values.begin(), falling.values.end(),
                       [sales](const MetricValue& v) { return v.metric == sales; }));
    REQUIRE(falling.ignored.size() == 1);
    CHECK(falling.ignored[0].field_key == "今日工作");
    CHECK(falling.ignored[0].extraction.unreadable);
  }
}

TEST_CASE("Example R&D rules count fixes only", "[normalize]") {
  const Config& config = RndConfig();
  int bugs = config.FindMetric("bugs");
  REQUIRE(bugs >= 0);
  LogRecord record;
  record.report_id = "r1";
  record.template_name = "研发日报";
  record.creator_id = "lisi";
  record.create_time = EpochMs(1793000000000);
  auto bugs_in = [&](const char* work) {
    record.contents = {{"任务内容", 0, "1", work}};
    NormalizedLog log = Normalize(config, record);
    Decimal total;
    for (const MetricValue& value : log.values) {
      if (value.metric == bugs) {
        total = total + value.value;
      }
    }
    return total;
  };
  // An edit of files is no bug fix, while a fix or a solved problem is.
  CHECK(bugs_in("今天修改了3个文件，提交代码1次") == Decimal::FromInt(0));
  CHECK(bugs_in("修复了5个并发相关的bug") == Decimal::FromInt(5));
  CHECK(bugs_in("重构导出模块，解决2处内存泄漏") == Decimal::FromInt(2));
}

TEST_CASE("Normalize reads a typed range of tenths", "[normalize]") {
  const Config& config = RndConfig();
  LogRecord record;
  record.report_id = "r1";
  record.template_name = "研发日报";
  record.creator_id = "lisi";
  record.create_time = EpochMs(1793000000000);
  record.contents = {{"完成进度", 0, "1", "8-9成"}};

  NormalizedLog log = Normalize(config, record);
  CHECK(log.unreadable.empty());
  REQUIRE(log.values.size() == 1);
  CHECK(log.values[0].value == Decimal::FromInt(85));
  REQUIRE(log.values[0].evidence.approximate.has_value());
  CHECK(log.values[0].evidence.approximate->low == Decimal::FromInt(80));
  CHECK(log.values[0].evidence.approximate->high == Decimal::FromInt(90));

  // Spaces, a repeated 成 and the double dash read the same range, and 9 成 reads 90.
  for (const char* written : {"8成-9成", "8 —— 9成", "8-9 成", "8 - 9成"}) {
    INFO("progress: " << written);
    record.contents = {{"完成进度", 0, "1", written}};
    NormalizedLog spaced = Normalize(config, record);
    CHECK(spaced.unreadable.empty());
    REQUIRE(spaced.values.size() == 1);
    CHECK(spaced.values[0].value == Decimal::FromInt(85));
    CHECK(spaced.values[0].evidence.quote == written);
  }
  record.contents = {{"完成进度", 0, "1", "9 成"}};
  NormalizedLog single = Normalize(config, record);
  CHECK(single.unreadable.empty());
  REQUIRE(single.values.size() == 1);
  CHECK(single.values[0].value == Decimal::FromInt(90));
}

TEST_CASE("Normalize joins field texts", "[normalize]") {
  NormalizedLog log = Normalize(SalesConfig(), SalesLog(" 拜访3家 ", "华为", "5000"));
  CHECK(log.free_text == "拜访3家\n华为");
  CHECK(log.text == " 拜访3家 \n华为\n5000\n满意\n2天\n1.5天");
  CHECK(log.customer == "华为");
}

TEST_CASE("Normalize shares nothing between logs", "[normalize]") {
  LogRecord busy = SalesLog("拜访客户3家，签约2万元，明天计划拜访5家", "华为", "");
  LogRecord quiet = SalesLog("整理资料", "", "");
  quiet.contents.pop_back();

  NormalizedLog first = Normalize(SalesConfig(), busy);
  std::vector<std::string> expected = DescribeValues(first);
  REQUIRE(expected.size() == 5);  // visits, sales, customer, satisfaction, time saving
  REQUIRE(first.ignored.size() == 1);

  NormalizedLog between = Normalize(SalesConfig(), quiet);
  CHECK(between.values.size() == 1);  // satisfaction only
  CHECK(between.ignored.empty());
  CHECK(between.customer.empty());

  NormalizedLog again = Normalize(SalesConfig(), busy);
  CHECK(DescribeValues(again) == expected);
  CHECK(again.ignored.size() == 1);
}

// Every output of a normalized log, so that two logs can be compared whole.
std::vector<std::string> DescribeLog(const NormalizedLog& log) {
  std::vector<std::string> lines = DescribeValues(log);
  lines.push_back("spec " + std::to_string(log.spec != nullptr) + " role " +
                  std::to_string(log.role != nullptr) + " day " + std::to_string(log.work_day));
  for (const IgnoredExtraction& ignored : log.ignored) {
    lines.push_back("ignored " + ignored.field_key + " " + ignored.extraction.rule + " " +
                    ignored.extraction.quantity.Value().ToString() + " " +
                    ignored.extraction.quantity.unit + " " + std::string(ignored.replaced_by));
  }
  for (const std::string& key : log.missing_fields) {
    lines.push_back("missing " + key);
  }
  for (const UnreadableField& field : log.unreadable) {
    lines.push_back("unreadable " + field.key + " " + field.value + " " + field.hint);
  }
  lines.push_back("text " + log.text);
  lines.push_back("free text " + log.free_text);
  lines.push_back("chars " + std::to_string(log.text_chars));
  lines.push_back("customer " + log.customer);
  return lines;
}

TEST_CASE("Normalize into a reused log", "[normalize]") {
  LogRecord busy = SalesLog("拜访客户3家，签约2万元，明天计划拜访5家，顺便回访了老客户", "华为",
                            "12000");
  LogRecord unreadable = SalesLog("整理资料", "腾讯", "很多");
  unreadable.contents[4].value = "0小时";
  LogRecord quiet = SalesLog("", "", "");
  quiet.contents.pop_back();
  LogRecord unknown = busy;
  unknown.template_name = "周报";
  unknown.create_time = EpochMs(1795000000000);
  const LogRecord* order[] = {&busy, &unreadable, &quiet, &unknown, &busy, &quiet, &unreadable};

  NormalizedLog reused;
  for (const LogRecord* record : order) {
    INFO("template " << record->template_name << ", work " << record->contents[0].value);
    Normalize(SalesConfig(), *record, &reused);
    NormalizedLog fresh = Normalize(SalesConfig(), *record);
    CHECK(reused.record == record);
    CHECK(DescribeLog(reused) == DescribeLog(fresh));
  }

  // The last log had unreadable fields; the busy one after it has none, and a longer text.
  Normalize(SalesConfig(), busy, &reused);
  CHECK(reused.unreadable.empty());
  CHECK(reused.missing_fields.empty());
  CHECK(reused.customer == "华为");
  CHECK(reused.values.size() == 5);
  // The planned visits, and the text amount that the typed 成交金额 replaced.
  REQUIRE(reused.ignored.size() == 2);
  CHECK(reused.ignored[0].replaced_by.empty());
  CHECK(reused.ignored[1].replaced_by == "成交金额");
}

TEST_CASE("Normalize keeps other reused logs", "[normalize]") {
  LogRecord busy = SalesLog("拜访客户3家，签约2万元，明天计划拜访5家，顺便回访了老客户", "华为",
                            "12000");
  LogRecord small = SalesLog("拜访客户1家", "腾讯", "300");
  NormalizedLog first;
  NormalizedLog second;
  std::vector<std::string> busy_expected = DescribeLog(Normalize(SalesConfig(), busy));
  std::vector<std::string> small_expected = DescribeLog(Normalize(SalesConfig(), small));

  // Each call hands the scratch buffer of the call before to its log, so a later call into
  // another slot must not write over values that an earlier slot still holds.
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    Normalize(SalesConfig(), busy, &first);
    Normalize(SalesConfig(), small, &second);
    CHECK(DescribeLog(first) == busy_expected);
    CHECK(DescribeLog(second) == small_expected);
    Normalize(SalesConfig(), small, &first);
    Normalize(SalesConfig(), busy, &second);
    CHECK(DescribeLog(first) == small_expected);
    CHECK(DescribeLog(second) == busy_expected);
  }
}

TEST_CASE("TrimSpace trims both ends", "[normalize]") {
  // 一 is E4 B8 80, so its last byte equals that of U+3000, but it is no space.
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", ""},
      {"  ", ""},
      {"\u3000", ""},
      {"a", "a"},
      {" a ", "a"},
      {"\t5万\r\n", "5万"},
      {"\u3000数字\u3000", "数字"},
      {"\u3000 \u30005", "5"},
      {"x\u3000", "x"},
      {"一", "一"},
      {"中\u3000一", "中\u3000一"},
      {"\x01a", "\x01a"},
  };
  for (const auto& [text, trimmed] : cases) {
    INFO("text: " << text);
    CHECK(TrimSpace(text) == trimmed);
  }
}

TEST_CASE("Utf8SliceView clips code point ranges", "[normalize]") {
  struct SliceCase {
    std::string text;
    int32_t begin;
    int32_t end;
    std::string expected;
  };
  const SliceCase cases[] = {
      {"a中b", 0, 1, "a"},
      {"a中b", 1, 2, "中"},
      {"a中b", 0, 3, "a中b"},
      {"a中b", 2, 5, "b"},         // an end past the text is clipped
      {"a中b", 3, 4, ""},          // a start at the end is empty
      {"a中b", -1, 2, ""},
      {"a中b", 2, 2, ""},
      {"a中b", 2, 1, ""},
      {"", 0, 1, ""},
      {"\xE4" "a", 0, 1, "\xE4" "a"},  // a lead byte claims its length, cut at the end
      {"\xE4" "a", 1, 2, ""},
      {"\x80\x80中", 0, 1, "\x80"},  // a stray continuation byte is one code point
      {"\x80\x80中", 2, 3, "中"},
  };
  for (const SliceCase& c : cases) {
    INFO("text: " << c.text << " [" << c.begin << ", " << c.end << ")");
    CHECK(Utf8SliceView(c.text, c.begin, c.end) == c.expected);
    CHECK(Utf8Slice(c.text, c.begin, c.end) == c.expected);
  }
}

TEST_CASE("Utf8Slicer matches Utf8SliceView in any order", "[normalize]") {
  const std::string texts[] = {"上午拜访3家客户，签约2.5万元", "a\xE4" "b\x80中文", ""};
  const std::pair<int32_t, int32_t> ranges[] = {{0, 2},  {2, 5},  {4, 6},   {4, 4}, {9, 30},
                                                {1, 3},  {-1, 3}, {12, 14}, {3, 1}, {30, 31},
                                                {0, 40}, {5, 7}};
  for (const std::string& text : texts) {
    Utf8Slicer slicer(text);
    for (auto [begin, end] : ranges) {
      INFO("text: " << text << " [" << begin << ", " << end << ")");
      CHECK(slicer.Slice(begin, end) == Utf8SliceView(text, begin, end));
    }
  }
  // The ranges above go backwards several times; check one case by hand too.
  Utf8Slicer slicer(texts[0]);
  CHECK(slicer.Slice(4, 6) == "3家");
  CHECK(slicer.Slice(0, 2) == "上午");
  CHECK(slicer.Slice(11, 16) == "2.5万元");
}

TEST_CASE("ReportedDay alternates deadlines on one day", "[normalize]") {
  TemplateSpec weekly;
  weekly.deadline = Deadline{PeriodKind::kWeek, 10 * 60, 1};  // Monday 10:00 after the week
  TemplateSpec next_morning;
  next_morning.deadline = Deadline{PeriodKind::kDay, 9 * 60, 1};
  TemplateSpec same_evening;
  same_evening.deadline = Deadline{PeriodKind::kDay, 21 * 60, 0};
  int64_t sunday = DaysFromCivil({2026, 11, 22});
  int64_t monday = sunday + 1;
  auto at = [](int64_t day, int hour, int minute) {
    return ShanghaiDayStart(day) + std::chrono::minutes(hour * 60 + minute);
  };
  for (int round = 0; round < 2; ++round) {
    INFO("round " << round);
    CHECK(ReportedDay(weekly, at(monday, 9, 0)) == sunday);
    CHECK(ReportedDay(next_morning, at(monday, 8, 0)) == sunday);
    CHECK(ReportedDay(same_evening, at(monday, 8, 0)) == monday);
    CHECK(ReportedDay(next_morning, at(monday, 9, 30)) == monday);
    CHECK(ReportedDay(weekly, at(monday, 11, 30)) == sunday);
    CHECK(ReportedDay(weekly, at(monday + 1, 10, 1)) == monday + 1);
    CHECK(ReportedDay(next_morning, at(monday + 1, 8, 59)) == monday);
  }
}

TEST_CASE("Normalize explains a too wide range", "[normalize]") {
  const Config* config = &SalesConfig();
  auto amount_log = [](std::string amount) {
    LogRecord record;
    record.report_id = "r1";
    record.template_name = "销售日报";
    record.creator_id = "zhangsan";
    record.create_time = EpochMs(1793000000000);
    record.contents = {{"成交金额", 0, "1", std::move(amount)}};
    return record;
  };

  for (const char* written : {"3万-31万", "3万到9999万", "1000元—20000元", "5万~1亿"}) {
    INFO("amount: " << written);
    NormalizedLog log = Normalize(*config, amount_log(written));
    CHECK(log.values.empty());
    REQUIRE(log.unreadable.size() == 1);
    CHECK(log.unreadable[0].hint.find("more than 10 times its lower end") != std::string::npos);
  }

  // At the limit the range is read; a range in the wrong order or with an unreadable end gets
  // no range hint.
  NormalizedLog at_limit = Normalize(*config, amount_log("3万-30万"));
  CHECK(at_limit.unreadable.empty());
  REQUIRE(at_limit.values.size() == 1);
  CHECK(at_limit.values[0].value == Decimal::FromInt(165000));
  NormalizedLog decimal_end = Normalize(*config, amount_log("3-3.5万"));
  CHECK(decimal_end.unreadable.empty());
  REQUIRE(decimal_end.values.size() == 1);
  CHECK(decimal_end.values[0].value == Decimal::FromInt(32500));
  for (const char* written : {"31万-3万", "3万-很多", "-3万", "3 -5万", "5-3万"}) {
    INFO("amount: " << written);
    NormalizedLog log = Normalize(*config, amount_log(written));
    REQUIRE(log.unreadable.size() == 1);
    CHECK(log.unreadable[0].hint.find("times its lower end") == std::string::npos);
  }
}

TEST_CASE("Normalize rejects a fraction as percent", "[normalize]") {
  const Config* config = &RndConfig();
  auto progress_log = [](std::string progress) {
    LogRecord record;
    record.report_id = "r1";
    record.template_name = "研发日报";
    record.creator_id = "lisi";
    record.create_time = EpochMs(1793000000000);
    record.contents = {{"完成进度", 0, "1", std::move(progress)}};
    return record;
  };

  NormalizedLog fraction = Normalize(*config, progress_log("0.8"));
  CHECK(fraction.values.empty());
  REQUIRE(fraction.unreadable.size() == 1);
  CHECK(fraction.unreadable[0].key == "完成进度");
  CHECK(fraction.unreadable[0].hint == "0.8 looks like a fraction; write 80%");
  NormalizedLog whole_fraction = Normalize(*config, progress_log("1.0"));
  REQUIRE(whole_fraction.unreadable.size() == 1);
  CHECK(whole_fraction.unreadable[0].hint == "1.0 looks like a fraction; write 100%");

  // A % sign, a whole number or a value above 1 is read as written.
  for (const char* written : {"0.8%", "1", "80", "1.5", "0"}) {
    INFO("progress: " << written);
    NormalizedLog log = Normalize(*config, progress_log(written));
    CHECK(log.unreadable.empty());
    REQUIRE(log.values.size() == 1);
    CHECK(log.values[0].evidence.field_key == "完成进度");
  }
}

TEST_CASE("Normalize rejects a scaled percent", "[normalize]") {
  LogRecord record;
  record.report_id = "r1";
  record.template_name = "研发日报";
  record.creator_id = "lisi";
  record.create_time = EpochMs(1793000000000);
  for (const char* written : {"5万", "5千", "5k", "3 w", "五千", "8千-9千"}) {
    INFO("progress: " << written);
    record.contents = {{"完成进度", 0, "1", written}};
    NormalizedLog log = Normalize(RndConfig(), record);
    CHECK(log.values.empty());
    REQUIRE(log.unreadable.size() == 1);
    CHECK(log.unreadable[0].key == "完成进度");
    CHECK(log.unreadable[0].type == FieldType::kPercent);
    CHECK(log.unreadable[0].hint.find("write a percentage such as 80%") != std::string::npos);
  }
  // A percentage with no scale word is read, and an amount field still takes the scale.
  record.contents = {{"完成进度", 0, "1", "一百"}};
  NormalizedLog hundred = Normalize(RndConfig(), record);
  CHECK(hundred.unreadable.empty());
  REQUIRE(hundred.values.size() == 1);
  CHECK(hundred.values[0].value == Decimal::FromInt(100));
  const int sales = SalesConfig().FindMetric("sales");
  LogRecord amount_record = SalesLog("整理资料", "华为", "5万");
  NormalizedLog amount = Normalize(SalesConfig(), amount_record);
  CHECK(amount.unreadable.empty());
  CHECK(std::count_if(amount.values.begin(), amount.values.end(), [sales](const MetricValue& v) {
          return v.metric == sales && v.value == Decimal::FromInt(50000);
        }) == 1);
}

TEST_CASE("Normalize alternates configs on one thread", "[normalize]") {
  // The second config lists the sales rules in the other order, so each rule name has another
  // index in it. Normalize keeps rule lookups between logs, and a lookup made for one config
  // must not be used for the other.
  std::ifstream file(std::string(LOGBRIDGE_SOURCE_DIR) + "/config/sales.toml");
  std::ostringstream stream;
  stream << file.rdbuf();
  std::string text = stream.str();
  size_t visits = text.find("[[rules]]\nname = \"visits_done\"");
  size_t deals = text.find("[[rules]]\nname = \"deals_signed\"");
  size_t roles = text.find("[roles.sales]");
  REQUIRE(visits != std::string::npos);
  REQUIRE(deals > visits);
  REQUIRE(roles > deals);
  std::string swapped = text.substr(0, visits) + text.substr(deals, roles - deals) + "\n" +
                        text.substr(visits, deals - visits) + text.substr(roles);
  Result<Config> first = LoadConfigString(text, "sales.toml");
  Result<Config> second = LoadConfigString(swapped, "swapped.toml");
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  REQUIRE(second->rules.front().rule.name == "deals_signed");

  LogRecord record = SalesLog("拜访3家客户，签约5万元", "华为", "");
  for (int round = 0; round < 3; ++round) {
    for (const Config* config : {&*first, &*second}) {
      INFO("round " << round << ", first rule " << config->rules.front().rule.name);
      NormalizedLog log = Normalize(*config, record);
      int counted = 0;
      for (const MetricValue& value : log.values) {
        if (value.evidence.field_key != "今日工作") {
          continue;
        }
        ++counted;
        bool visit = value.evidence.source == "visits_done";
        CHECK(value.metric == config->FindMetric(visit ? "visits" : "sales"));
        // The source is the config's own copy of the rule name.
        bool in_config = false;
        for (const RuleSpec& rule : config->rules) {
          in_config = in_config || value.evidence.source.data() == rule.rule.name.data();
        }
        CHECK(in_config);
      }
      CHECK(counted == 2);
    }
  }
}

// A template with a work date, an amount and a percent field.
constexpr std::string_view kTypedConfig = R"(
[metrics.sales]
aggregation = "sum"
[metrics.progress]
aggregation = "max"

[[templates]]
name = "日报"
  [[templates.fields]]
  key = "日期"
  type = "date"
  work_date = true
  [[templates.fields]]
  key = "金额"
  type = "amount"
  metric = "sales"
  [[templates.fields]]
  key = "进度"
  type = "percent"
  metric = "progress"
  [[templates.fields]]
  key = "用时"
  type = "duration"
  [[templates.fields]]
  key = "件数"
  type = "count"

[roles.staff]
templates = ["日报"]
  [[roles.staff.kpis]]
  metric = "sales"
  weight = 100
  target = 100000
)";

const Config& TypedConfig() {
  static const Config kConfig = [] {
    Result<Config> config = LoadConfigString(kTypedConfig, "typed.toml");
    if (!config.ok()) {
      FAIL(config.error().message);
    }
    return std::move(config).value();
  }();
  return kConfig;
}

LogRecord TypedLog(std::string key, std::string value) {
  LogRecord record;
  record.report_id = "r1";
  record.template_name = "日报";
  record.creator_id = "zhangsan";
  record.create_time = EpochMs(1793000000000);
  record.contents = {{std::move(key), 0, "1", std::move(value)}};
  return record;
}

TEST_CASE("Normalize reads compact typed dates", "[normalize]") {
  const int64_t expected = ParseDay("2026-11-03").value();
  for (const char* written :
       {"20261103", "2026 11 03", "2026 11 3", "2026.11.03", "２０２６１１０３"}) {
    INFO("date: " << written);
    NormalizedLog log = Normalize(TypedConfig(), TypedLog("日期", written));
    CHECK(log.unreadable.empty());
    CHECK(log.work_day == expected);
  }
  for (const char* written : {"20260230", "2026 02 30", "2026 13 01", "202611031", "19891103",
                              "2026  11 03", "2026.11.31", "下周二"}) {
    INFO("date: " << written);
    NormalizedLog log = Normalize(TypedConfig(), TypedLog("日期", written));
    REQUIRE(log.unreadable.size() == 1);
    CHECK(log.unreadable[0].key == "日期");
    CHECK(log.unreadable[0].type == FieldType::kDate);
    CHECK(log.unreadable[0].hint.find("20261103") != std::string::npos);
  }
}

TEST_CASE("Normalize hints fit the field type", "[normalize]") {
  NormalizedLog percent = Normalize(TypedConfig(), TypedLog("进度", "123456789"));
  REQUIRE(percent.unreadable.size() == 1);
  INFO("hint: " << percent.unreadable[0].hint);
  CHECK(percent.unreadable[0].hint.find("identifier") != std::string::npos);
  CHECK(percent.unreadable[0].hint.find("80%") != std::string::npos);
  CHECK(percent.unreadable[0].hint.find("亿") == std::string::npos);

  NormalizedLog amount = Normalize(TypedConfig(), TypedLog("金额", "123456789"));
  REQUIRE(amount.unreadable.size() == 1);
  INFO("hint: " << amount.unreadable[0].hint);
  CHECK(amount.unreadable[0].hint.find("1.23亿") != std::string::npos);

  NormalizedLog exponent = Normalize(TypedConfig(), TypedLog("进度", "1e300"));
  REQUIRE(exponent.unreadable.size() == 1);
  INFO("hint: " << exponent.unreadable[0].hint);
  CHECK(exponent.unreadable[0].hint.find("Scientific notation") != std::string::npos);
  CHECK(exponent.unreadable[0].hint.find("亿") == std::string::npos);
}

TEST_CASE("Normalize hints per field type", "[normalize]") {
  // Each hint shows the forms of its field's type, and each form it shows is read.
  struct Case {
    const char* key;
    const char* value;
    const char* example;  // a form the hint must show
    const char* foreign;  // a form of another type the hint must not show
  };
  for (Case c :
       {Case{"金额", "3万-31万", "3万-5万", "%"}, Case{"进度", "5%-90%", "70%-80%", "万"},
        Case{"用时", "1小时-20小时", "2-3小时", "万"}, Case{"件数", "1个-20个", "3-5", "万"},
        Case{"件数", "0-3个", "3-5", "万"},
        Case{"进度", "0-5%", "80%", "万"}, Case{"用时", "123456789", "1,234小时", "亿"},
        Case{"件数", "123456789", "123,456,789", "亿"}, Case{"件数", "1e300", "123,456,789", "亿"},
        Case{"进度", "5万", "八成", "亿"}}) {
    INFO(c.key << ": " << c.value);
    NormalizedLog log = Normalize(TypedConfig(), TypedLog(c.key, c.value));
    REQUIRE(log.unreadable.size() == 1);
    const std::string& hint = log.unreadable[0].hint;
    INFO("hint: " << hint);
    CHECK(hint.find(c.example) != std::string::npos);
    CHECK(hint.find(c.foreign) == std::string::npos);
    NormalizedLog example = Normalize(TypedConfig(), TypedLog(c.key, c.example));
    CHECK(example.unreadable.empty());
  }
}

TEST_CASE("Normalize names a range from 0", "[normalize]") {
  // A duration range from 0 reads, so a count range shows the hint.
  for (const char* value : {"0-1个", "0个-1个"}) {
    INFO("count: " << value);
    NormalizedLog log = Normalize(TypedConfig(), TypedLog("件数", value));
    REQUIRE(log.unreadable.size() == 1);
    CHECK(log.unreadable[0].hint.find("starts at 0") != std::string::npos);
    CHECK(log.unreadable[0].hint.find("times its lower end") == std::string::npos);
  }
}

}  // namespace
}  // namespace logbridge::scoring
