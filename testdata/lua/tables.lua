-- Tables: sort with comparators, insert/remove/move/concat/unpack, the
-- length operator, array and hash parts growing and shrinking.

math.randomseed(42)
local t = {}
for i = 1, 1000 do t[i] = math.random(1, 500) end
local copy = table.move(t, 1, #t, 1, {})

table.sort(t)
for i = 2, #t do assert(t[i - 1] <= t[i]) end
table.sort(copy, function(a, b) return a > b end)
for i = 2, #copy do assert(copy[i - 1] >= copy[i]) end
assert(t[1] == copy[#copy] and t[#t] == copy[1])
local s = 0
for i = 1, #t do s = s + t[i] * i end
print("sort", #t, t[1], t[500], t[1000], s)

-- Sort records by two keys (the comparator makes the order total).
local people = {
  { name = "Ana", age = 31 }, { name = "Bo", age = 25 }, { name = "Cy", age = 31 },
  { name = "Di", age = 19 }, { name = "Ed", age = 25 }, { name = "Flo", age = 40 },
}
local comparisons = 0
table.sort(people, function(a, b)
  comparisons = comparisons + 1
  if a.age ~= b.age then return a.age < b.age end
  return a.name < b.name
end)
local names = {}
for i, p in ipairs(people) do names[i] = p.name .. p.age end
print("records", table.concat(names, " "))
assert(table.concat(names, " ") == "Di19 Bo25 Ed25 Ana31 Cy31 Flo40" and comparisons > 0)

-- Sorting strings, and an invalid comparator is reported, not a crash.
local words = { "pear", "Apple", "fig", "banana", "cherry", "apple" }
table.sort(words)
print("strings", table.concat(words, ","))
table.sort(words, function(a, b) return a:lower() < b:lower() or (a:lower() == b:lower() and a < b) end)
print("nocase", table.concat(words, ","))
print("badcmp", pcall(table.sort, { 3, 1, 2 }, function(a, b) return nil + 1 end))

-- insert / remove / concat / unpack / pack
local q = {}
for i = 1, 5 do table.insert(q, i) end
table.insert(q, 1, 0)
table.insert(q, 4, 99)
local removed = table.remove(q, 4)
local last = table.remove(q)
print("insrem", table.concat(q, ","), removed, last, #q)
assert(table.concat(q, ",") == "0,1,2,3,4" and removed == 99 and last == 5)
print("unpack", table.unpack({ 1, 2, 3, 4, 5 }, 2, 4))
local p = table.pack(1, nil, 3, nil)
print("pack", p.n, p[1], p[2], p[3], p[4])
print("concat", table.concat({ 1, 2.5, "x" }, "-", 2, 3), table.concat({}, ","))
print("move", table.concat(table.move({ 1, 2, 3, 4, 5 }, 2, 4, 1), ","))

-- Growing and shrinking: hash part and array part.
local h = {}
for i = 1, 10000 do h["k" .. i] = i end
local cnt, sum = 0, 0
for k, v in pairs(h) do cnt = cnt + 1; sum = sum + v end
for i = 1, 10000, 2 do h["k" .. i] = nil end
local cnt2 = 0
for _ in pairs(h) do cnt2 = cnt2 + 1 end
print("hash", cnt, sum, cnt2)
assert(cnt == 10000 and sum == 50005000 and cnt2 == 5000)

local arr = {}
for i = 1, 100 do arr[i] = i end
for i = 100, 51, -1 do arr[i] = nil end
print("len", #arr, #"", #{ n = 1 }, select("#", table.unpack(arr)))

-- Nested tables and a matrix product.
local function matrix(n, f)
  local m = {}
  for i = 1, n do m[i] = {} for j = 1, n do m[i][j] = f(i, j) end end
  return m
end
local function mul(a, b)
  local n, c = #a, {}
  for i = 1, n do
    c[i] = {}
    for j = 1, n do
      local acc = 0
      for k = 1, n do acc = acc + a[i][k] * b[k][j] end
      c[i][j] = acc
    end
  end
  return c
end
local m = mul(matrix(20, function(i, j) return i + j end), matrix(20, function(i, j) return i - j end))
local tr = 0
for i = 1, 20 do tr = tr + m[i][i] end
print("matrix", m[1][1], m[20][20], m[3][17], tr)

-- next() and rawlen, rawequal.
print("raw", next({}), rawlen({ 1, 2, 3 }), rawequal(t, t), rawequal({}, {}))
