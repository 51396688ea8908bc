-- A module whose tables nest 1000 levels deep: refused with an error, never a crash.
local top = {}
local cur = top
for i = 1, 1000 do cur.next = { level = i } cur = cur.next end
return top
