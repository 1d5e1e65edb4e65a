# processes/spawn: the cost of starting and joining a process (twin of
# spawn.conc): multiprocessing.get_context("fork").Process(target=empty)
# start() + join(), 300 times; then bare os.fork() + os._exit(0) +
# os.waitpid(), 300 times, as `spawn_fork_*` (the floor under both).
import multiprocessing
import os
import time

REPS = 300
ctx = multiprocessing.get_context("fork")


def empty():
    pass


def bare():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)


def process():
    p = ctx.Process(target=empty)
    p.start()
    p.join()


def measure(name, once):
    times = []
    t_all = time.monotonic()
    for _ in range(REPS):
        t0 = time.monotonic()
        once()
        times.append(time.monotonic() - t0)
    total = time.monotonic() - t_all
    times.sort()
    print(f"{name}_median_us", round(times[REPS // 2] * 1e6, 1))
    print(f"{name}_mean_us", round(total / REPS * 1e6, 1))


def main():
    measure("spawn_join", process)
    measure("spawn_fork", bare)


main()
