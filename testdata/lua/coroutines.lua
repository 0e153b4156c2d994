-- Coroutines: generators, producer/consumer, wrap, status, yield across
-- pcall and metamethods, errors inside coroutines, close.

local function range(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
local sum = 0
for i in range(100) do sum = sum + i end
print("generator", sum)
assert(sum == 5050)

-- Passing values both ways.
local co = coroutine.create(function(a, b)
  local c = coroutine.yield(a + b)
  local d, e = coroutine.yield(c * 2)
  return d + e, "done"
end)
local r = {}
local function step(...) local t = table.pack(coroutine.resume(co, ...)); r[#r + 1] = table.concat({ tostring(t[1]), tostring(t[2]), tostring(t[3]) }, "/") end
step(1, 2); step(10); step(3, 4)
print("resume", table.concat(r, " "), coroutine.status(co))
assert(coroutine.status(co) == "dead")
print("dead", coroutine.resume(co))

-- Producer/consumer with a filter in between.
local function producer(items)
  return coroutine.create(function() for _, v in ipairs(items) do coroutine.yield(v) end end)
end
local function filter(src, pred)
  return coroutine.create(function()
    while true do
      local ok, v = coroutine.resume(src)
      if not v then return end
      if pred(v) then coroutine.yield(v) end
    end
  end)
end
local words = { "apple", "Banana", "cherry", "Date", "elder", "Fig" }
local f = filter(producer(words), function(w) return w:match("^%u") end)
local got = {}
while true do
  local ok, v = coroutine.resume(f)
  if not v then break end
  got[#got + 1] = v
end
print("pipeline", table.concat(got, ","))
assert(table.concat(got, ",") == "Banana,Date,Fig")

-- Yield across pcall and across a metamethod (Lua 5.4 allows both).
local co2 = coroutine.wrap(function()
  local ok, v = pcall(function() return coroutine.yield("in pcall") + 1 end)
  local t = setmetatable({}, { __index = function(_, k) return coroutine.yield("in __index " .. k) end })
  local w = t.key
  return "end", ok, v, w
end)
print("across", co2())
print("across", co2(41))
print("across", co2("W"))

-- Errors inside a coroutine come out of resume.
local bad = coroutine.create(function() local x = nil; return x.field end)
local ok, err = coroutine.resume(bad)
print("error", ok, (err:gsub("^.-:%d+: ", "")))
assert(not ok)

-- status, running, isyieldable
local main, ismain = coroutine.running()
print("running", type(main), ismain, coroutine.isyieldable())
local inner = coroutine.create(function()
  local _, im = coroutine.running()
  coroutine.yield(coroutine.isyieldable(), im)
end)
print("inner", coroutine.resume(inner))
print("status", coroutine.status(inner))
assert(coroutine.close(inner) and coroutine.status(inner) == "dead")

-- Many coroutines alive at once (round-robin scheduler).
local tasks, out = {}, {}
for id = 1, 5 do
  tasks[#tasks + 1] = coroutine.create(function()
    for k = 1, id do coroutine.yield(id * 10 + k) end
  end)
end
while #tasks > 0 do
  for i = #tasks, 1, -1 do
    local ok, v = coroutine.resume(tasks[i])
    assert(ok)
    if coroutine.status(tasks[i]) == "dead" then table.remove(tasks, i) else out[#out + 1] = v end
  end
end
print("scheduler", #out, table.concat(out, " "))
assert(#out == 15)

-- Deep recursion inside a coroutine.
local deep = coroutine.wrap(function()
  local function down(n) if n == 0 then return coroutine.yield("bottom") end return down(n - 1) + 1 end
  return down(5000)
end)
print("deep", deep(), deep(0))
