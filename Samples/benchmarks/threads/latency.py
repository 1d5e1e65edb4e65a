# threads/latency: the convoy effect (twin of latency.conc).
import threading
import time

SAMPLES = 200
DELAY = 0.001
stop = False


def spin(out):
    """Busy loop until `stop`; appends the number of iterations to out."""
    x = 1
    n = 0
    while not stop:
        x = (x * 31 + 7) % 1_000_003
        n += 1
    out.append(n)


def spin_rate(seconds):
    """Runs spin() in a thread for `seconds` of wall time; iterations per second."""
    global stop
    stop = False
    out = []
    t0 = time.monotonic()
    t = threading.Thread(target=spin, args=(out,))
    t.start()
    time.sleep(seconds)
    stop = True
    t.join()
    return out[0] / (time.monotonic() - t0)


def measure(out):
    late = []
    for _ in range(SAMPLES):
        t0 = time.monotonic()
        time.sleep(DELAY)
        late.append(time.monotonic() - t0 - DELAY)
    late.sort()
    out.extend(late)


def pct(xs, q):
    return xs[int(q * (len(xs) - 1))]


def report(name, xs):
    print(f"{name}_p50_ms", round(pct(xs, 0.5) * 1000, 3))
    print(f"{name}_p99_ms", round(pct(xs, 0.99) * 1000, 3))


def run_measure():
    out = []
    t = threading.Thread(target=measure, args=(out,))
    t.start()
    t.join()
    return out


def main():
    global stop
    report("latency_idle", run_measure())

    alone = spin_rate(0.2)

    stop = False
    out = []
    t0 = time.monotonic()
    spinner = threading.Thread(target=spin, args=(out,))
    spinner.start()
    time.sleep(0.01)  # let the spinner get going
    late = run_measure()
    stop = True
    spinner.join()
    busy = out[0] / (time.monotonic() - t0)
    report("latency_busy", late)
    alone = (alone + spin_rate(0.2)) / 2  # rate alone: before and after
    print("latency_spin_share", round(busy / alone, 3))


main()
