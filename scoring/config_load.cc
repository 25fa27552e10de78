// Loads the TOML config with toml++. This file is the adapter for toml++'s parse exception.
// Loading runs in passes (metrics, templates, rules, roles, people, validation) so that every
// reference is checked after all names are known and every problem is collected, not just the
// first.
#include "scoring/config.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace logbridge::scoring {
namespace {

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

// Returns "invalid value V: " with the node's value as TOML writes it (strings quoted), or ""
// for a missing node, to start a message about a value the config gave.
std::string InvalidValue(const toml::node* node) {
  if (node == nullptr) {
    return "";
  }
  if (const toml::value<std::string>* text = node->as_string()) {
    return "invalid value " + Quoted(text->get()) + ": ";
  }
  std::ostringstream text;
  node->visit([&text](const auto& value) { text << value; });
  return "invalid value " + text.str() + ": ";
}

// Collects problems and reads typed values, each read naming its dotted key on failure.
class Loader {
 public:
  Loader(std::string source, std::vector<ConfigProblem>* problems)
      : source_(std::move(source)), problems_(problems) {}

  const std::string& source() const { return source_; }

  void Problem(const toml::node* node, std::string key, std::string message, std::string fix) {
    int line = node != nullptr ? static_cast<int>(node->source().begin.line) : 0;
    problems_->push_back({source_, line, std::move(key), std::move(message), std::move(fix)});
  }

  // Reports keys of a table that the schema does not know, which are usually misspellings.
  void CheckKeys(const toml::table& table, const std::string& path,
                 std::initializer_list<std::string_view> known) {
    for (const auto& [name, node] : table) {
      if (std::find(known.begin(), known.end(), name.str()) == known.end()) {
        std::string choices;
        for (std::string_view key : known) {
          choices += (choices.empty() ? "" : ", ") + std::string(key);
        }
        Problem(&node, Join(path, name.str()), "unknown key",
                "remove it or use one of: " + choices);
      }
    }
  }

  std::optional<std::string> String(const toml::table& table, const std::string& path,
                                    std::string_view name, bool required) {
    const toml::node* node = table.get(name);
    if (node == nullptr) {
      if (required) {
        Problem(&table, Join(path, name), "missing", "add " + std::string(name) + " = \"...\"");
      }
      return std::nullopt;
    }
    if (!node->is_string()) {
      Problem(node, Join(path, name), InvalidValue(node) + "must be a string",
              "write it in double quotes");
      return std::nullopt;
    }
    return std::string(node->as_string()->get());
  }

  std::optional<Decimal> Number(const toml::table& table, const std::string& path,
                                std::string_view name, bool required) {
    const toml::node* node = table.get(name);
    if (node == nullptr) {
      if (required) {
        Problem(&table, Join(path, name), "missing", "add " + std::string(name) + " = <number>");
      }
      return std::nullopt;
    }
    return NodeDecimal(*node, Join(path, name));
  }

  std::optional<Decimal> NodeDecimal(const toml::node& node, const std::string& key) {
    std::optional<Decimal> value;
    if (node.is_integer()) {
      int64_t whole = node.as_integer()->get();
      if (whole > -900'000'000'000'000LL && whole < 900'000'000'000'000LL) {
        value = Decimal::FromInt(whole);
      }
    } else if (node.is_floating_point()) {
      // TOML floats are binary, so 0.1 is read within a tolerance. A fifth decimal place is an
      // error rather than a silent rounding.
      double number = node.as_floating_point()->get();
      double units = number * Decimal::kScale;
      if (std::fabs(units - std::nearbyint(units)) <= 1e-6 * std::max(1.0, std::fabs(units))) {
        char buffer[64];
        std::snprintf(buffer, sizeof(buffer), "%.4f", number);
        value = Decimal::Parse(buffer);
      }
    } else if (node.is_string()) {
      value = Decimal::Parse(node.as_string()->get());
    }
    if (!value) {
      Problem(&node, key, InvalidValue(&node) + "not a number within range",
              "write a number such as 40 or 4.5 (at most four decimal places)");
    }
    return value;
  }

  std::optional<bool> Bool(const toml::table& table, const std::string& path,
                           std::string_view name) {
    const toml::node* node = table.get(name);
    if (node == nullptr) {
      return std::nullopt;
    }
    if (!node->is_boolean()) {
      Problem(node, Join(path, name), InvalidValue(node) + "must be true or false",
              "write true or false, unquoted");
      return std::nullopt;
    }
    return node->as_boolean()->get();
  }

  std::optional<int64_t> Integer(const toml::table& table, const std::string& path,
                                 std::string_view name, int64_t min, int64_t max) {
    const toml::node* node = table.get(name);
    if (node == nullptr) {
      return std::nullopt;
    }
    if (!node->is_integer() || node->as_integer()->get() < min ||
        node->as_integer()->get() > max) {
      Problem(node, Join(path, name),
              InvalidValue(node) + "must be a whole number from " + std::to_string(min) + " to " +
                  std::to_string(max),
              "write a whole number in that range");
      return std::nullopt;
    }
    return node->as_integer()->get();
  }

  std::vector<std::string> Strings(const toml::table& table, const std::string& path,
                                   std::string_view name) {
    std::vector<std::string> values;
    const toml::node* node = table.get(name);
    if (node == nullptr) {
      return values;
    }
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      Problem(node, Join(path, name), "must be an array of strings", "write [\"a\", \"b\"]");
      return values;
    }
    for (const toml::node& item : *array) {
      if (!item.is_string()) {
        Problem(&item, Join(path, name), "contains a value that is not a string",
                "quote every item");
        continue;
      }
      values.emplace_back(item.as_string()->get());
    }
    return values;
  }

