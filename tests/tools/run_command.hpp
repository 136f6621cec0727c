// Runs a program (the built `linsweep`, or `mpiexec ... linsweep`) in a directory with stdout and
// stderr captured to files, under a deadline: a command still running after `seconds` is killed
// and reported as timed out, so a hang fails the test instead of blocking the suite.
#pragma once

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace linsweep_test {

struct Run {
    int status = -1;  // exit status; -1: killed by a signal or timed out
    bool timed_out = false;
    double seconds = 0;
    std::string out, err;

    // The lines of stderr that start with `prefix`.
    std::vector<std::string> err_lines(const std::string& prefix) const
    {
        std::vector<std::string> lines;
        std::size_t at = 0;
        while (at < err.size()) {
            const std::size_t end = err.find('\n', at);
            const std::string line = err.substr(at, end == std::string::npos ? std::string::npos : end - at);
            if (line.rfind(prefix, 0) == 0) lines.push_back(line);
            if (end == std::string::npos) break;
            at = end + 1;
        }
        return lines;
    }
};

inline std::string read_file(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

inline Run run_command(const std::vector<std::string>& argv, const std::filesystem::path& dir,
                       double seconds = 120)
{
    const std::filesystem::path out = dir / ".run-stdout", err = dir / ".run-stderr";
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setpgid(0, 0);  // its own process group: a timeout kills the whole job (mpiexec's ranks too)
        const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0 || e < 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0 || ::chdir(dir.c_str()) != 0) ::_exit(127);
        std::vector<char*> args;
        for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    Run r;
    int status = 0;
    for (;;) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (done == pid) break;
        if (done < 0) return r;
        if (r.seconds > seconds) {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            r.timed_out = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!r.timed_out && WIFEXITED(status)) r.status = WEXITSTATUS(status);
    r.out = read_file(out);
    r.err = read_file(err);
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    return r;
}

}  // namespace linsweep_test
