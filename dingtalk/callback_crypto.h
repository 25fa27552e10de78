// The encrypted envelope of DingTalk HTTP event callbacks: SHA-1 signatures over the sorted
// (token, timestamp, nonce, encrypt) strings and AES-256-CBC messages tagged with an owner key.
// A CallbackCrypto is immutable after Create and safe to share between threads.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"

namespace logbridge::dingtalk {

// One app's callback credentials, as configured in the developer console.
struct CallbackCryptoConfig {
  std::string token;    // the console's "token" (签名 token), letters and digits
  std::string aes_key;  // EncodingAESKey: 43 Base64 characters that decode to 32 bytes
  // The key appended to every plaintext and checked on decrypt: the app key (Client ID) for
  // console subscriptions of an internal app, the corp id for register_call_back
  // subscriptions, the suite key for third-party apps.
  std::string owner_key;
};

// Cause of an envelope rejection, distinct per fault so the endpoint can log it.
enum class EnvelopeFault {
  kNone,
  kBadSignature,  // the SHA-1 signature does not match the token and the strings sent
  kMalformed,     // encrypt is not Base64, or the ciphertext is truncated (not whole blocks)
  kWrongKey,      // decrypted padding is invalid: a different aes_key, or a corrupted body
  kBadLength,     // the length field claims more bytes than the plaintext contains
  kWrongOwner,    // the trailing owner key differs from the configured one
};

// Returns a stable lower-case name for logs, for example "wrong_owner".
std::string_view EnvelopeFaultName(EnvelopeFault fault);

// The four strings a callback reply carries, already signed.
struct SealedMessage {
  std::string msg_signature;
  std::string timestamp;  // sent as "timeStamp"
  std::string nonce;
  std::string encrypt;
};

// Returns the JSON body {"msg_signature","timeStamp","nonce","encrypt"} of a reply.
std::string SealedMessageJson(const SealedMessage& sealed);

class CallbackCrypto {
 public:
  // Validates the config: a non-empty token and owner key, and an aes_key of exactly 43
  // characters that decodes (leniently) to 32 bytes. Errors are kInvalidArgument naming the
  // field and its length, never its value.
  static Result<CallbackCrypto> Create(CallbackCryptoConfig config);

  // Returns lower-case hex SHA-1 over the lexicographically sorted token, timestamp, nonce and
  // encrypt strings, concatenated without separators.
  std::string Sign(std::string_view timestamp, std::string_view nonce,
                   std::string_view encrypt) const;

  // Compares `signature` with Sign(...) in constant time.
  bool VerifySignature(std::string_view signature, std::string_view timestamp,
                       std::string_view nonce, std::string_view encrypt) const;

  // Encrypts `message` (UTF-8 bytes) behind 16 random alphanumeric bytes; returns Base64.
  std::string Encrypt(std::string_view message) const;

  // Encrypts with a caller-chosen 16-byte random prefix, so tests can reproduce known vectors.
  // REQUIRES: random_prefix.size() == 16.
  std::string EncryptWithPrefix(std::string_view message, std::string_view random_prefix) const;

  // Decrypts a Base64 `encrypt` value and returns the message. Every length and pad byte is
  // checked before it is used. On failure *fault (when given) names the cause: kMalformed and
  // kBadLength and kWrongKey give kInvalidArgument, kWrongOwner gives kPermissionDenied.
  Result<std::string> Decrypt(std::string_view encrypt, EnvelopeFault* fault = nullptr) const;

  // Verifies the signature, then decrypts. A bad signature gives kUnauthenticated and
  // kBadSignature; other failures are as for Decrypt.
  Result<std::string> Open(std::string_view signature, std::string_view timestamp,
                           std::string_view nonce, std::string_view encrypt,
                           EnvelopeFault* fault = nullptr) const;

  // Encrypts and signs `message` for a reply or a push, with a fresh 16-character nonce and
  // `timestamp` (epoch ms) as the timeStamp string.
  SealedMessage Seal(std::string_view message, EpochMs timestamp) const;

  const std::string& token() const { return config_.token; }
  const std::string& owner_key() const { return config_.owner_key; }

 private:
  CallbackCrypto(CallbackCryptoConfig config, std::string aes_key_bytes);

  CallbackCryptoConfig config_;
  std::string key_bytes_;  // the 32-byte AES-256 key; the IV is its first 16 bytes
};

// Returns `length` random characters from [A-Za-z0-9], drawn from OpenSSL's CSPRNG.
std::string RandomAlphanumeric(size_t length);

}  // namespace logbridge::dingtalk
