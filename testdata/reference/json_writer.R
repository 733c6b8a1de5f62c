# A tiny JSON writer shared by the part-two reference scripts
# (reliability, repeated, balance): numbers with 17 significant digits,
# NA/NaN/Inf -> null; a named list is an object, an unnamed list an array;
# a numeric vector wrapped in I() is always an array (even of length 1).
num <- function(v) if (is.na(v) || !is.finite(v)) "null" else sprintf("%.17g", v)
to_json <- function(x) {
  if (is.list(x)) {
    if (!is.null(names(x))) {
      paste0("{", paste(sprintf("\"%s\":%s", names(x), vapply(x, to_json, "")),
                        collapse = ","), "}")
    } else {
      paste0("[", paste(vapply(x, to_json, ""), collapse = ","), "]")
    }
  } else if (is.character(x)) {
    if (length(x) == 1 && !inherits(x, "AsIs")) sprintf("\"%s\"", x)
    else paste0("[", paste(sprintf("\"%s\"", x), collapse = ","), "]")
  } else if (is.logical(x) && length(x) == 1 && !inherits(x, "AsIs") && !is.na(x)) {
    if (x) "true" else "false"
  } else if (inherits(x, "AsIs") || length(x) != 1) {
    paste0("[", paste(vapply(as.numeric(x), num, ""), collapse = ","), "]")
  } else {
    num(as.numeric(x))
  }
}
A <- function(x) I(as.numeric(x))  # always an array
write_json <- function(x, file) writeLines(to_json(x), file)
