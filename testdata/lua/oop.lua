-- A small object-oriented program: classes with inheritance, super calls,
-- polymorphism, class-level counters, __tostring/__eq/__lt/__call on
-- instances, and a bank simulation with an event queue.

local function class(parent)
  local c = {}
  c.__index = c
  if parent then setmetatable(c, { __index = parent }) end
  c.super = parent
  c.new = function(...)
    local o = setmetatable({}, c)
    if o.init then o:init(...) end
    return o
  end
  return c
end

local Shape = class()
Shape.count = 0
function Shape:init(name) self.name = name; Shape.count = Shape.count + 1 end
function Shape:area() return 0 end
function Shape:describe() return string.format("%s area=%.2f perimeter=%.2f", self.name, self:area(), self:perimeter()) end
Shape.__tostring = function(s) return "Shape<" .. s.name .. ">" end
Shape.__lt = function(a, b) return a:area() < b:area() end

local Rect = class(Shape)
function Rect:init(w, h, name) Shape.init(self, name or "rect"); self.w, self.h = w, h end
function Rect:area() return self.w * self.h end
function Rect:perimeter() return 2 * (self.w + self.h) end
Rect.__tostring = Shape.__tostring
Rect.__lt = Shape.__lt

local Square = class(Rect)
function Square:init(s) Rect.init(self, s, s, "square") end
Square.__tostring = function(s) return "Square<" .. s.w .. ">" end
Square.__lt = Shape.__lt
Square.__eq = function(a, b) return a.w == b.w end

local Circle = class(Shape)
function Circle:init(r) Shape.init(self, "circle"); self.r = r end
function Circle:area() return math.pi * self.r ^ 2 end
function Circle:perimeter() return 2 * math.pi * self.r end
Circle.__tostring = function(c) return "Circle<" .. c.r .. ">" end
Circle.__lt = Shape.__lt

local shapes = { Rect.new(3, 4), Square.new(5), Circle.new(1), Circle.new(2.5), Square.new(2), Rect.new(10, 0.5) }
for _, s in ipairs(shapes) do print(s:describe()) end
table.sort(shapes, function(a, b) return a < b end)
local order = {}
for i, s in ipairs(shapes) do order[i] = tostring(s) end
print("sorted", table.concat(order, " "))
print("count", Shape.count, Square.new(3) == Square.new(3), Square.new(3) == Square.new(4), rawequal(Square.new(1), Square.new(1)))
print("isa", getmetatable(shapes[2]) == Square, Square.super == Rect, Rect.super == Shape, Square.area == Rect.area)

-- A bank with accounts, a callable logger, and an event queue.
local Logger = setmetatable({ lines = {} }, { __call = function(self, fmt, ...) self.lines[#self.lines + 1] = string.format(fmt, ...) end })

local Account = class()
function Account:init(owner, balance) self.owner, self.balance, self.history = owner, balance or 0, {} end
function Account:deposit(v)
  if v <= 0 then error({ kind = "invalid", amount = v }) end
  self.balance = self.balance + v
  self.history[#self.history + 1] = v
end
function Account:withdraw(v)
  if v > self.balance then error({ kind = "insufficient", amount = v, owner = self.owner }) end
  self.balance = self.balance - v
  self.history[#self.history + 1] = -v
end

local Savings = class(Account)
function Savings:init(owner, balance, rate) Account.init(self, owner, balance); self.rate = rate end
function Savings:withdraw(v)
  if #self.history >= 3 then error({ kind = "limit", owner = self.owner }) end
  Account.withdraw(self, v)
end
function Savings:accrue() local i = math.floor(self.balance * self.rate); self:deposit(i); return i end

local accounts = { ana = Account.new("ana", 100), bo = Savings.new("bo", 1000, 0.05), cy = Account.new("cy") }
local events = {
  { "deposit", "ana", 50 }, { "withdraw", "bo", 200 }, { "withdraw", "cy", 10 }, { "deposit", "cy", 0 },
  { "transfer", "bo", "cy", 300 }, { "accrue", "bo" }, { "withdraw", "bo", 1 }, { "transfer", "ana", "bo", 150 },
  { "withdraw", "ana", 1 },
}
for n, ev in ipairs(events) do
  local ok, err = pcall(function()
    local op = ev[1]
    if op == "transfer" then
      accounts[ev[2]]:withdraw(ev[4]); accounts[ev[3]]:deposit(ev[4])
    elseif op == "accrue" then
      Logger("%d accrue %s +%d", n, ev[2], accounts[ev[2]]:accrue())
      return
    else
      accounts[ev[2]][op](accounts[ev[2]], ev[3])
    end
    Logger("%d %s ok", n, op)
  end)
  if not ok then Logger("%d %s failed: %s %s", n, ev[1], err.kind, tostring(err.amount or err.owner)) end
end
for _, line in ipairs(Logger.lines) do print(line) end
local names = {}
for k in pairs(accounts) do names[#names + 1] = k end
table.sort(names)
for _, k in ipairs(names) do
  local a = accounts[k]
  print("account", k, a.balance, #a.history, table.concat(a.history, ","))
end
-- 1100 at the start, +50 deposited, +25 interest, -200 withdrawn; transfers move money.
assert(accounts.ana.balance + accounts.bo.balance + accounts.cy.balance == 1100 + 50 + 25 - 200)
