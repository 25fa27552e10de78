// Card clicks are rare (people press buttons), so one mutex serializes them: the applied-check,
// the handler call and the insert then form one step, and two concurrent copies of a click
// cannot both reach the handler.

#include "connector/card_actions.h"

#include <mutex>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "connector/callback_log.h"

namespace logbridge::connector {
namespace {

using nlohmann::json;

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS callback_card_actions (
  out_track_id  TEXT NOT NULL,
  user_id       TEXT NOT NULL,
  action_id     TEXT NOT NULL,
  params_json   TEXT NOT NULL,
  decision_json TEXT NOT NULL,
  applied_at    INTEGER NOT NULL,
  PRIMARY KEY (out_track_id, user_id, action_id)
);
)sql";

// The one place that turns SQLiteCpp exceptions into Status values for this file.
template <typename Action>
Status RunSqlite(std::string_view what, Action&& action) {
  try {
    action();
    return OkStatus();
  } catch (const SQLite::Exception& exception) {
    return MakeError(ErrorCode::kUnavailable,
                     "SQLite failed to " + std::string(what) + ": " + exception.what());
  }
}

std::string StringField(const json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || !found->is_string()) {
    return "";
  }
  return found->get<std::string>();
}

json ParamMap(const std::map<std::string, std::string>& values) {
  return json{{"cardParamMap", values}};
}

std::map<std::string, std::string> ReadParamMap(const json& object, const char* name) {
  std::map<std::string, std::string> values;
  auto found = object.find(name);
  if (found == object.end() || !found->is_object()) {
    return values;
  }
  auto map = found->find("cardParamMap");
  if (map == found->end() || !map->is_object()) {
    return values;
  }
  for (const auto& [key, value] : map->items()) {
    values[key] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  return values;
}

}  // namespace

