// Throughput of Extractor::Extract on one thread over a generated corpus of Chinese work-log
// fields (about 30-80 code points, full-width punctuation, numbers in many forms, some fields
// with no number, a few with characters that need ICU). Prints fields/s and ns/field.
// Usage: extract_bench [seconds]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "scoring/extract.h"

namespace {

using logbridge::scoring::ExtractionRule;
using logbridge::scoring::Extractor;
using logbridge::scoring::QuantityKind;

std::vector<ExtractionRule> Rules() {
  return {
      {"visits", "customer_visits", "拜访|走访|面访", QuantityKind::kCount, {"个", "家", "位"}, 8},
      {"orders", "orders_signed", "签订|签约|订单", QuantityKind::kCount, {"笔", "单"}, 8},
      {"sales", "sales_amount", "签订|签约|订单|成交|回款", QuantityKind::kAmount, {}, 8},
      {"calls", "calls", "电话|外呼", QuantityKind::kCount, {"通", "个"}, 8},
      {"training", "training_hours", "培训|学习|加班", QuantityKind::kDuration, {}, 8},
      {"rate", "completion_rate", "完成率|转化率|达成率", QuantityKind::kPercent, {}, 8},
      {"leads", "new_leads", "新增线索|线索", QuantityKind::kCount, {"条", "个"}, 8},
      {"demos", "demos", "演示|试用", QuantityKind::kCount, {"场", "次"}, 8},
  };
}

// Field templates; {n} is replaced by a number in a random written form.
const char* const kTemplates[] = {
    "今天上午拜访了{n}家客户，下午整理拜访记录并跟进报价，客户整体反馈积极。",
    "完成{n}个客户拜访，签订{n}笔{n}万元订单，明天计划继续跟进其余意向客户。",
    "本周外呼电话{n}通，新增线索{n}条，其中高意向客户{n}位，下周准备安排演示。",
    "参加产品培训{n}小时，学习新版报价流程，整理了常见问题清单并同步给团队。",
    "本月回款¥{n}，完成率{n}%，较上月提升明显，仍有两家客户尚未回款需要催收。",
    "和技术同事一起给客户做了{n}场演示，客户对方案比较认可，预计下周签约。",
    "整理客户资料，更新CRM系统中的联系人信息，统一了报价模板格式，无其他事项。",
    "上午开会讨论季度目标，下午2点拜访客户，沟通合同细节，订单号20261103001。",
    "加班{n}个小时处理客户投诉，问题已解决，客户表示满意，后续继续保持沟通。",
    "新客户试用{n}次，成交{n}元，另有十几万的意向订单在谈，风险可控。",
    "拜访老客户两三家，了解使用情况，收集改进建议，未发现重大问题。",
    "周三参加行业展会，收集名片{n}张，初步沟通意向客户{n}个，会后逐一跟进。",
    "上午走访客户{n}家，其中新客户{n}家、老客户回访{n}家；下午与渠道伙伴开会，讨论下季度的联合推广计划和"
    "费用分摊方式，整体进展顺利。",
    "今日外呼{n}个电话，有效沟通{n}通，邀约到店{n}位，转化率{n}%，明天计划继续外呼并对昨天的意向客户做二次"
    "回访。",
    "完成了华东区域{n}家门店的巡店…发现陈列问题{n}处，已拍照反馈给店长，要求本周内整改完毕并提交整改报告。",
    "签约新客户{n}家，合同金额共计{n}万元，回款{n}元，另有{n}笔订单处于审批流程中，预计月底前可以全部完成。",
    "今天主要在处理内部流程，整理了上周的报销单据，参加了部门周会，学习了新的产品知识，没有外出拜访客户。",
    "①拜访客户{n}家；②签约{n}笔，金额{n}万元；③培训新人{n}小时。明天准备继续拜访剩下的{n}家意向客户。",
};

std::string NumberText(std::mt19937& random) {
  static const char* const kForms[] = {"3", "12", "1,200", "３", "两", "三", "十二", "5",
                                       "1.5", "二十", "8", "两三", "十几", "80", "4",
                                       "一百零八", "6", "30", "2"};
  return kForms[random() % (sizeof(kForms) / sizeof(kForms[0]))];
}

std::vector<std::string> Corpus(size_t count) {
  std::mt19937 random(20261103);
  std::vector<std::string> corpus;
  corpus.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    std::string field = kTemplates[random() % (sizeof(kTemplates) / sizeof(kTemplates[0]))];
    for (size_t pos = field.find("{n}"); pos != std::string::npos; pos = field.find("{n}")) {
      field.replace(pos, 3, NumberText(random));
    }
    corpus.push_back(std::move(field));
  }
  return corpus;
}

// CPU time of this thread in ns. On a loaded machine wall-clock time includes time spent
// waiting for a core, so both figures are printed.
double ThreadCpuNs() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  auto extractor = Extractor::Create(Rules());
  if (!extractor.ok()) {
    std::fprintf(stderr, "extract_bench: %s\n", extractor.error().ToString().c_str());
    return 1;
  }
  std::vector<std::string> corpus = Corpus(10000);
  size_t code_points = 0;
  for (const std::string& field : corpus) {
    for (unsigned char c : field) {
      code_points += (c & 0xC0) != 0x80;
    }
  }

  using Clock = std::chrono::steady_clock;
  size_t fields = 0;
  size_t extractions = 0;
  Clock::time_point start = Clock::now();
  double cpu_start = ThreadCpuNs();
  Clock::duration elapsed{};
  while (elapsed < std::chrono::duration<double>(seconds)) {
    for (const std::string& field : corpus) {
      extractions += extractor->Extract(field).size();
    }
    fields += corpus.size();
    elapsed = Clock::now() - start;
  }

  double cpu_ns = ThreadCpuNs() - cpu_start;
  double total_ns = std::chrono::duration<double, std::nano>(elapsed).count();
  std::printf("corpus: %zu fields, %.1f code points per field on average\n", corpus.size(),
              static_cast<double>(code_points) / corpus.size());
  std::printf("extract, wall clock: %zu fields in %.2f s, %.0f fields/s, %.0f ns/field, %.2f "
              "extractions/field\n",
              fields, total_ns / 1e9, fields / (total_ns / 1e9), total_ns / fields,
              static_cast<double>(extractions) / fields);
  std::printf("extract, thread CPU time: %.0f fields/s, %.0f ns/field\n", fields / (cpu_ns / 1e9),
              cpu_ns / fields);
  return 0;
}
