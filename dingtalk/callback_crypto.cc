// Envelope crypto over OpenSSL EVP (AES-256-CBC without cipher padding) plus manual PKCS#7
// padding to 32-byte blocks, as DingTalk's reference libraries do.

#include "dingtalk/callback_crypto.h"

#include <algorithm>
#include <array>
#include <memory>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "dingtalk/signature.h"

namespace logbridge::dingtalk {
namespace {

constexpr size_t kAesKeyChars = 43;
constexpr size_t kAesKeyBytes = 32;
constexpr size_t kIvBytes = 16;
constexpr size_t kCipherBlock = 16;
constexpr size_t kPadBlock = 32;
constexpr size_t kRandomPrefixBytes = 16;
constexpr size_t kHeaderBytes = kRandomPrefixBytes + 4;  // random prefix + big-endian length
constexpr size_t kNonceChars = 16;

struct CipherContextDeleter {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

// Runs AES-256-CBC over whole blocks in one direction. Returns false when OpenSSL fails, which
// happens only on allocation failure because the caller passes whole blocks.
bool RunAesCbc(std::string_view key, std::string_view input, bool encrypt, std::string* output) {
  CipherContext context(EVP_CIPHER_CTX_new());
  if (!context) {
    return false;
  }
  const auto* key_data = reinterpret_cast<const unsigned char*>(key.data());
  if (EVP_CipherInit_ex(context.get(), EVP_aes_256_cbc(), nullptr, key_data, key_data,
                        encrypt ? 1 : 0) != 1) {
    return false;
  }
  EVP_CIPHER_CTX_set_padding(context.get(), 0);

  output->assign(input.size() + kCipherBlock, '\0');
  int written = 0;
  int final_written = 0;
  auto* out = reinterpret_cast<unsigned char*>(output->data());
  if (EVP_CipherUpdate(context.get(), out, &written,
                       reinterpret_cast<const unsigned char*>(input.data()),
                       static_cast<int>(input.size())) != 1) {
    return false;
  }
  if (EVP_CipherFinal_ex(context.get(), out + written, &final_written) != 1) {
    return false;
  }
  output->resize(static_cast<size_t>(written + final_written));
  return true;
}

Error Fail(EnvelopeFault* fault_out, EnvelopeFault fault, ErrorCode code, std::string message) {
  if (fault_out != nullptr) {
    *fault_out = fault;
  }
  return MakeError(code, std::move(message));
}

}  // namespace

std::string_view EnvelopeFaultName(EnvelopeFault fault) {
  switch (fault) {
    case EnvelopeFault::kNone:
      return "none";
    case EnvelopeFault::kBadSignature:
      return "bad_signature";
    case EnvelopeFault::kMalformed:
      return "malformed";
    case EnvelopeFault::kWrongKey:
      return "wrong_key";
    case EnvelopeFault::kBadLength:
      return "bad_length";
    case EnvelopeFault::kWrongOwner:
      return "wrong_owner";
  }
  return "unknown";
}

std::string SealedMessageJson(const SealedMessage& sealed) {
  nlohmann::json body = {{"msg_signature", sealed.msg_signature},
                         {"timeStamp", sealed.timestamp},
                         {"nonce", sealed.nonce},
                         {"encrypt", sealed.encrypt}};
  return body.dump();
}

std::string RandomAlphanumeric(size_t length) {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  out.reserve(length);
  std::array<unsigned char, 64> random{};
  while (out.size() < length) {
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
      // NOTE: RAND_bytes fails only when OpenSSL cannot seed its generator; the prefix and nonce
      // are not secrets, so falling back to std::rand keeps replies flowing.
      for (auto& byte : random) {
        byte = static_cast<unsigned char>(std::rand());
      }
    }
    for (unsigned char byte : random) {
      // 248 = 4 * 62: rejecting larger bytes keeps every character equally likely.
      if (byte < 248 && out.size() < length) {
        out.push_back(kAlphabet[byte % kAlphabet.size()]);
      }
    }
  }
  return out;
}

Result<CallbackCrypto> CallbackCrypto::Create(CallbackCryptoConfig config) {
  if (config.token.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "callback token is empty; set it to the token shown in the developer console");
  }
  if (config.owner_key.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "callback owner_key is empty; set it to the app key (console subscription), "
                     "corp id (register_call_back) or suite key (third-party app)");
  }
  if (config.aes_key.size() != kAesKeyChars) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "callback aes_key has " + std::to_string(config.aes_key.size()) +
                         " characters; the console's EncodingAESKey has exactly 43");
  }
  Result<std::string> key_bytes = Base64DecodeLenient(config.aes_key);
  if (!key_bytes.ok() || key_bytes->size() != kAesKeyBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "callback aes_key is not 43 Base64 characters decoding to 32 bytes; copy the "
                     "EncodingAESKey from the developer console again");
  }
  return CallbackCrypto(std::move(config), std::move(*key_bytes));
}

