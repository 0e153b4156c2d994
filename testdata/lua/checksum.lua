-- A mixed workload (allocation-heavy trees, a permutation kernel, string
-- building and hashing, closures and metamethods) folded into one FNV-1a
-- checksum. The expected value came from a plain gcc -O2 build.

local hash = 0xcbf29ce484222325
local function mix(v)
  local s = type(v) == "string" and v or string.format("%.14g", v)
  for i = 1, #s do hash = ((hash ~ s:byte(i)) * 0x100000001b3) end
end

-- Binary trees.
local function tree(d) if d == 0 then return {} end return { tree(d - 1), tree(d - 1) } end
local function check(t) if not t[1] then return 1 end return 1 + check(t[1]) + check(t[2]) end
for d = 4, 14, 2 do
  local n = 0
  for _ = 1, 2 ^ (14 - d) do n = n + check(tree(d)) end
  mix(n)
end

-- Fannkuch-redux, n = 7.
local function fannkuch(n)
  local perm, perm1, count = {}, {}, {}
  local maxflips, checksum, r, nperm = 0, 0, n, 0
  for i = 0, n - 1 do perm1[i] = i end
  while true do
    while r ~= 1 do count[r - 1] = r; r = r - 1 end
    for i = 0, n - 1 do perm[i] = perm1[i] end
    local flips = 0
    local k = perm[0]
    while k ~= 0 do
      local i, j = 0, k
      while i < j do perm[i], perm[j] = perm[j], perm[i]; i = i + 1; j = j - 1 end
      flips = flips + 1
      k = perm[0]
    end
    if flips > maxflips then maxflips = flips end
    checksum = checksum + (nperm % 2 == 0 and flips or -flips)
    while true do
      if r == n then return checksum, maxflips end
      local p0 = perm1[0]
      for i = 0, r - 1 do perm1[i] = perm1[i + 1] end
      perm1[r] = p0
      count[r] = count[r] - 1
      if count[r] > 0 then break end
      r = r + 1
    end
    nperm = nperm + 1
  end
end
local fc, fm = fannkuch(7)
print("fannkuch", fc, fm)
mix(fc); mix(fm)

-- Strings: build, format, gsub with a function, hash every line.
local lines = {}
for i = 1, 2000 do
  lines[i] = string.format("%05d:%s:%x", i, ("abc"):rep(i % 7), i * 2654435761 % 4294967296)
end
local text = table.concat(lines, "\n")
local replaced = text:gsub("(%d+):", function(d) return tostring(tonumber(d) * 3) .. ";" end)
mix(replaced)
mix(#replaced)

-- Closures and metamethods: a lazily filled, memoized table of counters.
local calls = 0
local memo = setmetatable({}, { __index = function(t, k) calls = calls + 1; local v = (k * k + 7) % 1013; t[k] = v; return v end })
local acc = 0
for round = 1, 20 do
  for i = 1, 500 do acc = acc + memo[i] * round end
end
mix(acc); mix(calls)

-- Sorting with a comparator.
math.randomseed(7)
local arr = {}
for i = 1, 5000 do arr[i] = math.random(0, 99999) end
table.sort(arr, function(a, b) return a % 1000 < b % 1000 or (a % 1000 == b % 1000 and a < b) end)
for i = 1, #arr, 97 do mix(arr[i]) end

-- Coroutine pipeline.
local gen = coroutine.wrap(function() for i = 1, 3000 do coroutine.yield(i * i % 997) end end)
local cs = 0
for _ = 1, 3000 do cs = (cs * 31 + gen()) % 2147483647 end
mix(cs)

print("trees/strings/memo/sort/coroutines done", calls, #replaced)
print(string.format("checksum %016x", hash))
