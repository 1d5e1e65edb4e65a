# threads/spawn: the cost of starting and joining a thread (twin of spawn.conc).
import threading
import time

REPS = 2_000


def empty():
    pass


def main():
    times = []
    t_all = time.monotonic()
    for _ in range(REPS):
        t0 = time.monotonic()
        t = threading.Thread(target=empty)
        t.start()
        t.join()
        times.append(time.monotonic() - t0)
    total = time.monotonic() - t_all
    times.sort()
    print("spawn_join_median_us", round(times[REPS // 2] * 1e6, 1))
    print("spawn_join_mean_us", round(total / REPS * 1e6, 1))


main()
