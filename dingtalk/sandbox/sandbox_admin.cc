// The sandbox admin endpoint under /sandbox/, serving loopback clients only: recorded
// messages and cards, faults, simulated users (logs, edits, card clicks, robot messages),
// events, tokens and call counters. Bodies are JSON; errors are {"error": "..."}.

#include "dingtalk/sandbox/calendar.h"
#include "dingtalk/sandbox/sandbox_impl.h"
#include "dingtalk/sandbox/sandbox_json.h"
#include "dingtalk/sandbox/stream_gateway.h"
#include "dingtalk/stream_client.h"

namespace logbridge::dingtalk {
namespace {

using nlohmann::json;
using Impl = Sandbox::Impl;
using FieldList = std::vector<std::pair<std::string, std::string>>;

constexpr std::pair<FaultKind, const char*> kFaultKindNames[] = {
    {FaultKind::kServerError, "server_error"},
    {FaultKind::kSlowResponse, "slow_response"},
    {FaultKind::kMalformedJson, "malformed_json"},
    {FaultKind::kDropConnection, "drop_connection"},
    {FaultKind::kPunish, "punish"},
    {FaultKind::kStuckCursor, "stuck_cursor"},
    {FaultKind::kPermissionDenied, "permission_denied"},
    {FaultKind::kErrorCode, "error_code"},
};

void SendJson(httplib::Response& response, int32_t status, const json& body) {
  response.status = status;
  response.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace),
                       "application/json;charset=utf-8");
}

void SendError(httplib::Response& response, const Error& error) {
  SendJson(response, HttpStatusFor(error.code), {{"error", error.message}});
}

// Reads the request body as a JSON object.
Result<json> ReadBody(const httplib::Request& request) {
  std::optional<json> body = SandboxJson::Parse(request.body.empty() ? "{}" : request.body);
  if (!body || !body->is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "request body must be a JSON object");
  }
  return *body;
}

// Reads "fields" given as an object {"key": "value"} or as [["key", "value"], ...].
Result<FieldList> ReadFields(const json& body) {
  FieldList fields;
  const json* value = SandboxJson::Find(body, "fields");
  if (value != nullptr && value->is_object()) {
    for (const auto& [key, item] : value->items()) {
      if (!item.is_string()) {
        return MakeError(ErrorCode::kInvalidArgument, "fields." + key + " must be a string");
      }
      fields.emplace_back(key, item.get<std::string>());
    }
    return fields;
  }
  if (value != nullptr && value->is_array()) {
    for (const json& pair : *value) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "fields must be [[\"key\", \"value\"], ...] with string items");
      }
      fields.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    }
    return fields;
  }
  return MakeError(ErrorCode::kInvalidArgument, "fields is required: an object of strings");
}

std::optional<EpochMs> ReadTime(const json& body, std::string_view key) {
  std::optional<int64_t> value = SandboxJson::Int64(body, key);
  return value ? std::optional<EpochMs>(EpochMs(*value)) : std::nullopt;
}

json MessageToJson(const RecordedMessage& message) {
  std::optional<json> content = SandboxJson::Parse(message.content_json);
  return {{"channel", message.channel},
          {"id", message.id},
          {"app_key", message.app_key},
          {"msg_type", message.msg_type},
          {"content", content.value_or(json(message.content_json))},
          {"delivered_userids", message.delivered_userids},
          {"dropped_userids", message.dropped_userids},
          {"invalid_userids", message.invalid_userids},
          {"sent_at", message.sent_at.value}};
}

json CardToJson(const RecordedCard& card) {
  return {{"out_track_id", card.out_track_id},
          {"card_template_id", card.card_template_id},
          {"open_space_id", card.open_space_id},
          {"callback_type", card.callback_type},
          {"app_key", card.app_key},
          {"card_params", card.card_params},
          {"update_count", card.update_count},
          {"created_at", card.created_at.value},
          {"updated_at", card.updated_at.value}};
}

