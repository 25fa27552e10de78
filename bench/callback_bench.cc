// Load benchmark of the callback endpoint: client threads post signed, encrypted events over
// loopback HTTP to a CallbackServer whose EventInbox commits to a SQLite file (WAL,
// synchronous=FULL). Prints sustained events/s and p50/p99/max latency, then checks that every
// distinct event was stored and processed exactly once. Usage:
//   callback_bench [events=20000] [clients=32] [rate_per_s=2000, 0 = as fast as possible]

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "connector/callback_log.h"
#include "connector/callback_server.h"
#include "connector/event_inbox.h"
#include "dingtalk/callback_crypto.h"

namespace {

using namespace logbridge;  // NOLINT: a benchmark's main file
using Steady = std::chrono::steady_clock;

const dingtalk::CallbackCryptoConfig kApp{
    "benchtoken", "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7", "dingbenchapp00000001"};

// Every tenth request re-sends an earlier event, as platform retries do.
constexpr int kDuplicateEvery = 10;

class CountingHandler : public connector::EventHandler {
 public:
  Status Handle(const connector::InboxEvent& event) override {
    std::lock_guard lock(mutex_);
    ++calls_[event.dedupe_key];
    return OkStatus();
  }
  // Returns (distinct events handled, events handled more than once).
  std::pair<size_t, size_t> Summary() const {
    std::lock_guard lock(mutex_);
    size_t twice = 0;
    for (const auto& [key, count] : calls_) {
      twice += count > 1 ? 1 : 0;
    }
    return {calls_.size(), twice};
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, int> calls_;
};

struct Request {
  std::string target;
  std::string body;
};

std::vector<Request> PrepareRequests(int events, const dingtalk::CallbackCrypto& crypto,
                                     EpochMs now) {
  std::vector<Request> requests;
  requests.reserve(events);
  for (int i = 0; i < events; ++i) {
    int event_number = (i % kDuplicateEvery == kDuplicateEvery - 1) ? i - 5 : i;
    std::string event = R"({"EventType":"user_modify_org","EventTime":)" +
                        std::to_string(now.value) + R"(,"eventId":"bench-)" +
                        std::to_string(event_number) + R"(","UserId":["user)" +
                        std::to_string(event_number % 500) + R"("]})";
    dingtalk::SealedMessage sealed = crypto.Seal(event, now);
    requests.push_back({"/dingtalk/events?msg_signature=" + sealed.msg_signature +
                            "&timestamp=" + sealed.timestamp + "&nonce=" + sealed.nonce,
                        nlohmann::json({{"encrypt", sealed.encrypt}}).dump()});
  }
  return requests;
}

double Percentile(std::vector<double>& sorted, double fraction) {
  if (sorted.empty()) {
    return 0;
  }
  size_t index = static_cast<size_t>(fraction * static_cast<double>(sorted.size() - 1));
  return sorted[index];
}

}  // namespace

