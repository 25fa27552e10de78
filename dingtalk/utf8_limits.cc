// UTF-8 aware truncation and splitting. Lengths are counted in bytes because DingTalk's limits
// (2048-byte work notices, 1 KB card values) are byte limits on the serialized request.
#include "dingtalk/utf8_limits.h"

namespace logbridge::dingtalk {
namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026, 3 bytes

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Length in bytes of the character starting at `text[pos]`; a stray continuation byte or a
// truncated sequence counts as one byte so that invalid input still makes progress.
size_t CharLength(std::string_view text, size_t pos) {
  size_t length = 1;
  while (pos + length < text.size() && IsContinuationByte(text[pos + length])) {
    ++length;
  }
  return length;
}

size_t EscapedCharSize(std::string_view character) {
  if (character.size() != 1) {
    return character.size();
  }
  unsigned char c = static_cast<unsigned char>(character[0]);
  if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
    return 2;
  }
  return c < 0x20 ? 6 : 1;  // other control characters become \u00XX
}

// Cuts one line that is too long on its own into parts of at most `max_escaped_bytes`.
void CutLongLine(std::string_view line, size_t max_escaped_bytes, std::vector<std::string>& parts) {
  std::string current;
  size_t current_size = 0;
  for (size_t pos = 0; pos < line.size();) {
    size_t length = CharLength(line, pos);
    std::string_view character = line.substr(pos, length);
    size_t size = EscapedCharSize(character);
    if (current_size + size > max_escaped_bytes && !current.empty()) {
      parts.push_back(std::move(current));
      current.clear();
      current_size = 0;
    }
    current.append(character);
    current_size += size;
    pos += length;
  }
  if (!current.empty()) {
    parts.push_back(std::move(current));
  }
}

}  // namespace

std::string_view Utf8Prefix(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return text;
  }
  size_t end = max_bytes;
  // Back off over continuation bytes: the cut must land before a character's first byte.
  while (end > 0 && IsContinuationByte(text[end])) {
    --end;
  }
  return text.substr(0, end);
}

std::string TruncateUtf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return std::string(text);
  }
  if (max_bytes < kEllipsis.size()) {
    return std::string(Utf8Prefix(text, max_bytes));
  }
  std::string result(Utf8Prefix(text, max_bytes - kEllipsis.size()));
  result.append(kEllipsis);
  return result;
}

size_t JsonEscapedSize(std::string_view text) {
  size_t size = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t length = CharLength(text, pos);
    size += EscapedCharSize(text.substr(pos, length));
    pos += length;
  }
  return size;
}

std::vector<std::string> SplitUtf8Lines(std::string_view text, size_t max_escaped_bytes) {
  std::vector<std::string> parts;
  std::string current;
  size_t current_size = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t newline = text.find('\n', pos);
    size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
    std::string_view line = text.substr(pos, end - pos);
    pos = end;

    size_t line_size = JsonEscapedSize(line);
    if (current_size + line_size <= max_escaped_bytes) {
      current.append(line);
      current_size += line_size;
      continue;
    }
    if (!current.empty()) {
      parts.push_back(std::move(current));
      current.clear();
      current_size = 0;
    }
    if (line_size <= max_escaped_bytes) {
      current.assign(line);
      current_size = line_size;
    } else {
      CutLongLine(line, max_escaped_bytes, parts);
    }
  }
  if (!current.empty()) {
    parts.push_back(std::move(current));
  }
  return parts;
}

std::string TruncateToEscapedSize(std::string_view text, size_t max_escaped_bytes) {
  if (JsonEscapedSize(text) <= max_escaped_bytes) {
    return std::string(text);
  }
  std::vector<std::string> parts = SplitUtf8Lines(text, max_escaped_bytes - kEllipsis.size());
  std::string result = parts.empty() ? std::string() : std::move(parts.front());
  result.append(kEllipsis);
  return result;
}

}  // namespace logbridge::dingtalk
