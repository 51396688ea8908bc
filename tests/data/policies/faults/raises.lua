return {
  id = "raises", title = "报错", scope = "household",
  evaluate = function(h, p, ctx)
    error("deliberate failure")
  end,
}
