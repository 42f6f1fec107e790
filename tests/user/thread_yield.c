// pthread create/join and a condition variable, no cancellation, while a
// busy thread loops on sched_yield: sleepers still wake on time, joins and
// wake-ups are not starved, and the yielding thread makes progress too.
#include "ptest.h"
#include <pthread.h>

static volatile int stop_spin;
static volatile long spins;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn; // ping-pong between main (0) and the ponger (1)

static void* spinner(void* a) {
    (void)a;
    while (!stop_spin) {
        sched_yield();
        spins++;
    }
    return NULL;
}

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void* sleeper(void* a) {
    (void)a;
    long t0 = now_ms();
    for (int i = 0; i < 10; i++) {
        sleep_ms(10);
    }
    return (void*)(now_ms() - t0);
}

static void* ponger(void* a) {
    (void)a;
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&mu);
        while (turn != 1) {
            pthread_cond_wait(&cv, &mu);
        }
        turn = 0;
        pthread_cond_signal(&cv);
        pthread_mutex_unlock(&mu);
    }
    return (void*)7;
}

static void* square(void* a) {
    long v = (long)a;
    sched_yield();
    return (void*)(v * v);
}

int main(void) {
    check_start(NULL);
    pthread_t sp[2];
    check_eq("spinner_created", pthread_create(&sp[0], NULL, spinner, NULL) == 0 &&
                                    pthread_create(&sp[1], NULL, spinner, NULL) == 0,
             1);
    pthread_t sl;
    pthread_create(&sl, NULL, sleeper, NULL);
    void* r = NULL;
    pthread_join(sl, &r);
    long took = (long)r;
    // 100 ms of sleeps; a starved sleeper takes far longer (bounded by the
    // scheduler's fairness, not by how long the spinners spin).
    check_true("sleeper_on_time", took >= 100 && took < 3000, "took %ld ms", took);

    pthread_t pg;
    pthread_create(&pg, NULL, ponger, NULL);
    int rounds = 0;
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&mu);
        turn = 1;
        pthread_cond_signal(&cv);
        while (turn != 0) {
            pthread_cond_wait(&cv, &mu);
        }
        pthread_mutex_unlock(&mu);
        rounds++;
    }
    pthread_join(pg, &r);
    check_true("condvar_ping_pong", rounds == 100 && (long)r == 7, "rounds %d r %ld", rounds, (long)r);

    pthread_t sq[8];
    long sum = 0;
    for (int i = 0; i < 8; i++) {
        pthread_create(&sq[i], NULL, square, (void*)(long)i);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(sq[i], &r);
        sum += (long)r;
    }
    check_eq("join_values", sum, 140);
    long before = spins;
    sleep_ms(50);
    check_true("spinners_progress", spins > before, "spins %ld -> %ld", before, spins);
    stop_spin = 1;
    check_eq("join_spinners", pthread_join(sp[0], NULL) == 0 && pthread_join(sp[1], NULL) == 0, 1);
    return check_end("thread_yield");
}
