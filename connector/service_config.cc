// Service config: TOML reading with one report of every problem, and secret loading.
#include "connector/service_config.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

#include "connector/toml_adapter.h"

namespace logbridge::connector {
namespace {

// Secret-like keys, and the variable that must carry each instead.
const std::map<std::string, std::string_view, std::less<>> kSecretKeys = {
    {"app_secret", kEnvAppSecret},
    {"appsecret", kEnvAppSecret},
    {"client_secret", kEnvAppSecret},
    {"token", kEnvCallbackToken},
    {"callback_token", kEnvCallbackToken},
    {"aes_key", kEnvCallbackAesKey},
    {"encoding_aes_key", kEnvCallbackAesKey},
    {"callback_aes_key", kEnvCallbackAesKey},
    {"admin_token", kEnvAdminToken},
    {"bearer_token", kEnvAdminToken},
    {"api_secret", kEnvCardApiSecret},
    {"card_api_secret", kEnvCardApiSecret},
    {"secret", kEnvAppSecret},
    {"password", kEnvAppSecret},
};

// Collects problems as "SOURCE:LINE: KEY: problem; fix" and reads typed values.
class ConfigReader {
 public:
  explicit ConfigReader(std::string source) : source_(std::move(source)) {}

  void Problem(int64_t line, std::string_view key, std::string_view problem, std::string_view fix) {
    problems_ += problems_.empty() ? "" : "\n";
    problems_ += source_ + ":" + std::to_string(line) + ": " + std::string(key) + ": " +
                 std::string(problem) + "; " + std::string(fix);
  }

  const std::string& problems() const { return problems_; }

  // Reports keys of `table` that are not in `allowed`, because a misspelt key would otherwise
  // be ignored silently.
  void CheckKeys(const toml::table& table, std::string_view section,
                 std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, node] : table) {
      std::string name(key.str());
      if (kSecretKeys.count(name) > 0) {
        continue;  // reported by RejectSecrets with a better fix
      }
      bool known = false;
      for (std::string_view candidate : allowed) {
        known = known || candidate == name;
      }
      if (!known) {
        Problem(TomlLine(node), Path(section, name), "unknown key",
                "remove it or check its spelling against deploy/logbridge.toml");
      }
    }
  }

