// expect: KS-POLY
// A virtual call in a destructor: the derived part is already gone.
namespace svc {
class File {
public:
    virtual ~File() { this->release(); }
    virtual void release() {}
};
}
