-- Returns a reason that is not UTF-8 text: a malformed decision, not broken JSON later.
return {
  id = "badtext", title = "乱码", scope = "household",
  evaluate = function(h, p, ctx)
    return { eligible = false, amount = 0, reasons = { "正常", "\xff\xfe" } }
  end,
}
