# R's round(x, 2) on values around rounding halves, for stats::anthro::r_round2.
# Run from the crate root: Rscript testdata/reference/anthro_round.R
set.seed(20261206)
x <- c(runif(2000, -7, 7),
       (seq(-700, 699) + 0.5) / 100,               # decimal halves (mostly not exact in binary)
       sample(-70000:70000, 1000) / 10000 + 0.00005,
       c(0.125, -0.125, 0.375, 2.675, 0.285, 1.005, 4.445, -3.335, 0, -2))
r <- round(x, 2)
f <- function(v) paste0('"', sprintf("%.17g", v), '"', collapse = ",")
writeLines(paste0('{"generator":"testdata/reference/anthro_round.R","r":"', R.version.string,
                  '","x":[', f(x), '],"round2":[', f(r), ']}'),
           "testdata/reference/anthro_round.json")
