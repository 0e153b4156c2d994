-- Metatables: __index (table and function), __newindex, __call, arithmetic,
-- comparison, __concat, __len, __tostring, __close, __gc, __metatable.

local defaults = { color = "red", size = 3 }
local obj = setmetatable({ size = 7 }, { __index = defaults })
print("index table", obj.color, obj.size, rawget(obj, "color"))
assert(obj.color == "red" and obj.size == 7 and rawget(obj, "color") == nil)

local lookups = 0
local lazy = setmetatable({}, { __index = function(t, k)
  lookups = lookups + 1
  local v = k * k
  rawset(t, k, v)
  return v
end })
local s = 0
for i = 1, 10 do s = s + lazy[i] + lazy[i] end
print("index function", s, lookups)
assert(s == 770 and lookups == 10)

-- __newindex: a read-only proxy that logs writes to another table.
local log = {}
local store = {}
local proxy = setmetatable({}, {
  __index = store,
  __newindex = function(_, k, v) log[#log + 1] = k .. "=" .. tostring(v); rawset(store, k, v) end,
})
proxy.a = 1; proxy.b = "two"; proxy.a = 3
print("newindex", table.concat(log, " "), proxy.a, proxy.b, rawget(proxy, "a"))
assert(proxy.a == 3 and rawget(proxy, "a") == nil)

-- __call
local adder = setmetatable({ base = 100 }, { __call = function(self, x, y) return self.base + x + (y or 0) end })
print("call", adder(1), adder(2, 3))
assert(adder(2, 3) == 105)

-- A 2-D vector type with operators.
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({ x = x, y = y }, V) end
V.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
V.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
V.__mul = function(a, b)
  if type(a) == "number" then return vec(a * b.x, a * b.y) end
  if type(b) == "number" then return vec(a.x * b, a.y * b) end
  return a.x * b.x + a.y * b.y
end
V.__unm = function(a) return vec(-a.x, -a.y) end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a:len2() < b:len2() end
V.__le = function(a, b) return a:len2() <= b:len2() end
V.__len = function(a) return 2 end
V.__tostring = function(a) return "(" .. a.x .. "," .. a.y .. ")" end
V.__concat = function(a, b) return tostring(a) .. tostring(b) end
V.__idiv = function(a, n) return vec(a.x // n, a.y // n) end
V.__mod = function(a, n) return vec(a.x % n, a.y % n) end
function V:len2() return self.x * self.x + self.y * self.y end

local a, b = vec(1, 2), vec(3, 4)
local c = a + b * 2 - -a
print("vector", tostring(c), a * b, #a, a .. b, tostring(vec(7, 9) // 2), tostring(vec(7, -9) % 4))
assert(c == vec(8, 12) and a * b == 11 and a < b and b <= b and not (b < a))
assert(vec(1, 1) ~= vec(1, 2))

-- __close (to-be-closed variables) run in reverse order, also on error.
local closed = {}
local function closer(name) return setmetatable({}, { __close = function(_, err) closed[#closed + 1] = name .. (err and ":err" or "") end }) end
do
  local x <close> = closer("x")
  local y <close> = closer("y")
end
local ok = pcall(function()
  local z <close> = closer("z")
  error("boom")
end)
print("close", table.concat(closed, " "), ok)
assert(table.concat(closed, " ") == "y x z:err" and not ok)

-- __gc runs on a full collection.
local finalized = 0
do
  for i = 1, 10 do setmetatable({}, { __gc = function() finalized = finalized + 1 end }) end
end
collectgarbage(); collectgarbage()
print("gc", finalized)
assert(finalized == 10)

-- __metatable protects the metatable.
local locked = setmetatable({}, { __metatable = "locked" })
print("metatable", getmetatable(locked), pcall(setmetatable, locked, {}))
assert(getmetatable(locked) == "locked")

-- Inheritance chain three levels deep through __index.
local A = { who = function() return "A" end, onlyA = true }
local B = setmetatable({ who = function() return "B" end }, { __index = A })
local C = setmetatable({}, { __index = B })
print("chain", C.who(), C.onlyA, rawget(C, "who"))
assert(C.who() == "B" and C.onlyA)