// Parses a fault from admin JSON; kind names are those of kFaultKindNames.
Result<Fault> ParseFault(const json& body) {
  Fault fault;
  std::string kind = SandboxJson::String(body, "kind").value_or("");
  bool known = false;
  for (const auto& [value, name] : kFaultKindNames) {
    if (kind == name) {
      fault.kind = value;
      known = true;
    }
  }
  if (!known) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "fault kind '" + kind +
                         "' is unknown; use server_error, slow_response, "
                         "malformed_json, drop_connection, punish, stuck_cursor, permission_denied "
                         "or error_code");
  }

  fault.path = SandboxJson::String(body, "path").value_or("");
  fault.count = static_cast<int32_t>(SandboxJson::Int64(body, "count").value_or(-1));
  const json* probability = SandboxJson::Find(body, "probability");
  if (probability != nullptr && probability->is_number()) {
    fault.probability = probability->get<double>();
  }
  if (fault.probability <= 0.0 || fault.probability > 1.0) {
    return MakeError(ErrorCode::kInvalidArgument, "fault probability must be in (0, 1]");
  }

  fault.http_status = static_cast<int32_t>(SandboxJson::Int64(body, "http_status").value_or(500));
  fault.delay = std::chrono::milliseconds(SandboxJson::Int64(body, "delay_ms").value_or(0));
  fault.errcode = static_cast<int32_t>(SandboxJson::Int64(body, "errcode").value_or(60011));
  fault.sub_code = SandboxJson::String(body, "sub_code").value_or("");
  return fault;
}

json FaultToJson(const Fault& fault) {
  std::string kind;
  for (const auto& [value, name] : kFaultKindNames) {
    if (fault.kind == value) {
      kind = name;
    }
  }
  return {{"kind", kind},
          {"path", fault.path},
          {"count", fault.count},
          {"probability", fault.probability},
          {"http_status", fault.http_status},
          {"delay_ms", static_cast<int64_t>(fault.delay.count())},
          {"errcode", fault.errcode},
          {"sub_code", fault.sub_code}};
}

}  // namespace

