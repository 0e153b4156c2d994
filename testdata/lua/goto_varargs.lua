-- goto (continue, nested-loop exit, a state machine) and varargs
-- (select, table.pack/unpack with nils, forwarding, multiple results).

-- goto as continue
local odds = {}
for i = 1, 15 do
  if i % 2 == 0 then goto continue end
  odds[#odds + 1] = i
  ::continue::
end
print("continue", table.concat(odds, " "))

-- goto out of nested loops
local found
for i = 1, 10 do
  for j = 1, 10 do
    if i * j == 42 then found = i .. "x" .. j; goto done end
  end
end
::done::
print("nested", found)

-- A state machine with goto: count the words and numbers in a string.
local function scan(s)
  local i, words, numbers = 1, 0, 0
  ::start::
  if i > #s then goto finish end
  do
    local c = s:sub(i, i)
    if c:match("%a") then goto word elseif c:match("%d") then goto number end
    i = i + 1
    goto start
  end
  ::word::
  words = words + 1
  while i <= #s and s:sub(i, i):match("%a") do i = i + 1 end
  goto start
  ::number::
  numbers = numbers + 1
  while i <= #s and s:sub(i, i):match("%d") do i = i + 1 end
  goto start
  ::finish::
  return words, numbers
end
print("scan", scan("abc 12 de 3 f 456 gh"))

-- A backwards goto loop with a closure per iteration (each sees its own x).
local fns = {}
do
  local k = 1
  ::top::
  local x = k * 10
  fns[#fns + 1] = function() return x end
  k = k + 1
  if k <= 3 then goto top end
end
print("goto closures", fns[1](), fns[2](), fns[3]())

-- varargs
local function count(...) return select("#", ...) end
local function last(...) local n = select("#", ...); if n == 0 then return nil end return (select(n, ...)) end
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...) or 0) end
  return s
end
print("count", count(), count(nil), count(nil, nil), count(1, nil, 3, nil))
print("select", select(2, "a", "b", "c"), select(-1, "a", "b", "c"), last(1, 2, 3), sum(1, nil, 3, 4.5))

local function forward(f, ...) return f(...) end
print("forward", forward(math.max, 3, 9, 2), forward(string.format, "%s-%s", "a", "b"), forward(count, nil, nil, nil))

local function multi() return 1, 2, 3 end
local t1 = { multi(), multi() }
local t2 = { multi(), (multi()) }
print("multi", #t1, #t2, (multi()), select("#", multi(), multi()))

local function pack2(...) return table.pack(...) end
local p = pack2(nil, "x", nil)
print("pack", p.n, p[1], p[2], p[3], table.unpack(p, 1, p.n))

-- vararg in a table constructor and in string.format
local function fmt(...) return string.format(("%s "):rep(select("#", ...)), ...) end
print("fmt", fmt(1, 2.5, "three", true, nil))

-- Many arguments.
local big = {}
for i = 1, 200 do big[i] = i end
print("many", count(table.unpack(big)), sum(table.unpack(big)), math.max(table.unpack(big)))

-- Tail calls with varargs do not grow the stack.
local function tail(n, ...) if n == 0 then return select("#", ...) end return tail(n - 1, ...) end
print("tail", tail(100000, "a", "b"))
