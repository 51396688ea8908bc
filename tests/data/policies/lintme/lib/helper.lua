-- A lib module with one mistake of its own: a member field misspelt in a helper.
local helper = {}

function helper.is_adult_worker(m)
  return m.labor == "full" and m.employmant ~= "none"
end

return helper
