// Tests of the daemon config and secret loading, including the shipped example config.
#include "connector/service_config.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <catch2/catch.hpp>
#include <stdlib.h>
#include <sys/stat.h>

namespace logbridge::connector {
namespace {

const std::string kMinimal = R"(
[dingtalk]
app_key = "dingabc"
agent_id = 42

[sync]
templates = ["日报", "周报"]
)";

const std::string kAesKey(43, 'a');

EnvLookup FakeEnv(std::map<std::string, std::string> values) {
  return [values](std::string_view name) -> std::optional<std::string> {
    auto found = values.find(std::string(name));
    if (found == values.end()) {
      return std::nullopt;
    }
    return found->second;
  };
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "logbridge-config-XXXXXX");
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text, mode_t mode) const {
    std::string file = path_ + "/" + name;
    std::ofstream(file) << text;
    chmod(file.c_str(), mode);
    return file;
  }

 private:
  std::string path_;
};

TEST_CASE("Shipped example config is valid", "[connector]") {
  Result<ServiceConfig> config =
      LoadServiceConfig(std::string(LOGBRIDGE_SOURCE_DIR) + "/deploy/logbridge.toml");
  if (!config.ok()) {
    FAIL(config.error().message);
  }
  CHECK(config->admin.bind == "127.0.0.1");
  CHECK(config->admin.port == 8787);
  CHECK(config->sync.templates == std::vector<std::string>{"日报", "周报"});
  CHECK(config->sync.monthly_call_budget == 4000);
  REQUIRE(config->reminders.deadlines.size() == 2);
  CHECK(config->reminders.deadlines[1].cadence == Cadence::kWeekly);
  CHECK(config->reminders.deadlines[1].weekday == 5);
  CHECK(config->reminders.deadlines[1].hour == 18);
  CHECK(config->approvals.amount_over == "50000");
  CHECK(config->outbox.max_backoff == std::chrono::hours(1));
  CHECK(config->secrets_file == "/etc/logbridge/secrets.env");
}

TEST_CASE("Minimal config gets defaults", "[connector]") {
  Result<ServiceConfig> config = ParseServiceConfig(kMinimal, "mini.toml");
  REQUIRE(config.ok());
  CHECK(config->dingtalk.oapi_base_url == "https://oapi.dingtalk.com");
  CHECK(config->admin.bind == "127.0.0.1");
  CHECK(config->sync.min_poll_interval == std::chrono::minutes(15));
  // Default deadlines for the polled templates: 日报 20:00 daily, 周报 Friday 18:00.
  REQUIRE(config->reminders.deadlines.size() == 2);
  CHECK(config->reminders.deadlines[0].template_name == "日报");
  CHECK(config->reminders.deadlines[0].hour == 20);
  CHECK(config->reminders.deadlines[1].weekday == 5);
  CHECK(config->score_cards.period == ScorePeriod::kWeek);
}

TEST_CASE("Config reports every problem with line", "[connector]") {
  const std::string text = R"(
[dingtalk]
agent_id = "42"

[sync]
templates = []
min_poll_interval_minutes = 30
max_poll_interval_minutes = 10
pol_interval = 5

[admin]
port = 70000

[[reminders.deadline]]
template = "月报"
time = "25:00"
)";
  Result<ServiceConfig> config = ParseServiceConfig(text, "bad.toml");
  REQUIRE_FALSE(config.ok());
  const std::string& message = config.error().message;
  INFO(message);
  CHECK(message.find("bad.toml:2: dingtalk.app_key: missing") != std::string::npos);
  CHECK(
      message.find("bad.toml:3: dingtalk.agent_id: invalid value '42'; use an integer from 1 up") !=
      std::string::npos);
  CHECK(message.find("sync.templates: no template to poll") != std::string::npos);
  CHECK(message.find("sync.max_poll_interval_minutes: is below") != std::string::npos);
  CHECK(message.find("bad.toml:9: sync.pol_interval: unknown key") != std::string::npos);
  CHECK(message.find("bad.toml:12: admin.port: invalid value 70000") != std::string::npos);
  CHECK(message.find("reminders.deadline.time: invalid time \"25:00\"") != std::string::npos);
  CHECK(message.find("\"月报\" is not in sync.templates") != std::string::npos);
}

