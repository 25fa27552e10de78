// Tests of the feedback notice text: one Chinese sentence per flag code, lateness left out
// because no edit clears it, and no notice when nothing else is left.
#include "connector/log_feedback.h"

#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "scoring/config.h"

namespace logbridge::connector {
namespace {

bool HasLatinLetter(const std::string& text) {
  for (char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      return true;
    }
  }
  return false;
}

FlagRecord Flag(std::string_view code, std::string field = "") {
  return FlagRecord{std::string(code), "warning", std::move(field), "an English message", 0, 0};
}

TEST_CASE("every flag code has a Chinese sentence", "[connector]") {
  for (std::string_view code : scoring::kAllFlagCodes) {
    const std::string sentence = FeedbackSentence(Flag(code));
    INFO(code << ": " << sentence);
    CHECK_FALSE(sentence.empty());
    CHECK_FALSE(HasLatinLetter(sentence));
  }
  // A field flag names the field, in 「」.
  CHECK(FeedbackSentence(Flag(scoring::kFlagMissingField, "客户名称")) ==
        "必填项「客户名称」缺失或为空。");
}

TEST_CASE("lateness and reused text need no edit", "[connector]") {
  for (std::string_view code : scoring::kAllFlagCodes) {
    INFO(code);
    const bool no_edit = code == scoring::kFlagLate || code == scoring::kFlagEditedLate ||
                         code == scoring::kFlagReusedText;
    CHECK(EditCanClear(code) == !no_edit);
  }
}

TEST_CASE("notice lists fixable flags in Chinese", "[connector]") {
  FeedbackRequest request{"2026-11-02", "销售日报",
                          {Flag(scoring::kFlagLate), Flag(scoring::kFlagMissingField, "今日工作"),
                           Flag(scoring::kFlagEditedLate)},
                          "2026-12-06 06:20"};
  std::optional<std::string> text = FeedbackText(request);
  REQUIRE(text.has_value());
  CHECK(*text ==
        "### 日志需要补充或修改\n\n你 2026-11-02 的销售日报有以下问题：\n\n"
        "- 必填项「今日工作」缺失或为空。\n\n"
        "请在 2026-12-06 06:20 前修改这篇日志，修改后会重新评分。");
}

TEST_CASE("notice of lateness alone is not sent", "[connector]") {
  FeedbackRequest request{"2026-11-02", "销售日报",
                          {Flag(scoring::kFlagLate), Flag(scoring::kFlagEditedLate)},
                          "2026-12-06 06:20"};
  CHECK_FALSE(FeedbackText(request).has_value());
}

}  // namespace
}  // namespace logbridge::connector
