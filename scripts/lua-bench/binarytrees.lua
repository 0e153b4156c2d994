-- binary-trees: allocate and walk many small trees (allocation and GC;
-- the allocator is called through a function pointer, g->frealloc).
-- Usage: lua binarytrees.lua [DEPTH]
local maxdepth = tonumber(arg and arg[1]) or 14

local function bottomup(d)
  if d == 0 then return {} end
  d = d - 1
  return { bottomup(d), bottomup(d) }
end

local function check(t)
  if t[1] then return 1 + check(t[1]) + check(t[2]) end
  return 1
end

local mindepth = 4
if mindepth + 2 > maxdepth then maxdepth = mindepth + 2 end
local stretch = maxdepth + 1
print(string.format("stretch tree of depth %d\t check: %d", stretch, check(bottomup(stretch))))
local long = bottomup(maxdepth)
for d = mindepth, maxdepth, 2 do
  local iters = 2 ^ (maxdepth - d + mindepth)
  local c = 0
  for _ = 1, iters do c = c + check(bottomup(d)) end
  print(string.format("%d\t trees of depth %d\t check: %d", iters, d, c))
end
print(string.format("long lived tree of depth %d\t check: %d", maxdepth, check(long)))
