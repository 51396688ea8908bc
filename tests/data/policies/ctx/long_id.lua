-- Names a policy by a string too long to be interned by Lua (more than 40 bytes).
return {
  id = "long_id", title = "长名", scope = "household", requires = { "base" },
  evaluate = function(h, p, ctx)
    return ctx.decision(string.rep("base", 11))
  end,
}