TEST_CASE("Feedback section sets notices", "[connector]") {
  Result<ServiceConfig> defaults = ParseServiceConfig(kMinimal, "minimal.toml");
  REQUIRE(defaults.ok());
  CHECK(defaults->feedback.enabled);
  CHECK(defaults->feedback.max_log_age == std::chrono::hours(48));
  CHECK(defaults->feedback.fix_within == std::chrono::hours(24));

  Result<ServiceConfig> off = ParseServiceConfig(kMinimal + R"(
[feedback]
enabled = false
max_log_age_hours = 6
fix_within_hours = 72
)",
                                                 "off.toml");
  REQUIRE(off.ok());
  CHECK_FALSE(off->feedback.enabled);
  CHECK(off->feedback.max_log_age == std::chrono::hours(6));
  CHECK(off->feedback.fix_within == std::chrono::hours(72));

  Result<ServiceConfig> bad = ParseServiceConfig(kMinimal + R"(
[feedback]
max_log_age_hours = 0
send = true
)",
                                                 "bad.toml");
  REQUIRE_FALSE(bad.ok());
  const std::string& message = bad.error().message;
  INFO(message);
  CHECK(message.find("bad.toml:10: feedback.max_log_age_hours: invalid value 0; use an integer "
                     "from 1 to 720") != std::string::npos);
  CHECK(message.find("bad.toml:11: feedback.send: unknown key") != std::string::npos);
}

TEST_CASE("Config rejects secrets with variable name", "[connector]") {
  const std::string text = kMinimal + R"(
[dingtalk.extra]
app_secret = "abc"
[callback]
aes_key = "xyz"
)";
  Result<ServiceConfig> config = ParseServiceConfig(text, "leak.toml");
  REQUIRE_FALSE(config.ok());
  const std::string& message = config.error().message;
  CHECK(message.find("dingtalk.extra.app_secret: secrets are not read") != std::string::npos);
  CHECK(message.find("LOGBRIDGE_APP_SECRET") != std::string::npos);
  CHECK(message.find("callback.aes_key") != std::string::npos);
  CHECK(message.find("LOGBRIDGE_CALLBACK_AES_KEY") != std::string::npos);
  // The values themselves never appear.
  CHECK(message.find("\"abc\"") == std::string::npos);
  CHECK(message.find("xyz") == std::string::npos);
}

TEST_CASE("Config syntax error names line", "[connector]") {
  Result<ServiceConfig> config = ParseServiceConfig("[sync\n", "broken.toml");
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().message.find("broken.toml:1:") != std::string::npos);
  CHECK(LoadServiceConfig("/nonexistent/logbridge.toml").error().message.find("--config") !=
        std::string::npos);
}

TEST_CASE("Leave ranges are read from calendar", "[connector]") {
  Result<ServiceConfig> config = ParseServiceConfig(
      kMinimal + "[[calendar.leave]]\nuser = \"u1\"\nfirst = 2026-03-09\nlast = 2026-03-11\n",
      "leave.toml");
  REQUIRE(config.ok());
  REQUIRE(config->leaves.size() == 1);
  CHECK(config->leaves[0].userid == "u1");
  CHECK(FormatDate(config->leaves[0].last) == "2026-03-11");

  Result<ServiceConfig> reversed = ParseServiceConfig(
      kMinimal + "[[calendar.leave]]\nuser = \"u1\"\nfirst = 2026-03-11\nlast = 2026-03-09\n",
      "leave.toml");
  REQUIRE_FALSE(reversed.ok());
  CHECK(reversed.error().message.find("last is before first") != std::string::npos);
}

TEST_CASE("Callback mode selects channels", "[connector]") {
  Result<ServiceConfig> defaults = ParseServiceConfig(kMinimal, "mini.toml");
  REQUIRE(defaults.ok());
  CHECK(defaults->dingtalk.callback_mode == CallbackMode::kHttp);
  CHECK(defaults->dingtalk.stream_base_url.empty());
  CHECK(defaults->http_callbacks());
  CHECK_FALSE(defaults->stream_callbacks());

  const std::string stream_text = R"(
[dingtalk]
app_key = "dingabc"
agent_id = 42
callback_mode = "stream"
stream_base_url = "http://127.0.0.1:9000"

[sync]
templates = ["日报"]
)";
  Result<ServiceConfig> stream = ParseServiceConfig(stream_text, "stream.toml");
  REQUIRE(stream.ok());
  CHECK(stream->dingtalk.callback_mode == CallbackMode::kStream);
  CHECK(stream->dingtalk.stream_base_url == "http://127.0.0.1:9000");
  CHECK(stream->dingtalk.stream_ready_grace == std::chrono::seconds(30));
  CHECK_FALSE(stream->http_callbacks());
  CHECK(stream->stream_callbacks());

  std::string both_text = stream_text;
  both_text.replace(both_text.find("\"stream\""), 8, "\"both\"");
  Result<ServiceConfig> both = ParseServiceConfig(both_text, "both.toml");
  REQUIRE(both.ok());
  CHECK(both->http_callbacks());
  CHECK(both->stream_callbacks());

  // [callback] enabled = false turns off every channel.
  Result<ServiceConfig> off =
      ParseServiceConfig(stream_text + "\n[callback]\nenabled = false\n", "off.toml");
  REQUIRE(off.ok());
  CHECK_FALSE(off->http_callbacks());
  CHECK_FALSE(off->stream_callbacks());
}

