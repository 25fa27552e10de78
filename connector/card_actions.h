// Button clicks on interactive cards (HTTP card callbacks): the parsed action, the interface the
// approval logic implements, and the service that enforces who may click and applies each
// (card, user, action) once. CardActionService is thread-safe; it serializes clicks.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"

namespace logbridge::connector {

// One button click, parsed from the callback body.
struct CardAction {
  std::string out_track_id;  // the card's id, chosen by us when the card was sent
  std::string user_id;       // who clicked (userid)
  std::string corp_id;
  std::string action_id;                      // cardPrivateData.actionIds[0], the button's id
  std::map<std::string, std::string> params;  // cardPrivateData.params, values as strings
};

// Parses a card callback body: outTrackId, userId and the JSON string `content` (or `value`
// when content is absent) holding cardPrivateData.actionIds and params. Non-string param
// values are kept as their JSON text. Errors: kInvalidArgument naming the missing field.
Result<CardAction> ParseCardAction(std::string_view body);

// Card content after a click, as card template variables (cardParamMap).
struct CardDecision {
  std::map<std::string, std::string> card_data;          // seen by everyone
  std::map<std::string, std::string> user_private_data;  // seen by the clicking user only
};

// Returns the callback response that updates the card by key:
// {"cardData":{"cardParamMap":..},"userPrivateData":{"cardParamMap":..},"cardUpdateOptions":..}.
std::string CardDecisionJson(const CardDecision& decision);

// The connector's logic behind card buttons, for example approvals.
class CardActionHandler {
 public:
  virtual ~CardActionHandler() = default;

  // Returns the userid the card was sent to, or nullopt when the card is unknown.
  virtual std::optional<std::string> RecipientOf(const std::string& out_track_id) = 0;

  // Returns true when `action_id` is a button this handler applies.
  virtual bool IsKnownAction(const std::string& action_id) = 0;

  // Applies a click that passed the recipient and action checks. The service calls it once per
  // (card, user, action) unless recording the result failed. An error becomes the HTTP error
  // status returned to the clicking user's client.
  virtual Result<CardDecision> Apply(const CardAction& action) = 0;
};

struct CardActionOptions {
  std::string database_path;  // the connector's SQLite file, for table callback_card_actions
  std::chrono::milliseconds busy_timeout{5000};
};

class CardActionService {
 public:
  // Opens the database and creates callback_card_actions when missing. `handler` must outlive
  // the service. Errors: kInvalidArgument for an empty path, kUnavailable when SQLite fails.
  static Result<std::unique_ptr<CardActionService>> Open(CardActionOptions options,
                                                         CardActionHandler* handler,
                                                         const Clock* clock);
  ~CardActionService();

  // Checks and applies one click. A repeat of an applied (card, user, action) returns the
  // stored decision without calling the handler. Errors: kNotFound for an unknown card,
  // kPermissionDenied when the user is not the card's recipient, kInvalidArgument for an
  // unknown action, the handler's error otherwise (nothing is stored then).
  Result<CardDecision> Apply(const CardAction& action);

 private:
  struct State;
  CardActionService(std::unique_ptr<State> state, CardActionHandler* handler, const Clock* clock);

  std::unique_ptr<State> state_;
  CardActionHandler* const handler_;
  const Clock* const clock_;
};

}  // namespace logbridge::connector
