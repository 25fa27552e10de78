// Shared pieces of the callback tests: a temporary database file, test doubles of the event,
// card and score interfaces, and credentials for two apps.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <httplib.h>

#include "connector/callback_server.h"
#include "connector/card_actions.h"
#include "connector/event_inbox.h"
#include "connector/robot_commands.h"
#include "dingtalk/callback_crypto.h"
#include "dingtalk/sandbox/callback_pusher.h"

namespace logbridge::connector::testing {

inline const dingtalk::CallbackCryptoConfig kAppOne{
    "mryue", "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7", "dingappone0000000001"};
inline const dingtalk::CallbackCryptoConfig kAppTwo{
    "token2", "4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij", "suiteapptwo000000002"};

// A database file in the system temp directory, deleted with its WAL files on destruction.
class TempDatabase {
 public:
  TempDatabase() {
    std::random_device random;
    path_ = (std::filesystem::temp_directory_path() /
             ("logbridge-callback-" + std::to_string(random()) + "-" + std::to_string(random()) +
              ".db"))
                .string();
  }
  ~TempDatabase() {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path_ + suffix, ignored);
    }
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// An EventHandler that counts calls per dedupe key, can be slow, and can fail the first calls.
class RecordingHandler : public EventHandler {
 public:
  Status Handle(const InboxEvent& event) override {
    if (delay_.count() > 0) {
      std::this_thread::sleep_for(delay_);
    }
    std::lock_guard lock(mutex_);
    ++calls_[event.dedupe_key];
    apps_[event.dedupe_key] = event.app_name;
    types_[event.dedupe_key] = event.event_type;
    if (failures_left_ > 0) {
      --failures_left_;
      return MakeError(ErrorCode::kUnavailable, "test handler failure");
    }
    return OkStatus();
  }

  void set_delay(std::chrono::milliseconds delay) { delay_ = delay; }
  void set_failures(int failures) { failures_left_ = failures; }

  int CallsFor(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto found = calls_.find(key);
    return found == calls_.end() ? 0 : found->second;
  }
  std::map<std::string, int> Calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::string AppFor(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto found = apps_.find(key);
    return found == apps_.end() ? "" : found->second;
  }
  std::string TypeFor(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto found = types_.find(key);
    return found == types_.end() ? "" : found->second;
  }

 private:
  std::chrono::milliseconds delay_{0};
  mutable std::mutex mutex_;
  std::map<std::string, int> calls_;
  std::map<std::string, std::string> apps_;
  std::map<std::string, std::string> types_;
  int failures_left_ = 0;
};

// A CardActionHandler for one card sent to one user, with approve and reject buttons.
class FakeCardHandler : public CardActionHandler {
 public:
  std::optional<std::string> RecipientOf(const std::string& out_track_id) override {
    if (out_track_id == "approval-42") {
      return "manager-1";
    }
    return std::nullopt;
  }
  bool IsKnownAction(const std::string& action_id) override {
    return action_id == "approve" || action_id == "reject";
  }
  Result<CardDecision> Apply(const CardAction& action) override {
    applied_.fetch_add(1);
    std::string status = action.action_id == "approve" ? "已同意" : "已驳回";
    return CardDecision{{{"status", status}, {"decided_by", action.user_id}},
                        {{"button_state", "done"}}};
  }
  int applied() const { return applied_.load(); }

 private:
  std::atomic<int> applied_{0};
};

// A ScoreLookup with one scored employee.
class FakeScores : public ScoreLookup {
 public:
  Result<ScoreSummary> CurrentScore(const std::string& user_id) override {
    if (user_id != "sales-7") {
      return MakeError(ErrorCode::kNotFound, "no score for " + user_id);
    }
    return ScoreSummary{
        "2026-W48", "86.5", {{"销售额", "36.5", "40", "签约 3 单"}, {"客户拜访", "50", "60", ""}}};
  }
};

// An httplib server on an ephemeral loopback port, stopped and joined on destruction.
class LoopbackServer {
 public:
  LoopbackServer() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~LoopbackServer() {
    server_.stop();
    thread_.join();
  }
  httplib::Server& server() { return server_; }
  int port() const { return port_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

inline std::string LoopbackUrl(int port, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(port) + path;
}

// An event inbox on a fresh database and, after Start, a callback server on a loopback port.
struct CallbackEndpoint {
  explicit CallbackEndpoint(const Clock* endpoint_clock) : clock(endpoint_clock) {
    Result<std::unique_ptr<EventInbox>> opened =
        EventInbox::Open({database.path()}, &events, clock);
    REQUIRE(opened.ok());
    inbox = std::move(*opened);
  }

  // Starts the server with `options`; apps default to app one and app two.
  void Start(CallbackServerOptions options, CardActionService* cards = nullptr,
             RobotCommandService* robot = nullptr) {
    if (options.apps.empty()) {
      options.apps = {{"app-one", kAppOne}, {"app-two", kAppTwo}};
    }
    Result<std::unique_ptr<CallbackServer>> created =
        CallbackServer::Create(options, inbox.get(), cards, robot, clock);
    REQUIRE(created.ok());
    server = std::move(*created);
    Result<int> started = server->Start();
    REQUIRE(started.ok());
    port = *started;
  }

  std::string Url(const std::string& path) const { return LoopbackUrl(port, path); }

  // Pusher targets with retries shortened to 5 ms, so failing pushes finish quickly.
  static dingtalk::CallbackTargets FastRetries() {
    dingtalk::CallbackTargets targets;
    targets.first_retry = std::chrono::milliseconds(5);
    targets.second_retry = std::chrono::milliseconds(5);
    return targets;
  }

  const Clock* clock;
  TempDatabase database;
  RecordingHandler events;
  std::unique_ptr<EventInbox> inbox;
  std::unique_ptr<CallbackServer> server;
  int port = 0;
};

}  // namespace logbridge::connector::testing
