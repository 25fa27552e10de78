// The work notice that requests an edit from the author of a flagged log. It lists only the
// flags an edit can clear, each as a Chinese sentence, so the notice reads in one language. The
// English flag messages stay in the store, the admin API and the managers' reports. Stateless
// and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connector/store.h"

namespace logbridge::connector {

// Returns whether editing the log can clear a flag with this code. A log's lateness ("late",
// "edited_late") is fixed by the time it was submitted or edited, so no edit clears it, and
// "reused_text" needs no edit because the log's own values counted.
bool EditCanClear(std::string_view flag_code);

// Returns the notice sentence for one flag, e.g. "必填项「客户名称」缺失或为空。". A code that
// has no sentence of its own (a code added to the scoring library later) gets a generic one.
std::string FeedbackSentence(const FlagRecord& flag);

// The log, flags and edit deadline that one notice covers.
struct FeedbackRequest {
  std::string work_date;      // Shanghai date the log reports on, "2026-02-14"
  std::string template_name;  // e.g. "销售日报"
  std::vector<FlagRecord> flags;
  std::string fix_by;  // the edit deadline in Shanghai time, "2026-02-15 18:00"
};

// Returns the markdown body of the notice, with one line per flag that an edit can clear, or
// nullopt when no flag is left to list.
std::optional<std::string> FeedbackText(const FeedbackRequest& request);

}  // namespace logbridge::connector
