# nbody: the classic Jovian-planets n-body simulation (twin of nbody.conc).
# Bodies are lists [x, y, z, vx, vy, vz, mass].
from math import sqrt

PI = 3.141592653589793
SOLAR_MASS = 4 * PI * PI
DAYS_PER_YEAR = 365.24


def make_bodies():
    sun = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, SOLAR_MASS]
    jupiter = [
        4.84143144246472090,
        -1.16032004402742839,
        -1.03622044471123109e-1,
        1.66007664274403694e-3 * DAYS_PER_YEAR,
        7.69901118419740425e-3 * DAYS_PER_YEAR,
        -6.90460016972063023e-5 * DAYS_PER_YEAR,
        9.54791938424326609e-4 * SOLAR_MASS
    ]
    saturn = [
        8.34336671824457987,
        4.12479856412430479,
        -4.03523417114321381e-1,
        -2.76742510726862411e-3 * DAYS_PER_YEAR,
        4.99852801234917238e-3 * DAYS_PER_YEAR,
        2.30417297573763929e-5 * DAYS_PER_YEAR,
        2.85885980666130812e-4 * SOLAR_MASS
    ]
    uranus = [
        12.8943695621391310,
        -15.1111514016986312,
        -2.23307578892655734e-1,
        2.96460137564761618e-3 * DAYS_PER_YEAR,
        2.37847173959480950e-3 * DAYS_PER_YEAR,
        -2.96589568540237556e-5 * DAYS_PER_YEAR,
        4.36624404335156298e-5 * SOLAR_MASS
    ]
    neptune = [
        15.3796971148509165,
        -25.9193146099879641,
        1.79258772950371181e-1,
        2.68067772490389322e-3 * DAYS_PER_YEAR,
        1.62824170038242295e-3 * DAYS_PER_YEAR,
        -9.51592254519715870e-5 * DAYS_PER_YEAR,
        5.15138902046611451e-5 * SOLAR_MASS
    ]
    return [sun, jupiter, saturn, uranus, neptune]


def offset_momentum(bodies):
    px = 0.0
    py = 0.0
    pz = 0.0
    for b in bodies:
        px += b[3] * b[6]
        py += b[4] * b[6]
        pz += b[5] * b[6]
    sun = bodies[0]
    sun[3] = -px / SOLAR_MASS
    sun[4] = -py / SOLAR_MASS
    sun[5] = -pz / SOLAR_MASS


def energy(bodies, nbody):
    e = 0.0
    for i in range(nbody):
        b = bodies[i]
        e += 0.5 * b[6] * (b[3] * b[3] + b[4] * b[4] + b[5] * b[5])
        for j in range(i + 1, nbody):
            b2 = bodies[j]
            dx = b[0] - b2[0]
            dy = b[1] - b2[1]
            dz = b[2] - b2[2]
            e -= (b[6] * b2[6]) / sqrt(dx * dx + dy * dy + dz * dz)
    return e


def advance(bodies, nbody, dt):
    for i in range(nbody):
        bi = bodies[i]
        xi = bi[0]
        yi = bi[1]
        zi = bi[2]
        vxi = bi[3]
        vyi = bi[4]
        vzi = bi[5]
        mi = bi[6]
        for j in range(i + 1, nbody):
            bj = bodies[j]
            dx = xi - bj[0]
            dy = yi - bj[1]
            dz = zi - bj[2]
            d2 = dx * dx + dy * dy + dz * dz
            mag = dt / (d2 * sqrt(d2))
            mj = bj[6] * mag
            vxi -= dx * mj
            vyi -= dy * mj
            vzi -= dz * mj
            mm = mi * mag
            bj[3] += dx * mm
            bj[4] += dy * mm
            bj[5] += dz * mm
        bi[3] = vxi
        bi[4] = vyi
        bi[5] = vzi
    for b in bodies:
        b[0] += dt * b[3]
        b[1] += dt * b[4]
        b[2] += dt * b[5]


def main():
    bodies = make_bodies()
    nbody = len(bodies)
    offset_momentum(bodies)
    print(format(energy(bodies, nbody), ".9f"))
    for step in range(200_000):
        advance(bodies, nbody, 0.01)
    print(format(energy(bodies, nbody), ".9f"))


main()