CallbackCrypto::CallbackCrypto(CallbackCryptoConfig config, std::string aes_key_bytes)
    : config_(std::move(config)), key_bytes_(std::move(aes_key_bytes)) {}

std::string CallbackCrypto::Sign(std::string_view timestamp, std::string_view nonce,
                                 std::string_view encrypt) const {
  std::array<std::string_view, 4> parts = {config_.token, timestamp, nonce, encrypt};
  std::sort(parts.begin(), parts.end());
  std::string joined;
  joined.reserve(parts[0].size() + parts[1].size() + parts[2].size() + parts[3].size());
  for (std::string_view part : parts) {
    joined.append(part);
  }
  return Sha1Hex(joined);
}

bool CallbackCrypto::VerifySignature(std::string_view signature, std::string_view timestamp,
                                     std::string_view nonce, std::string_view encrypt) const {
  return ConstantTimeEquals(Sign(timestamp, nonce, encrypt), signature);
}

std::string CallbackCrypto::Encrypt(std::string_view message) const {
  return EncryptWithPrefix(message, RandomAlphanumeric(kRandomPrefixBytes));
}

std::string CallbackCrypto::EncryptWithPrefix(std::string_view message,
                                              std::string_view random_prefix) const {
  std::string plain;
  plain.reserve(kHeaderBytes + message.size() + config_.owner_key.size() + kPadBlock);
  plain.append(random_prefix.substr(0, kRandomPrefixBytes));
  plain.resize(kRandomPrefixBytes, '\0');

  auto length = static_cast<uint32_t>(message.size());
  plain.push_back(static_cast<char>((length >> 24) & 0xFF));
  plain.push_back(static_cast<char>((length >> 16) & 0xFF));
  plain.push_back(static_cast<char>((length >> 8) & 0xFF));
  plain.push_back(static_cast<char>(length & 0xFF));
  plain.append(message);
  plain.append(config_.owner_key);

  // PKCS#7 to 32-byte blocks: always 1..32 pad bytes, each equal to the pad count.
  size_t pad = kPadBlock - plain.size() % kPadBlock;
  plain.append(pad, static_cast<char>(pad));

  std::string cipher;
  if (!RunAesCbc(key_bytes_, plain, /*encrypt=*/true, &cipher)) {
    // NOTE: only an allocation failure inside OpenSSL gets here; an empty string makes the
    // receiver reject the message instead of reading garbage.
    return "";
  }
  return Base64Encode(cipher);
}

