-- The string library: format, find/match/gmatch/gsub with patterns,
-- captures, frontier and balance, rep, byte/char, pack/unpack, utf8.

print(string.format("%d|%5d|%-5d|%05d|%x|%X|%o|%c", 42, 42, 42, 42, 255, 255, 8, 65))
print(string.format("%.3f|%10.2f|%-10.1f|%e|%g|%g|%g", math.pi, -2.5, 1 / 3, 12345.678, 1e20, 0.1, 100))
print(string.format("%s|%10s|%-10s|%.3s|%q", "hi", "right", "left", "truncate", 'a "quoted"\n\0 string'))
print(string.format("%q|%q|%q", 1 / 0, -1 / 0, math.mininteger))
print(string.format("%5.1s|%%|%i", "xyz", -7))
assert(string.format("%5.2f", 3.14159) == " 3.14")

local text = "The quick brown fox jumps over the lazy dog 42 times, 7 days a week."
print("find", text:find("fox"), text:find("o", 20), text:find("%d+"), text:find(".", 1, true))
print("match", text:match("(%a+) (%a+)"), text:match("(%d+) times"), text:match("()fox()"))
local caps = {}
for w in text:gmatch("%a+") do caps[#caps + 1] = w:sub(1, 1) end
print("gmatch", table.concat(caps))
local pairs_ = {}
for k, v in ("a=1, b=22, ccc=333"):gmatch("(%w+)=(%w+)") do pairs_[#pairs_ + 1] = v .. k end
print("gmatch pairs", table.concat(pairs_, ";"))

print("gsub", (text:gsub("o", "0")), select(2, text:gsub("%s", "")))
print("gsub fn", ("hello world from lua"):gsub("%w+", function(w) return w:sub(1, 1):upper() .. w:sub(2) end))
print("gsub tbl", ("$name is $age years; $unknown"):gsub("%$(%w+)", { name = "Ana", age = 31 }))
print("gsub %1", ("2024-01-15"):gsub("(%d+)-(%d+)-(%d+)", "%3/%2/%1"))
print("gsub n", ("aaaaa"):gsub("a", "b", 3))
print("balance", ("f(a(b)c) g(d)"):match("%b()"), ("x = {1, {2, 3}, 4}"):match("%b{}"))
print("frontier", ("THE (quick) fox"):gsub("%f[%a]%a+", "W"))
print("anchor", ("  trim me  "):match("^%s*(.-)%s*$") .. "|", ("abc"):find("^b"), ("abc"):find("c$"))
print("classes", ("a1 B2_c3!"):gsub("[%w_]", "."), ("x-y+z"):gsub("[%-+]", " "))
print("rep", ("ab"):rep(3), ("ab"):rep(3, "-"), ("x"):rep(0) == "")
print("bytes", ("ABC"):byte(1, -1), string.char(72, 105), ("hello"):upper(), ("MiXeD"):lower(), ("stressed"):reverse())
print("sub", ("abcdef"):sub(2, 4), ("abcdef"):sub(-3), ("abcdef"):sub(4, 100), #("abcdef"):sub(5, 2))
print("len", #"", #"\0\0\0", ("%d"):len())

-- string.pack / unpack round trip.
local packed = string.pack("<i4 i8 d z s2 B", -5, 1 << 40, 2.5, "zero", "len", 200)
print("pack", #packed, string.unpack("<i4 i8 d z s2 B", packed))

-- utf8
local u = "añ€😀"
local cps = {}
for _, c in utf8.codes(u) do cps[#cps + 1] = string.format("U+%04X", c) end
print("utf8", utf8.len(u), #u, table.concat(cps, " "), utf8.char(72, 228, 8364), utf8.offset(u, 3))

-- Concatenation and tostring/tonumber conversions.
print("conv", tonumber("0x1F"), tonumber("  12  "), tonumber("1e3"), tonumber("z", 36), tonumber("nope"), tostring(10 // 3), 10 .. "")

-- A word-frequency count with sorted output.
local corpus = ("the cat and the hat and the bat sat on the mat with the cat"):rep(3, " ")
local freq = {}
for w in corpus:gmatch("%a+") do freq[w] = (freq[w] or 0) + 1 end
local keys = {}
for k in pairs(freq) do keys[#keys + 1] = k end
table.sort(keys, function(x, y) if freq[x] ~= freq[y] then return freq[x] > freq[y] end return x < y end)
local parts = {}
for _, k in ipairs(keys) do parts[#parts + 1] = k .. ":" .. freq[k] end
print("freq", table.concat(parts, " "))
assert(freq.the == 15 and freq.cat == 6)

-- A long string built with a buffer.
local buf = {}
for i = 1, 1000 do buf[i] = string.format("%03d", i % 1000) end
local long = table.concat(buf)
print("long", #long, long:sub(1, 12), long:sub(-6), select(2, long:gsub("999", "")))
