// Helpers shared by the subcommands: quality metrics, a live progress line, output sinks.
#pragma once

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "io/error.hpp"
#include "io/files.hpp"
#include "io/model.hpp"
#include "linsweep/core.hpp"
#include "linsweep/solver.hpp"

namespace linsweep::cli {

// Per output c: MSE = (1/m) sum r^2 and R^2 = 1 - RSS/TSS (centred TSS; NaN for a constant target).
// With `sum` (which adds a buffer over the ranks of a distributed fit), over the rows of all ranks.
struct Metrics {
    std::vector<double> mse, r2;
};

template <class T>
Metrics metrics(MatrixView<const T> Y, MatrixView<const T> Yhat,
                const std::function<void(double*, std::size_t)>& sum = {})
{
    const std::size_t k = Y.cols;
    std::vector<double> s(2 * k + 1, 0.0);  // sum of y and RSS per output, rows
    for (std::size_t c = 0; c < k; ++c)
        for (std::size_t i = 0; i < Y.rows; ++i) {
            const double r = double(Y(i, c)) - double(Yhat(i, c));
            s[c] += Y(i, c);
            s[k + c] += r * r;
        }
    s[2 * k] = static_cast<double>(Y.rows);
    if (sum) sum(s.data(), s.size());
    const double m = s[2 * k];
    std::vector<double> tss(k, 0.0);  // about the mean of all rows
    for (std::size_t c = 0; c < k; ++c)
        for (std::size_t i = 0; i < Y.rows; ++i) {
            const double d = double(Y(i, c)) - s[c] / m;
            tss[c] += d * d;
        }
    if (sum) sum(tss.data(), k);
    Metrics out;
    for (std::size_t c = 0; c < k; ++c) {
        out.mse.push_back(s[k + c] / m);
        out.r2.push_back(tss[c] > 0 ? 1 - s[k + c] / tss[c] : std::numeric_limits<double>::quiet_NaN());
    }
    return out;
}

// "\r iteration N  loss L  R it/s", at most four times a second, only where enabled (a terminal).
class Progress {
public:
    explicit Progress(bool enabled) : enabled_(enabled) {}
    bool enabled() const noexcept { return enabled_; }

    bool update(const IterationInfo& it)
    {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(250)) return true;
        const double elapsed = std::chrono::duration<double>(now - start_).count();
        std::printf("\r  iteration %zu  loss %.6g  %.0f it/s\033[K", it.iteration, it.loss,
                    elapsed > 0 ? double(it.iteration) / elapsed : 0.0);
        std::fflush(stdout);
        last_ = now;
        shown_ = true;
        return true;
    }
    // Clears the line so the summary starts on a clean one.
    void finish()
    {
        if (shown_) std::printf("\r\033[K");
        shown_ = false;
    }

private:
    bool enabled_;
    bool shown_ = false;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_ = start_;
};

// An output destination: stdout for "-" (or no path), else an AtomicFile.
class Output {
public:
    explicit Output(const std::string& path)
        : path_(path.empty() ? "-" : path),
          file_(path_ == "-" ? nullptr : std::make_unique<AtomicFile>(path_))
    {
    }
    void write(const std::string& text)
    {
        if (file_) return file_->write(text);
        if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size())
            throw output_error("cannot write to standard output");
    }
    AtomicFile* file() noexcept { return file_.get(); }  // null for stdout
    void finish()
    {
        if (file_) return file_->finish();
        if (std::fflush(stdout) != 0) throw output_error("cannot write to standard output");
    }
    void publish()
    {
        if (file_) file_->publish();
    }

private:
    std::string path_;
    std::unique_ptr<AtomicFile> file_;
};

// The model a fit gave, as --save-model writes it (n features, k targets in original units).
template <class T>
Model saved_model(const FitResult<T>& r, std::size_t n, std::size_t k,
                  const std::vector<std::string>& feature_names, const std::vector<std::string>& target_names,
                  const FitOptions& options, const std::string& solver)
{
    Model saved;
    saved.dtype = dtype_of<T>();
    saved.features = n;
    saved.targets = k;
    saved.feature_names = feature_names;
    saved.target_names = target_names;
    saved.weights.assign(r.weights.begin(), r.weights.end());
    saved.intercept.assign(r.intercept.begin(), r.intercept.end());
    saved.fit_intercept = options.fit_intercept;
    saved.standardized = options.standardize;
    saved.solver = solver;
    return saved;
}

}  // namespace linsweep::cli