TEST_CASE("Stream readiness grace is configurable", "[connector]") {
  // The mode and the grace follow kMinimal's agent_id, so the grace is on line 6.
  auto parse = [](std::string_view grace) {
    std::string text = kMinimal;
    text.insert(text.find("\n\n[sync]"),
                "\ncallback_mode = \"stream\"\nstream_ready_grace_seconds = " + std::string(grace));
    return ParseServiceConfig(text, "grace.toml");
  };
  Result<ServiceConfig> five = parse("5");
  REQUIRE(five.ok());
  CHECK(five->dingtalk.stream_ready_grace == std::chrono::seconds(5));

  Result<ServiceConfig> negative = parse("-1");
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.error().message.find("grace.toml:6: dingtalk.stream_ready_grace_seconds: "
                                      "invalid value -1; use an integer from 0 to 3600") !=
        std::string::npos);
}

TEST_CASE("Invalid callback mode is named", "[connector]") {
  const std::string text = R"(
[dingtalk]
app_key = "dingabc"
agent_id = 42
callback_mode = "websocket"
stream_base_url = "wss://example"

[sync]
templates = ["日报"]
)";
  Result<ServiceConfig> config = ParseServiceConfig(text, "bad.toml");
  REQUIRE_FALSE(config.ok());
  const std::string& message = config.error().message;
  CHECK(message.find("bad.toml:5: dingtalk.callback_mode: invalid mode \"websocket\"") !=
        std::string::npos);
  CHECK(message.find("\"stream\"") != std::string::npos);
  CHECK(message.find("bad.toml:6: dingtalk.stream_base_url: invalid URL \"wss://example\"") !=
        std::string::npos);

  std::string number_text = text;
  number_text.replace(number_text.find("\"websocket\""), 11, "3");
  Result<ServiceConfig> number = ParseServiceConfig(number_text, "number.toml");
  REQUIRE_FALSE(number.ok());
  CHECK(number.error().message.find("number.toml:5: dingtalk.callback_mode: expected a string") !=
        std::string::npos);
}

TEST_CASE("Stream mode needs no callback secrets", "[connector]") {
  SecretSources sources{FakeEnv({{"LOGBRIDGE_APP_SECRET", "app-secret"},
                                 {"LOGBRIDGE_ADMIN_TOKEN", "0123456789abcdef0123"}}),
                        "", CurrentUid()};
  Result<ServiceConfig> config = ParseServiceConfig(R"(
[dingtalk]
app_key = "dingabc"
agent_id = 42
callback_mode = "stream"

[sync]
templates = ["日报"]
)",
                                                    "stream.toml");
  REQUIRE(config.ok());
  Result<Secrets> secrets = LoadSecrets(sources, config->http_callbacks());
  REQUIRE(secrets.ok());
  CHECK(secrets->app_secret == "app-secret");
  CHECK(secrets->callback_token.empty());
}

TEST_CASE("Secrets come from environment", "[connector]") {
  SecretSources sources{FakeEnv({{"LOGBRIDGE_APP_SECRET", "app-secret"},
                                 {"LOGBRIDGE_ADMIN_TOKEN", "0123456789abcdef0123"},
                                 {"LOGBRIDGE_CALLBACK_TOKEN", "tok"},
                                 {"LOGBRIDGE_CALLBACK_AES_KEY", kAesKey}}),
                        "", CurrentUid()};
  Result<Secrets> secrets = LoadSecrets(sources, true);
  REQUIRE(secrets.ok());
  CHECK(secrets->app_secret == "app-secret");
  CHECK(secrets->callback_aes_key == kAesKey);
  CHECK(secrets->card_api_secret.empty());
}

