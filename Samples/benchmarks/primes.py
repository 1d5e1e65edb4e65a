# primes: count the primes below 500,000 by trial division (twin of primes.conc).
from math import floor, sqrt


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


def main():
    count = 0
    for n in range(500_000):
        if is_prime(n):
            count += 1
    print(count)


main()
