# processes/capacity: how much parallel work the machine delivers right now
# (twin of capacity.conc; the children are bare os.fork() + os._exit()).
import os
import time

LOOP = 10_000_000


def busy(n):
    x = 0
    for i in range(n):
        x += i
    return x


def forked(k):
    """Runs busy(LOOP) in k forked processes at once; returns the wall time."""
    t0 = time.monotonic()
    pids = []
    for _ in range(k):
        pid = os.fork()
        if pid == 0:
            os._exit(0 if busy(LOOP) == LOOP * (LOOP - 1) // 2 else 1)
        pids.append(pid)
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        if status != 0:
            raise ValueError(f"busy child {pid} ended with status {status}")
    return time.monotonic() - t0


def main():
    one = two = None
    for _ in range(3):
        t = forked(1)
        if one is None or t < one:
            one = t
        t = forked(2)
        if two is None or t < two:
            two = t
    print("capacity_one", round(one, 4))
    print("capacity_two", round(two, 4))
    print("capacity_x", round(2 * one / two, 3))


main()
