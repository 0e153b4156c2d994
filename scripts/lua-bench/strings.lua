-- strings: string.format, gsub with a function and a table, gmatch,
-- find, concat, rep (mostly library C code). Usage: lua strings.lua [N]
local n = tonumber(arg and arg[1]) or 30

local words = { "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta" }
local map = { alpha = "A", beta = "B", gamma = "G" }
local h = 0
for round = 1, n do
  local parts = {}
  for i = 1, 800 do
    parts[#parts + 1] = string.format("%s-%04d:%5.2f", words[(i + round) % #words + 1], i, i / 7)
  end
  local s = table.concat(parts, " ")
  local up = s:gsub("%a+", function(w) return w:upper() end)
  local sub = s:gsub("%a+", map)
  for num in s:gmatch("%d+") do h = (h * 31 + #num) % 1000000007 end
  local pos, cnt = 1, 0
  while true do
    local a = s:find("eta", pos, true)
    if not a then break end
    cnt = cnt + 1; pos = a + 1
  end
  h = (h + #up + #sub + cnt + #string.rep("ab", round, ",")) % 1000000007
end
print(h)
