// The layout lists of the sized C structs, checked at compile time (sized_structs.hpp).
#include "sized_structs.hpp"

#include <string>

#include "linsweep/core.hpp"

namespace linsweep::c_api {

namespace {

#define LINSWEEP_END_OF(type, member) (offsetof(type, member) + sizeof(type::member))

// Oldest first. Appending fields adds a layout: the previous one's `next` becomes the offset of
// the first new member.
constexpr StructLayout options_list[] = {
    {LINSWEEP_END_OF(linsweep_options, user_data), offsetof(linsweep_options, reduce)},         // 0.2
    {LINSWEEP_END_OF(linsweep_options, reduce_size), offsetof(linsweep_options, sketch_rows)},  // 0.3
    {LINSWEEP_END_OF(linsweep_options, preconditioner), offsetof(linsweep_options, precise)},   // 0.4
    {LINSWEEP_END_OF(linsweep_options, precise), sizeof(linsweep_options)},                     // 0.5
};
constexpr StructLayout result_list[] = {
    {LINSWEEP_END_OF(linsweep_result, threads), offsetof(linsweep_result, constant_columns)},  // 0.1's fields
    {LINSWEEP_END_OF(linsweep_result, constant_columns), offsetof(linsweep_result, ranks)},    // 0.2
    {LINSWEEP_END_OF(linsweep_result, ranks), offsetof(linsweep_result, error_estimate)},      // 0.3
    {LINSWEEP_END_OF(linsweep_result, preconditioner), offsetof(linsweep_result, accuracy_estimate)},  // 0.4
    {LINSWEEP_END_OF(linsweep_result, refinements), sizeof(linsweep_result)},                          // 0.5
};
#undef LINSWEEP_END_OF

// Each layout ends before the next begins, and each appended group starts at the struct's
// alignment, hence past the tail padding of every older layout as its programs compiled it.
template <class S, std::size_t N> constexpr bool well_formed(const StructLayout (&layouts)[N])
{
    for (std::size_t i = 0; i < N; ++i) {
        if (layouts[i].end > layouts[i].next) return false;
        if (i + 1 < N && (layouts[i].next % alignof(S) != 0 || layouts[i].next >= layouts[i + 1].end))
            return false;
    }
    return layouts[N - 1].next == sizeof(S);
}
static_assert(well_formed<linsweep_options>(options_list), "linsweep_options: bad layout list");
static_assert(well_formed<linsweep_result>(result_list), "linsweep_result: bad layout list");

}  // namespace

const Layouts options_layouts{options_list, sizeof options_list / sizeof options_list[0], "linsweep_options"};
const Layouts result_layouts{result_list, sizeof result_list / sizeof result_list[0], "linsweep_result"};

void check_struct_size(std::size_t size, const Layouts& layouts)
{
    const StructLayout* l = layouts.list;
    const std::size_t n = layouts.count;
    for (std::size_t i = 0; i < n; ++i)
        if (size >= l[i].end && size <= l[i].next) return;
    const std::string type = layouts.type;
    const std::string got = "linsweep: " + type + " struct_size is " + std::to_string(size);
    const std::string known = std::to_string(l[n - 1].next) + " bytes, linsweep " + version();
    if (size > l[n - 1].next)
        throw Error(Status::bad_option, got + ", larger than this library's " + type + " (" + known +
                                            "): the program was built against a newer linsweep.h");
    if (size < l[0].end)
        throw Error(Status::bad_option, got + ", smaller than the first " + type + " layout (" +
                                            std::to_string(l[0].end) +
                                            " bytes): set it to sizeof the struct (linsweep_options_default "
                                            "does for the options)");
    throw Error(Status::bad_option,
                got + ", which ends inside a field: no " + type + " layout has that size");
}

}  // namespace linsweep::c_api