  // Returns the sub-table at name, reporting a problem when it exists but is not a table.
  const toml::table* Table(const toml::table& table, const std::string& path,
                           std::string_view name) {
    const toml::node* node = table.get(name);
    if (node == nullptr) {
      return nullptr;
    }
    if (!node->is_table()) {
      Problem(node, Join(path, name), "must be a table", "write [" + Join(path, name) + "]");
      return nullptr;
    }
    return node->as_table();
  }

  static std::string Join(std::string_view path, std::string_view name) {
    return path.empty() ? std::string(name) : std::string(path) + "." + std::string(name);
  }

 private:
  std::string source_;
  std::vector<ConfigProblem>* problems_;
};

template <typename Enum, size_t N>
std::optional<Enum> EnumByName(std::string_view text, const Enum (&values)[N],
                               std::string_view (*name_of)(Enum)) {
  for (Enum value : values) {
    if (name_of(value) == text) {
      return value;
    }
  }
  return std::nullopt;
}

template <typename Enum, size_t N>
std::string EnumChoices(const Enum (&values)[N], std::string_view (*name_of)(Enum)) {
  std::string choices;
  for (Enum value : values) {
    choices += (choices.empty() ? "" : ", ") + std::string(name_of(value));
  }
  return choices;
}

constexpr FieldType kFieldTypes[] = {FieldType::kText,    FieldType::kAmount,
                                     FieldType::kCount,   FieldType::kPercent,
                                     FieldType::kDuration, FieldType::kEnum, FieldType::kDate};
constexpr Aggregation kAggregations[] = {Aggregation::kSum,      Aggregation::kCount,
                                         Aggregation::kMean,     Aggregation::kMin,
                                         Aggregation::kMax,      Aggregation::kDistinct,
                                         Aggregation::kRatio};
constexpr FlagAction kFlagActions[] = {FlagAction::kReportOnly, FlagAction::kDownWeight,
                                       FlagAction::kExclude};
constexpr QuantityKind kQuantityKinds[] = {QuantityKind::kCount, QuantityKind::kAmount,
                                           QuantityKind::kPercent, QuantityKind::kDuration};

std::string_view QuantityKindName(QuantityKind kind) {
  switch (kind) {
    case QuantityKind::kCount: return "count";
    case QuantityKind::kAmount: return "amount";
    case QuantityKind::kPercent: return "percent";
    case QuantityKind::kDuration: return "duration";
  }
  return "count";
}

// Parses "HH:MM" into minutes after midnight.
std::optional<int32_t> ParseClock(std::string_view text) {
  int hours = 0;
  int minutes = 0;
  char extra = 0;
  std::string copy(text);
  if (std::sscanf(copy.c_str(), "%d:%d%c", &hours, &minutes, &extra) != 2 || hours < 0 ||
      hours > 23 || minutes < 0 || minutes > 59) {
    return std::nullopt;
  }
  return hours * 60 + minutes;
}

// The config loader, one method per section. Members are the loader's working state.
class ConfigBuilder {
 public:
  ConfigBuilder(std::string source, std::vector<ConfigProblem>* problems)
      : loader_(std::move(source), problems) {
    config_.source = loader_.source();
  }

  // Loads every section; the config is usable only when no problem was recorded.
  Config Build(const toml::table& root);

 private:
  void LoadTop(const toml::table& root);
  void LoadMetrics(const toml::table* metrics);
  void LoadTemplates(const toml::node* templates);
  void LoadField(const toml::table& table, const std::string& path, TemplateSpec* spec);
  void LoadDeadline(const toml::table& table, const std::string& path, TemplateSpec* spec);
  void LoadRules(const toml::node* rules);
  void CompileExtractors();
  void CheckMetricSources();
  void LoadRoles(const toml::table* roles);
  void LoadKpi(const toml::table& table, const std::string& path, RoleSpec* role);
  void LoadCurve(const toml::table& table, const std::string& path, KpiSpec* kpi);
  void LoadPeople(const toml::table* people, const toml::table* targets);
  void LoadValidation(const toml::table* validation);

  // Records that a metric name is referenced at node; reports it when unknown.
  int MetricReference(const std::string& name, const toml::node* node, const std::string& key);
  bool HasField(std::string_view key, std::optional<FieldType> type) const;

  Loader loader_;
  Config config_;
  std::map<std::string, const toml::node*> metric_nodes_;
};

Config ConfigBuilder::Build(const toml::table& root) {
  LoadTop(root);
  LoadMetrics(loader_.Table(root, "", "metrics"));
  LoadTemplates(root.get("templates"));
  LoadRules(root.get("rules"));
  CompileExtractors();
  CheckMetricSources();
  LoadRoles(loader_.Table(root, "", "roles"));
  LoadPeople(loader_.Table(root, "", "people"), loader_.Table(root, "", "targets"));
  LoadValidation(loader_.Table(root, "", "validation"));
  return std::move(config_);
}

void ConfigBuilder::LoadTop(const toml::table& root) {
  loader_.CheckKeys(root, "",
                    {"period", "target_period", "metrics", "templates", "rules", "roles",
                     "people", "targets", "validation"});
  for (auto [key, kind] : {std::pair{"period", &config_.period},
                           std::pair{"target_period", &config_.target_period}}) {
    std::optional<std::string> text = loader_.String(root, "", key, false);
    if (!text) {
      continue;
    }
    Result<PeriodKind> parsed = ParsePeriodKind(*text);
    if (parsed.ok()) {
      *kind = *parsed;
    } else {
      loader_.Problem(root.get(key), key, "invalid value " + Quoted(*text),
                      "use day, week, month or quarter");
    }
  }
}

