// expect: KS-INIT
// `= default` default constructor: an enum field stays indeterminate (a
// load of an out-of-range enum value is undefined).
namespace svc {
enum class State : unsigned char { Idle, Busy };
class Task {
public:
    Task() = default;
    State state() const { return state_; }

private:
    State state_;
};
State f() { return Task().state(); }
} // namespace svc
