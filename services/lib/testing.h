// Small helpers shared by service ktests.
#pragma once

#include <klib/result.h>

namespace services::lib {

// The error of a Result that is expected to fail (BadState if it did not).
template <typename T>
klib::Error err(const klib::Result<T>& r) {
    return r.is_err() ? r.error() : klib::Error::BadState;
}

} // namespace services::lib