void ConfigBuilder::LoadMetrics(const toml::table* metrics) {
  if (metrics == nullptr || metrics->empty()) {
    loader_.Problem(nullptr, "metrics", "no metrics are defined",
                    "add at least one [metrics.NAME] table with an aggregation");
    return;
  }
  for (const auto& [name, node] : *metrics) {
    std::string path = "metrics." + std::string(name.str());
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      loader_.Problem(&node, path, "must be a table", "write [" + path + "]");
      continue;
    }
    loader_.CheckKeys(*table, path,
                      {"aggregation", "numerator", "denominator", "scale", "planned_field",
                       "actual_field"});
    MetricSpec metric;
    metric.name = std::string(name.str());
    metric.line = static_cast<int>(table->source().begin.line);
    std::string aggregation = loader_.String(*table, path, "aggregation", true).value_or("sum");
    std::optional<Aggregation> parsed =
        EnumByName(aggregation, kAggregations, &AggregationName);
    if (!parsed) {
      loader_.Problem(table->get("aggregation"), path + ".aggregation",
                      "invalid value " + Quoted(aggregation),
                      "use one of: " + EnumChoices(kAggregations, &AggregationName));
    }
    metric.aggregation = parsed.value_or(Aggregation::kSum);
    metric.numerator = loader_.String(*table, path, "numerator", false).value_or("");
    metric.denominator = loader_.String(*table, path, "denominator", false).value_or("");
    metric.scale = loader_.Number(*table, path, "scale", false).value_or(Decimal::FromInt(1));
    metric.planned_field = loader_.String(*table, path, "planned_field", false).value_or("");
    metric.actual_field = loader_.String(*table, path, "actual_field", false).value_or("");
    metric_nodes_[metric.name] = table;
    config_.metrics.push_back(std::move(metric));
  }
}

int ConfigBuilder::MetricReference(const std::string& name, const toml::node* node,
                                   const std::string& key) {
  int index = config_.FindMetric(name);
  if (index < 0) {
    std::string known;
    for (const MetricSpec& metric : config_.metrics) {
      known += (known.empty() ? "" : ", ") + metric.name;
    }
    loader_.Problem(node, key, "refers to metric " + Quoted(name) + ", which is not defined",
                    "define [metrics." + name + "] or use one of: " + known);
  }
  return index;
}

void ConfigBuilder::LoadTemplates(const toml::node* templates) {
  const toml::array* array = templates != nullptr ? templates->as_array() : nullptr;
  if (array == nullptr || array->empty()) {
    loader_.Problem(templates, "templates", "no templates are defined",
                    "add a [[templates]] table with a name and its fields");
    return;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < array->size(); ++i) {
    std::string path = "templates[" + std::to_string(i) + "]";
    const toml::table* table = (*array)[i].as_table();
    if (table == nullptr) {
      loader_.Problem(&(*array)[i], path, "must be a table", "write [[templates]]");
      continue;
    }
    loader_.CheckKeys(*table, path, {"name", "deadline", "fields"});
    TemplateSpec spec;
    spec.name = loader_.String(*table, path, "name", true).value_or("");
    spec.line = static_cast<int>(table->source().begin.line);
    if (!spec.name.empty() && !names.insert(spec.name).second) {
      loader_.Problem(table, path + ".name", "template " + Quoted(spec.name) + " is defined twice",
                      "merge the two [[templates]] tables");
    }
    if (const toml::table* deadline = loader_.Table(*table, path, "deadline")) {
      LoadDeadline(*deadline, path + ".deadline", &spec);
    }
    const toml::node* fields = table->get("fields");
    const toml::array* field_array = fields != nullptr ? fields->as_array() : nullptr;
    if (field_array == nullptr || field_array->empty()) {
      loader_.Problem(table, path + ".fields", "the template has no fields",
                      "add [[templates.fields]] tables with key and type");
    } else {
      for (size_t j = 0; j < field_array->size(); ++j) {
        std::string field_path = path + ".fields[" + std::to_string(j) + "]";
        if (const toml::table* field = (*field_array)[j].as_table()) {
          LoadField(*field, field_path, &spec);
        } else {
          loader_.Problem(&(*field_array)[j], field_path, "must be a table",
                          "write [[templates.fields]]");
        }
      }
    }
    config_.templates.push_back(std::move(spec));
  }
}

void ConfigBuilder::LoadDeadline(const toml::table& table, const std::string& path,
                                 TemplateSpec* spec) {
  loader_.CheckKeys(table, path, {"period", "time", "days_after"});
  Deadline deadline;
  if (std::optional<std::string> period = loader_.String(table, path, "period", false)) {
    Result<PeriodKind> kind = ParsePeriodKind(*period);
    if (kind.ok()) {
      deadline.period = *kind;
    } else {
      loader_.Problem(table.get("period"), path + ".period", "invalid value " + Quoted(*period),
                      "use day, week, month or quarter");
    }
  }
  if (std::optional<std::string> time = loader_.String(table, path, "time", false)) {
    std::optional<int32_t> minute = ParseClock(*time);
    if (minute) {
      deadline.minute_of_day = *minute;
    } else {
      loader_.Problem(table.get("time"), path + ".time", "invalid time " + Quoted(*time),
                      "write a 24-hour Shanghai time such as \"21:00\"");
    }
  }
  deadline.days_after = static_cast<int32_t>(
      loader_.Integer(table, path, "days_after", 0, 366).value_or(0));
  spec->deadline = deadline;
}