void Impl::RegisterAdminRoutes() {
  // Every admin route rejects callers that are not on the loopback interface.
  using Action = std::function<void(const httplib::Request&, httplib::Response&)>;
  auto guarded = [](Action action) {
    return [action](const httplib::Request& request, httplib::Response& response) {
      if (request.remote_addr != "127.0.0.1" && request.remote_addr != "::1") {
        SendJson(response, 403, {{"error", "the sandbox admin endpoint answers loopback only"}});
        return;
      }
      action(request, response);
    };
  };
  // Runs `action` on the parsed body; a bad body or a failed action becomes an error reply.
  auto with_body = [guarded](std::function<Result<json>(const json&)> action) {
    return guarded([action](const httplib::Request& request, httplib::Response& response) {
      Result<json> body = ReadBody(request);
      if (!body.ok()) {
        return SendError(response, body.error());
      }
      Result<json> result = action(*body);
      if (!result.ok()) {
        return SendError(response, result.error());
      }
      SendJson(response, 200, *result);
    });
  };

  server_.Get("/sandbox/health", guarded([](const httplib::Request&, httplib::Response& r) {
                SendJson(r, 200, {{"status", "ok"}});
              }));
  server_.Get("/sandbox/messages", guarded([this](const httplib::Request&, httplib::Response& r) {
                json list = json::array();
                for (const RecordedMessage& message : Messages()) {
                  list.push_back(MessageToJson(message));
                }
                SendJson(r, 200, {{"messages", std::move(list)}});
              }));
  server_.Get("/sandbox/cards", guarded([this](const httplib::Request&, httplib::Response& r) {
                json list = json::array();
                for (const RecordedCard& card : Cards()) {
                  list.push_back(CardToJson(card));
                }
                SendJson(r, 200, {{"cards", std::move(list)}});
              }));
  server_.Get("/sandbox/actions", guarded([this](const httplib::Request&, httplib::Response& r) {
                json list = json::array();
                for (const RecordedAction& action : Actions()) {
                  list.push_back({{"kind", action.kind},
                                  {"detail", SandboxJson::Parse(action.detail_json).value_or("")},
                                  {"at", action.at.value}});
                }
                SendJson(r, 200, {{"actions", std::move(list)}});
              }));

  server_.Get("/sandbox/faults", guarded([this](const httplib::Request&, httplib::Response& r) {
                json list = json::array();
                {
                  std::lock_guard<std::mutex> lock(mu_);
                  for (const Fault& fault : faults_) {
                    list.push_back(FaultToJson(fault));
                  }
                }
                SendJson(r, 200, {{"faults", std::move(list)}});
              }));
  server_.Post("/sandbox/faults", with_body([this](const json& body) -> Result<json> {
                 Result<Fault> fault = ParseFault(body);
                 if (!fault.ok()) {
                   return fault.error();
                 }
                 AddFault(*fault);
                 return json{{"added", FaultToJson(*fault)}};
               }));
  server_.Delete("/sandbox/faults", guarded([this](const httplib::Request&, httplib::Response& r) {
                   ClearFaults();
                   SendJson(r, 200, {{"cleared", true}});
                 }));

  server_.Post("/sandbox/reports", with_body([this](const json& body) -> Result<json> {
                 Result<FieldList> fields = ReadFields(body);
                 if (!fields.ok()) {
                   return fields.error();
                 }
                 Result<std::string> report_id =
                     WriteReport(SandboxJson::String(body, "userid").value_or(""),
                                 SandboxJson::String(body, "template_name").value_or(""), *fields,
                                 ReadTime(body, "create_time"));
                 if (!report_id.ok()) {
                   return report_id.error();
                 }
                 return json{{"report_id", *report_id}};
               }));
  server_.Post("/sandbox/reports/edit", with_body([this](const json& body) -> Result<json> {
                 Result<FieldList> fields = ReadFields(body);
                 if (!fields.ok()) {
                   return fields.error();
                 }
                 std::string report_id = SandboxJson::String(body, "report_id").value_or("");
                 Status edited = EditReport(report_id, *fields, ReadTime(body, "modified_time"));
                 if (!edited.ok()) {
                   return edited.error();
                 }
                 return json{{"report_id", report_id}};
               }));

  server_.Post("/sandbox/cards/click", with_body([this](const json& body) -> Result<json> {
                 std::map<std::string, std::string> params;
                 const json* params_json = SandboxJson::Find(body, "params");
                 if (params_json != nullptr && params_json->is_object()) {
                   for (const auto& [key, value] : params_json->items()) {
                     params[key] = value.is_string() ? value.get<std::string>() : value.dump();
                   }
                 }
                 Status clicked =
                     ClickCard(SandboxJson::String(body, "out_track_id").value_or(""),
                               SandboxJson::String(body, "userid").value_or(""),
                               SandboxJson::String(body, "action_id").value_or(""), params);
                 if (!clicked.ok()) {
                   return clicked.error();
                 }
                 return json{{"clicked", true}};
               }));
  server_.Post("/sandbox/robot/messages", with_body([this](const json& body) -> Result<json> {
                 Status sent = SendRobotMessage(SandboxJson::String(body, "userid").value_or(""),
                                                SandboxJson::String(body, "text").value_or(""));
                 if (!sent.ok()) {
                   return sent.error();
                 }
                 return json{{"sent", true}};
               }));
  server_.Post("/sandbox/events", with_body([this](const json& body) -> Result<json> {
                 const json* event = SandboxJson::Find(body, "event");
                 if (event == nullptr || !event->is_object()) {
                   return MakeError(ErrorCode::kInvalidArgument,
                                    "event is required: the event JSON object to push");
                 }
                 Status pushed = PushEvent(event->dump());
                 if (!pushed.ok()) {
                   return pushed.error();
                 }
                 return json{{"pushed", true}};
               }));

  server_.Get("/sandbox/pushes", guarded([this](const httplib::Request&, httplib::Response& r) {
                if (!pusher_) {
                  SendJson(r, 200, {{"pushes", json::array()}});
                  return;
                }
                r.set_content("{\"pushes\":" + pusher_->AttemptsJson() + "}",
                              "application/json;charset=utf-8");
              }));
  server_.Post("/sandbox/tokens/expire",
               guarded([this](const httplib::Request&, httplib::Response& r) {
                 ExpireTokens();
                 SendJson(r, 200, {{"expired", true}});
               }));
  server_.Get("/sandbox/counters", guarded([this](const httplib::Request&, httplib::Response& r) {
                json calls = json::object();
                {
                  std::lock_guard<std::mutex> lock(mu_);
                  for (const auto& [path, count] : call_counts_) {
                    calls[path] = count;
                  }
                }
                SendJson(r, 200, {{"calls", std::move(calls)}, {"monthly_usage", MonthlyUsage()}});
              }));
  server_.Post("/sandbox/counters", with_body([this](const json& body) -> Result<json> {
                 std::optional<int64_t> usage = SandboxJson::Int64(body, "monthly_usage");
                 std::optional<int64_t> advance = SandboxJson::Int64(body, "advance");
                 if (!usage && !advance) {
                   return MakeError(ErrorCode::kInvalidArgument,
                                    "set monthly_usage (absolute) or advance (calls to add)");
                 }
                 SetMonthlyUsage(usage ? *usage : MonthlyUsage() + *advance);
                 return json{{"monthly_usage", MonthlyUsage()}};
               }));
}