  void String(const toml::table& table, std::string_view section, std::string_view key,
              std::string& out, bool required = false) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      if (required) {
        Problem(TomlLine(table), Path(section, key), "missing",
                "add it to [" + std::string(section) + "]");
      }
      return;
    }
    if (!node->is_string()) {
      Problem(TomlLine(*node), Path(section, key), "expected a string", "quote the value");
      return;
    }
    out = *node->value<std::string>();
    if (required && out.empty()) {
      Problem(TomlLine(*node), Path(section, key), "is empty", "set a value");
    }
  }

  void Int(const toml::table& table, std::string_view section, std::string_view key, int64_t& out,
           int64_t min, int64_t max, bool required = false) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      if (required) {
        Problem(TomlLine(table), Path(section, key), "missing",
                "add it to [" + std::string(section) + "]");
      }
      return;
    }
    std::optional<int64_t> value = node->is_integer() ? node->value<int64_t>() : std::nullopt;
    if (!value || *value < min || *value > max) {
      std::string range = max == INT64_MAX ? "an integer from " + std::to_string(min) + " up"
                                           : "an integer from " + std::to_string(min) + " to " +
                                                 std::to_string(max);
      Problem(TomlLine(*node), Path(section, key), "invalid value " + Render(*node),
              "use " + range);
      return;
    }
    out = *value;
  }

  template <typename T>
  void IntAs(const toml::table& table, std::string_view section, std::string_view key, T& out,
             int64_t min, int64_t max) {
    int64_t value = static_cast<int64_t>(out);
    Int(table, section, key, value, min, max);
    out = static_cast<T>(value);
  }

  template <typename Duration>
  void DurationIn(const toml::table& table, std::string_view section, std::string_view key,
                  Duration& out, int64_t min, int64_t max) {
    int64_t value = out.count();
    Int(table, section, key, value, min, max);
    out = Duration(value);
  }

  void Bool(const toml::table& table, std::string_view section, std::string_view key, bool& out) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      return;
    }
    if (!node->is_boolean()) {
      Problem(TomlLine(*node), Path(section, key), "expected true or false",
              "write true or false without quotes");
      return;
    }
    out = *node->value<bool>();
  }

  void StringList(const toml::table& table, std::string_view section, std::string_view key,
                  std::vector<std::string>& out) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      return;
    }
    const toml::array* array = node->as_array();
    bool all_strings = array != nullptr && array->is_homogeneous(toml::node_type::string);
    if (array == nullptr || (!array->empty() && !all_strings)) {
      Problem(TomlLine(*node), Path(section, key), "expected a list of strings",
              "write it as [\"a\", \"b\"]");
      return;
    }
    out.clear();
    for (const toml::node& item : *array) {
      out.push_back(*item.value<std::string>());
    }
  }

  // Reads "HH:MM", 24-hour clock.
  void TimeOfDay(const toml::table& table, std::string_view section, std::string_view key,
                 int& hour, int& minute) {
    std::string text;
    String(table, section, key, text);
    if (text.empty()) {
      return;
    }
    int h = -1;
    int m = -1;
    char extra = 0;
    bool parsed = std::sscanf(text.c_str(), "%2d:%2d%c", &h, &m, &extra) == 2 && text.size() == 5;
    if (!parsed || h < 0 || h > 23 || m < 0 || m > 59) {
      Problem(TomlLine(*table.get(key)), Path(section, key), "invalid time \"" + text + "\"",
              "use HH:MM on a 24-hour clock, e.g. \"20:00\"");
      return;
    }
    hour = h;
    minute = m;
  }

  void Weekday(const toml::table& table, std::string_view section, std::string_view key,
               unsigned& out) {
    static constexpr std::array<std::string_view, 7> kNames = {
        "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
    std::string text;
    String(table, section, key, text);
    if (text.empty()) {
      return;
    }
    for (unsigned i = 0; i < kNames.size(); ++i) {
      if (kNames[i] == text) {
        out = i;
        return;
      }
    }
    Problem(TomlLine(*table.get(key)), Path(section, key), "invalid weekday \"" + text + "\"",
            "use an English weekday name in lower case, e.g. \"friday\"");
  }

  void Url(const toml::table& table, std::string_view section, std::string_view key,
           std::string& out) {
    String(table, section, key, out);
    if (out.rfind("https://", 0) != 0 && out.rfind("http://", 0) != 0) {
      const toml::node* node = table.get(key);
      Problem(node == nullptr ? TomlLine(table) : TomlLine(*node), Path(section, key),
              "invalid URL \"" + out + "\"", "start it with https:// (or http:// for a sandbox)");
    }
  }

  static std::string Path(std::string_view section, std::string_view key) {
    return section.empty() ? std::string(key) : std::string(section) + "." + std::string(key);
  }

 private:
  static std::string Render(const toml::node& node) {
    std::ostringstream out;
    node.visit([&](const auto& value) { out << value; });
    return out.str();
  }

  std::string source_;
  std::string problems_;
};

// Reports every secret-like key anywhere in the file.
void RejectSecrets(const toml::table& table, const std::string& prefix, ConfigReader& reader) {
  for (const auto& [key, node] : table) {
    std::string name(key.str());
    std::string path = prefix.empty() ? name : prefix + "." + name;
    auto secret = kSecretKeys.find(name);
    if (secret != kSecretKeys.end()) {
      reader.Problem(TomlLine(node), path, "secrets are not read from the config file",
                     "delete this line and set the environment variable " +
                         std::string(secret->second) + " or put it in the secrets file");
    }
    if (const toml::table* child = node.as_table()) {
      RejectSecrets(*child, path, reader);
    }
  }
}

const toml::table& SectionOrEmpty(const toml::table& root, std::string_view name,
                                  ConfigReader& reader) {
  static const toml::table kEmpty;
  const toml::node* node = root.get(name);
  if (node == nullptr) {
    return kEmpty;
  }
  if (!node->is_table()) {
    reader.Problem(TomlLine(*node), name, "expected a table",
                   "write it as [" + std::string(name) + "]");
    return kEmpty;
  }
  return *node->as_table();
}

