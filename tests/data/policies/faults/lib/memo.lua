-- A module whose function remembers values in a table of the module's top level.
local cache = {}
local memo = {}
function memo.remember(key, value)
  cache[key] = value
  return value
end
return memo