// ---------------------------------------------------------------------------------------------
// Simulated user actions.

Status Impl::ClickCard(const std::string& out_track_id, const std::string& userid,
                       const std::string& action_id,
                       const std::map<std::string, std::string>& params) {
  std::lock_guard<std::mutex> lock(mu_);
  auto card = cards_.find(out_track_id);
  if (card == cards_.end()) {
    return MakeError(ErrorCode::kNotFound, "no card with out_track_id " + out_track_id);
  }
  if (FindUser(userid) == nullptr) {
    return MakeError(ErrorCode::kNotFound, "user " + userid + " is not in the organization");
  }
  json detail = {{"out_track_id", out_track_id},
                 {"userid", userid},
                 {"action_id", action_id},
                 {"params", params}};
  actions_.push_back(RecordedAction{"card_click", detail.dump(), Now()});
  if (card->second.callback_type == "STREAM" && gateway_ != nullptr) {
    gateway_->PushCallback(std::string(kStreamCardTopic),
                           CardActionJson(out_track_id, org_.corp_id, userid, action_id, params),
                           card->second.app_key);
  } else if (pusher_) {
    pusher_->PushCardAction(out_track_id, userid, action_id, params);
  }
  return OkStatus();
}

Status Impl::SendRobotMessage(const std::string& userid, const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  const User* user = FindUser(userid);
  if (user == nullptr) {
    return MakeError(ErrorCode::kNotFound, "user " + userid + " is not in the organization");
  }
  json detail = {{"userid", userid}, {"name", user->name}, {"text", text}};
  actions_.push_back(RecordedAction{"robot_message", detail.dump(), Now()});
  if (PushesByStream(0)) {
    RobotMessageFields fields;
    fields.sender_staff_id = userid;
    fields.sender_nick = user->name;
    fields.text = text;
    fields.corp_id = org_.corp_id;
    if (options_.callbacks) {
      fields.session_webhook = options_.callbacks->robot_session_webhook;
    }
    fields.robot_code = apps_.front().robot_code;
    fields.now = Now();
    gateway_->PushCallback(std::string(kStreamRobotTopic), RobotMessageJson(fields),
                           apps_.front().app_key);
  } else if (pusher_) {
    pusher_->PushRobotMessage(userid, user->name, text);
  }
  return OkStatus();
}

Status Impl::PushEvent(const std::string& event_json) {
  std::optional<json> event = SandboxJson::Parse(event_json);
  if (!event || !event->is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "event must be a JSON object");
  }
  std::lock_guard<std::mutex> lock(mu_);
  bool any_stream = false;
  bool any_http = false;
  for (size_t i = 0; i < apps_.size(); ++i) {
    (PushesByStream(i) ? any_stream : any_http) = true;
  }

  // A Stream EVENT frame carries the type and id as headers and the other fields as data.
  std::string event_type = SandboxJson::String(*event, "EventType").value_or("");
  std::string event_id = SandboxJson::String(*event, "eventId").value_or("");
  if (any_stream && event_type.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "event has no string EventType, which a Stream EVENT frame needs as its "
                     "eventType header");
  }
  json data = *event;
  data.erase("EventType");
  data.erase("eventId");

  actions_.push_back(RecordedAction{"event", event_json, Now()});
  for (size_t i = 0; i < apps_.size(); ++i) {
    if (PushesByStream(i)) {
      gateway_->PushEvent(event_type, data.dump(), event_id, apps_[i].app_key);
    }
  }
  if (any_http && pusher_) {
    pusher_->PushEvent(event_json);
  }
  return OkStatus();
}

bool Impl::PushesByStream(size_t app_index) const {
  return gateway_ != nullptr && apps_[app_index].push_mode == SandboxPushMode::kStream;
}

void Impl::SetStreamGateway(StreamGateway* gateway) {
  std::lock_guard<std::mutex> lock(mu_);
  gateway_ = gateway;
}

std::vector<RecordedAction> Impl::Actions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return actions_;
}

}  // namespace logbridge::dingtalk
