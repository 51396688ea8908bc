local util = {}
function util.double(x) return 2 * x end
return util
