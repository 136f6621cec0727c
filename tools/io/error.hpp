// Errors of the command-line tool and its exit statuses.
#pragma once

#include <stdexcept>
#include <string>

namespace linsweep::cli {

// Exit statuses of `linsweep` (documented in `linsweep --help` and the README).
enum class Exit : int {
    ok = 0,
    usage = 1,     // bad command line or option value
    input = 2,     // a data or model file is missing, unreadable or malformed
    training = 3,  // training diverged or failed
    output = 4,    // an output file could not be written
    internal = 5,  // out of memory or a bug
};

// A failure reported as one line on stderr and turned into an exit status.
class ToolError : public std::runtime_error {
public:
    ToolError(Exit code, const std::string& message) : std::runtime_error(message), code_(code) {}
    Exit code() const noexcept { return code_; }

private:
    Exit code_;
};

inline ToolError input_error(const std::string& message)
{
    return {Exit::input, message};
}
inline ToolError output_error(const std::string& message)
{
    return {Exit::output, message};
}

}  // namespace linsweep::cli
