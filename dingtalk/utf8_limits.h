// Byte limits on UTF-8 text sent to DingTalk: truncation and line-based splitting that never cut
// inside a multi-byte character, and the byte size a string takes once escaped inside JSON.
// Stateless free functions; all are thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace logbridge::dingtalk {

// Returns the longest prefix of `text` that is at most `max_bytes` bytes and ends on a UTF-8
// character boundary. Text that already fits is returned whole.
std::string_view Utf8Prefix(std::string_view text, size_t max_bytes);

// Truncates `text` to at most `max_bytes` bytes on a character boundary. When text is cut, the
// cut text ends with "…" (3 bytes) and the whole result still fits in `max_bytes`.
std::string TruncateUtf8(std::string_view text, size_t max_bytes);

// Bytes that `text` takes between the quotes of a JSON string as nlohmann::json dumps it:
// UTF-8 is kept, '"', '\\' and control characters are escaped.
size_t JsonEscapedSize(std::string_view text);

// Splits `text` into parts whose JSON-escaped size is at most `max_escaped_bytes` each. Parts end
// at line breaks where possible; a single line longer than the limit is cut at character
// boundaries. Concatenating the parts gives back `text`. REQUIRES: max_escaped_bytes >= 6, so
// that any one character fits.
std::vector<std::string> SplitUtf8Lines(std::string_view text, size_t max_escaped_bytes);

// Shortens `text` so that its JSON-escaped size is at most `max_escaped_bytes`: keeps the whole
// lines that fit (or, when the first line alone is too long, its characters that fit) and ends
// the cut text with "…". Text that fits is returned whole. REQUIRES: max_escaped_bytes >= 9.
std::string TruncateToEscapedSize(std::string_view text, size_t max_escaped_bytes);

}  // namespace logbridge::dingtalk
