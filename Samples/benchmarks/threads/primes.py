# threads/primes: CPU-bound work under the GIL (twin of primes.conc).
import threading
import time
from math import floor, sqrt

N = 200_000


def is_prime(n):
    if n < 2:
        return False
    if n == 2:
        return True
    if n % 2 == 0:
        return False
    for i in range(3, floor(sqrt(n)) + 1, 2):
        if n % i == 0:
            return False
    return True


def count_range(lo, hi):
    count = 0
    for n in range(lo, hi):
        if is_prime(n):
            count += 1
    return count


def threaded(k):
    results = [0] * k

    def work(j, lo, hi):
        results[j] = count_range(lo, hi)

    ts = [threading.Thread(target=work, args=(j, N * j // k, N * (j + 1) // k))
          for j in range(k)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(results)


def run(k):
    """k == 0: sequential in this thread, else k threads."""
    return count_range(0, N) if k == 0 else threaded(k)


def main():
    # Each variant runs three times, in the order seq 1 2 4 4 2 1 seq seq 1 2 4,
    # keeping its best.
    order = [0, 1, 2, 4, 4, 2, 1, 0, 0, 1, 2, 4]
    best = {}
    expected = None
    for k in order:
        t0 = time.monotonic()
        got = run(k)
        dt = time.monotonic() - t0
        if expected is None:
            expected = got
        elif got != expected:
            raise ValueError(f"{k} threads counted {got}, expected {expected}")
        if k not in best or dt < best[k]:
            best[k] = dt
    print("count", expected)
    print("primes_seq", round(best[0], 4))
    for k in (1, 2, 4):
        print(f"primes_threads_{k}", round(best[k], 4))
    for k in (1, 2, 4):
        print(f"primes_threads_{k}_ratio", round(best[k] / best[0], 3))


main()
