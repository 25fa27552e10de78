// Tests for the encrypted callback envelope: the three official vectors byte for byte, round
// trips of multi-byte UTF-8, the 16- and 32-byte padding variants, and every rejection class.

#include "dingtalk/callback_crypto.h"

#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "dingtalk/signature.h"

namespace logbridge::dingtalk {
namespace {

struct Vector {
  CallbackCryptoConfig config;
  std::string timestamp;
  std::string nonce;
  std::string signature;
  std::string encrypt;
  std::string random_prefix;
  std::string message;
};

// Official example of the encryption doc ("本地调试"): a suite URL check.
Vector VectorOne() {
  return {
      {"123456", "4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij", "suite4xxxxxxxxxxxxxxx"},
      "1445827045067",
      "nEXhMP4r",
      "5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0",
      "1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+OzrHMeiZI7gTRWV"
      "dUBmfxjZ8Ej23JVYa9VrYeJ5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/D6Ibr0rgUathB6zRHP8PYrfgnNOS"
      "9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ==",
      "hU3bEfGZZewzhG5a",
      R"({"EventType":"check_create_suite_url","Random":"LPIdSnlF","TestSuiteKey":"suite4xxxxxxxxxxxxxxx"})"};
}

// Example in the official Python crypto library: a console URL check.
Vector VectorTwo() {
  return {{"mryue", "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7", "ding6ccabc44d2c8d38b"},
          "1608001896814",
          "WL4PK6yA",
          "03044561471240d4a14bb09372dfcfd4fd0e40cb",
          "0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDC"
          "YxxOK+HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3",
          "l7Y3EcX2CU5w8av3",
          R"({"EventType":"check_url"})"};
}

// The encrypted "success" reply shown in the official troubleshooting guide.
Vector VectorThree() {
  return {
      {"123456", "1234567890123456789012345678901234567890123", "dingsnotzck6pm5veliw"},
      "1614767836",
      "A7Co0cJLMzIDtMMI",
      "9a95a004dd16f5c307e849b994173f76aa26e5eb",
      "YvkvaGe4hQxd3VxRmEty0dVlnCOAqwf56xwTRHDHoOURqhalbmBJQk5FNcRk42Gl5T0YQXZNwpwWSm1xAFJ5ZA==",
      "dICkEDLj0eb6yAbc",
      "success"};
}

CallbackCrypto MakeCrypto(const CallbackCryptoConfig& config) {
  Result<CallbackCrypto> crypto = CallbackCrypto::Create(config);
  REQUIRE(crypto.ok());
  return std::move(*crypto);
}

// Encrypts a hand-built plaintext with AES-256-CBC, IV = key[0..16), no cipher padding, so
// tests can forge envelopes the production code would never produce.
std::string EncryptRaw(const std::string& aes_key, const std::string& plain) {
  Result<std::string> key = Base64DecodeLenient(aes_key);
  REQUIRE(key.ok());
  REQUIRE(plain.size() % 16 == 0);
  EVP_CIPHER_CTX* context = EVP_CIPHER_CTX_new();
  const auto* key_data = reinterpret_cast<const unsigned char*>(key->data());
  EVP_EncryptInit_ex(context, EVP_aes_256_cbc(), nullptr, key_data, key_data);
  EVP_CIPHER_CTX_set_padding(context, 0);
  std::string out(plain.size() + 16, '\0');
  int written = 0;
  int final_written = 0;
  EVP_EncryptUpdate(context, reinterpret_cast<unsigned char*>(out.data()), &written,
                    reinterpret_cast<const unsigned char*>(plain.data()),
                    static_cast<int>(plain.size()));
  EVP_EncryptFinal_ex(context, reinterpret_cast<unsigned char*>(out.data()) + written,
                      &final_written);
  EVP_CIPHER_CTX_free(context);
  out.resize(static_cast<size_t>(written + final_written));
  return Base64Encode(out);
}

// Builds prefix + 4-byte big-endian length + body + owner, padded to `block` bytes.
std::string BuildPlain(uint32_t length_field, const std::string& body, const std::string& owner,
                       size_t block) {
  std::string plain = "0123456789abcdef";
  plain.push_back(static_cast<char>(length_field >> 24));
  plain.push_back(static_cast<char>((length_field >> 16) & 0xFF));
  plain.push_back(static_cast<char>((length_field >> 8) & 0xFF));
  plain.push_back(static_cast<char>(length_field & 0xFF));
  plain += body + owner;
  size_t pad = block - plain.size() % block;
  plain.append(pad, static_cast<char>(pad));
  return plain;
}

TEST_CASE("Official vectors verify and decrypt", "[crypto]") {
  for (const Vector& vector : {VectorOne(), VectorTwo(), VectorThree()}) {
    CallbackCrypto crypto = MakeCrypto(vector.config);
    CHECK(crypto.Sign(vector.timestamp, vector.nonce, vector.encrypt) == vector.signature);

    EnvelopeFault fault = EnvelopeFault::kBadSignature;
    Result<std::string> message =
        crypto.Open(vector.signature, vector.timestamp, vector.nonce, vector.encrypt, &fault);
    REQUIRE(message.ok());
    CHECK(*message == vector.message);
    CHECK(fault == EnvelopeFault::kNone);
  }
}

TEST_CASE("Official vectors re-encrypt byte for byte", "[crypto]") {
  for (const Vector& vector : {VectorOne(), VectorTwo(), VectorThree()}) {
    CallbackCrypto crypto = MakeCrypto(vector.config);
    CHECK(crypto.EncryptWithPrefix(vector.message, vector.random_prefix) == vector.encrypt);
  }
}

TEST_CASE("Round trip keeps multi-byte UTF-8", "[crypto]") {
  CallbackCrypto crypto = MakeCrypto(VectorTwo().config);
  // Byte lengths differ from character counts: 3 bytes per Han character, 4 per emoji.
  for (std::string message :
       {std::string("我的得分"), std::string("周报已提交 🎉👍"),
        std::string(R"({"EventType":"bpms_task_change","title":"报销 💰 ✅","n":1})"),
        std::string(""), std::string(1000, 'x')}) {
    std::string encrypt = crypto.Encrypt(message);
    Result<std::string> decrypted = crypto.Decrypt(encrypt);
    REQUIRE(decrypted.ok());
    CHECK(*decrypted == message);
  }
}

TEST_CASE("Length byte equal to pad byte", "[crypto]") {
  const CallbackCryptoConfig config = VectorTwo().config;
  CallbackCrypto crypto = MakeCrypto(config);
  int cases = 0;
  for (size_t length = 0; length < 600; ++length) {
    size_t unpadded = 20 + length + config.owner_key.size();
    size_t pad = 32 - unpadded % 32;
    if (length % 256 != pad) {
      continue;
    }
    ++cases;
    std::string message(length, 'm');
    Result<std::string> decrypted = crypto.Decrypt(crypto.Encrypt(message));
    REQUIRE(decrypted.ok());
    CHECK(decrypted->size() == length);
  }
  CHECK(cases >= 2);
}

TEST_CASE("Sixteen-byte padding is accepted", "[crypto]") {
  const CallbackCryptoConfig config = VectorTwo().config;
  CallbackCrypto crypto = MakeCrypto(config);
  std::string body = R"({"EventType":"check_url"})";
  std::string encrypt =
      EncryptRaw(config.aes_key, BuildPlain(body.size(), body, config.owner_key, 16));
  Result<std::string> decrypted = crypto.Decrypt(encrypt);
  REQUIRE(decrypted.ok());
  CHECK(*decrypted == body);
}

TEST_CASE("Seal produces a verifiable reply", "[crypto]") {
  CallbackCrypto crypto = MakeCrypto(VectorThree().config);
  SealedMessage sealed = crypto.Seal("success", EpochMs(1614767836000));
  CHECK(sealed.timestamp == "1614767836000");
  CHECK(sealed.nonce.size() == 16);
  CHECK(
      crypto.VerifySignature(sealed.msg_signature, sealed.timestamp, sealed.nonce, sealed.encrypt));
  Result<std::string> opened =
      crypto.Open(sealed.msg_signature, sealed.timestamp, sealed.nonce, sealed.encrypt);
  REQUIRE(opened.ok());
  CHECK(*opened == "success");

  nlohmann::json body = nlohmann::json::parse(SealedMessageJson(sealed));
  CHECK(body.size() == 4);
  CHECK(body.at("msg_signature") == sealed.msg_signature);
  CHECK(body.at("timeStamp") == sealed.timestamp);
  CHECK(body.at("nonce") == sealed.nonce);
  CHECK(body.at("encrypt") == sealed.encrypt);
}

TEST_CASE("Two seals differ in nonce and ciphertext", "[crypto]") {
  CallbackCrypto crypto = MakeCrypto(VectorThree().config);
  SealedMessage first = crypto.Seal("success", EpochMs(1));
  SealedMessage second = crypto.Seal("success", EpochMs(1));
  CHECK(first.nonce != second.nonce);
  CHECK(first.encrypt != second.encrypt);
}

TEST_CASE("Create rejects bad config", "[crypto]") {
  CallbackCryptoConfig good = VectorTwo().config;

  SECTION("short aes key") {
    CallbackCryptoConfig config = good;
    config.aes_key.pop_back();
    Result<CallbackCrypto> crypto = CallbackCrypto::Create(config);
    REQUIRE(!crypto.ok());
    CHECK(crypto.error().code == ErrorCode::kInvalidArgument);
    CHECK(crypto.error().message.find("42 characters") != std::string::npos);
    CHECK(crypto.error().message.find(config.aes_key) == std::string::npos);
  }
  SECTION("aes key outside the alphabet") {
    CallbackCryptoConfig config = good;
    config.aes_key[10] = '#';
    Result<CallbackCrypto> crypto = CallbackCrypto::Create(config);
    REQUIRE(!crypto.ok());
    CHECK(crypto.error().message.find("aes_key") != std::string::npos);
  }
  SECTION("empty token") {
    CallbackCryptoConfig config = good;
    config.token.clear();
    CHECK(!CallbackCrypto::Create(config).ok());
  }
  SECTION("empty owner key") {
    CallbackCryptoConfig config = good;
    config.owner_key.clear();
    Result<CallbackCrypto> crypto = CallbackCrypto::Create(config);
    REQUIRE(!crypto.ok());
    CHECK(crypto.error().message.find("owner_key") != std::string::npos);
  }
}

TEST_CASE("Bad signature is rejected", "[crypto]") {
  Vector vector = VectorTwo();
  CallbackCrypto crypto = MakeCrypto(vector.config);
  std::string forged = vector.signature;
  forged[0] = forged[0] == '0' ? '1' : '0';

  EnvelopeFault fault = EnvelopeFault::kNone;
  Result<std::string> opened =
      crypto.Open(forged, vector.timestamp, vector.nonce, vector.encrypt, &fault);
  REQUIRE(!opened.ok());
  CHECK(opened.error().code == ErrorCode::kUnauthenticated);
  CHECK(fault == EnvelopeFault::kBadSignature);

  // A signature over another timestamp must not verify either.
  CHECK(!crypto.Open(vector.signature, "1608001896815", vector.nonce, vector.encrypt).ok());
}

TEST_CASE("Truncated body is malformed", "[crypto]") {
  Vector vector = VectorTwo();
  CallbackCrypto crypto = MakeCrypto(vector.config);
  for (std::string encrypt :
       {vector.encrypt.substr(0, vector.encrypt.size() - 4), vector.encrypt.substr(0, 21),
        std::string(""), std::string("not base64 at all!"), Base64Encode(std::string(16, 'a'))}) {
    EnvelopeFault fault = EnvelopeFault::kNone;
    Result<std::string> decrypted = crypto.Decrypt(encrypt, &fault);
    REQUIRE(!decrypted.ok());
    CHECK(fault == EnvelopeFault::kMalformed);
    CHECK(decrypted.error().code == ErrorCode::kInvalidArgument);
  }
}

TEST_CASE("Corrupted pad byte is caught", "[crypto]") {
  Vector vector = VectorTwo();
  CallbackCrypto crypto = MakeCrypto(vector.config);
  Result<std::string> cipher = Base64DecodeLenient(vector.encrypt);
  REQUIRE(cipher.ok());
  // In CBC, flipping a bit of the second-to-last block flips the same bit of the last plaintext
  // block, here the final pad byte (31 becomes 95).
  (*cipher)[cipher->size() - 17] ^= 0x40;

  EnvelopeFault fault = EnvelopeFault::kNone;
  Result<std::string> decrypted = crypto.Decrypt(Base64Encode(*cipher), &fault);
  REQUIRE(!decrypted.ok());
  CHECK(fault == EnvelopeFault::kWrongKey);
}

TEST_CASE("Wrong aes key is caught", "[crypto]") {
  Vector vector = VectorTwo();
  CallbackCryptoConfig config = vector.config;
  config.aes_key = VectorOne().config.aes_key;
  CallbackCrypto crypto = MakeCrypto(config);

  EnvelopeFault fault = EnvelopeFault::kNone;
  Result<std::string> decrypted = crypto.Decrypt(vector.encrypt, &fault);
  REQUIRE(!decrypted.ok());
  CHECK(fault == EnvelopeFault::kWrongKey);
  CHECK(decrypted.error().message.find("aes_key") != std::string::npos);
}

TEST_CASE("Hostile length field is caught", "[crypto]") {
  const CallbackCryptoConfig config = VectorTwo().config;
  CallbackCrypto crypto = MakeCrypto(config);
  std::string body = "{}";
  for (uint32_t length : {0xFFFFFFFFu, 0x7FFFFFFFu, 1u << 20,
                          static_cast<uint32_t>(body.size() + config.owner_key.size() + 1)}) {
    std::string encrypt =
        EncryptRaw(config.aes_key, BuildPlain(length, body, config.owner_key, 32));
    EnvelopeFault fault = EnvelopeFault::kNone;
    Result<std::string> decrypted = crypto.Decrypt(encrypt, &fault);
    REQUIRE(!decrypted.ok());
    CHECK(fault == EnvelopeFault::kBadLength);
    CHECK(decrypted.error().message.find(std::to_string(length)) != std::string::npos);
  }
}

TEST_CASE("Plaintext shorter than header is caught", "[crypto]") {
  const CallbackCryptoConfig config = VectorTwo().config;
  CallbackCrypto crypto = MakeCrypto(config);
  // 16 bytes of data plus 16 pad bytes of 16: nothing is left for the length field.
  std::string plain = std::string(16, 'r') + std::string(16, '\x10');
  EnvelopeFault fault = EnvelopeFault::kNone;
  Result<std::string> decrypted = crypto.Decrypt(EncryptRaw(config.aes_key, plain), &fault);
  REQUIRE(!decrypted.ok());
  CHECK(fault == EnvelopeFault::kBadLength);
}

TEST_CASE("Wrong owner key is caught", "[crypto]") {
  Vector vector = VectorTwo();
  CallbackCryptoConfig config = vector.config;
  config.owner_key = "dingaaaaaaaaaaaaaaaa";  // same length, other bytes
  CallbackCrypto crypto = MakeCrypto(config);

  EnvelopeFault fault = EnvelopeFault::kNone;
  Result<std::string> opened =
      crypto.Open(vector.signature, vector.timestamp, vector.nonce, vector.encrypt, &fault);
  REQUIRE(!opened.ok());
  CHECK(fault == EnvelopeFault::kWrongOwner);
  CHECK(opened.error().code == ErrorCode::kPermissionDenied);

  config.owner_key = "ding6ccabc44d2c8d38";  // a prefix of the real owner key
  CHECK(!MakeCrypto(config).Decrypt(vector.encrypt).ok());
}

TEST_CASE("Fault names are distinct", "[crypto]") {
  std::set<std::string_view> names;
  for (EnvelopeFault fault :
       {EnvelopeFault::kNone, EnvelopeFault::kBadSignature, EnvelopeFault::kMalformed,
        EnvelopeFault::kWrongKey, EnvelopeFault::kBadLength, EnvelopeFault::kWrongOwner}) {
    names.insert(EnvelopeFaultName(fault));
  }
  CHECK(names.size() == 6);
}

}  // namespace
}  // namespace logbridge::dingtalk