void ReadCallbackMode(const toml::table& table, ConfigReader& reader, CallbackMode& out) {
  const toml::node* node = table.get("callback_mode");
  std::string text;
  reader.String(table, "dingtalk", "callback_mode", text);
  if (node == nullptr || !node->is_string()) {
    return;  // an absent key keeps the default, and String reported a non-string value
  }
  for (CallbackMode mode : {CallbackMode::kHttp, CallbackMode::kStream, CallbackMode::kBoth}) {
    if (text == CallbackModeName(mode)) {
      out = mode;
      return;
    }
  }
  reader.Problem(TomlLine(*node), "dingtalk.callback_mode",
                 "invalid mode \"" + text + "\"",
                 "use \"http\" (callback endpoint), \"stream\" (Stream mode WebSocket) or "
                 "\"both\"");
}

void ReadDingTalk(const toml::table& root, ConfigReader& reader, DingTalkSettings& out) {
  const toml::table& table = SectionOrEmpty(root, "dingtalk", reader);
  reader.CheckKeys(table, "dingtalk",
                   {"oapi_base_url", "api_base_url", "stream_base_url", "callback_mode",
                    "stream_ready_grace_seconds", "app_key", "agent_id", "robot_code",
                    "card_template_id"});
  reader.Url(table, "dingtalk", "oapi_base_url", out.oapi_base_url);
  reader.Url(table, "dingtalk", "api_base_url", out.api_base_url);
  if (table.get("stream_base_url") != nullptr) {
    reader.Url(table, "dingtalk", "stream_base_url", out.stream_base_url);
  }
  ReadCallbackMode(table, reader, out.callback_mode);
  reader.DurationIn(table, "dingtalk", "stream_ready_grace_seconds", out.stream_ready_grace, 0,
                    3600);
  reader.String(table, "dingtalk", "app_key", out.app_key, true);
  reader.Int(table, "dingtalk", "agent_id", out.agent_id, 1, INT64_MAX, true);
  reader.String(table, "dingtalk", "robot_code", out.robot_code);
  reader.String(table, "dingtalk", "card_template_id", out.card_template_id);
}

void ReadSync(const toml::table& root, ConfigReader& reader, SyncSettings& out) {
  const toml::table& table = SectionOrEmpty(root, "sync", reader);
  reader.CheckKeys(table, "sync",
                   {"templates", "monthly_call_budget", "min_poll_interval_minutes",
                    "max_poll_interval_minutes", "overlap_window_hours"});
  reader.StringList(table, "sync", "templates", out.templates);
  if (out.templates.empty()) {
    reader.Problem(TomlLine(table), "sync.templates", "no template to poll",
                   "list the template names, e.g. templates = [\"日报\", \"周报\"]");
  }
  reader.Int(table, "sync", "monthly_call_budget", out.monthly_call_budget, 1, 100'000'000);
  reader.DurationIn(table, "sync", "min_poll_interval_minutes", out.min_poll_interval, 1, 1440);
  reader.DurationIn(table, "sync", "max_poll_interval_minutes", out.max_poll_interval, 1, 10080);
  // report/list accepts a window of at most 180 days.
  reader.DurationIn(table, "sync", "overlap_window_hours", out.overlap_window, 0, 180 * 24);
  if (out.max_poll_interval < out.min_poll_interval) {
    reader.Problem(TomlLine(table), "sync.max_poll_interval_minutes",
                   "is below min_poll_interval_minutes", "raise it or lower the minimum");
  }
}

DeadlineRule ReadDeadline(const toml::table& table, ConfigReader& reader) {
  const std::string section = "reminders.deadline";
  DeadlineRule rule;
  reader.CheckKeys(table, section, {"template", "cadence", "weekday", "time"});
  reader.String(table, section, "template", rule.template_name, true);
  std::string cadence = "daily";
  reader.String(table, section, "cadence", cadence);
  if (cadence == "weekly") {
    rule.cadence = Cadence::kWeekly;
    rule.hour = 18;
  } else if (cadence != "daily") {
    reader.Problem(TomlLine(table), section + ".cadence", "invalid cadence \"" + cadence + "\"",
                   "use \"daily\" or \"weekly\"");
  }
  reader.Weekday(table, section, "weekday", rule.weekday);
  reader.TimeOfDay(table, section, "time", rule.hour, rule.minute);
  return rule;
}

