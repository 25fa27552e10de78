// Config lookups and the names of config enums; the TOML loader is in config_load.cc.
#include "scoring/config.h"

#include <algorithm>
#include <optional>

namespace logbridge::scoring {

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kText: return "text";
    case FieldType::kAmount: return "amount";
    case FieldType::kCount: return "count";
    case FieldType::kPercent: return "percent";
    case FieldType::kDuration: return "duration";
    case FieldType::kEnum: return "enum";
    case FieldType::kDate: return "date";
  }
  return "text";
}

std::string_view AggregationName(Aggregation aggregation) {
  switch (aggregation) {
    case Aggregation::kSum: return "sum";
    case Aggregation::kCount: return "count";
    case Aggregation::kMean: return "mean";
    case Aggregation::kMin: return "min";
    case Aggregation::kMax: return "max";
    case Aggregation::kDistinct: return "distinct";
    case Aggregation::kRatio: return "ratio";
  }
  return "sum";
}

std::string_view FlagActionName(FlagAction action) {
  switch (action) {
    case FlagAction::kReportOnly: return "report_only";
    case FlagAction::kDownWeight: return "down_weight";
    case FlagAction::kExclude: return "exclude";
  }
  return "report_only";
}

EpochMs Deadline::For(int64_t work_day) const {
  int64_t due_day = PeriodOfDay(period, work_day).end_day - 1 + days_after;
  return ShanghaiDayStart(due_day) + std::chrono::minutes(minute_of_day);
}

FlagAction ValidationSpec::ActionFor(std::string_view code) const {
  auto found = actions.find(std::string(code));
  return found == actions.end() ? FlagAction::kReportOnly : found->second;
}

std::string ConfigProblem::ToString() const {
  std::string text = file;
  if (line > 0) {
    text += ":" + std::to_string(line);
  }
  text += ": ";
  if (!key.empty()) {
    text += key + ": ";
  }
  return text + message + "; fix: " + fix;
}

const TemplateSpec* Config::FindTemplate(std::string_view name) const {
  for (const TemplateSpec& spec : templates) {
    if (spec.name == name) {
      return &spec;
    }
  }
  return nullptr;
}

int Config::FindMetric(std::string_view name) const {
  for (size_t i = 0; i < metrics.size(); ++i) {
    if (metrics[i].name == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

const RoleSpec* Config::FindRole(std::string_view name) const {
  for (const RoleSpec& role : roles) {
    if (role.name == name) {
      return &role;
    }
  }
  return nullptr;
}

namespace {

// Returns the role that the config maps the person to, which may be nullptr for a role name
// the config lacks, or nullopt when the person has no explicit role.
std::optional<const RoleSpec*> ExplicitRole(const Config& config, std::string_view creator_id) {
  if (config.person_roles.empty()) {
    return std::nullopt;
  }
  auto mapped = config.person_roles.find(creator_id);
  if (mapped == config.person_roles.end()) {
    return std::nullopt;
  }
  return config.FindRole(mapped->second);
}

}  // namespace

const RoleSpec* Config::RoleForLog(std::string_view creator_id,
                                   std::string_view template_name) const {
  if (std::optional<const RoleSpec*> explicit_role = ExplicitRole(*this, creator_id)) {
    return *explicit_role;
  }
  for (const RoleSpec& role : roles) {
    if (std::find(role.templates.begin(), role.templates.end(), template_name) !=
        role.templates.end()) {
      return &role;
    }
  }
  return nullptr;
}

const RoleSpec* Config::RoleForLog(std::string_view creator_id, const TemplateSpec& spec) const {
  if (std::optional<const RoleSpec*> explicit_role = ExplicitRole(*this, creator_id)) {
    return *explicit_role;
  }
  return spec.role_index >= 0 ? &roles[static_cast<size_t>(spec.role_index)] : nullptr;
}

std::optional<Decimal> Config::TargetFor(std::string_view creator_id, const KpiSpec& kpi) const {
  auto person = person_targets.find(creator_id);
  if (person != person_targets.end()) {
    auto target = person->second.find(kpi.name);
    if (target != person->second.end()) {
      return target->second;
    }
  }
  return kpi.target;
}

}  // namespace logbridge::scoring
