// Accept: switch over enums, constexpr tables, templates, strings.
#include <klib/array.h>
#include <klib/string_view.h>

namespace svc {

enum class FileType : unsigned char { Regular, Directory, Symlink, Device };

constexpr klib::StringView type_name(FileType t) {
    switch (t) {
    case FileType::Regular:
        return "regular";
    case FileType::Directory:
        return "directory";
    case FileType::Symlink:
        return "symlink";
    case FileType::Device:
        return "device";
    }
    return "unknown";
}

constexpr klib::Array<unsigned int, 4> kModes = {0100644u, 040755u, 0120777u, 020600u};

template <typename T>
constexpr T clamp(T v, T lo, T hi) {
    return v < lo ? lo : (v > hi ? hi : v);
}

unsigned int mode_of(FileType t) {
    return kModes[static_cast<unsigned long>(t)];
}

constexpr int kLimit = clamp(500, 0, 100);
static_assert(kLimit == 100);

unsigned long name_len(FileType t) { return type_name(t).size(); }

} // namespace svc
