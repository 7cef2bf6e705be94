// The value sizes the engine compiles map types for, and which one a configured `bytes` size uses.
//
// mapcore lays out a value by its C++ type, so every supported size is a separate map type. The engine
// compiles these and stores a configured size in the smallest one that holds it:
//   - in the bucket (1 .. 128 bytes): multiples of 8. A size that is not one is held at the next one,
//     so such a bucket is up to 56 bytes larger than Go's;
//   - out of line (129 bytes .. 32 KiB): every size class of Go's allocator. Go rounds an out-of-line
//     value up to its size class too, so indirect_bytes are exactly Go's;
//   - out of line, above 32 KiB (Go rounds to 8 KiB pages): 48, 64, 96, 128, ... 768 KiB and 1 MiB, two
//     per doubling, so indirect_bytes are at most a third above Go's there.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace mapscope::scenarios {

inline constexpr std::array<std::size_t, 16> kInlineValueSizes = {8,  16, 24, 32, 40,  48,  56,  64,
                                                                  72, 80, 88, 96, 104, 112, 120, 128};

inline constexpr std::array<std::size_t, 67> kIndirectValueSizes = {
    // Go's size classes above 128 bytes (runtime/sizeclasses.go, go1.19).
    144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896,
    1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528,
    6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576,
    27264, 28672, 32768,
    // Large values, whole 8 KiB pages in Go: two sizes per doubling up to the configuration's 1 MiB limit.
    48 << 10, 64 << 10, 96 << 10, 128 << 10, 192 << 10, 256 << 10, 384 << 10, 512 << 10, 768 << 10, 1 << 20};

// The size a configured `bytes` value is stored at: the smallest supported size >= `configured`
// (1 .. 1 MiB).
std::size_t stored_value_size(std::uint64_t configured);

}  // namespace mapscope::scenarios
