-- Loops in an xpcall message handler after its call has failed: Lua runs such a handler with
-- hooks off, so this ran for ever before the sandbox's own xpcall (issue 11).
return {
  id = "handler_loop", title = "错误处理死循环", scope = "household",
  evaluate = function(h, p, ctx)
    xpcall(function() while true do end end, function() while true do end end)
    return { eligible = false, amount = 0, reasons = { "不会到这里" } }
  end,
}
