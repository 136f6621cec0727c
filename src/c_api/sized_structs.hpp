// The structs passed by pointer (linsweep_options, linsweep_result) begin with struct_size and
// only ever grow at their end (see "Compatibility" in linsweep.h). This file keeps the list of
// their layouts and reads and writes exactly the bytes a caller's struct_size covers.
#pragma once

#include <cstddef>
#include <cstring>

#include "linsweep/linsweep.h"

namespace linsweep::c_api {

// One layout of a sized struct: where its last member ends, and where the first member of the
// next layout begins (sizeof the struct for the newest). A program compiled with this layout
// carries a struct_size in [end, next]: its bytes are this layout's members and padding, no
// byte of a later member.
struct StructLayout {
    std::size_t end, next;
};

// The layouts of each struct, oldest first (sized_structs.cpp).
struct Layouts {
    const StructLayout* list;
    std::size_t count;
    const char* type;  // for messages
};
extern const Layouts options_layouts;
extern const Layouts result_layouts;

// Throws bad_option unless `size` is the size of one of the struct's layouts.
void check_struct_size(std::size_t size, const Layouts& layouts);

// The caller's struct_size, read as bytes (the caller's struct may be an older, shorter type).
inline std::size_t struct_size_of(const void* s)
{
    std::size_t size;
    std::memcpy(&size, s, sizeof size);
    return size;
}

// Writes `full` into the caller's struct: the bytes its struct_size covers (checked first, so a
// bad size writes nothing), struct_size kept.
template <class S> void write_sized(S* out, S full, const Layouts& layouts)
{
    const std::size_t size = struct_size_of(out);
    check_struct_size(size, layouts);
    full.struct_size = size;
    std::memcpy(out, &full, size);
}

}  // namespace linsweep::c_api
