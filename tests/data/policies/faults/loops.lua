return {
  id = "loops", title = "死循环", scope = "household",
  evaluate = function(h, p, ctx)
    while true do end
  end,
}