void ReadReminders(const toml::table& root, const std::vector<std::string>& templates,
                   ConfigReader& reader, ReminderSettings& out) {
  const toml::table& table = SectionOrEmpty(root, "reminders", reader);
  reader.CheckKeys(table, "reminders",
                   {"enabled", "grace_minutes", "manager_digest_after_misses", "deadline"});
  reader.Bool(table, "reminders", "enabled", out.enabled);
  reader.DurationIn(table, "reminders", "grace_minutes", out.grace, 0, 24 * 60);
  reader.IntAs(table, "reminders", "manager_digest_after_misses", out.manager_digest_after_misses,
               1, 100);

  const toml::array* deadlines = table["deadline"].as_array();
  if (deadlines == nullptr) {
    // Defaults: 日报 by 20:00 on workdays, 周报 by Friday 18:00, for whichever is polled.
    for (const std::string& name : templates) {
      if (name == "日报") {
        out.deadlines.push_back(DeadlineRule{name, Cadence::kDaily, 5, 20, 0});
      } else if (name == "周报") {
        out.deadlines.push_back(DeadlineRule{name, Cadence::kWeekly, 5, 18, 0});
      }
    }
    return;
  }
  for (const toml::node& node : *deadlines) {
    const toml::table* entry = node.as_table();
    if (entry == nullptr) {
      reader.Problem(TomlLine(node), "reminders.deadline", "expected a table",
                     "write each rule as [[reminders.deadline]]");
      continue;
    }
    DeadlineRule rule = ReadDeadline(*entry, reader);
    bool polled = false;
    for (const std::string& name : templates) {
      polled = polled || name == rule.template_name;
    }
    if (!rule.template_name.empty() && !polled) {
      reader.Problem(TomlLine(node), "reminders.deadline.template",
                     "\"" + rule.template_name + "\" is not in sync.templates",
                     "add it to sync.templates or remove this rule");
    }
    out.deadlines.push_back(rule);
  }
}

bool IsDecimal(const std::string& text) {
  size_t digits = 0;
  size_t dots = 0;
  for (char c : text) {
    digits += (c >= '0' && c <= '9') ? 1 : 0;
    dots += c == '.' ? 1 : 0;
  }
  return digits > 0 && dots <= 1 && digits + dots == text.size();
}

void ReadApprovals(const toml::table& root, ConfigReader& reader, ApprovalSettings& out) {
  const toml::table& table = SectionOrEmpty(root, "approvals", reader);
  reader.CheckKeys(table, "approvals",
                   {"enabled", "flagged", "amount_field", "amount_over", "roles",
                    "expire_after_hours", "max_escalations"});
  reader.Bool(table, "approvals", "enabled", out.enabled);
  reader.Bool(table, "approvals", "flagged", out.flagged);
  reader.String(table, "approvals", "amount_field", out.amount_field);
  reader.String(table, "approvals", "amount_over", out.amount_over);
  reader.StringList(table, "approvals", "roles", out.roles);
  reader.DurationIn(table, "approvals", "expire_after_hours", out.expire_after, 1, 24 * 30);
  reader.IntAs(table, "approvals", "max_escalations", out.max_escalations, 0, 5);
  if (out.amount_field.empty() != out.amount_over.empty()) {
    reader.Problem(TomlLine(table), "approvals.amount_over",
                   "amount_field and amount_over go together", "set both, or neither");
  } else if (!out.amount_over.empty() && !IsDecimal(out.amount_over)) {
    reader.Problem(TomlLine(*table.get("amount_over")), "approvals.amount_over",
                   "invalid amount \"" + out.amount_over + "\"",
                   "write a plain decimal in 元 as a string, e.g. \"50000\"");
  }
}

void ReadScoreCards(const toml::table& root, ConfigReader& reader, ScoreCardSettings& out) {
  const toml::table& table = SectionOrEmpty(root, "score_cards", reader);
  reader.CheckKeys(table, "score_cards",
                   {"enabled", "period", "send_weekday", "send_day", "send_time"});
  reader.Bool(table, "score_cards", "enabled", out.enabled);
  std::string period = "week";
  reader.String(table, "score_cards", "period", period);
  if (period == "month") {
    out.period = ScorePeriod::kMonth;
  } else if (period != "week") {
    reader.Problem(TomlLine(*table.get("period")), "score_cards.period",
                   "invalid period \"" + period + "\"", "use \"week\" or \"month\"");
  }
  reader.Weekday(table, "score_cards", "send_weekday", out.send_weekday);
  // Day 28 is the last one that every month has.
  reader.IntAs(table, "score_cards", "send_day", out.send_day, 1, 28);
  reader.TimeOfDay(table, "score_cards", "send_time", out.send_hour, out.send_minute);
}