void ConfigBuilder::LoadField(const toml::table& table, const std::string& path,
                              TemplateSpec* spec) {
  loader_.CheckKeys(table, path,
                    {"key", "sort", "type", "unit", "choices", "required", "metric", "extract",
                     "work_date", "customer"});
  FieldSpec field;
  field.line = static_cast<int>(table.source().begin.line);
  field.key = loader_.String(table, path, "key", true).value_or("");
  field.sort = static_cast<int32_t>(loader_.Integer(table, path, "sort", 0, 1000).value_or(-1));
  std::string type = loader_.String(table, path, "type", false).value_or("text");
  std::optional<FieldType> parsed = EnumByName(type, kFieldTypes, &FieldTypeName);
  if (!parsed) {
    loader_.Problem(table.get("type"), path + ".type", "invalid value " + Quoted(type),
                    "use one of: " + EnumChoices(kFieldTypes, &FieldTypeName));
  }
  field.type = parsed.value_or(FieldType::kText);
  field.unit = loader_.String(table, path, "unit", false).value_or("");
  field.required = loader_.Bool(table, path, "required").value_or(false);
  field.extract = loader_.Bool(table, path, "extract").value_or(true);
  field.work_date = loader_.Bool(table, path, "work_date").value_or(false);
  field.customer = loader_.Bool(table, path, "customer").value_or(false);

  std::optional<QuantityKind> kind = QuantityKindOf(field.type);
  if (!field.unit.empty() && kind && !ParseQuantity("1", *kind, field.unit)) {
    loader_.Problem(table.get("unit"), path + ".unit",
                    "unit " + Quoted(field.unit) + " is not a known " + type + " unit",
                    field.type == FieldType::kAmount
                        ? "amounts are in renminbi only: use 元, 块, 人民币 or RMB, optionally "
                          "after a scale 千, 万 or 亿 (千元, 万元, 亿元); other currencies such "
                          "as 美元 are not converted"
                        : "use 小时 (or h), 分钟, or 天 / 工作日, which count as 8 hours");
  }
  if (field.type == FieldType::kEnum) {
    if (const toml::table* choices = loader_.Table(table, path, "choices")) {
      for (const auto& [text, value] : *choices) {
        std::optional<Decimal> number =
            loader_.NodeDecimal(value, path + ".choices." + std::string(text.str()));
        if (number) {
          field.choices[std::string(text.str())] = *number;
        }
      }
    }
    if (field.choices.empty()) {
      loader_.Problem(&table, path + ".choices", "an enum field needs choices",
                      "add choices = { \"满意\" = 5, \"一般\" = 3, \"不满意\" = 1 }");
    }
  }
  if (field.work_date && field.type != FieldType::kDate) {
    loader_.Problem(table.get("work_date"), path + ".work_date",
                    "only a date field can be the work date", "set type = \"date\" or remove it");
  }
  if (std::optional<std::string> metric = loader_.String(table, path, "metric", false)) {
    field.metric = *metric;
    field.metric_index = MetricReference(*metric, table.get("metric"), path + ".metric");
    if (field.type == FieldType::kDate) {
      loader_.Problem(table.get("metric"), path + ".metric", "a date field cannot feed a metric",
                      "remove metric, or change the field's type");
    }
  }
  // Each field spec finds its value by key first, so a second spec with the same key would read
  // the first one's value again and count it twice.
  for (const FieldSpec& earlier : spec->fields) {
    if (!field.key.empty() && earlier.key == field.key) {
      loader_.Problem(table.get("key"), path + ".key",
                      "field key " + Quoted(field.key) + " is already used by the field at line " +
                          std::to_string(earlier.line) + " of template " + Quoted(spec->name),
                      "give each field of a template its own key, as DingTalk names it in "
                      "contents[].key");
      break;
    }
  }
  spec->fields.push_back(std::move(field));
}

void ConfigBuilder::LoadRules(const toml::node* rules) {
  if (rules == nullptr) {
    return;
  }
  const toml::array* array = rules->as_array();
  if (array == nullptr) {
    loader_.Problem(rules, "rules", "must be an array of tables", "write [[rules]]");
    return;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < array->size(); ++i) {
    std::string path = "rules[" + std::to_string(i) + "]";
    const toml::table* table = (*array)[i].as_table();
    if (table == nullptr) {
      loader_.Problem(&(*array)[i], path, "must be a table", "write [[rules]]");
      continue;
    }
    loader_.CheckKeys(*table, path,
                      {"name", "metric", "pattern", "kind", "measure_words", "max_gap", "fields"});
    RuleSpec spec;
    spec.line = static_cast<int>(table->source().begin.line);
    spec.rule.name = loader_.String(*table, path, "name", true).value_or("");
    if (!spec.rule.name.empty() && !names.insert(spec.rule.name).second) {
      loader_.Problem(table, path + ".name", "rule " + Quoted(spec.rule.name) + " is defined twice",
                      "give each rule its own name");
    }
    spec.rule.metric = loader_.String(*table, path, "metric", true).value_or("");
    if (!spec.rule.metric.empty()) {
      MetricReference(spec.rule.metric, table->get("metric"), path + ".metric");
    }
    spec.rule.pattern = loader_.String(*table, path, "pattern", true).value_or("");
    std::string kind = loader_.String(*table, path, "kind", false).value_or("count");
    std::optional<QuantityKind> parsed = EnumByName(kind, kQuantityKinds, &QuantityKindName);
    if (!parsed) {
      loader_.Problem(table->get("kind"), path + ".kind", "invalid value " + Quoted(kind),
                      "use one of: " + EnumChoices(kQuantityKinds, &QuantityKindName));
    }
    spec.rule.kind = parsed.value_or(QuantityKind::kCount);
    spec.rule.measure_words = loader_.Strings(*table, path, "measure_words");
    spec.rule.max_gap =
        static_cast<int>(loader_.Integer(*table, path, "max_gap", 0, 64).value_or(8));
    spec.fields = loader_.Strings(*table, path, "fields");
    for (const std::string& key : spec.fields) {
      if (!HasField(key, FieldType::kText)) {
        loader_.Problem(table->get("fields"), path + ".fields",
                        "names " + Quoted(key) + ", which is no text field of any template",
                        "use the key of a text field, or remove it to read every text field");
      }
    }

    // Compile each pattern alone first, so an invalid one is reported at its own rule.
    if (spec.rule.pattern.empty() && table->contains("pattern")) {
      loader_.Problem(table->get("pattern"), path + ".pattern",
                      "is empty, so the rule would never match",
                      "set it to the trigger words, e.g. pattern = \"拜访|走访\"");
    } else if (!spec.rule.pattern.empty()) {
      Result<Extractor> alone = Extractor::Create({spec.rule});
      if (!alone.ok()) {
        loader_.Problem(table->get("pattern"), path + ".pattern", alone.error().message,
                        "fix the RE2 pattern (RE2 has no backreferences or lookaround)");
      }
    }
    config_.rules.push_back(std::move(spec));
  }
}

