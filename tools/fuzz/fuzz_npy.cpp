// libFuzzer target: the .npy reader either returns a view that lies inside the buffer or
// throws ToolError(input); reading every element lets AddressSanitizer catch an overread.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "io/error.hpp"
#include "io/npy.hpp"

namespace {

using namespace linsweep::cli;

void check(bool ok)
{
    if (!ok) std::abort();
}

template <class T> double touch_all(const Matrix<T>& m)
{
    double sum = 0;
    for (std::size_t i = 0; i < m.rows(); ++i)
        for (std::size_t j = 0; j < m.cols(); ++j) sum += m.view()(i, j);
    return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    // An 8-byte-aligned copy, as a mapped file is page-aligned.
    std::vector<double> aligned(size / sizeof(double) + 1);
    if (size) std::memcpy(aligned.data(), data, size);
    try {
        const NpyArray a = parse_npy(aligned.data(), size, "fuzz.npy");
        const std::size_t item = a.dtype == DType::f64 ? 8 : a.dtype == DType::f32 ? 4 : 2;
        const auto* begin = reinterpret_cast<const unsigned char*>(aligned.data());
        const auto* first = static_cast<const unsigned char*>(a.data);
        check(a.rows > 0 && a.cols > 0 && first >= begin);
        check(std::size_t(first - begin) + a.rows * a.cols * item == size);
        volatile double sink = touch_all(to_matrix<double>(a, "fuzz.npy"));
        try {
            sink = touch_all(to_matrix<float>(a, "fuzz.npy"));
        } catch (const ToolError& e) {
            check(e.code() == Exit::input);  // a float64 value beyond float32's range
        }
        (void)sink;
    } catch (const ToolError& e) {
        check(e.code() == Exit::input);
        check(std::string_view(e.what()).find('\n') == std::string_view::npos);
    }
    return 0;
}