void ReadFeedback(const toml::table& root, ConfigReader& reader, FeedbackSettings& out) {
  const toml::table& table = SectionOrEmpty(root, "feedback", reader);
  reader.CheckKeys(table, "feedback", {"enabled", "max_log_age_hours", "fix_within_hours"});
  reader.Bool(table, "feedback", "enabled", out.enabled);
  reader.DurationIn(table, "feedback", "max_log_age_hours", out.max_log_age, 1, 24 * 30);
  reader.DurationIn(table, "feedback", "fix_within_hours", out.fix_within, 1, 24 * 7);
}

void ReadOutbox(const toml::table& root, ConfigReader& reader, OutboxOptions& out) {
  const toml::table& table = SectionOrEmpty(root, "outbox", reader);
  reader.CheckKeys(table, "outbox",
                   {"per_recipient_per_day", "per_recipient_per_minute", "total_per_minute",
                    "max_attempts", "initial_backoff_seconds", "max_backoff_seconds"});
  // An internal app may send one user at most 500 work notifications a day.
  reader.IntAs(table, "outbox", "per_recipient_per_day", out.per_recipient_per_day, 1, 500);
  reader.IntAs(table, "outbox", "per_recipient_per_minute", out.per_recipient_per_minute, 1, 100);
  reader.IntAs(table, "outbox", "total_per_minute", out.total_per_minute, 1, 5000);
  reader.IntAs(table, "outbox", "max_attempts", out.max_attempts, 1, 100);
  std::chrono::seconds initial =
      std::chrono::duration_cast<std::chrono::seconds>(out.initial_backoff);
  std::chrono::seconds max = std::chrono::duration_cast<std::chrono::seconds>(out.max_backoff);
  reader.DurationIn(table, "outbox", "initial_backoff_seconds", initial, 1, 3600);
  reader.DurationIn(table, "outbox", "max_backoff_seconds", max, 1, 86400);
  out.initial_backoff = initial;
  out.max_backoff = max;
}

void ReadListen(const toml::table& table, std::string_view section, ConfigReader& reader,
                ListenSettings& out) {
  reader.String(table, section, "bind", out.bind);
  reader.IntAs(table, section, "port", out.port, 0, 65535);
}

void ReadCalendar(const toml::table& root, ConfigReader& reader, ServiceConfig& out) {
  const toml::table& table = SectionOrEmpty(root, "calendar", reader);
  reader.CheckKeys(table, "calendar", {"holidays_dir", "leave"});
  reader.String(table, "calendar", "holidays_dir", out.holidays_dir);
  const toml::array* leaves = table["leave"].as_array();
  if (leaves == nullptr) {
    return;
  }
  for (const toml::node& node : *leaves) {
    const toml::table* entry = node.as_table();
    std::string user;
    std::optional<toml::date> first;
    std::optional<toml::date> last;
    if (entry != nullptr) {
      user = (*entry)["user"].value_or(std::string());
      first = (*entry)["first"].value<toml::date>();
      last = (*entry)["last"].value<toml::date>();
    }
    if (!first || !last || user.empty()) {
      reader.Problem(TomlLine(node), "calendar.leave", "needs user, first and last",
                     "write user = \"userid\", first = 2026-03-09, last = 2026-03-11");
      continue;
    }
    auto to_date = [](const toml::date& d) {
      return Date{std::chrono::year(d.year), std::chrono::month(d.month), std::chrono::day(d.day)};
    };
    LeaveRange leave{user, to_date(*first), to_date(*last)};
    if (leave.last < leave.first) {
      reader.Problem(TomlLine(node), "calendar.leave", "last is before first", "swap the dates");
      continue;
    }
    out.leaves.push_back(leave);
  }
}