void ConfigBuilder::CompileExtractors() {
  // Fields whose applicable rules are the same share one compiled Extractor.
  std::map<std::vector<size_t>, int> by_rule_set;
  for (TemplateSpec& spec : config_.templates) {
    for (FieldSpec& field : spec.fields) {
      if (field.type != FieldType::kText || !field.extract) {
        continue;
      }
      std::vector<size_t> rule_set;
      for (size_t i = 0; i < config_.rules.size(); ++i) {
        const std::vector<std::string>& fields = config_.rules[i].fields;
        if (fields.empty() || std::find(fields.begin(), fields.end(), field.key) != fields.end()) {
          rule_set.push_back(i);
        }
      }
      if (rule_set.empty()) {
        continue;
      }
      auto found = by_rule_set.find(rule_set);
      if (found != by_rule_set.end()) {
        field.extractor = found->second;
        continue;
      }
      std::vector<ExtractionRule> rules;
      std::vector<ExtractorRuleTarget> targets;
      for (size_t i : rule_set) {
        rules.push_back(config_.rules[i].rule);
        targets.push_back({i, config_.FindMetric(config_.rules[i].rule.metric)});
      }
      Result<Extractor> extractor = Extractor::Create(std::move(rules));
      if (!extractor.ok()) {
        continue;  // Each invalid pattern was already reported at its rule.
      }
      field.extractor = static_cast<int>(config_.extractors.size());
      by_rule_set[rule_set] = field.extractor;
      config_.extractors.push_back(std::move(extractor).value());
      config_.extractor_targets.push_back(std::move(targets));
    }
  }
}

bool ConfigBuilder::HasField(std::string_view key, std::optional<FieldType> type) const {
  for (const TemplateSpec& spec : config_.templates) {
    for (const FieldSpec& field : spec.fields) {
      if (field.key == key && (!type || field.type == *type)) {
        return true;
      }
    }
  }
  return false;
}

void ConfigBuilder::CheckMetricSources() {
  for (const MetricSpec& metric : config_.metrics) {
    const toml::node* node = metric_nodes_[metric.name];
    std::string path = "metrics." + metric.name;
    if (metric.aggregation == Aggregation::kRatio) {
      for (const std::string* part : {&metric.numerator, &metric.denominator}) {
        std::string key = path + (part == &metric.numerator ? ".numerator" : ".denominator");
        if (part->empty()) {
          loader_.Problem(node, key, "a ratio metric needs a numerator and a denominator",
                          "name two other metrics");
        } else if (*part == metric.name) {
          loader_.Problem(node, key, "a ratio metric cannot refer to itself",
                          "name another metric");
        } else if (int index = MetricReference(*part, node, key);
                   index >= 0 && config_.metrics[index].aggregation == Aggregation::kRatio) {
          loader_.Problem(node, key, "refers to ratio metric " + Quoted(*part),
                          "build ratios from non-ratio metrics only");
        }
      }
      continue;
    }
    if (!metric.planned_field.empty() || !metric.actual_field.empty()) {
      for (const std::string* key : {&metric.planned_field, &metric.actual_field}) {
        if (!HasField(*key, FieldType::kDuration)) {
          loader_.Problem(node, path + (key == &metric.planned_field ? ".planned_field"
                                                                     : ".actual_field"),
                          "names " + Quoted(*key) + ", which is no duration field of any template",
                          "set planned_field and actual_field to keys of duration fields");
        }
      }
      continue;
    }
    bool fed = false;
    for (const TemplateSpec& spec : config_.templates) {
      for (const FieldSpec& field : spec.fields) {
        fed = fed || field.metric == metric.name;
      }
    }
    for (const RuleSpec& rule : config_.rules) {
      fed = fed || rule.rule.metric == metric.name;
    }
    if (!fed) {
      loader_.Problem(node, path, "no template field and no rule feeds this metric",
                      "set metric = \"" + metric.name +
                          "\" on a template field or an extraction rule, or remove the metric");
    }
  }
}

