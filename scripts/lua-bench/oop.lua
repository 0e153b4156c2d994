-- oop: classes with metatables, inheritance, __index/__newindex/__call/
-- __eq/__lt/__add, method calls and proxies. Usage: lua oop.lua [N]
local n = tonumber(arg and arg[1]) or 200000

local Point = {}
Point.__index = Point
function Point.new(x, y) return setmetatable({ x = x, y = y }, Point) end
function Point:len2() return self.x * self.x + self.y * self.y end
function Point:move(dx, dy) self.x = self.x + dx; self.y = self.y + dy; return self end
Point.__add = function(a, b) return Point.new(a.x + b.x, a.y + b.y) end
Point.__eq = function(a, b) return a.x == b.x and a.y == b.y end
Point.__lt = function(a, b) return a:len2() < b:len2() end

local Point3 = setmetatable({}, { __index = Point })
Point3.__index = Point3
Point3.__add = Point.__add
Point3.__lt = Point.__lt
function Point3.new(x, y, z) local p = Point.new(x, y); p.z = z; return setmetatable(p, Point3) end
function Point3:len2() return Point.len2(self) + self.z * self.z end

local Counter = setmetatable({}, { __call = function(cls, start) return setmetatable({ n = start }, cls) end })
Counter.__index = Counter
function Counter:inc(k) self.n = self.n + k end

local log = {}
local proxy = setmetatable({}, {
  __index = function(_, k) return log[k] or 0 end,
  __newindex = function(_, k, v) log[k] = v end,
})

local acc, c = Point.new(0, 0), Counter(0)
for i = 1, n do
  local p = (i % 3 == 0) and Point3.new(i % 7, i % 11, i % 5) or Point.new(i % 13, i % 17)
  p:move(1, -1)
  acc = acc + p
  if p < acc then c:inc(1) end
  if p == Point.new(1, 1) then c:inc(100) end
  proxy[i % 64] = proxy[i % 64] + p:len2()
end
local s = 0
for k = 0, 63 do s = s + proxy[k] end
print(acc.x, acc.y, c.n, s)
