// score_bench: streams generated sales logs through the scoring engine on one thread and
// prints logs per second for each stage (normalize + extract, validate, aggregate) and peak
// memory. Logs are generated in batches outside the timed sections.
// Usage: score_bench [log_count] [people] [evidence_per_kpi] [days] [digest]
//                    [per-log | pipelined] [lookahead=N]
// The defaults are 1000000 logs, 2000 people, the engine's evidence cap and 2,700 logs a day.
// With a fifth argument "digest" it also prints a hash of every flag, every log's decision and
// the JSON of all reports, so that two builds can be shown to give the same results. Hashing
// happens outside the timed sections. The words after the fourth argument may come in any order.
// Three modes time the same work in different ways:
// - by default each stage runs over the whole batch before the next stage starts, and each
//   stage is timed alone;
// - with "per-log" each log goes through all three stages before the next one is read, as
//   Engine::Add does, and only the total is timed;
// - with "pipelined" each batch goes through Engine::AddBatch, which the score command uses, so
//   its "all three, pipelined" figure is the product's rate. Only the total is timed.
//   "lookahead=N" sets EngineOptions::batch_lookahead for it.
// Two runs with the same people and days but twice the logs show whether memory grows with the
// logs or only with people and periods.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/config.h"
#include "scoring/report_format.h"
#include "scoring/score.h"

namespace {

using logbridge::EpochMs;
using logbridge::scoring::LogRecord;

constexpr size_t kBatch = 10000;

const char* const kCustomers[] = {"华为", "腾讯", "京东", "美的", "格力", "海尔", "比亚迪",
                                  "宁德时代", "小米", "联想", "中兴", "顺丰"};
const char* const kSatisfaction[] = {"非常满意", "满意", "较满意", "一般", "不满意", ""};
const char* const kOpenings[] = {"上午", "今天", "下午", "全天", "早上先"};
const char* const kVisitVerbs[] = {"拜访", "走访", "上门拜访"};
const char* const kVisitWords[] = {"家客户", "位客户", "家经销商", "个门店"};
const char* const kDealVerbs[] = {"签约", "成交", "签单", "收到订单"};
const char* const kFillers[] = {
    "，整理了报价单并发给采购部确认",
    "，对方对交付周期比较关心，下周再跟进",
    "，参加了区域销售周会，汇报重点项目进展",
    "，协助售后处理了一起退货申请",
    "，明天计划拜访3家新客户",
    "，阿里的项目暂时未签约，等待预算审批",
    "，更新了客户档案和联系人信息",
    "。"};
const char* const kChineseCounts[] = {"一", "两", "三", "四", "五", "六", "七", "八", "十", "十二"};

// Builds one realistic log: free text with visits and a deal, a customer, a typed amount on
// most logs, satisfaction and planned and actual hours.
class LogGenerator {
 public:
  LogGenerator(uint64_t seed, int people, int64_t total_logs, int64_t days)
      : random_(seed), people_(people), total_logs_(total_logs), days_(days) {}

  LogRecord Next(int64_t index) {
    LogRecord record;
    int person = Pick(people_);
    record.report_id = "r" + std::to_string(index);
    record.template_name = "销售日报";
    record.creator_id = "user" + std::to_string(person);
    record.creator_name = "员工" + std::to_string(person);
    record.dept_name = "销售" + std::to_string(person % 20) + "部";
    // Spread evenly over the days from 2026-01-01 on, each at a working hour in Shanghai.
    int64_t day = 20454 + index * days_ / total_logs_;
    record.create_time = EpochMs(day * 86400000 - 8 * 3600000 + (9 + Pick(12)) * 3600000LL +
                                 Pick(3600) * 1000LL);
    record.modified_time = record.create_time;

    // Each person mostly serves their own ten accounts; one log in eight names a big brand.
    std::string customer = Pick(8) == 0 ? kCustomers[Pick(std::size(kCustomers))]
                                        : "客户" + std::to_string(person * 10 + Pick(10));
    int amount = (5 + Pick(2000)) * 50;
    std::string text = std::string(kOpenings[Pick(std::size(kOpenings))]) +
                       kVisitVerbs[Pick(std::size(kVisitVerbs))];
    text += Pick(3) == 0 ? kChineseCounts[Pick(std::size(kChineseCounts))]
                         : std::to_string(1 + Pick(9));
    text += kVisitWords[Pick(std::size(kVisitWords))];
    text += "，和" + customer + kDealVerbs[Pick(std::size(kDealVerbs))];
    text += Pick(2) == 0 ? std::to_string(amount / 10000.0).substr(0, 4) + "万元"
                         : std::to_string(amount) + "元";
    text += kFillers[Pick(std::size(kFillers))];

    int planned = 2 + Pick(10);
    int actual = planned - 1 + Pick(3);
    record.contents = {
        {"今日工作", 0, "1", std::move(text)},
        {"客户名称", 1, "1", customer},
        {"成交金额", 2, "1", Pick(4) == 0 ? "" : std::to_string(amount)},
        {"客户满意度", 3, "1", kSatisfaction[Pick(std::size(kSatisfaction))]},
        {"计划用时", 4, "1", std::to_string(planned) + "小时"},
        {"实际用时", 5, "1", std::to_string(actual) + "小时"},
    };
    return record;
  }

