-- Integer and float arithmetic: subtypes, division and modulo signs,
-- overflow wraparound, conversions, bitwise operators, the math library.

print("types", math.type(1), math.type(1.0), math.type("1"), math.type(2^53), math.type(1 // 1), math.type(1 / 1))
print("division", 7 // 2, -7 // 2, 7 // -2, 7.0 // 2, 7 / 2, -7 / 2, 1 / 0, -1 / 0)
print("modulo", 7 % 3, -7 % 3, 7 % -3, -7 % -3, 5.5 % 2, -5.5 % 2, math.fmod(-7, 3), math.fmod(7, -3))
print("power", 2 ^ 10, 2 ^ 0.5, 10 ^ -2, (-8) ^ (1 / 3) ~= (-8) ^ (1 / 3))
print("limits", math.maxinteger, math.mininteger, math.maxinteger + 1 == math.mininteger, math.mininteger - 1 == math.maxinteger)
print("wrap", math.maxinteger * 2, math.mininteger // -1, math.mininteger % -1, -math.mininteger)
print("float", 0.1 + 0.2, 0.1 + 0.2 == 0.3, 1e308 * 10, -(0 / 0) ~= -(0 / 0), 3.0 == 3, math.huge > math.maxinteger)
print("format", string.format("%.17g", 0.1), string.format("%.0f", 2.5), string.format("%.0f", 3.5), 2^63, -2^63 == math.mininteger)
print("tointeger", math.tointeger(3.0), math.tointeger(3.5), math.tointeger("8"), math.tointeger(2^63), 3 | 0, pcall(function() return 3.5 | 0 end))
print("floor/ceil", math.floor(3.7), math.ceil(3.2), math.floor(-3.7), math.ceil(-3.2), math.floor(2^60 + 0.0) == 2^60, math.type(math.floor(1e100)))
print("abs/max/min", math.abs(-5), math.abs(math.mininteger), math.max(3, 7.5, -1), math.min(3, 7.5, -1), math.max(1, 2) | 0)
print("sqrt/exp/log", math.sqrt(16), math.exp(0), math.log(1), math.log(8, 2), math.log(100, 10), string.format("%.10f", math.log(2)))
print("trig", string.format("%.12f %.12f %.12f %.12f", math.sin(math.pi / 6), math.cos(math.pi / 3), math.atan(1, 1), math.atan(-1, -1)))
print("ult", math.ult(1, -1), math.ult(-1, 1), math.ult(5, 6))
print("bitwise", 0xF0 & 0x3C, 0xF0 | 0x0F, 0xF0 ~ 0xFF, ~0, 1 << 62, 1 << 63, 1 << 64, -1 >> 1, -1 >> 63, 5 << -1)
print("compare", 1 < 1.5, 2^53 == 2^53 + 1, math.maxinteger + 0.0 == math.maxinteger, math.maxinteger < math.maxinteger + 0.0, -0.0 == 0.0, 1 / -0.0)
print("strings", "10" + 5, "3.5" * 2, "0x10" + 0, 10 .. 20, math.type("10" + 5), pcall(function() return "a" + 1 end))
print("modf", math.modf(3.7), math.modf(-3.7), math.modf(5), math.modf(math.huge))
print("hex", 0x7fffffffffffffff, 0xffffffffffffffff, 0x1p4, 0x.8, tostring(1e15), tostring(1e16), tostring(-0.0))

-- Integer loop arithmetic: sum of i^2 mod a prime, and a float loop.
local acc = 0
for i = 1, 100000 do acc = (acc + i * i) % 1000000007 end
local facc = 0.0
for i = 1, 1000 do facc = facc + 1 / i end
print("loops", acc, string.format("%.12f", facc))
assert(acc == (100000 * 100001 * 200001 // 6) % 1000000007)

-- Float for-loop with a fractional step, and an integer loop near the limit.
local n = 0
for x = 0, 1, 0.125 do n = n + 1 end
local m = 0
for i = math.maxinteger - 2, math.maxinteger do m = m + 1 end
print("forloops", n, m)
assert(n == 9 and m == 3)

-- Deterministic pseudo-random numbers (xoshiro256** with a fixed seed).
math.randomseed(1234)
local r = {}
for i = 1, 5 do r[i] = math.random(1000) end
print("random", table.concat(r, " "), math.random(5, 5), math.type(math.random()))

-- GCD, primes, and integer square root.
local function gcd(a, b) while b ~= 0 do a, b = b, a % b end return a end
local primes, count = {}, 0
for i = 2, 10000 do
  local isp = true
  for j = 2, math.floor(math.sqrt(i)) do if i % j == 0 then isp = false break end end
  if isp then count = count + 1; if count <= 10 then primes[#primes + 1] = i end end
end
print("numbers", gcd(1071, 462), gcd(2^40 | 0, 6^15 | 0), count, table.concat(primes, ","))
assert(count == 1229)
