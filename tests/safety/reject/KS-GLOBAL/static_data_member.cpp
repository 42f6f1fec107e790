// expect: KS-GLOBAL
namespace svc {
struct Stats {
    static int hits;
};
int Stats::hits = 0;
int hit() { return ++Stats::hits; }
}