void ReadAll(const toml::table& root, ConfigReader& reader, ServiceConfig& config) {
  RejectSecrets(root, "", reader);
  reader.CheckKeys(root, "",
                   {"store", "log", "dingtalk", "sync", "reminders", "approvals", "score_cards",
                    "feedback", "outbox", "admin", "callback", "scoring", "calendar", "secrets"});

  const toml::table& store = SectionOrEmpty(root, "store", reader);
  reader.CheckKeys(store, "store", {"path"});
  reader.String(store, "store", "path", config.store_path);

  const toml::table& log = SectionOrEmpty(root, "log", reader);
  reader.CheckKeys(log, "log", {"level"});
  reader.String(log, "log", "level", config.log_level);
  static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error"};
  if (kLevels.count(config.log_level) == 0) {
    reader.Problem(TomlLine(log), "log.level", "invalid level \"" + config.log_level + "\"",
                   "use trace, debug, info, warn or error");
  }

  ReadDingTalk(root, reader, config.dingtalk);
  ReadSync(root, reader, config.sync);
  ReadReminders(root, config.sync.templates, reader, config.reminders);
  ReadApprovals(root, reader, config.approvals);
  ReadScoreCards(root, reader, config.score_cards);
  ReadFeedback(root, reader, config.feedback);
  ReadOutbox(root, reader, config.outbox);

  const toml::table& admin = SectionOrEmpty(root, "admin", reader);
  reader.CheckKeys(admin, "admin", {"bind", "port"});
  ReadListen(admin, "admin", reader, config.admin);

  const toml::table& callback = SectionOrEmpty(root, "callback", reader);
  reader.CheckKeys(callback, "callback", {"enabled", "bind", "port"});
  reader.Bool(callback, "callback", "enabled", config.callback_enabled);
  ReadListen(callback, "callback", reader, config.callback);

  const toml::table& scoring = SectionOrEmpty(root, "scoring", reader);
  reader.CheckKeys(scoring, "scoring", {"config"});
  reader.String(scoring, "scoring", "config", config.scoring_config_path);

  ReadCalendar(root, reader, config);

  const toml::table& secrets = SectionOrEmpty(root, "secrets", reader);
  reader.CheckKeys(secrets, "secrets", {"file"});
  reader.String(secrets, "secrets", "file", config.secrets_file);
}

// ---- Secrets ----------------------------------------------------------------------------

struct SecretSlot {
  std::string_view variable;
  std::string Secrets::*field;
};

constexpr std::array<SecretSlot, 5> kSecretSlots = {{
    {kEnvAppSecret, &Secrets::app_secret},
    {kEnvCallbackToken, &Secrets::callback_token},
    {kEnvCallbackAesKey, &Secrets::callback_aes_key},
    {kEnvAdminToken, &Secrets::admin_token},
    {kEnvCardApiSecret, &Secrets::card_api_secret},
}};

Status CheckSecretsFile(const std::string& path, uint32_t expected_uid) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "secrets file " + path + " cannot be read; create it or fix [secrets] file");
  }
  if (!S_ISREG(info.st_mode)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "secrets file " + path + " is not a regular file");
  }
  unsigned mode = info.st_mode & 07777;
  if (mode != 0600 && mode != 0400) {
    char octal[8];
    std::snprintf(octal, sizeof(octal), "%04o", mode);
    return MakeError(ErrorCode::kPermissionDenied,
                     "secrets file " + path + " has mode " + octal +
                         "; other users must not read it: run chmod 600 " + path);
  }
  if (info.st_uid != expected_uid) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "secrets file " + path + " is owned by uid " + std::to_string(info.st_uid) +
                         ", not the service user (uid " + std::to_string(expected_uid) +
                         "); run chown to give it to the service user");
  }
  return OkStatus();
}

// Parses KEY=VALUE lines; blank lines and lines starting with # are skipped, and one pair of
// surrounding quotes is removed. Values never appear in errors.
Result<std::map<std::string, std::string>> ParseSecretsFile(const std::string& path) {
  std::ifstream input(path);
  std::map<std::string, std::string> values;
  std::string line;
  for (int number = 1; std::getline(input, line); ++number) {
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') {
      continue;
    }
    size_t equals = line.find('=');
    std::string key = equals == std::string::npos ? "" : line.substr(start, equals - start);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) {
      key.pop_back();
    }
    bool known = false;
    for (const SecretSlot& slot : kSecretSlots) {
      known = known || slot.variable == key;
    }
    if (!known) {
      return MakeError(ErrorCode::kInvalidArgument,
                       path + ":" + std::to_string(number) +
                           ": expected NAME=value with NAME one of LOGBRIDGE_APP_SECRET, "
                           "LOGBRIDGE_CALLBACK_TOKEN, LOGBRIDGE_CALLBACK_AES_KEY, "
                           "LOGBRIDGE_ADMIN_TOKEN, LOGBRIDGE_CARD_API_SECRET");
    }
    std::string value = line.substr(equals + 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) {
      value.pop_back();
    }
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    values[key] = value;
  }
  return values;
}

}  // namespace

