// expect: KS-UNSAFE-CALL
// A DMA buffer's device address turned into a pointer through the
// framework's direct map: the bytes are reachable only through the handle.
#include <keel/dma.h>
namespace svc {
u8 peek(const keel::DmaCoherent& d) { return *keel::detail::direct_map_bytes(d.device_addr()); }
}
