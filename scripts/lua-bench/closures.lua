-- closures: map/filter/reduce with closures, composition, upvalues,
-- table.sort with a Lua comparator, pcall. Usage: lua closures.lua [N]
local n = tonumber(arg and arg[1]) or 60

local function map(t, f) local r = {} for i = 1, #t do r[i] = f(t[i]) end return r end
local function filter(t, p) local r = {} for i = 1, #t do if p(t[i]) then r[#r + 1] = t[i] end end return r end
local function reduce(t, f, a) for i = 1, #t do a = f(a, t[i]) end return a end
local function compose(f, g) return function(x) return f(g(x)) end end
local function counter()
  local c = 0
  return function(k) c = c + (k or 1); return c end
end

local total = 0
for round = 1, n do
  local xs = {}
  for i = 1, 2000 do xs[i] = (i * 7919 + round) % 1000 end
  local add = function(k) return function(x) return x + k end end
  local f = compose(add(round), function(x) return x * 3 end)
  local ys = filter(map(xs, f), function(x) return x % 2 == 0 end)
  table.sort(ys, function(a, b) return a > b end)
  local c = counter()
  for i = 1, #ys do c(ys[i] % 3) end
  local ok, s = pcall(reduce, ys, function(a, b) return a + b end, 0)
  if ok then total = total + s + c(0) end
end
print(total)