Result<std::string> CallbackCrypto::Decrypt(std::string_view encrypt, EnvelopeFault* fault) const {
  if (fault != nullptr) {
    *fault = EnvelopeFault::kNone;
  }
  Result<std::string> cipher = Base64DecodeLenient(encrypt);
  if (!cipher.ok()) {
    return Fail(fault, EnvelopeFault::kMalformed, ErrorCode::kInvalidArgument,
                "callback encrypt field is not Base64: " + cipher.error().message);
  }
  if (cipher->size() < kPadBlock || cipher->size() % kCipherBlock != 0) {
    return Fail(fault, EnvelopeFault::kMalformed, ErrorCode::kInvalidArgument,
                "callback ciphertext is " + std::to_string(cipher->size()) +
                    " bytes; expected a multiple of 16 and at least 32 (truncated body?)");
  }

  std::string plain;
  if (!RunAesCbc(key_bytes_, *cipher, /*encrypt=*/false, &plain) ||
      plain.size() != cipher->size()) {
    return Fail(fault, EnvelopeFault::kMalformed, ErrorCode::kInternal,
                "AES-256-CBC decryption of the callback failed inside OpenSSL");
  }

  // The pad count must be 1..32, and every pad byte must equal it. Senders that pad to 16-byte
  // blocks produce counts 1..16, which this accepts too.
  auto pad = static_cast<uint8_t>(plain.back());
  bool pad_valid = pad >= 1 && pad <= kPadBlock && pad <= plain.size();
  for (size_t i = 0; pad_valid && i < pad; ++i) {
    pad_valid = static_cast<uint8_t>(plain[plain.size() - 1 - i]) == pad;
  }
  if (!pad_valid) {
    return Fail(fault, EnvelopeFault::kWrongKey, ErrorCode::kInvalidArgument,
                "callback plaintext has invalid padding (last byte " + std::to_string(pad) +
                    "); the aes_key differs from the sender's, or the body was corrupted");
  }
  std::string_view content(plain.data(), plain.size() - pad);

  if (content.size() < kHeaderBytes) {
    return Fail(fault, EnvelopeFault::kBadLength, ErrorCode::kInvalidArgument,
                "callback plaintext is " + std::to_string(content.size()) +
                    " bytes after padding, shorter than the 20-byte prefix and length field");
  }
  const auto* length_bytes = reinterpret_cast<const uint8_t*>(content.data() + kRandomPrefixBytes);
  uint32_t length = (static_cast<uint32_t>(length_bytes[0]) << 24) |
                    (static_cast<uint32_t>(length_bytes[1]) << 16) |
                    (static_cast<uint32_t>(length_bytes[2]) << 8) | length_bytes[3];
  size_t available = content.size() - kHeaderBytes;
  if (length > available) {
    return Fail(fault, EnvelopeFault::kBadLength, ErrorCode::kInvalidArgument,
                "callback length field is " + std::to_string(length) + " but only " +
                    std::to_string(available) + " bytes follow it");
  }

  std::string_view message = content.substr(kHeaderBytes, length);
  std::string_view owner = content.substr(kHeaderBytes + length);
  if (owner != config_.owner_key) {
    return Fail(fault, EnvelopeFault::kWrongOwner, ErrorCode::kPermissionDenied,
                "callback owner key \"" + std::string(owner.substr(0, 64)) +
                    "\" differs from the configured owner_key; use the app key for console "
                    "subscriptions, the corp id for register_call_back, the suite key for ISVs");
  }
  return std::string(message);
}

Result<std::string> CallbackCrypto::Open(std::string_view signature, std::string_view timestamp,
                                         std::string_view nonce, std::string_view encrypt,
                                         EnvelopeFault* fault) const {
  if (!VerifySignature(signature, timestamp, nonce, encrypt)) {
    return Fail(fault, EnvelopeFault::kBadSignature, ErrorCode::kUnauthenticated,
                "callback signature does not match the token over (timestamp " +
                    std::string(timestamp.substr(0, 20)) + ", nonce " +
                    std::string(nonce.substr(0, 32)) + "); check the token in the config");
  }
  return Decrypt(encrypt, fault);
}

SealedMessage CallbackCrypto::Seal(std::string_view message, EpochMs timestamp) const {
  SealedMessage sealed;
  sealed.timestamp = std::to_string(timestamp.value);
  sealed.nonce = RandomAlphanumeric(kNonceChars);
  sealed.encrypt = Encrypt(message);
  sealed.msg_signature = Sign(sealed.timestamp, sealed.nonce, sealed.encrypt);
  return sealed;
}

}  // namespace logbridge::dingtalk
