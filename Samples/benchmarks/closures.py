# closures: creating closures and calling them (twin of closures.conc).


def make_counter():
    count = 0

    def counter(step):
        nonlocal count
        count += step
        return count
    return counter


def make_account():
    balance = 0

    def deposit(v):
        nonlocal balance
        balance += v
        return balance

    def read():
        return balance
    return [deposit, read]


def make_adder(n):
    def adder(x):
        return x + n
    return adder


def compose(f, g):
    def composed(x):
        return f(g(x))
    return composed


def apply_n(f, times, x):
    for i in range(times):
        x = f(x)
    return x


def map_list(f, xs):
    out = []
    for x in xs:
        out.append(f(x))
    return out


def fold(f, acc, xs):
    for x in xs:
        acc = f(acc, x)
    return acc


def main():
    xs = []
    for i in range(50):
        xs.append(i)
    checksum = 0
    for r in range(40_000):
        counter = make_counter()
        for j in range(5):
            counter(j)
        account = make_account()
        deposit = account[0]
        read = account[1]
        deposit(r % 7)
        deposit(3)
        add = make_adder(r % 10)
        double_then_add = compose(add, lambda x: x * 2)
        ys = map_list(double_then_add, xs)
        s = fold(lambda a, b: (a + b) % 1_000_003, 0, ys)
        t = apply_n(add, 10, counter(r))
        checksum = (checksum + s + t + read()) % 1_000_000_007
    print(checksum)


main()
