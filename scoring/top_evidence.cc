// The bounded evidence list of one metric: an offer is compared with the kept absolute values
// before any text is copied, and kept texts are copied into reused buffers.
#include "scoring/top_evidence.h"

#include <algorithm>

namespace logbridge::scoring {

void TopEvidence::Offer(const MetricValue& value, std::string_view report_id, bool down_weighted,
                        size_t cap) {
  int64_t abs_units = value.value.Abs().units();
  if (items_.size() < cap) {
    if (items_.empty()) {
      items_.reserve(std::min<size_t>(cap, 16));
      abs_units_.reserve(std::min<size_t>(cap, 16));
    }
    Fill(value, report_id, down_weighted, &items_.emplace_back());
    abs_units_.push_back(abs_units);
    if (items_.size() == cap) {
      FindSmallest();
    }
    return;
  }
  ++omitted_;
  if (cap == 0 || abs_units <= abs_units_[smallest_]) {
    return;
  }
  Fill(value, report_id, down_weighted, &items_[smallest_]);
  abs_units_[smallest_] = abs_units;
  FindSmallest();
}

void TopEvidence::Fill(const MetricValue& value, std::string_view report_id, bool down_weighted,
                       Item* item) {
  const EvidenceRef& origin = value.evidence;
  item->value = value.value;
  item->span = origin.span;
  item->down_weighted = down_weighted;
  item->approximate = origin.approximate;
  item->texts.Assign({report_id, origin.field_key, origin.source, origin.quote, origin.paired_key,
                      origin.paired_quote});
}

void TopEvidence::FindSmallest() {
  smallest_ = 0;
  for (size_t i = 1; i < abs_units_.size(); ++i) {
    if (abs_units_[i] <= abs_units_[smallest_]) {
      smallest_ = i;
    }
  }
}

void TopEvidence::AppendTo(Decimal down_weight, std::vector<Evidence>* out) const {
  for (const Item& item : items_) {
    // Rebuilt as Normalize found it, so ToEvidence composes the quote as it always does.
    MetricValue value;
    value.value = item.value;
    value.evidence.field_key = item.texts.Part(1);
    value.evidence.source = item.texts.Part(2);
    value.evidence.span = item.span;
    value.evidence.quote = item.texts.Part(3);
    value.evidence.paired_key = item.texts.Part(4);
    value.evidence.paired_quote = item.texts.Part(5);
    value.evidence.approximate = item.approximate;
    Evidence& evidence = out->emplace_back(value.ToEvidence(item.texts.Part(0)));
    if (item.down_weighted && down_weight != Decimal::FromInt(1)) {
      evidence.weight = down_weight;
      evidence.counted = item.value * down_weight;
    }
  }
}

}  // namespace logbridge::scoring
