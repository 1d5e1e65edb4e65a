# threads/sleep: I/O-like waiting overlaps under the GIL (twin of sleep.conc).
import threading
import time


def nap(s):
    time.sleep(s)


def main():
    t0 = time.monotonic()
    ts = [threading.Thread(target=nap, args=(0.2,)) for _ in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print("sleep_8x0.2", round(time.monotonic() - t0, 4))


main()
