-- A module whose tables nest 12 levels deep (issue: freezing such a module corrupted the heap).
local top = {}
local cur = top
for i = 1, 12 do cur.next = { level = i } cur = cur.next end
return top
