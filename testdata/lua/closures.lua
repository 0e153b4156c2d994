-- Closures: upvalues shared and fresh, recursion, higher-order functions.

local function counter(start, step)
  local n = start
  return function() n = n + step; return n end,
         function() return n end
end

local inc, get = counter(10, 5)
inc(); inc()
print("counter", get())
assert(get() == 20)

-- Each loop iteration gets a fresh local: the closures see 1..5.
local fs = {}
for i = 1, 5 do fs[i] = function() return i * i end end
local sq = {}
for i = 1, #fs do sq[#sq + 1] = fs[i]() end
print("fresh", table.concat(sq, " "))
assert(table.concat(sq, " ") == "1 4 9 16 25")

-- Two closures sharing one upvalue.
local function pair()
  local v = 0
  return function(x) v = v + x end, function() return v end
end
local add, peek = pair()
for i = 1, 100 do add(i) end
print("shared", peek())
assert(peek() == 5050)

local function map(t, f) local r = {} for i = 1, #t do r[i] = f(t[i]) end return r end
local function filter(t, p) local r = {} for i = 1, #t do if p(t[i]) then r[#r + 1] = t[i] end end return r end
local function reduce(t, f, acc) for i = 1, #t do acc = f(acc, t[i]) end return acc end
local function compose(...)
  local fns = { ... }
  return function(x)
    for i = #fns, 1, -1 do x = fns[i](x) end
    return x
  end
end

local nums = {}
for i = 1, 20 do nums[i] = i end
local evens = filter(nums, function(x) return x % 2 == 0 end)
local squares = map(evens, function(x) return x * x end)
local total = reduce(squares, function(a, b) return a + b end, 0)
print("map/filter/reduce", table.concat(squares, ","), total)
assert(total == 1540)

local f = compose(function(x) return x + 1 end, function(x) return x * 2 end, math.abs)
print("compose", f(-7), f(3))
assert(f(-7) == 15 and f(3) == 7)

-- Recursive local function and memoization through a closure.
local function memoize(fn)
  local cache, calls = {}, 0
  return function(n)
    local v = cache[n]
    if v == nil then calls = calls + 1; v = fn(n); cache[n] = v end
    return v
  end, function() return calls end
end
local fib, fibcalls
fib, fibcalls = memoize(function(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end)
print("fib", fib(80), fibcalls())
assert(fib(80) == 23416728348467685 and fibcalls() == 81)

local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print("fact", fact(20))
assert(fact(20) == 2432902008176640000)

-- Deep closure nesting: each level captures the previous level's variable.
local function nest(depth)
  local acc = function() return 0 end
  for d = 1, depth do
    local prev = acc
    acc = function() return prev() + d end
  end
  return acc
end
print("nest", nest(200)())
assert(nest(200)() == 20100)
