#include <gtest/gtest.h>

#include <klib/list.h>

namespace {

struct RunTag {};
struct WaitTag {};

struct Task : klib::ListLink<Task, RunTag>, klib::ListLink<Task, WaitTag> {
    explicit Task(int i) : id(i) {}
    int id;
};

using RunQueue = klib::IntrusiveList<Task, RunTag>;
using WaitQueue = klib::IntrusiveList<Task, WaitTag>;

struct Node : klib::ListLink<Node> {
    int v = 0;
};

TEST(KlibList, PushPopOrder) {
    Task a(1), b(2), c(3);
    RunQueue q;
    EXPECT_TRUE(q.empty());
    q.push_back(b);
    q.push_back(c);
    q.push_front(a);
    EXPECT_EQ(q.size(), 3u);
    EXPECT_EQ(q.front().id, 1);
    EXPECT_EQ(q.back().id, 3);
    int expect = 1;
    for (Task& t : q) {
        EXPECT_EQ(t.id, expect++);
    }
    q.remove(b);
    EXPECT_FALSE(q.contains(b));
    EXPECT_TRUE(q.contains(a));
    EXPECT_EQ(q.pop_front().id, 1);
    EXPECT_EQ(q.pop_back().id, 3);
    EXPECT_TRUE(q.empty());
    q.push_back(b); // re-linking after removal is fine
    EXPECT_EQ(q.pop_front().id, 2);
}

TEST(KlibList, TwoListsAtOnce) {
    Task a(1), b(2);
    RunQueue rq;
    WaitQueue wq;
    rq.push_back(a);
    rq.push_back(b);
    wq.push_back(b);
    EXPECT_EQ(rq.size(), 2u);
    EXPECT_EQ(wq.front().id, 2);
    rq.remove(b);
    EXPECT_TRUE(wq.contains(b));
    wq.remove(b);
    rq.remove(a);
}

TEST(KlibListDeath, DoubleInsert) {
    EXPECT_DEATH(
        {
            Node n;
            klib::IntrusiveList<Node> l;
            l.push_back(n);
            l.push_back(n);
        },
        "List: node already linked");
    EXPECT_DEATH(
        {
            Node n;
            klib::IntrusiveList<Node> l1;
            klib::IntrusiveList<Node> l2;
            l1.push_back(n);
            l2.push_front(n);
        },
        "List: node already linked");
}

TEST(KlibListDeath, RemoveNotLinked) {
    EXPECT_DEATH(
        {
            Node n;
            klib::IntrusiveList<Node> l;
            l.remove(n);
        },
        "List: remove of node not in this list");
    EXPECT_DEATH(
        {
            Node n;
            klib::IntrusiveList<Node> l1;
            klib::IntrusiveList<Node> l2;
            l1.push_back(n);
            l2.remove(n);
        },
        "List: remove of node not in this list");
}

TEST(KlibListDeath, DestroyNonEmpty) {
    EXPECT_DEATH(
        {
            Node n;
            klib::IntrusiveList<Node> l;
            l.push_back(n);
        },
        "List: (destroyed while non-empty|node destroyed while linked)");
    EXPECT_DEATH(
        {
            klib::IntrusiveList<Node> l;
            {
                Node n;
                l.push_back(n);
            }
        },
        "List: node destroyed while linked");
}

TEST(KlibListDeath, MutationDuringIteration) {
    EXPECT_DEATH(
        {
            Node a;
            Node b;
            klib::IntrusiveList<Node> l;
            l.push_back(a);
            l.push_back(b);
            for (Node& n : l) {
                l.remove(n);
            }
        },
        "List: mutation while borrowed");
}

TEST(KlibListDeath, EmptyAccess) {
    klib::IntrusiveList<Node> l;
    EXPECT_DEATH((void)l.front(), "List: front of empty list");
    EXPECT_DEATH((void)l.pop_back(), "List: back of empty list");
}

} // namespace