int main(int argc, char** argv) {
  int events = argc > 1 ? std::atoi(argv[1]) : 20000;
  int clients = argc > 2 ? std::atoi(argv[2]) : 32;
  double rate = argc > 3 ? std::atof(argv[3]) : 2000;
  if (events <= 0 || clients <= 0 || rate < 0) {
    std::fprintf(stderr, "usage: callback_bench [events>0] [clients>0] [rate_per_s>=0]\n");
    return 2;
  }
  connector::CallbackLogger()->set_level(spdlog::level::warn);

  std::string path = (std::filesystem::temp_directory_path() /
                      ("logbridge-callback-bench-" + std::to_string(::getpid()) + ".db"))
                         .string();
  SystemClock clock;
  CountingHandler handler;
  Result<std::unique_ptr<connector::EventInbox>> inbox =
      connector::EventInbox::Open({path}, &handler, &clock);
  if (!inbox.ok()) {
    std::fprintf(stderr, "inbox: %s\n", inbox.error().ToString().c_str());
    return 1;
  }
  connector::CallbackServerOptions options;
  options.apps = {{"bench-app", kApp}};
  options.threads = clients + 4;
  Result<std::unique_ptr<connector::CallbackServer>> server =
      connector::CallbackServer::Create(options, inbox->get(), nullptr, nullptr, &clock);
  if (!server.ok()) {
    std::fprintf(stderr, "server: %s\n", server.error().ToString().c_str());
    return 1;
  }
  Result<int> port = (*server)->Start();
  if (!port.ok()) {
    std::fprintf(stderr, "server: %s\n", port.error().ToString().c_str());
    return 1;
  }

  Result<dingtalk::CallbackCrypto> crypto = dingtalk::CallbackCrypto::Create(kApp);
  if (!crypto.ok()) {
    std::fprintf(stderr, "crypto: %s\n", crypto.error().ToString().c_str());
    return 1;
  }
  std::vector<Request> requests = PrepareRequests(events, *crypto, clock.Now());

  // Each client sends requests i, i+clients, ... With a rate, request i is scheduled at
  // start + i/rate and its latency counts from that time, so queueing delay is not hidden.
  std::vector<std::vector<double>> latencies(clients);
  std::atomic<int> failures{0};
  Steady::time_point start = Steady::now() + std::chrono::milliseconds(50);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", *port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      for (int i = c; i < events; i += clients) {
        Steady::time_point scheduled = start;
        if (rate > 0) {
          scheduled += std::chrono::microseconds(static_cast<int64_t>(i * 1e6 / rate));
          std::this_thread::sleep_until(scheduled);
        } else {
          scheduled = Steady::now();
        }
        auto result = client.Post(requests[i].target.c_str(), requests[i].body, "application/json");
        if (!result || result->status != 200) {
          failures.fetch_add(1);
        }
        latencies[c].push_back(
            std::chrono::duration<double, std::milli>(Steady::now() - scheduled).count());
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  double seconds = std::chrono::duration<double>(Steady::now() - start).count();

  std::vector<double> all;
  for (const auto& list : latencies) {
    all.insert(all.end(), list.begin(), list.end());
  }
  std::sort(all.begin(), all.end());
  (*inbox)->WaitIdle(std::chrono::seconds(60));
  Result<connector::InboxCounts> counts = (*inbox)->Counts();
  auto [handled, handled_twice] = handler.Summary();
  int distinct = events - events / kDuplicateEvery;

  std::printf("callback_bench: %d requests (%d distinct events), %d clients, rate %s\n", events,
              distinct, clients, rate > 0 ? std::to_string(static_cast<int>(rate)).c_str() : "max");
  std::printf("  sustained   %.0f requests/s over %.2f s\n", events / seconds, seconds);
  std::printf("  latency ms  p50 %.2f  p99 %.2f  max %.2f\n", Percentile(all, 0.50),
              Percentile(all, 0.99), all.empty() ? 0.0 : all.back());
  std::printf("  commits     %lld (%.1f requests per commit, status updates included)\n",
              static_cast<long long>((*inbox)->commit_count()),
              static_cast<double>(events) / std::max<int64_t>(1, (*inbox)->commit_count()));
  std::printf("  failures    %d\n", failures.load());
  bool ok = failures.load() == 0 && counts.ok() && counts->total == distinct &&
            counts->processed == distinct && handled == static_cast<size_t>(distinct) &&
            handled_twice == 0;
  std::printf("  stored %lld, processed %lld, handled %zu, handled twice %zu: %s\n",
              counts.ok() ? static_cast<long long>(counts->total) : -1LL,
              counts.ok() ? static_cast<long long>(counts->processed) : -1LL, handled,
              handled_twice, ok ? "OK" : "MISMATCH");

  (*server)->Stop();
  inbox->reset();
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix, ignored);
  }
  return ok ? 0 : 1;
}