void ConfigBuilder::LoadRoles(const toml::table* roles) {
  if (roles == nullptr || roles->empty()) {
    loader_.Problem(nullptr, "roles", "no roles are defined",
                    "add a [roles.NAME] table with templates and [[roles.NAME.kpis]]");
    return;
  }
  for (const auto& [name, node] : *roles) {
    std::string path = "roles." + std::string(name.str());
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      loader_.Problem(&node, path, "must be a table", "write [" + path + "]");
      continue;
    }
    loader_.CheckKeys(*table, path, {"templates", "missing", "kpis"});
    RoleSpec role;
    role.name = std::string(name.str());
    role.line = static_cast<int>(table->source().begin.line);
    role.templates = loader_.Strings(*table, path, "templates");
    for (const std::string& template_name : role.templates) {
      if (config_.FindTemplate(template_name) == nullptr) {
        loader_.Problem(table->get("templates"), path + ".templates",
                        "names template " + Quoted(template_name) + ", which is not defined",
                        "add a [[templates]] table with that name or fix the spelling");
      }
    }
    std::string missing = loader_.String(*table, path, "missing", false).value_or("zero");
    if (missing == "renormalize") {
      role.missing = MissingPolicy::kRenormalize;
    } else if (missing != "zero") {
      loader_.Problem(table->get("missing"), path + ".missing", "invalid value " + Quoted(missing),
                      "use zero or renormalize");
    }

    const toml::node* kpis = table->get("kpis");
    const toml::array* kpi_array = kpis != nullptr ? kpis->as_array() : nullptr;
    if (kpi_array == nullptr || kpi_array->empty()) {
      loader_.Problem(table, path + ".kpis", "the role has no KPIs",
                      "add [[" + path + ".kpis]] tables with metric and weight");
    } else {
      for (size_t i = 0; i < kpi_array->size(); ++i) {
        std::string kpi_path = path + ".kpis[" + std::to_string(i) + "]";
        if (const toml::table* kpi = (*kpi_array)[i].as_table()) {
          LoadKpi(*kpi, kpi_path, &role);
        } else {
          loader_.Problem(&(*kpi_array)[i], kpi_path, "must be a table",
                          "write [[" + path + ".kpis]]");
        }
      }
      Decimal sum;
      std::string terms;
      for (const KpiSpec& kpi : role.kpis) {
        sum = sum + kpi.weight;
        terms += (terms.empty() ? "" : " + ") + kpi.weight.ToString();
      }
      if (!role.kpis.empty() && sum != Decimal::FromInt(100)) {
        loader_.Problem(kpis, path + ".kpis",
                        "weights sum to " + sum.ToString() + " (" + terms + "), not 100",
                        "change the weights so they add up to 100");
      }
    }
    config_.roles.push_back(std::move(role));
  }

  for (TemplateSpec& spec : config_.templates) {
    for (size_t i = 0; i < config_.roles.size() && spec.role_index < 0; ++i) {
      const std::vector<std::string>& names = config_.roles[i].templates;
      if (std::find(names.begin(), names.end(), spec.name) != names.end()) {
        spec.role_index = static_cast<int>(i);
      }
    }
  }
}

void ConfigBuilder::LoadKpi(const toml::table& table, const std::string& path, RoleSpec* role) {
  loader_.CheckKeys(table, path, {"name", "metric", "weight", "target", "lower_is_better", "curve"});
  KpiSpec kpi;
  kpi.line = static_cast<int>(table.source().begin.line);
  std::optional<std::string> metric = loader_.String(table, path, "metric", false);
  if (!metric) {
    loader_.Problem(&table, path + ".metric", "the KPI has no metric",
                    "add metric = \"NAME\" naming one of the [metrics] tables");
  } else {
    kpi.metric = *metric;
    kpi.metric_index = MetricReference(*metric, table.get("metric"), path + ".metric");
  }

  kpi.name = loader_.String(table, path, "name", false).value_or(kpi.metric);
  for (const KpiSpec& other : role->kpis) {
    if (!kpi.name.empty() && other.name == kpi.name) {
      loader_.Problem(&table, path + ".name", "KPI " + Quoted(kpi.name) + " appears twice in role",
                      "give each KPI of a role its own name");
    }
  }

  kpi.weight = loader_.Number(table, path, "weight", true).value_or(Decimal());
  if (table.get("weight") != nullptr && kpi.weight <= Decimal()) {
    loader_.Problem(table.get("weight"), path + ".weight",
                    InvalidValue(table.get("weight")) + "must be greater than 0",
                    "give the KPI a positive weight or remove it");
  }
  kpi.target = loader_.Number(table, path, "target", false);
  if (kpi.target && *kpi.target <= Decimal()) {
    loader_.Problem(table.get("target"), path + ".target",
                    InvalidValue(table.get("target")) + "must be greater than 0",
                    "set a positive target");
  }

  kpi.lower_is_better = loader_.Bool(table, path, "lower_is_better").value_or(false);
  kpi.curve.lower_is_better = kpi.lower_is_better;
  if (const toml::table* curve = loader_.Table(table, path, "curve")) {
    LoadCurve(*curve, path + ".curve", &kpi);
  }
  // A target that is present but invalid was reported above, so it is not also called missing.
  if (kpi.curve.on_achievement && !kpi.target && table.get("target") == nullptr) {
    loader_.Problem(&table, path + ".target",
                    "the curve is on achievement, which needs a target",
                    "add target = <number>, or set curve.on = \"value\" with points in raw units");
  }
  role->kpis.push_back(std::move(kpi));
}

