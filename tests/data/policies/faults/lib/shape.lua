-- A class-style module: a metatable of its top level gives every object its methods.
local Shape = {}
Shape.__index = Shape
function Shape.new(n) return setmetatable({ n = n }, Shape) end
function Shape:twice() return 2 * self.n end
return Shape