 private:
  int Pick(size_t bound) {
    return static_cast<int>(std::uniform_int_distribution<size_t>(0, bound - 1)(random_));
  }

  std::mt19937_64 random_;
  int people_;
  int64_t total_logs_;
  int64_t days_;
};

double Seconds(std::chrono::steady_clock::duration duration) {
  return std::chrono::duration<double>(duration).count();
}

// CPU time of this thread, so figures stay meaningful on a machine shared with other work.
std::chrono::nanoseconds ThreadCpuTime() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

// 64-bit FNV-1a, enough to tell two result streams apart.
class Fnv1a {
 public:
  void Add(std::string_view bytes) {
    for (unsigned char byte : bytes) {
      hash_ = (hash_ ^ byte) * 0x100000001b3ULL;
    }
    // A separator, so that "ab" + "c" and "a" + "bc" hash differently.
    hash_ = (hash_ ^ 0xffU) * 0x100000001b3ULL;
  }
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  int64_t total_logs = argc > 1 ? std::atoll(argv[1]) : 1000000;
  int people = argc > 2 ? std::atoi(argv[2]) : 2000;
  logbridge::scoring::EngineOptions options;
  if (argc > 3) {
    options.max_evidence_per_kpi = static_cast<size_t>(std::atoll(argv[3]));
  }
  int64_t days = argc > 4 ? std::atoll(argv[4]) : std::max<int64_t>(1, total_logs / 2700);
  bool digest = false;
  bool per_log = false;
  bool pipelined = false;
  bool known_words = true;
  constexpr std::string_view kLookahead = "lookahead=";
  for (int i = 5; i < argc; ++i) {
    std::string_view word = argv[i];
    digest = digest || word == "digest";
    per_log = per_log || word == "per-log";
    pipelined = pipelined || word == "pipelined";
    if (word.starts_with(kLookahead)) {
      options.batch_lookahead = static_cast<size_t>(std::atoll(argv[i] + kLookahead.size()));
      continue;
    }
    known_words = known_words && (word == "digest" || word == "per-log" || word == "pipelined");
  }
  if (total_logs <= 0 || people <= 0 || days <= 0 || !known_words || (per_log && pipelined)) {
    std::fprintf(stderr, "usage: score_bench [log_count > 0] [people > 0] [evidence_per_kpi] "
                         "[days > 0] [digest] [per-log | pipelined] [lookahead=N]\n");
    return 2;
  }
  // Only the default mode times the stages one by one.
  bool staged = !per_log && !pipelined;

  std::string config_path = std::string(LOGBRIDGE_SOURCE_DIR) + "/config/sales.toml";
  logbridge::Result<logbridge::scoring::Config> config =
      logbridge::scoring::LoadConfigString(ReadFile(config_path), config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", config.error().message.c_str());
    return 3;
  }
  logbridge::scoring::Engine engine(
      std::make_shared<const logbridge::scoring::Config>(std::move(config).value()), options);

  LogGenerator generator(20261103, people, total_logs, days);
  std::chrono::steady_clock::duration normalize_time{};
  std::chrono::steady_clock::duration validate_time{};
  std::chrono::steady_clock::duration aggregate_time{};
  std::chrono::nanoseconds normalize_cpu{};
  std::chrono::nanoseconds validate_cpu{};
  std::chrono::nanoseconds aggregate_cpu{};
  int64_t values = 0;
  std::map<std::string, int64_t> flags_by_code;
  std::vector<LogRecord> records;
  std::vector<logbridge::scoring::NormalizedLog> logs;
  std::vector<std::vector<logbridge::scoring::Flag>> log_flags;
  std::vector<logbridge::scoring::LogOutcome> outcomes;
  Fnv1a results;