Result<CardAction> ParseCardAction(std::string_view body) {
  json root = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "card callback body is not a JSON object");
  }
  CardAction action;
  action.out_track_id = StringField(root, "outTrackId");
  action.user_id = StringField(root, "userId");
  action.corp_id = StringField(root, "corpId");
  if (action.out_track_id.empty() || action.user_id.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "card callback lacks outTrackId or userId; both must be non-empty strings");
  }

  // The button data arrives as JSON text inside a string field: "content", or "value".
  std::string content_text = StringField(root, "content");
  if (content_text.empty()) {
    content_text = StringField(root, "value");
  }
  json content = json::parse(content_text, nullptr, /*allow_exceptions=*/false);
  if (!content.is_object() || !content.contains("cardPrivateData") ||
      !content["cardPrivateData"].is_object()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "card callback for card " + action.out_track_id +
                         " has no JSON string content (or value) with a cardPrivateData object");
  }
  const json& private_data = content["cardPrivateData"];
  auto action_ids = private_data.find("actionIds");
  if (action_ids == private_data.end() || !action_ids->is_array() || action_ids->empty() ||
      !action_ids->front().is_string()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "card callback for card " + action.out_track_id +
                         " has no cardPrivateData.actionIds[0] string naming the button");
  }
  action.action_id = action_ids->front().get<std::string>();

  auto params = private_data.find("params");
  if (params != private_data.end() && params->is_object()) {
    for (const auto& [key, value] : params->items()) {
      action.params[key] = value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  return action;
}

std::string CardDecisionJson(const CardDecision& decision) {
  json body = {
      {"cardData", ParamMap(decision.card_data)},
      {"userPrivateData", ParamMap(decision.user_private_data)},
      {"cardUpdateOptions", {{"updateCardDataByKey", true}, {"updatePrivateDataByKey", true}}}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

struct CardActionService::State {
  std::mutex mutex;  // serializes Apply; guards the statements below
  std::unique_ptr<SQLite::Database> database;
  std::unique_ptr<SQLite::Statement> select;
  std::unique_ptr<SQLite::Statement> insert;
};

Result<std::unique_ptr<CardActionService>> CardActionService::Open(CardActionOptions options,
                                                                   CardActionHandler* handler,
                                                                   const Clock* clock) {
  if (options.database_path.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "card action database path is empty; set it to the connector's database");
  }
  auto state = std::make_unique<State>();
  Status opened = RunSqlite("open the card action table", [&] {
    state->database = std::make_unique<SQLite::Database>(
        options.database_path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    state->database->setBusyTimeout(static_cast<int>(options.busy_timeout.count()));
    if (options.database_path != ":memory:") {
      state->database->exec("PRAGMA journal_mode=WAL");
    }
    state->database->exec(kSchema);
    state->select = std::make_unique<SQLite::Statement>(
        *state->database,
        "SELECT decision_json FROM callback_card_actions "
        "WHERE out_track_id = ? AND user_id = ? AND action_id = ?");
    state->insert = std::make_unique<SQLite::Statement>(
        *state->database,
        "INSERT INTO callback_card_actions (out_track_id, user_id, action_id, params_json, "
        "decision_json, applied_at) VALUES (?, ?, ?, ?, ?, ?)");
  });
  if (!opened.ok()) {
    return opened.error();
  }
  return std::unique_ptr<CardActionService>(
      new CardActionService(std::move(state), handler, clock));
}

CardActionService::CardActionService(std::unique_ptr<State> state, CardActionHandler* handler,
                                     const Clock* clock)
    : state_(std::move(state)), handler_(handler), clock_(clock) {}

CardActionService::~CardActionService() = default;

Result<CardDecision> CardActionService::Apply(const CardAction& action) {
  std::lock_guard lock(state_->mutex);

  std::optional<std::string> recipient = handler_->RecipientOf(action.out_track_id);
  if (!recipient) {
    return MakeError(ErrorCode::kNotFound, "card " + action.out_track_id +
                                               " is unknown; it was not sent by this "
                                               "connector or has been removed");
  }
  if (*recipient != action.user_id) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "user " + action.user_id + " clicked card " + action.out_track_id +
                         ", which was sent to another user; only the recipient may act on it");
  }
  if (!handler_->IsKnownAction(action.action_id)) {
    return MakeError(ErrorCode::kInvalidArgument, "card " + action.out_track_id +
                                                      ": unknown action \"" + action.action_id +
                                                      "\"; check the card template's buttons");
  }

  // A repeat of an applied click returns the stored decision.
  std::optional<std::string> stored;
  Status looked_up = RunSqlite("read a card action", [&] {
    SQLite::Statement& select = *state_->select;
    select.reset();
    select.bind(1, action.out_track_id);
    select.bind(2, action.user_id);
    select.bind(3, action.action_id);
    if (select.executeStep()) {
      stored = select.getColumn(0).getString();
    }
  });
  if (!looked_up.ok()) {
    return looked_up.error();
  }
  if (stored) {
    json saved = json::parse(*stored, nullptr, /*allow_exceptions=*/false);
    CallbackLogger()->info("card {} action {} by {} repeated; returning the stored decision",
                           action.out_track_id, action.action_id, action.user_id);
    return CardDecision{ReadParamMap(saved, "cardData"), ReadParamMap(saved, "userPrivateData")};
  }

  Result<CardDecision> decision = handler_->Apply(action);
  if (!decision.ok()) {
    CallbackLogger()->warn("card {} action {} by {} failed: {}", action.out_track_id,
                           action.action_id, action.user_id, decision.error().ToString());
    return decision;
  }

  Status saved = RunSqlite("store a card action", [&] {
    SQLite::Statement& insert = *state_->insert;
    insert.reset();
    insert.bind(1, action.out_track_id);
    insert.bind(2, action.user_id);
    insert.bind(3, action.action_id);
    insert.bind(4, json(action.params).dump(-1, ' ', false, json::error_handler_t::replace));
    insert.bind(5, CardDecisionJson(*decision));
    insert.bind(6, static_cast<int64_t>(clock_->Now().value));
    insert.exec();
  });
  if (!saved.ok()) {
    // NOTE: the handler has applied the click but the record is missing. A platform retry then
    // reaches the handler again, so handlers must be idempotent themselves.
    CallbackLogger()->error("card {} action {} by {} applied but not recorded: {}",
                            action.out_track_id, action.action_id, action.user_id,
                            saved.error().message);
  }
  CallbackLogger()->info("card {} action {} by {} applied", action.out_track_id, action.action_id,
                         action.user_id);
  return decision;
}

}  // namespace logbridge::connector