std::string_view CallbackModeName(CallbackMode mode) {
  switch (mode) {
    case CallbackMode::kHttp:
      return "http";
    case CallbackMode::kStream:
      return "stream";
    case CallbackMode::kBoth:
      return "both";
  }
  return "http";
}

Result<ServiceConfig> ParseServiceConfig(std::string_view toml_text, std::string_view source_name) {
  Result<toml::table> parsed = ParseToml(toml_text, source_name);
  if (!parsed.ok()) {
    return parsed.error();
  }
  ServiceConfig config;
  config.source_path = std::string(source_name);
  ConfigReader reader{std::string(source_name)};
  ReadAll(*parsed, reader, config);
  if (!reader.problems().empty()) {
    return MakeError(ErrorCode::kInvalidArgument, reader.problems());
  }
  return config;
}

Result<ServiceConfig> LoadServiceConfig(const std::string& path) {
  std::ifstream input(path);
  if (!input) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "cannot read config file " + path +
                         "; pass an existing file with --config, e.g. deploy/logbridge.toml");
  }
  std::stringstream text;
  text << input.rdbuf();
  return ParseServiceConfig(text.str(), path);
}

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

uint32_t CurrentUid() { return static_cast<uint32_t>(::geteuid()); }

Result<Secrets> LoadSecrets(const SecretSources& sources, bool http_callbacks) {
  std::string file = sources.secrets_file;
  if (std::optional<std::string> from_env = sources.env(kEnvSecretsFile);
      from_env && !from_env->empty()) {
    file = *from_env;
  }

  std::map<std::string, std::string> file_values;
  if (!file.empty()) {
    Status checked = CheckSecretsFile(file, sources.expected_owner_uid);
    if (!checked.ok()) {
      return checked.error();
    }
    Result<std::map<std::string, std::string>> parsed = ParseSecretsFile(file);
    if (!parsed.ok()) {
      return parsed.error();
    }
    file_values = std::move(parsed).value();
  }

  Secrets secrets;
  for (const SecretSlot& slot : kSecretSlots) {
    std::optional<std::string> value = sources.env(slot.variable);
    if (!value || value->empty()) {
      auto found = file_values.find(std::string(slot.variable));
      value = found == file_values.end() ? std::nullopt : std::optional(found->second);
    }
    secrets.*slot.field = value.value_or("");
  }

  std::string missing;
  auto require = [&](std::string_view variable, const std::string& value) {
    if (value.empty()) {
      missing += missing.empty() ? "" : ", ";
      missing += variable;
    }
  };
  require(kEnvAppSecret, secrets.app_secret);
  require(kEnvAdminToken, secrets.admin_token);
  if (http_callbacks) {
    require(kEnvCallbackToken, secrets.callback_token);
    require(kEnvCallbackAesKey, secrets.callback_aes_key);
  }
  if (!missing.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     (missing.find(',') == std::string::npos ? "missing secret " : "missing secrets ") +
                         missing + "; set the environment variable" +
                         (file.empty() ? "" : " or add it to " + file) +
                         " (see deploy/logbridge.env.example)");
  }

  // DingTalk's EncodingAESKey is 43 characters of Base64 without padding.
  if (http_callbacks && secrets.callback_aes_key.size() != 43) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(kEnvCallbackAesKey) + " has " +
                         std::to_string(secrets.callback_aes_key.size()) +
                         " characters, expected 43; copy the key from the DingTalk console");
  }
  if (secrets.admin_token.size() < 16) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(kEnvAdminToken) +
                         " is shorter than 16 characters; generate one with openssl rand -hex 32");
  }
  return secrets;
}

}  // namespace logbridge::connector
