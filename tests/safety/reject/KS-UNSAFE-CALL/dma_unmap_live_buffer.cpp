// expect: KS-UNSAFE-CALL
// Taking a live DMA buffer out of the IOMMU (or putting arbitrary memory
// in) is the DMA handles' business alone.
#include <keel/dma.h>
namespace svc {
void f(const keel::DmaCoherent& d) { keel::detail::dma_unmap(d.device_addr(), d.size()); }
}
