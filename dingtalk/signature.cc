// Base64, digests and HMAC signatures over OpenSSL 3's one-shot APIs.

#include "dingtalk/signature.h"

#include <array>
#include <charconv>
#include <cstdlib>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace logbridge::dingtalk {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Returns the 6-bit value of a Base64 character, or -1 when it is outside the alphabet.
int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  if (c == '/') {
    return 63;
  }
  return -1;
}

std::string TimestampText(EpochMs timestamp) { return std::to_string(timestamp.value); }

Status CheckSkew(EpochMs timestamp, EpochMs now, std::chrono::milliseconds max_skew,
                 std::string_view what) {
  auto skew = std::chrono::abs(now - timestamp);
  if (skew > max_skew) {
    return MakeError(ErrorCode::kUnauthenticated,
                     std::string(what) + " timestamp " + std::to_string(timestamp.value) + " is " +
                         std::to_string(skew.count()) + " ms from the server clock (" +
                         std::to_string(now.value) + "), more than the allowed " +
                         std::to_string(max_skew.count()) + " ms; check the sender's clock");
  }
  return OkStatus();
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t group = (static_cast<uint8_t>(bytes[i]) << 16) |
                     (static_cast<uint8_t>(bytes[i + 1]) << 8) | static_cast<uint8_t>(bytes[i + 2]);
    out.push_back(kBase64Alphabet[(group >> 18) & 63]);
    out.push_back(kBase64Alphabet[(group >> 12) & 63]);
    out.push_back(kBase64Alphabet[(group >> 6) & 63]);
    out.push_back(kBase64Alphabet[group & 63]);
  }

  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t group = static_cast<uint8_t>(bytes[i]) << 16;
    out.push_back(kBase64Alphabet[(group >> 18) & 63]);
    out.push_back(kBase64Alphabet[(group >> 12) & 63]);
    out.append("==");
  } else if (rest == 2) {
    uint32_t group =
        (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out.push_back(kBase64Alphabet[(group >> 18) & 63]);
    out.push_back(kBase64Alphabet[(group >> 12) & 63]);
    out.push_back(kBase64Alphabet[(group >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

Result<std::string> Base64DecodeLenient(std::string_view text) {
  // Padding is optional, but when present it may only end the text (at most two '=').
  size_t data_length = text.size();
  while (data_length > 0 && text[data_length - 1] == '=' && text.size() - data_length < 2) {
    --data_length;
  }
  if (data_length % 4 == 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid Base64: " + std::to_string(data_length) +
                         " data characters cannot encode whole bytes (4n+1 is never valid)");
  }

  std::string out;
  out.reserve(data_length / 4 * 3 + 2);
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < data_length; ++i) {
    int value = Base64Value(text[i]);
    if (value < 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "invalid Base64: character " + std::to_string(i) + " (byte value " +
                           std::to_string(static_cast<uint8_t>(text[i])) +
                           ") is outside the standard alphabet");
    }
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  // The 2 or 4 bits left in `buffer` are the spare bits a lenient decoder ignores.
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  if (a.empty()) {
    return true;
  }
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Sha1Hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_length = 0;
  // EVP_Digest fails only when OpenSSL cannot allocate. The result is then empty, and an empty
  // string never equals a 40-character signature.
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &digest_length, EVP_sha1(), nullptr);

  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  out.reserve(digest_length * 2);
  for (unsigned int i = 0; i < digest_length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

std::string HmacSha256Base64(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &mac_length);
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac_length));
}

std::string PercentEncode(std::string_view text) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (char c : text) {
    auto byte = static_cast<uint8_t>(c);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  return out;
}

std::string SignCustomRobotWebhook(std::string_view secret, EpochMs timestamp) {
  std::string data = TimestampText(timestamp) + "\n" + std::string(secret);
  return HmacSha256Base64(secret, data);
}

std::string CustomRobotWebhookQuery(std::string_view secret, EpochMs timestamp) {
  return "timestamp=" + TimestampText(timestamp) +
         "&sign=" + PercentEncode(SignCustomRobotWebhook(secret, timestamp));
}

std::string SignRobotCallback(std::string_view app_secret, EpochMs timestamp) {
  return SignCustomRobotWebhook(app_secret, timestamp);
}

Status VerifyRobotCallback(std::string_view app_secret, std::string_view timestamp_header,
                           std::string_view sign_header, EpochMs now) {
  Result<EpochMs> timestamp = ParseEpochMs(timestamp_header, "robot callback header timestamp");
  if (!timestamp.ok()) {
    return timestamp.error();
  }
  Status fresh = CheckSkew(*timestamp, now, kRobotCallbackMaxSkew, "robot callback");
  if (!fresh.ok()) {
    return fresh;
  }
  if (!ConstantTimeEquals(SignRobotCallback(app_secret, *timestamp), sign_header)) {
    return MakeError(ErrorCode::kUnauthenticated,
                     "robot callback header sign does not match the app secret; check that the "
                     "robot's app secret in the config is current");
  }
  return OkStatus();
}

std::string SignCardCallback(std::string_view api_secret, EpochMs timestamp) {
  return HmacSha256Base64(api_secret, TimestampText(timestamp));
}

Status VerifyCardCallback(std::string_view api_secret, std::string_view timestamp_header,
                          std::string_view signature_header, EpochMs now,
                          std::chrono::milliseconds max_skew) {
  Result<EpochMs> timestamp =
      ParseEpochMs(timestamp_header, "card callback header x-ddpaas-signature-timestamp");
  if (!timestamp.ok()) {
    return timestamp.error();
  }
  if (max_skew.count() > 0) {
    Status fresh = CheckSkew(*timestamp, now, max_skew, "card callback");
    if (!fresh.ok()) {
      return fresh;
    }
  }
  if (!ConstantTimeEquals(SignCardCallback(api_secret, *timestamp), signature_header)) {
    return MakeError(ErrorCode::kUnauthenticated,
                     "card callback header x-ddpaas-signature does not match the api secret; "
                     "check the apiSecret registered with the card callback route");
  }
  return OkStatus();
}

Result<EpochMs> ParseEpochMs(std::string_view text, std::string_view field_name) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  bool digits_only = !text.empty() && text.front() != '-' && text.front() != '+';
  if (!digits_only || ec != std::errc() || ptr != end) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(field_name) + " is \"" + std::string(text.substr(0, 32)) +
                         "\"; expected a non-negative decimal number of epoch milliseconds");
  }
  return EpochMs(value);
}

}  // namespace logbridge::dingtalk
