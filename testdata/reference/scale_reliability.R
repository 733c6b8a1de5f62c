# Reference values for tests/derived.rs: the scale "bienestar" of
# testdata/derived/escala.csv (q3 reversed as 6 - x; score = mean of answered
# items x 4 when at least 3 are answered), reliability per wave with
# psych::alpha and psych::alpha.ci over the rows with every item answered.
# Run from the crate's folder: Rscript testdata/reference/scale_reliability.R
suppressMessages(library(psych))
d <- read.csv("testdata/derived/escala.csv", na.strings = c("", "NA"))
d$q3 <- 6 - d$q3
items <- c("q1", "q2", "q3", "q4")
answered <- rowSums(!is.na(d[items]))
d$score <- ifelse(answered >= 3, rowMeans(d[items], na.rm = TRUE) * 4, NA)
num <- function(x) formatC(x, digits = 17, format = "g")
out <- c()
for (w in c("antes", "despues")) {
  x <- d[d$momento == w, items]
  x <- x[complete.cases(x), ]
  a <- psych::alpha(x, warnings = FALSE)
  ci <- psych::alpha.ci(a$total$raw_alpha, nrow(x), length(items), p.val = 0.05, digits = 20)
  it <- paste0(sprintf('{"item": "%s", "r_drop": %s, "alpha_if_dropped": %s}', items,
                       num(a$item.stats$r.drop), num(a$alpha.drop$raw_alpha)), collapse = ", ")
  means <- sapply(c("programa", "control"), function(g) mean(d$score[d$momento == w & d$grupo == g], na.rm = TRUE))
  out <- c(out, sprintf('"%s": {"n": %d, "alpha": %s, "conf_low": %s, "conf_high": %s, "items": [%s], "mean_programa": %s, "mean_control": %s}',
                        w, nrow(x), num(a$total$raw_alpha), num(ci$lower.ci), num(ci$upper.ci), it,
                        num(means[1]), num(means[2])))
}
cat("{", paste(out, collapse = ", "), "}\n", file = "testdata/reference/scale_reliability.json")
