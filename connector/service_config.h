// The daemon's configuration: `logbridge serve --config FILE` reads one TOML file, validated
// once at start-up. Secrets never come from that file; they come from environment variables
// or a secrets file that only the service user may read. Values are immutable after loading;
// the functions keep no state and are safe to call from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "connector/calendar.h"
#include "connector/outbox.h"

namespace logbridge::connector {

// Environment variables that carry secrets. The secrets file uses the same names.
inline constexpr std::string_view kEnvAppSecret = "LOGBRIDGE_APP_SECRET";
inline constexpr std::string_view kEnvCallbackToken = "LOGBRIDGE_CALLBACK_TOKEN";
inline constexpr std::string_view kEnvCallbackAesKey = "LOGBRIDGE_CALLBACK_AES_KEY";
inline constexpr std::string_view kEnvAdminToken = "LOGBRIDGE_ADMIN_TOKEN";
inline constexpr std::string_view kEnvCardApiSecret = "LOGBRIDGE_CARD_API_SECRET";
// Path of the secrets file; overrides [secrets] file in the config.
inline constexpr std::string_view kEnvSecretsFile = "LOGBRIDGE_SECRETS_FILE";

// The channels that deliver events, card clicks and robot messages when [callback] enabled is
// true. kHttp: DingTalk pushes to the callback endpoint. kStream: the daemon opens a Stream mode
// WebSocket to DingTalk and needs no public URL. kBoth: both channels, and the event inbox
// drops the second copy of an event by its eventId.
enum class CallbackMode { kHttp, kStream, kBoth };

// Returns "http", "stream" or "both", the value of [dingtalk] callback_mode.
std::string_view CallbackModeName(CallbackMode mode);

struct DingTalkSettings {
  std::string oapi_base_url = "https://oapi.dingtalk.com";
  std::string api_base_url = "https://api.dingtalk.com";
  // Base URL that Stream mode posts connections/open to; empty uses api_base_url.
  std::string stream_base_url;
  CallbackMode callback_mode = CallbackMode::kHttp;
  // How long /readyz stays ready after the Stream mode connection drops, while it reconnects.
  std::chrono::seconds stream_ready_grace{30};
  std::string app_key;           // the app's Client ID; its secret is LOGBRIDGE_APP_SECRET
  int64_t agent_id = 0;          // for work notifications
  std::string robot_code;        // for robot messages and cards
  std::string card_template_id;  // approval and score cards
};

struct SyncSettings {
  std::vector<std::string> templates;  // template names to poll, e.g. "日报"
  int64_t monthly_call_budget = 5000;  // metered calls per month, all families
  std::chrono::minutes min_poll_interval{15};
  std::chrono::minutes max_poll_interval{360};
  std::chrono::hours overlap_window{48};  // re-polled to catch late logs and edits
};

struct ReminderSettings {
  bool enabled = true;
  std::vector<DeadlineRule> deadlines;  // one per template
  std::chrono::minutes grace{30};       // after the deadline, before reminding
  int manager_digest_after_misses = 3;
};

struct ApprovalSettings {
  bool enabled = true;
  bool flagged = true;             // logs with a warning or error flag
  std::string amount_field;        // empty: no amount rule
  std::string amount_over;         // exact decimal, e.g. "50000"
  std::vector<std::string> roles;  // every log of people with these titles
  std::chrono::hours expire_after{48};
  int max_escalations = 1;  // then the approval expires
};

enum class ScorePeriod { kWeek, kMonth };

struct ScoreCardSettings {
  bool enabled = true;
  ScorePeriod period = ScorePeriod::kWeek;
  unsigned send_weekday = 1;  // kWeek: 0 = Sunday ... 6 = Saturday
  unsigned send_day = 1;      // kMonth: day of the month
  int send_hour = 9;
  int send_minute = 0;
};

// Work notices to the author of a flagged log, asking for an edit. Each notice is one metered
// call of the monthly budget.
struct FeedbackSettings {
  bool enabled = true;
  // Only logs created this recently when they are analyzed get a notice, so a backfill of
  // older logs sends none. Keep it above sync.max_poll_interval, or logs that a slow poll
  // finds get none either.
  std::chrono::hours max_log_age{48};
  std::chrono::hours fix_within{24};  // the edit deadline that the notice states
};

struct ListenSettings {
  std::string bind = "127.0.0.1";
  int port = 0;
};

struct ServiceConfig {
  std::string source_path;  // the file this was read from
  std::string store_path = "/var/lib/logbridge/logbridge.db";
  std::string log_level = "info";
  DingTalkSettings dingtalk;
  SyncSettings sync;
  ReminderSettings reminders;
  ApprovalSettings approvals;
  ScoreCardSettings score_cards;
  FeedbackSettings feedback;
  OutboxOptions outbox;
  ListenSettings admin{"127.0.0.1", 8787};
  bool callback_enabled = true;
  ListenSettings callback{"127.0.0.1", 8788};
  std::string scoring_config_path;
  std::string holidays_dir = "/etc/logbridge/holidays";
  std::vector<LeaveRange> leaves;
  std::string secrets_file;  // empty: environment variables only

  // Whether the HTTP callback endpoint runs: callbacks enabled in mode http or both.
  bool http_callbacks() const {
    return callback_enabled && dingtalk.callback_mode != CallbackMode::kStream;
  }
  // Whether the Stream mode client runs: callbacks enabled in mode stream or both.
  bool stream_callbacks() const {
    return callback_enabled && dingtalk.callback_mode != CallbackMode::kHttp;
  }
};

// Reads and validates a config file. The error lists every problem, one per line, as
// "FILE:LINE: KEY: problem; fix". A secret-like key (app_secret, token, aes_key, password,
// api_secret) in the file is itself an error that names the variable to use instead.
Result<ServiceConfig> LoadServiceConfig(const std::string& path);

// The same for text already in memory; errors name source_name in place of a path.
Result<ServiceConfig> ParseServiceConfig(std::string_view toml_text, std::string_view source_name);

// The secrets. Never log these values.
struct Secrets {
  std::string app_secret;
  std::string callback_token;
  std::string callback_aes_key;  // 43 characters, DingTalk's EncodingAESKey
  std::string admin_token;       // bearer token of the admin API
  std::string card_api_secret;   // optional: signs HTTP card callbacks
};

// Looks up an environment variable.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment.
EnvLookup ProcessEnvironment();

struct SecretSources {
  EnvLookup env;
  std::string secrets_file;         // KEY=VALUE lines; empty for none
  uint32_t expected_owner_uid = 0;  // the service user; the file must be owned by it
};

// Reads the secrets: the environment first, then the secrets file. The file must be a
// regular file with mode 0600 or 0400 owned by expected_owner_uid, or it is rejected with a
// message that gives the command to fix the mode or owner. A missing required secret fails with a
// message naming the variable to set. The callback token and AES key are required only when
// `http_callbacks` is true (ServiceConfig::http_callbacks); Stream mode authenticates with the
// app secret. The card API secret is always optional.
Result<Secrets> LoadSecrets(const SecretSources& sources, bool http_callbacks);

// The effective uid of this process, the default owner of the secrets file.
uint32_t CurrentUid();

}  // namespace logbridge::connector