void ConfigBuilder::LoadCurve(const toml::table& table, const std::string& path, KpiSpec* kpi) {
  loader_.CheckKeys(table, path, {"on", "points", "bands", "cap"});
  Curve& curve = kpi->curve;
  std::string on = loader_.String(table, path, "on", false).value_or("");
  if (!on.empty() && on != "achievement" && on != "value") {
    loader_.Problem(table.get("on"), path + ".on", "invalid value " + Quoted(on),
                    "use achievement (x in percent of target) or value (x in raw units)");
  }
  curve.cap = loader_.Number(table, path, "cap", false).value_or(Decimal::FromInt(1));

  const toml::node* points = table.get("points");
  const toml::node* bands = table.get("bands");
  if (points != nullptr && bands != nullptr) {
    loader_.Problem(bands, path, "has both points and bands", "keep one of them");
  }
  const toml::node* list = bands != nullptr ? bands : points;
  curve.kind = bands != nullptr ? Curve::Kind::kBands : Curve::Kind::kLinear;
  // A curve with its own points defaults to raw values, which is how admins write thresholds.
  curve.on_achievement = on.empty() ? list == nullptr : on == "achievement";
  if (list == nullptr) {
    return;
  }
  std::string list_key = path + (bands != nullptr ? ".bands" : ".points");
  const toml::array* array = list->as_array();
  curve.points.clear();
  for (size_t i = 0; array != nullptr && i < array->size(); ++i) {
    const toml::array* pair = (*array)[i].as_array();
    if (pair == nullptr || pair->size() != 2) {
      loader_.Problem(&(*array)[i], list_key, "each entry must be a pair [x, fraction]",
                      "write entries like [3, 0] and [5, 1]");
      return;
    }
    std::optional<Decimal> x = loader_.NodeDecimal((*pair)[0], list_key);
    std::optional<Decimal> fraction = loader_.NodeDecimal((*pair)[1], list_key);
    if (!x || !fraction) {
      return;
    }
    curve.points.push_back({*x, *fraction});
  }
  if (array == nullptr) {
    loader_.Problem(list, list_key, "must be an array of [x, fraction] pairs",
                    "write [[3, 0], [5, 1]]");
    return;
  }
  if (curve.cap < Decimal()) {
    loader_.Problem(table.get("cap"), path + ".cap", "cap " + curve.cap.ToString() + " is negative",
                    "use a cap of 0 or more, such as 1 for full points or 1.2 for 120%");
  } else if (std::optional<std::string> problem = curve.Check()) {
    loader_.Problem(list, list_key, *problem,
                    curve.Falling() ? "list x ascending with fractions that never rise"
                                    : "list x ascending with fractions that never fall");
  }
}

void ConfigBuilder::LoadPeople(const toml::table* people, const toml::table* targets) {
  if (people != nullptr) {
    for (const auto& [person, node] : *people) {
      std::string key = "people." + std::string(person.str());
      if (!node.is_string()) {
        loader_.Problem(&node, key, "must be a role name", "write \"creator_id\" = \"role\"");
        continue;
      }
      std::string role(node.as_string()->get());
      if (config_.FindRole(role) == nullptr) {
        loader_.Problem(&node, key, "names role " + Quoted(role) + ", which is not defined",
                        "add [roles." + role + "] or fix the spelling");
      }
      config_.person_roles[std::string(person.str())] = role;
    }
  }
  if (targets == nullptr) {
    return;
  }
  for (const auto& [person, node] : *targets) {
    std::string path = "targets." + std::string(person.str());
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      loader_.Problem(&node, path, "must be a table of KPI name = target",
                      "write [" + path + "] with lines like \"销售额\" = 150000");
      continue;
    }
    auto mapped = config_.person_roles.find(std::string(person.str()));
    // A person mapped to an undefined role was reported above, and their KPI names cannot be
    // checked against it.
    bool role_defined = mapped == config_.person_roles.end() ||
                        config_.FindRole(mapped->second) != nullptr;
    for (const auto& [kpi_name, value] : *table) {
      std::string key = path + "." + std::string(kpi_name.str());
      bool known = !role_defined;
      std::string names;  // the KPI names of the person's role, or of all roles when unmapped
      for (const RoleSpec& role : config_.roles) {
        if (mapped != config_.person_roles.end() && role.name != mapped->second) {
          continue;
        }
        for (const KpiSpec& kpi : role.kpis) {
          known = known || kpi.name == kpi_name.str();
          names += (names.empty() ? "" : ", ") + kpi.name;
        }
      }
      if (!known) {
        loader_.Problem(&value, key, "no KPI of the person's role is named " +
                                         Quoted(kpi_name.str()) + " (the role's KPIs: " +
                                         names + ")",
                        "use the name of a KPI in the role's [[kpis]]");
      }
      std::optional<Decimal> target = loader_.NodeDecimal(value, key);
      if (target && *target <= Decimal()) {
        loader_.Problem(&value, key, InvalidValue(&value) + "must be greater than 0",
                        "set a positive target");
      } else if (target) {
        config_.person_targets[std::string(person.str())][std::string(kpi_name.str())] = *target;
      }
    }
  }
}

