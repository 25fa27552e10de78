// End-to-end test of Stream mode against the sandbox as the deploy guide configures it. The
// service opens its Stream connection on the sandbox's API port, without stream_base_url. A
// manager's click on an approval card, simulated through the sandbox's admin endpoint, then
// reaches the approval over that connection.

#include <chrono>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <stdlib.h>

#include "connector/approvals.h"
#include "connector/demo.h"
#include "connector/service.h"
#include "dingtalk/sandbox/sandbox.h"
#include "dingtalk/sandbox/stream_gateway.h"
#include "dingtalk/stream_client.h"

namespace logbridge::connector {
namespace {

constexpr std::chrono::milliseconds kWait{5000};

// Removes a directory and its contents when the test ends.
struct RemoveOnExit {
  ~RemoveOnExit() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string path;
};

TEST_CASE("sandbox card click reaches approval over stream", "[stream]") {
  // The gateway outlives the environment, whose sandbox points to it.
  dingtalk::StreamGatewayOptions gateway_options;
  gateway_options.redelivery_timeout = std::chrono::milliseconds(500);
  Result<std::unique_ptr<dingtalk::StreamGateway>> gateway =
      dingtalk::StreamGateway::Start(gateway_options);
  REQUIRE(gateway.ok());

  std::string data_dir =
      (std::filesystem::temp_directory_path() / "logbridge-stream-XXXXXX").string();
  REQUIRE(mkdtemp(data_dir.data()) != nullptr);
  RemoveOnExit cleanup{data_dir};
  DemoEnvironmentOptions options;
  options.people = 12;
  options.months = 1;
  options.seed = 7;
  options.data_dir = data_dir;
  options.holidays_dir = std::string(LOGBRIDGE_SOURCE_DIR) + "/config/holidays";
  options.start_admin_api = false;
  options.adjust = [](ServiceConfig& config) {
    config.dingtalk.callback_mode = CallbackMode::kStream;
    config.dingtalk.stream_base_url.clear();
  };
  Result<std::unique_ptr<DemoEnvironment>> created = DemoEnvironment::Create(options);
  REQUIRE(created.ok());
  DemoEnvironment& environment = **created;
  environment.sandbox().SetStreamGateway(gateway->get());
  REQUIRE(environment.StartService().ok());

  // The Stream connection was opened through the sandbox's API port.
  Service& service = environment.service();
  REQUIRE(service.stream_client() != nullptr);
  REQUIRE(service.stream_client()->WaitForConnections(1, kWait));
  CHECK(environment.sandbox().CallCount("/v1.0/gateway/connections/open") >= 1);
  REQUIRE((*gateway)->WaitForConnections(1, kWait));
  CHECK((*gateway)->Connections().size() == 1);

  environment.clock().Set(environment.start() + std::chrono::days(9));
  REQUIRE(service.RunDue().ok());
  ApprovalFilter pending;
  pending.status = ApprovalStatus::kPending;
  Result<std::vector<Approval>> approvals = service.store().ListApprovals(pending);
  REQUIRE(approvals.ok());
  REQUIRE_FALSE(approvals->empty());
  const Approval approval = approvals->front();
  bool card_found = false;
  for (const dingtalk::RecordedCard& card : environment.sandbox().Cards()) {
    if (card.out_track_id == approval.out_track_id) {
      card_found = true;
      CHECK(card.callback_type == "STREAM");
    }
  }
  REQUIRE(card_found);

  // The manager clicks reject in the sandbox; the click travels as a Stream CALLBACK frame.
  httplib::Client admin("127.0.0.1", environment.sandbox().port());
  nlohmann::json click = {{"out_track_id", approval.out_track_id},
                          {"userid", approval.manager_id},
                          {"action_id", kRejectAction},
                          {"params", {{kReasonParam, "请补充客户名称"}}}};
  auto clicked = admin.Post("/sandbox/cards/click", click.dump(), "application/json");
  REQUIRE(clicked);
  CHECK(clicked->status == 200);
  REQUIRE((*gateway)->WaitForAckCount(1, kWait));
  std::vector<dingtalk::StreamDeliveryState> deliveries = (*gateway)->Deliveries();
  REQUIRE(deliveries.size() == 1);
  CHECK(deliveries[0].type == dingtalk::StreamFrameType::kCallback);
  CHECK(deliveries[0].acknowledged);

  Result<std::optional<Approval>> decided = service.store().GetApproval(approval.id);
  REQUIRE(decided.ok());
  REQUIRE(decided->has_value());
  CHECK((*decided)->status == ApprovalStatus::kRejected);
  CHECK((*decided)->reason == "请补充客户名称");
  CHECK((*decided)->decided_by == approval.manager_id);
  std::vector<dingtalk::RecordedStreamAck> acks = (*gateway)->Acks();
  REQUIRE(acks.size() == 1);
  nlohmann::json data = nlohmann::json::parse(acks[0].ack.data);
  CHECK(data["response"]["cardData"]["cardParamMap"]["status"] == "已驳回");

  environment.StopService();
}

}  // namespace
}  // namespace logbridge::connector