  for (int64_t done = 0; done < total_logs;) {
    size_t batch = static_cast<size_t>(std::min<int64_t>(kBatch, total_logs - done));
    records.clear();
    for (size_t i = 0; i < batch; ++i) {
      records.push_back(generator.Next(done + static_cast<int64_t>(i)));
    }

    auto start = std::chrono::steady_clock::now();
    auto start_cpu = ThreadCpuTime();
    // The logs of the last batch are refilled in place, as a streaming scorer would do.
    logs.resize(std::max(logs.size(), batch));
    outcomes.resize(std::max(outcomes.size(), batch));
    if (per_log) {
      for (size_t i = 0; i < batch; ++i) {
        engine.Normalize(records[i], &logs[i]);
        engine.Aggregate(logs[i], engine.Validate(logs[i]), &outcomes[i]);
      }
    }
    if (pipelined) {
      // AddBatch resizes outcomes to the batch, refilling the outcomes already there.
      engine.AddBatch(std::span<const LogRecord>(records.data(), batch), &outcomes);
    }
    for (size_t i = 0; i < batch && staged; ++i) {
      engine.Normalize(records[i], &logs[i]);
    }
    auto normalized = std::chrono::steady_clock::now();
    auto normalized_cpu = ThreadCpuTime();
    log_flags.clear();
    for (size_t i = 0; i < batch && staged; ++i) {
      log_flags.push_back(engine.Validate(logs[i]));
    }
    auto validated = std::chrono::steady_clock::now();
    auto validated_cpu = ThreadCpuTime();
    // Like the logs, the outcomes of the last batch are refilled in place.
    for (size_t i = 0; i < batch && staged; ++i) {
      engine.Aggregate(logs[i], std::move(log_flags[i]), &outcomes[i]);
    }
    auto aggregated = std::chrono::steady_clock::now();
    auto aggregated_cpu = ThreadCpuTime();

    // AddBatch keeps its normalized logs inside the engine, so the values are counted from a
    // second normalization here, outside the timed section.
    for (size_t i = 0; i < batch && pipelined; ++i) {
      engine.Normalize(records[i], &logs[i]);
    }
    // The bench's own counts, outside the timed sections. Aggregate moved each log's flags into
    // its outcome unchanged.
    for (size_t i = 0; i < batch; ++i) {
      values += static_cast<int64_t>(logs[i].values.size());
      for (const auto& flag : outcomes[i].flags) {
        ++flags_by_code[flag.code];
      }
    }
    if (digest) {
      for (size_t i = 0; i < batch; ++i) {
        const logbridge::scoring::LogOutcome& outcome = outcomes[i];
        results.Add(outcome.report_id);
        results.Add(std::to_string(static_cast<int>(outcome.decision)));
        results.Add(outcome.skip_reason);
        for (const auto& flag : outcome.flags) {
          results.Add(flag.code);
          results.Add(std::to_string(static_cast<int>(flag.severity)));
          results.Add(flag.field);
          results.Add(flag.message);
        }
      }
    }
    normalize_cpu += normalized_cpu - start_cpu;
    validate_cpu += validated_cpu - normalized_cpu;
    aggregate_cpu += aggregated_cpu - validated_cpu;

    normalize_time += normalized - start;
    validate_time += validated - normalized;
    aggregate_time += aggregated - validated;
    done += static_cast<int64_t>(batch);
  }

  rusage before_reports{};
  getrusage(RUSAGE_SELF, &before_reports);
  auto report_start = std::chrono::steady_clock::now();
  std::vector<logbridge::scoring::ScoreReport> reports = engine.Reports();
  double report_seconds = Seconds(std::chrono::steady_clock::now() - report_start);

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  double total = Seconds(normalize_time + validate_time + aggregate_time);
  auto rate = [total_logs](std::chrono::steady_clock::duration time) {
    return static_cast<double>(total_logs) / Seconds(time);
  };
  std::printf("logs: %lld, people: %d, days: %lld, values: %lld, reports: %zu, "
              "evidence per KPI: %zu\n",
              static_cast<long long>(total_logs), people, static_cast<long long>(days),
              static_cast<long long>(values), reports.size(), options.max_evidence_per_kpi);
  std::printf("flags:");
  for (const auto& [code, count] : flags_by_code) {
    std::printf(" %s %lld", code.c_str(), static_cast<long long>(count));
  }
  std::printf("\n%-21s %14s %14s\n", "stage", "wall logs/s", "CPU logs/s");
  if (staged) {
    std::printf("%-21s %14.0f %14.0f\n", "normalize + extract", rate(normalize_time),
                rate(normalize_cpu));
    std::printf("%-21s %14.0f %14.0f\n", "validate", rate(validate_time), rate(validate_cpu));
    std::printf("%-21s %14.0f %14.0f\n", "aggregate", rate(aggregate_time),
                rate(aggregate_cpu));
  }
  const char* total_label = per_log     ? "all three, per log"
                            : pipelined ? "all three, pipelined"
                                        : "all three stages";
  std::printf("%-21s %14.0f %14.0f  (%.2f s wall)\n", total_label,
              static_cast<double>(total_logs) / total,
              rate(normalize_cpu + validate_cpu + aggregate_cpu), total);
  std::printf("building reports:    %.3f s\n", report_seconds);
  if (digest) {
    results.Add(logbridge::scoring::ReportsToJson(reports));
    std::printf("digest:              %016llx\n", static_cast<unsigned long long>(results.value()));
  }
  std::printf("peak RSS:            %.1f MiB (%.1f MiB before building reports)\n",
              static_cast<double>(usage.ru_maxrss) / 1024.0,
              static_cast<double>(before_reports.ru_maxrss) / 1024.0);
  return 0;
}
