// Text helpers: quoting user input in one-line messages, formatting numbers exactly.
#pragma once

#include <charconv>
#include <string>
#include <string_view>

namespace linsweep::cli {

// 'text' in single quotes, control bytes shown as '?', cut to 40 characters: a message built
// from hostile input stays one printable line.
inline std::string printable(std::string_view text)
{
    constexpr std::size_t limit = 40;
    std::string out = "'";
    for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    }
    if (text.size() > limit) out += "...";
    return out + "'";
}

// The shortest decimal form that reads back to the same value (float or double).
template <class T> std::string shortest(T value)
{
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, r.ptr);
}

}  // namespace linsweep::cli
