# processes/roundtrip: the cost of sending a large result back (twin of
# roundtrip.conc): a fork-context multiprocessing.Process inherits the list and
# sends it back through a Pipe (pickled); the parent receives it, then joins.
import multiprocessing
import time

SIZE = 1_000_000
REPS = 5
M = 1_000_000_007
ctx = multiprocessing.get_context("fork")


def echo(conn, xs):
    conn.send(xs)
    conn.close()


def roundtrip(xs):
    recv_end, send_end = ctx.Pipe(duplex=False)
    p = ctx.Process(target=echo, args=(send_end, xs))
    p.start()
    send_end.close()
    back = recv_end.recv()
    p.join()
    recv_end.close()
    return back


def main():
    xs = []
    for i in range(SIZE):
        xs.append(i * 7919 % 1_000_003)
    times = []
    back = None
    for _ in range(REPS):
        t0 = time.monotonic()
        back = roundtrip(xs)
        times.append(time.monotonic() - t0)
        if back != xs:
            raise ValueError("the list came back changed")
    checksum = 0
    for i in range(len(back)):
        checksum = (checksum + (i + 1) * back[i]) % M
    times.sort()
    print("length", len(back))
    print("checksum", checksum)
    print("roundtrip_1M_ints_ms", round(times[REPS // 2] * 1000, 2))


main()
