-- Errors: pcall/xpcall/error with values and levels, assert, errors from
-- the runtime (arithmetic, indexing, calls), nested handlers.

local function strip(msg) return (tostring(msg):gsub("^[^:]*:%d+: ", "")) end

print("pcall ok", pcall(function(a, b) return a + b, a * b end, 6, 7))
print("pcall string", pcall(error, "plain message", 0))
local ok, e = pcall(error, { code = 42 })
print("pcall table", ok, type(e), e.code)
assert(not ok and e.code == 42)

-- error levels: level 1 blames the function, level 2 its caller.
local function check(x) if type(x) ~= "number" then error("want a number", 2) end return x end
local function caller() local v = check("no"); return v end -- not a tail call: level 2 needs the frame
local ok2, e2 = pcall(caller)
print("level", ok2, e2)
assert(e2:match("^errors.lua:%d+: want a number$"))

-- xpcall with a message handler that sees the original error.
local function handler(err) return "handled: " .. strip(err) end
print("xpcall", xpcall(function() local t = nil; return t.x end, handler))
print("xpcall args", xpcall(function(a, b) return a // b end, handler, 7, 2))
print("xpcall tb", xpcall(function() error("deep") end, function(m) return type(debug.traceback(m)) end))

-- Runtime errors and their messages.
local cases = {
  function() return 1 + {} end,
  function() return #nil end,
  function() return ("x") < 1 end,
  function() local undefinedfn; undefinedfn() end,
  function() return 1 // 0 end,
  function() return 1 % 0 end,
  function() return ("abc"):bad() end,
  function() return math.tointeger("x") + 1 end,
  function() return string.rep("x", -1) .. nil end,
  function() return setmetatable({}, { __index = function() error("from __index") end }).k end,
  function() return tostring(setmetatable({}, { __tostring = function() return {} end })) end,
  function() return {} .. "x" end,
  function() return string.format("%d", 1.5) end,
}
for i, f in ipairs(cases) do
  local ok3, msg = pcall(f)
  assert(not ok3)
  print("runtime " .. i, strip(msg))
end

-- assert with and without a message; error(nil).
print("assert", pcall(assert, false), pcall(assert, nil, "custom"), pcall(assert, 1, 2))
print("error nil", pcall(error))

-- Nested pcall: the inner error is caught, the outer continues.
local trace = {}
local okn, en = pcall(function()
  trace[#trace + 1] = "outer"
  local oki, ei = pcall(function() trace[#trace + 1] = "inner"; error("inner fail") end)
  trace[#trace + 1] = strip(ei)
  error({ "outer fail" })
end)
print("nested", okn, en[1], table.concat(trace, "|"))

-- Error in a deeply recursive function unwinds the whole stack.
local function recurse(n) if n == 0 then error("bottom reached") end return 1 + recurse(n - 1) end
print("unwind", strip(select(2, pcall(recurse, 10000))))

-- Stack overflow is caught.
local function inf(n) return 1 + inf(n + 1) end
local oko, eo = pcall(inf, 1)
print("overflow", oko, (strip(eo):match("stack overflow")))

-- error() with a non-string, non-table value; tostring of error objects.
print("values", select(2, pcall(error, 3.5)), select(2, pcall(error, true)))
local E = setmetatable({ msg = "custom error" }, { __tostring = function(s) return "E<" .. s.msg .. ">" end })
print("tostring", tostring(select(2, pcall(error, E))))
