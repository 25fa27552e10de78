// Chinese sentences for the flag codes of scoring/config.h, and the notice built from them.
#include "connector/log_feedback.h"

#include "scoring/config.h"

namespace logbridge::connector {
namespace {

// "「字段」" for a flag on one field, or `whole_log` for a flag on the whole log.
std::string Subject(const FlagRecord& flag, std::string_view whole_log) {
  return flag.field_key.empty() ? std::string(whole_log) : "「" + flag.field_key + "」";
}

}  // namespace

bool EditCanClear(std::string_view flag_code) {
  return flag_code != scoring::kFlagLate && flag_code != scoring::kFlagEditedLate &&
         flag_code != scoring::kFlagReusedText;
}

std::string FeedbackSentence(const FlagRecord& flag) {
  const std::string_view code = flag.kind;
  if (code == scoring::kFlagTooShort) {
    return "日志内容太少，请写清楚具体做了哪些工作。";
  }
  if (code == scoring::kFlagBoilerplate) {
    return "日志大部分是套话，请补充具体的工作内容。";
  }
  if (code == scoring::kFlagMissingField) {
    return "必填项" + Subject(flag, "") + "缺失或为空。";
  }
  if (code == scoring::kFlagUnreadableValue) {
    return Subject(flag, "有一项") + "的内容无法按要求的格式读取，没有计入得分。";
  }

  // The amount flags put the order metric's name in field_key, not a field of the template, so
  // their sentences name 订单金额 instead.
  if (code == scoring::kFlagAmountJump) {
    return "订单金额远高于这位客户以往的最大金额，请核对。";
  }
  if (code == scoring::kFlagUnitSlip) {
    return "订单金额与你平时的金额相差约十倍或以上，请核对单位（元或万元）。";
  }
  if (code == scoring::kFlagDuplicateOrder) {
    return "这笔订单已经出现在其他同事的日志里，请核对客户和金额。";
  }
  if (code == scoring::kFlagRepeatedOrder) {
    return "同一客户、同样金额的订单你之前已经报过，如果是新订单请注明，否则请删除重复的金额。";
  }

  if (code == scoring::kFlagRoleOutlier) {
    return Subject(flag, "有一项") + "的数值与同岗位的常见水平相差很大，请核对。";
  }
  if (code == scoring::kFlagNearDuplicate) {
    return "内容与你之前的一篇日志几乎相同，请写这一次的实际工作。";
  }
  if (code == scoring::kFlagReusedText) {
    return "内容与你之前的一篇日志很相似，但数字不同，已按这次的数字计分。";
  }
  if (code == scoring::kFlagApproximateValue) {
    return Subject(flag, "有一项") + "写的是约数，按区间中值计分；如有确切数字，请改成确切数字。";
  }

  if (code == scoring::kFlagLate) {
    return "日志在截止时间之后提交。";
  }
  if (code == scoring::kFlagEditedLate) {
    return "日志在截止时间之后修改过。";
  }
  return "日志有一项检查未通过，请检查内容。";
}

std::optional<std::string> FeedbackText(const FeedbackRequest& request) {
  std::string lines;
  for (const FlagRecord& flag : request.flags) {
    if (EditCanClear(flag.kind)) {
      lines += "- " + FeedbackSentence(flag) + "\n";
    }
  }
  if (lines.empty()) {
    return std::nullopt;
  }
  return "### 日志需要补充或修改\n\n你 " + request.work_date + " 的" + request.template_name +
         "有以下问题：\n\n" + lines + "\n请在 " + request.fix_by +
         " 前修改这篇日志，修改后会重新评分。";
}

}  // namespace logbridge::connector
