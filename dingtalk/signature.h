// Base64 and the HMAC-SHA256 signatures DingTalk uses outside the encrypted event envelope:
// custom robot webhooks, robot message callbacks and interactive card HTTP callbacks.
// Stateless, thread-safe free functions. Nothing here logs, so secrets passed in stay private.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"

namespace logbridge::dingtalk {

// Encodes bytes as standard Base64 (RFC 4648 alphabet, with '=' padding).
std::string Base64Encode(std::string_view bytes);

// Decodes standard Base64 leniently: the '=' padding may be missing and the spare low bits of
// the last character are ignored (DingTalk's 43-character aes keys set them). Rejects any
// character outside the alphabet, padding in the middle, and a length of 4n+1 characters.
Result<std::string> Base64DecodeLenient(std::string_view text);

// Compares two byte strings in time that depends only on their lengths, never on where they
// differ. Lengths are not secret here (signatures have fixed lengths).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Returns the lower-case hex SHA-1 digest of `bytes` (40 characters).
std::string Sha1Hex(std::string_view bytes);

// Returns Base64(HMAC-SHA256(key, data)), the raw signature before any URL encoding.
std::string HmacSha256Base64(std::string_view key, std::string_view data);

// Percent-encodes every byte except the RFC 3986 unreserved characters (A-Z a-z 0-9 - _ . ~).
std::string PercentEncode(std::string_view text);

// Signature of a custom group robot webhook call ("加签"): Base64(HMAC-SHA256(key = secret,
// data = timestamp_ms + "\n" + secret)), not yet URL-encoded. The platform rejects a
// timestamp more than one hour away from its own clock.
std::string SignCustomRobotWebhook(std::string_view secret, EpochMs timestamp);

// Query suffix for a custom robot webhook URL: "timestamp=<ms>&sign=<url-encoded sign>".
// Append it to ".../robot/send?access_token=..." with '&'.
std::string CustomRobotWebhookQuery(std::string_view secret, EpochMs timestamp);

// Signature DingTalk sends in the `sign` header of a robot message callback: the same input
// as the webhook signature, keyed with the robot's app secret, and not URL-encoded.
std::string SignRobotCallback(std::string_view app_secret, EpochMs timestamp);

// Maximum distance between a robot callback's `timestamp` header and our clock.
inline constexpr std::chrono::milliseconds kRobotCallbackMaxSkew = std::chrono::hours(1);

// Verifies the `timestamp` and `sign` headers of a robot message callback.
// Errors: kInvalidArgument when the timestamp header is not a decimal number of ms,
// kUnauthenticated when it is more than kRobotCallbackMaxSkew from `now` or the sign differs.
Status VerifyRobotCallback(std::string_view app_secret, std::string_view timestamp_header,
                           std::string_view sign_header, EpochMs now);

// Signature of an interactive card HTTP callback (header x-ddpaas-signature):
// Base64(HMAC-SHA256(key = api secret, data = decimal timestamp in ms)).
std::string SignCardCallback(std::string_view api_secret, EpochMs timestamp);

// Verifies the x-ddpaas-signature-timestamp and x-ddpaas-signature headers of a card callback.
// `max_skew` bounds |now - timestamp|; zero disables the freshness check.
// Errors: kInvalidArgument for a non-numeric timestamp, kUnauthenticated for a stale timestamp
// or a signature that differs.
Status VerifyCardCallback(std::string_view api_secret, std::string_view timestamp_header,
                          std::string_view signature_header, EpochMs now,
                          std::chrono::milliseconds max_skew);

// Parses a decimal epoch-ms header value. The kInvalidArgument error names the field and value
// when the text is empty, signed, has non-digits or overflows int64.
Result<EpochMs> ParseEpochMs(std::string_view text, std::string_view field_name);

}  // namespace logbridge::dingtalk
