-- nbody: the classic Jovian-planets n-body simulation (twin of nbody.conc).
-- Bodies are tables {x, y, z, vx, vy, vz, mass} (1-based: x is b[1], mass is b[7]).
-- The top-level names are globals, as in nbody.conc and nbody.py.

PI = 3.141592653589793
SOLAR_MASS = 4 * PI * PI
DAYS_PER_YEAR = 365.24

function make_bodies()
    local sun = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, SOLAR_MASS}
    local jupiter = {
        4.84143144246472090,
        -1.16032004402742839,
        -1.03622044471123109e-1,
        1.66007664274403694e-3 * DAYS_PER_YEAR,
        7.69901118419740425e-3 * DAYS_PER_YEAR,
        -6.90460016972063023e-5 * DAYS_PER_YEAR,
        9.54791938424326609e-4 * SOLAR_MASS
    }
    local saturn = {
        8.34336671824457987,
        4.12479856412430479,
        -4.03523417114321381e-1,
        -2.76742510726862411e-3 * DAYS_PER_YEAR,
        4.99852801234917238e-3 * DAYS_PER_YEAR,
        2.30417297573763929e-5 * DAYS_PER_YEAR,
        2.85885980666130812e-4 * SOLAR_MASS
    }
    local uranus = {
        12.8943695621391310,
        -15.1111514016986312,
        -2.23307578892655734e-1,
        2.96460137564761618e-3 * DAYS_PER_YEAR,
        2.37847173959480950e-3 * DAYS_PER_YEAR,
        -2.96589568540237556e-5 * DAYS_PER_YEAR,
        4.36624404335156298e-5 * SOLAR_MASS
    }
    local neptune = {
        15.3796971148509165,
        -25.9193146099879641,
        1.79258772950371181e-1,
        2.68067772490389322e-3 * DAYS_PER_YEAR,
        1.62824170038242295e-3 * DAYS_PER_YEAR,
        -9.51592254519715870e-5 * DAYS_PER_YEAR,
        5.15138902046611451e-5 * SOLAR_MASS
    }
    return {sun, jupiter, saturn, uranus, neptune}
end

function offset_momentum(bodies)
    local px = 0.0
    local py = 0.0
    local pz = 0.0
    for _, b in ipairs(bodies) do
        px = px + b[4] * b[7]
        py = py + b[5] * b[7]
        pz = pz + b[6] * b[7]
    end
    local sun = bodies[1]
    sun[4] = -px / SOLAR_MASS
    sun[5] = -py / SOLAR_MASS
    sun[6] = -pz / SOLAR_MASS
end

function energy(bodies, nbody)
    local e = 0.0
    for i = 1, nbody do
        local b = bodies[i]
        e = e + 0.5 * b[7] * (b[4] * b[4] + b[5] * b[5] + b[6] * b[6])
        for j = i + 1, nbody do
            local b2 = bodies[j]
            local dx = b[1] - b2[1]
            local dy = b[2] - b2[2]
            local dz = b[3] - b2[3]
            e = e - (b[7] * b2[7]) / math.sqrt(dx * dx + dy * dy + dz * dz)
        end
    end
    return e
end

function advance(bodies, nbody, dt)
    for i = 1, nbody do
        local bi = bodies[i]
        local xi = bi[1]
        local yi = bi[2]
        local zi = bi[3]
        local vxi = bi[4]
        local vyi = bi[5]
        local vzi = bi[6]
        local mi = bi[7]
        for j = i + 1, nbody do
            local bj = bodies[j]
            local dx = xi - bj[1]
            local dy = yi - bj[2]
            local dz = zi - bj[3]
            local d2 = dx * dx + dy * dy + dz * dz
            local mag = dt / (d2 * math.sqrt(d2))
            local mj = bj[7] * mag
            vxi = vxi - dx * mj
            vyi = vyi - dy * mj
            vzi = vzi - dz * mj
            local mm = mi * mag
            bj[4] = bj[4] + dx * mm
            bj[5] = bj[5] + dy * mm
            bj[6] = bj[6] + dz * mm
        end
        bi[4] = vxi
        bi[5] = vyi
        bi[6] = vzi
    end
    for _, b in ipairs(bodies) do
        b[1] = b[1] + dt * b[4]
        b[2] = b[2] + dt * b[5]
        b[3] = b[3] + dt * b[6]
    end
end

local function main()
    local bodies = make_bodies()
    local nbody = #bodies
    offset_momentum(bodies)
    print(string.format("%.9f", energy(bodies, nbody)))
    for step = 0, 200000 - 1 do
        advance(bodies, nbody, 0.01)
    end
    print(string.format("%.9f", energy(bodies, nbody)))
end

main()
