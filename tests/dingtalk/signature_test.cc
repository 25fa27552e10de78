// Tests for Base64, constant-time comparison and the HMAC-SHA256 signatures of webhooks,
// robot callbacks and card callbacks. The HMAC vectors were computed independently with
// Python's hmac module.

#include "dingtalk/signature.h"

#include <catch2/catch.hpp>

namespace logbridge::dingtalk {
namespace {

TEST_CASE("Base64 encodes RFC 4648 vectors", "[crypto]") {
  CHECK(Base64Encode("") == "");
  CHECK(Base64Encode("f") == "Zg==");
  CHECK(Base64Encode("fo") == "Zm8=");
  CHECK(Base64Encode("foo") == "Zm9v");
  CHECK(Base64Encode("foob") == "Zm9vYg==");
  CHECK(Base64Encode("fooba") == "Zm9vYmE=");
  CHECK(Base64Encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("Base64 decodes with or without padding", "[crypto]") {
  for (std::string_view text : {"Zm9vYmE=", "Zm9vYmE"}) {
    Result<std::string> decoded = Base64DecodeLenient(text);
    REQUIRE(decoded.ok());
    CHECK(*decoded == "fooba");
  }
  Result<std::string> empty = Base64DecodeLenient("");
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE("Base64 ignores spare trailing bits", "[crypto]") {
  // "Zm9=" differs from the canonical "Zm8=" only in the two spare bits of its last character.
  Result<std::string> decoded = Base64DecodeLenient("Zm9=");
  REQUIRE(decoded.ok());
  CHECK(*decoded == "fo");
}

TEST_CASE("Base64 rejects invalid text", "[crypto]") {
  CHECK(!Base64DecodeLenient("Zm9v!").ok());   // character outside the alphabet
  CHECK(!Base64DecodeLenient("Zm=9").ok());    // padding in the middle
  CHECK(!Base64DecodeLenient("Zm9vY").ok());   // 4n+1 characters
  CHECK(!Base64DecodeLenient("Zg===").ok());   // three padding characters
  CHECK(!Base64DecodeLenient("Zm9v\n").ok());  // whitespace is not skipped
  Result<std::string> bad = Base64DecodeLenient("ab$d");
  REQUIRE(!bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidArgument);
  CHECK(bad.error().message.find("character 2") != std::string::npos);
}

TEST_CASE("Base64 round trips every byte value", "[crypto]") {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(i));
  }
  for (size_t length = 0; length <= bytes.size(); length += 37) {
    std::string_view input(bytes.data(), length);
    Result<std::string> decoded = Base64DecodeLenient(Base64Encode(input));
    REQUIRE(decoded.ok());
    CHECK(*decoded == input);
  }
}

TEST_CASE("ConstantTimeEquals compares bytes", "[crypto]") {
  CHECK(ConstantTimeEquals("", ""));
  CHECK(ConstantTimeEquals("abc", "abc"));
  CHECK(!ConstantTimeEquals("abc", "abd"));
  CHECK(!ConstantTimeEquals("abc", "abcd"));
  CHECK(!ConstantTimeEquals("", "a"));
}

TEST_CASE("Sha1Hex matches the FIPS vector", "[crypto]") {
  CHECK(Sha1Hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST_CASE("Webhook signature matches vector", "[crypto]") {
  EpochMs timestamp(1577262236757);
  CHECK(SignCustomRobotWebhook("this is secret", timestamp) ==
        "hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM=");
  CHECK(CustomRobotWebhookQuery("this is secret", timestamp) ==
        "timestamp=1577262236757&sign=hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D");
}

TEST_CASE("PercentEncode keeps unreserved characters", "[crypto]") {
  CHECK(PercentEncode("aZ09-_.~") == "aZ09-_.~");
  CHECK(PercentEncode("a b+/=") == "a%20b%2B%2F%3D");
  CHECK(PercentEncode("得") == "%E5%BE%97");
}

TEST_CASE("Robot callback signature matches vector", "[crypto]") {
  CHECK(SignRobotCallback("this is a secret", EpochMs(1577262236757)) ==
        "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA=");
}

TEST_CASE("Robot callback verification", "[crypto]") {
  const std::string secret = "this is a secret";
  const std::string sign = "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA=";
  EpochMs sent(1577262236757);

  SECTION("accepts a fresh correct sign") {
    CHECK(VerifyRobotCallback(secret, "1577262236757", sign, sent + std::chrono::minutes(59)).ok());
    CHECK(VerifyRobotCallback(secret, "1577262236757", sign, sent - std::chrono::minutes(59)).ok());
  }
  SECTION("rejects a timestamp over an hour old") {
    Status status =
        VerifyRobotCallback(secret, "1577262236757", sign, sent + std::chrono::minutes(61));
    REQUIRE(!status.ok());
    CHECK(status.error().code == ErrorCode::kUnauthenticated);
    CHECK(status.error().message.find("timestamp") != std::string::npos);
  }
  SECTION("rejects a wrong secret") {
    Status status = VerifyRobotCallback("other secret", "1577262236757", sign, sent);
    REQUIRE(!status.ok());
    CHECK(status.error().code == ErrorCode::kUnauthenticated);
    CHECK(status.error().message.find("other secret") == std::string::npos);
  }
  SECTION("rejects a sign for another timestamp") {
    CHECK(!VerifyRobotCallback(secret, "1577262236758", sign, sent).ok());
  }
  SECTION("rejects a non-numeric timestamp") {
    for (std::string_view header : {"", "abc", "-1577262236757", "15772622367x", "+1"}) {
      Status status = VerifyRobotCallback(secret, header, sign, sent);
      REQUIRE(!status.ok());
      CHECK(status.error().code == ErrorCode::kInvalidArgument);
    }
  }
}

TEST_CASE("Card callback signature matches vector", "[crypto]") {
  EpochMs timestamp(1713253544951);
  const std::string expected = "AdHRMMh4QgUSuvwhdeEFaxtmt2b4N1Mk/VM2XlT9nrA=";
  CHECK(SignCardCallback("mySecret", timestamp) == expected);
  CHECK(
      VerifyCardCallback("mySecret", "1713253544951", expected, timestamp, std::chrono::minutes(5))
          .ok());
  CHECK(!VerifyCardCallback("notMySecret", "1713253544951", expected, timestamp,
                            std::chrono::minutes(5))
             .ok());
}

TEST_CASE("Card callback skew check is optional", "[crypto]") {
  EpochMs timestamp(1713253544951);
  std::string sign = SignCardCallback("mySecret", timestamp);
  EpochMs much_later = timestamp + std::chrono::hours(48);
  CHECK(!VerifyCardCallback("mySecret", "1713253544951", sign, much_later, std::chrono::hours(1))
             .ok());
  CHECK(VerifyCardCallback("mySecret", "1713253544951", sign, much_later,
                           std::chrono::milliseconds(0))
            .ok());
}

TEST_CASE("ParseEpochMs rejects overflow", "[crypto]") {
  CHECK(ParseEpochMs("9223372036854775807", "t").ok());
  Result<EpochMs> overflow = ParseEpochMs("9223372036854775808", "timestamp");
  REQUIRE(!overflow.ok());
  CHECK(overflow.error().message.find("timestamp") != std::string::npos);
}

}  // namespace
}  // namespace logbridge::dingtalk