TEST_CASE("Missing secret names its variable", "[connector]") {
  SecretSources sources{FakeEnv({{"LOGBRIDGE_APP_SECRET", "app-secret"}}), "", CurrentUid()};
  Result<Secrets> with_callback = LoadSecrets(sources, true);
  REQUIRE_FALSE(with_callback.ok());
  const std::string& message = with_callback.error().message;
  CHECK(message.find("LOGBRIDGE_ADMIN_TOKEN") != std::string::npos);
  CHECK(message.find("LOGBRIDGE_CALLBACK_TOKEN") != std::string::npos);
  CHECK(message.find("LOGBRIDGE_CALLBACK_AES_KEY") != std::string::npos);
  CHECK(message.find("LOGBRIDGE_APP_SECRET") == std::string::npos);

  Result<Secrets> without_callback = LoadSecrets(sources, false);
  REQUIRE_FALSE(without_callback.ok());
  CHECK(without_callback.error().message.find("LOGBRIDGE_CALLBACK_TOKEN") == std::string::npos);
}

TEST_CASE("Weak secrets are rejected", "[connector]") {
  SecretSources short_token{
      FakeEnv({{"LOGBRIDGE_APP_SECRET", "s"}, {"LOGBRIDGE_ADMIN_TOKEN", "short"}}), "",
      CurrentUid()};
  Result<Secrets> token = LoadSecrets(short_token, false);
  REQUIRE_FALSE(token.ok());
  CHECK(token.error().message.find("shorter than 16") != std::string::npos);
  CHECK(token.error().message.find("short\"") == std::string::npos);

  SecretSources bad_key{FakeEnv({{"LOGBRIDGE_APP_SECRET", "s"},
                                 {"LOGBRIDGE_ADMIN_TOKEN", "0123456789abcdef"},
                                 {"LOGBRIDGE_CALLBACK_TOKEN", "t"},
                                 {"LOGBRIDGE_CALLBACK_AES_KEY", "tooshort"}}),
                        "", CurrentUid()};
  Result<Secrets> key = LoadSecrets(bad_key, true);
  REQUIRE_FALSE(key.ok());
  CHECK(key.error().message.find("expected 43") != std::string::npos);
  CHECK(key.error().message.find("tooshort") == std::string::npos);
}

TEST_CASE("Secrets file needs owner-only mode", "[connector]") {
  TempDir dir;
  const std::string text =
      "# comment\nLOGBRIDGE_APP_SECRET=from-file\nLOGBRIDGE_ADMIN_TOKEN=\"0123456789abcdef\"\n";
  std::string open_file = dir.Write("open.env", text, 0644);
  SecretSources sources{FakeEnv({}), open_file, CurrentUid()};
  Result<Secrets> rejected = LoadSecrets(sources, false);
  REQUIRE_FALSE(rejected.ok());
  CHECK(rejected.error().code == ErrorCode::kPermissionDenied);
  CHECK(rejected.error().message.find("mode 0644") != std::string::npos);
  CHECK(rejected.error().message.find("chmod 600") != std::string::npos);

  sources.secrets_file = dir.Write("private.env", text, 0600);
  Result<Secrets> accepted = LoadSecrets(sources, false);
  REQUIRE(accepted.ok());
  CHECK(accepted->app_secret == "from-file");
  CHECK(accepted->admin_token == "0123456789abcdef");

  // The environment wins over the file.
  sources.env = FakeEnv({{"LOGBRIDGE_APP_SECRET", "from-env"}});
  CHECK(LoadSecrets(sources, false)->app_secret == "from-env");

  sources.expected_owner_uid = CurrentUid() + 1;
  Result<Secrets> wrong_owner = LoadSecrets(sources, false);
  REQUIRE_FALSE(wrong_owner.ok());
  CHECK(wrong_owner.error().message.find("owned by uid") != std::string::npos);
}

TEST_CASE("Secrets file rejects unknown names", "[connector]") {
  TempDir dir;
  std::string file = dir.Write("typo.env", "LOGBRIDGE_APP_SECRT=x\n", 0400);
  Result<Secrets> secrets = LoadSecrets(SecretSources{FakeEnv({}), file, CurrentUid()}, false);
  REQUIRE_FALSE(secrets.ok());
  CHECK(secrets.error().message.find("typo.env:1:") != std::string::npos);
}

}  // namespace
}  // namespace logbridge::connector