void ConfigBuilder::LoadValidation(const toml::table* validation) {
  if (validation == nullptr) {
    return;
  }
  const std::string path = "validation";
  ValidationSpec& spec = config_.validation;
  loader_.CheckKeys(*validation, path,
                    {"min_chars", "boilerplate", "amount_multiple", "unit_slip_min_history",
                     "outlier_threshold", "outlier_min_samples", "duplicate_similarity",
                     "duplicate_window", "order_metric", "down_weight", "actions"});
  spec.min_chars = static_cast<int32_t>(
      loader_.Integer(*validation, path, "min_chars", 0, 10000).value_or(spec.min_chars));
  if (validation->get("boilerplate") != nullptr) {
    spec.boilerplate = loader_.Strings(*validation, path, "boilerplate");
  }
  spec.amount_multiple =
      loader_.Number(*validation, path, "amount_multiple", false).value_or(spec.amount_multiple);
  spec.unit_slip_min_history = static_cast<int32_t>(
      loader_.Integer(*validation, path, "unit_slip_min_history", 1, 1000)
          .value_or(spec.unit_slip_min_history));
  spec.outlier_threshold =
      loader_.Number(*validation, path, "outlier_threshold", false)
          .value_or(Decimal::FromUnits(static_cast<int64_t>(spec.outlier_threshold * 10000)))
          .ToDouble();
  spec.outlier_min_samples = static_cast<int32_t>(
      loader_.Integer(*validation, path, "outlier_min_samples", 3, 100000)
          .value_or(spec.outlier_min_samples));
  spec.duplicate_similarity =
      loader_.Number(*validation, path, "duplicate_similarity", false)
          .value_or(Decimal::FromUnits(static_cast<int64_t>(spec.duplicate_similarity * 10000)))
          .ToDouble();
  if (spec.duplicate_similarity <= 0 || spec.duplicate_similarity > 1) {
    loader_.Problem(validation->get("duplicate_similarity"), path + ".duplicate_similarity",
                    InvalidValue(validation->get("duplicate_similarity")) +
                        "must be above 0 and at most 1",
                    "use a similarity such as 0.8");
  }
  spec.duplicate_window = static_cast<int32_t>(
      loader_.Integer(*validation, path, "duplicate_window", 0, 1000)
          .value_or(spec.duplicate_window));
  spec.down_weight =
      loader_.Number(*validation, path, "down_weight", false).value_or(spec.down_weight);
  if (spec.down_weight < Decimal() || spec.down_weight > Decimal::FromInt(1)) {
    loader_.Problem(validation->get("down_weight"), path + ".down_weight",
                    InvalidValue(validation->get("down_weight")) + "must be from 0 to 1",
                    "use a factor such as 0.5");
  }
  if (std::optional<std::string> metric =
          loader_.String(*validation, path, "order_metric", false)) {
    spec.order_metric = *metric;
    spec.order_metric_index =
        MetricReference(*metric, validation->get("order_metric"), path + ".order_metric");
  }

  const toml::table* actions = loader_.Table(*validation, path, "actions");
  if (actions == nullptr) {
    return;
  }
  for (const auto& [code, node] : *actions) {
    std::string key = path + ".actions." + std::string(code.str());
    bool known = std::find(std::begin(kAllFlagCodes), std::end(kAllFlagCodes), code.str()) !=
                 std::end(kAllFlagCodes);
    if (!known) {
      std::string codes;
      for (std::string_view flag : kAllFlagCodes) {
        codes += (codes.empty() ? "" : ", ") + std::string(flag);
      }
      loader_.Problem(&node, key, "is not a flag code", "use one of: " + codes);
      continue;
    }
    std::optional<FlagAction> action;
    if (node.is_string()) {
      action = EnumByName(node.as_string()->get(), kFlagActions, &FlagActionName);
    }
    if (!action) {
      std::string problem = node.is_string()
                                ? "invalid action " + Quoted(node.as_string()->get())
                                : "invalid action: expected a string";
      loader_.Problem(&node, key, problem,
                      "use one of: " + EnumChoices(kFlagActions, &FlagActionName));
      continue;
    }
    spec.actions[std::string(code.str())] = *action;
  }
}

// Parses TOML and builds the config, collecting every problem. The only place that catches
// toml++'s exception.
std::optional<Config> LoadImpl(std::string_view text, std::string_view source,
                               std::vector<ConfigProblem>* problems) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& error) {
    problems->push_back({std::string(source), static_cast<int>(error.source().begin.line), "",
                         "invalid TOML: " + std::string(error.description()),
                         "fix the syntax at that line"});
    return std::nullopt;
  }
  ConfigBuilder builder{std::string(source), problems};
  Config config = builder.Build(root);
  if (!problems->empty()) {
    return std::nullopt;
  }
  return config;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return MakeError(ErrorCode::kNotFound,
                     "cannot open config file " + Quoted(path) + "; check the path");
  }
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

Error ProblemsError(const std::vector<ConfigProblem>& problems) {
  std::string message = std::to_string(problems.size()) + " problem(s) in config:";
  for (const ConfigProblem& problem : problems) {
    message += "\n  " + problem.ToString();
  }
  return MakeError(ErrorCode::kInvalidArgument, message);
}

}  // namespace

Result<Config> LoadConfigString(std::string_view toml_text, std::string_view source) {
  std::vector<ConfigProblem> problems;
  std::optional<Config> config = LoadImpl(toml_text, source, &problems);
  if (!config) {
    return ProblemsError(problems);
  }
  return std::move(*config);
}

Result<Config> LoadConfigFile(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) {
    return text.error();
  }
  return LoadConfigString(*text, path);
}

std::vector<ConfigProblem> CheckConfigString(std::string_view toml_text, std::string_view source) {
  std::vector<ConfigProblem> problems;
  LoadImpl(toml_text, source, &problems);
  return problems;
}

std::vector<ConfigProblem> CheckConfigFile(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) {
    return {{path, 0, "", text.error().message, "pass the path of a readable TOML file"}};
  }
  return CheckConfigString(*text, path);
}

}  // namespace logbridge::scoring
