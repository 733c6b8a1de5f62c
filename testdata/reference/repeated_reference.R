#!/usr/bin/env Rscript
# Reference values for src/stats/repeated.rs (CONTRACT §9), R 4.2 (Debian).
# Run from this folder:  Rscript repeated_reference.R -> repeated_reference.json
# Each case gives K wave columns aligned by participant (null = missing); the
# Rust side keeps the participants with a value at every wave itself.
# friedman: stats::friedman.test on the complete rows.
# cochran_q: no Cochran's Q ships in Debian's R packages (DescTools and
# RVAideMemoire are not packaged), so it is the formula below, checked against
# mcnemar.test(correct = FALSE) for K = 2 (where Q equals McNemar's χ²).
suppressMessages({library(lme4); library(HSAUR3)})
source("json_writer.R")

complete_matrix <- function(cols) {
  m <- do.call(cbind, cols)
  m[complete.cases(m), , drop = FALSE]
}
case_friedman <- function(name, cols) {
  m <- complete_matrix(cols)
  r <- tryCatch(friedman.test(m), error = function(e) NULL)
  list(name = name, columns = unname(lapply(cols, A)), n = nrow(m),
       statistic = if (is.null(r)) NA else unname(r$statistic),
       df = if (is.null(r) || !is.finite(r$statistic)) NA else unname(r$parameter),
       p_value = if (is.null(r)) NA else r$p.value)
}
cochran <- function(m) {
  K <- ncol(m); C <- colSums(m); R <- rowSums(m); N <- sum(m)
  den <- K * N - sum(R^2)
  if (nrow(m) == 0 || K < 2 || den == 0) return(c(NA, NA, NA))
  Q <- (K - 1) * (K * sum(C^2) - N^2) / den
  c(Q, K - 1, pchisq(Q, K - 1, lower.tail = FALSE))
}
case_cochran <- function(name, cols) {
  m <- complete_matrix(cols)
  q <- cochran(m)
  if (ncol(m) == 2 && !is.na(q[1])) {
    mc <- mcnemar.test(factor(m[, 1], 0:1), factor(m[, 2], 0:1), correct = FALSE)
    stopifnot(isTRUE(all.equal(unname(mc$statistic), q[1], tolerance = 1e-12)))
  }
  list(name = name, columns = unname(lapply(cols, A)), n = nrow(m),
       statistic = q[1], df = q[2], p_value = q[3])
}
wide <- function(d, id, time, value, times) {
  lapply(times, function(t) {
    ids <- unique(d[[id]])
    sapply(ids, function(i) { v <- d[[value]][d[[id]] == i & d[[time]] == t]
                              if (length(v) == 1) v else NA })
  })
}

cw <- as.data.frame(ChickWeight)
cw$Chick <- as.character(cw$Chick)
ss <- as.data.frame(sleepstudy)
data(BtheB); data(respiratory); data(schizophrenia2)
bdi <- BtheB[, c("bdi.pre", "bdi.2m", "bdi.3m", "bdi.5m", "bdi.8m")]
resp <- within(respiratory, good <- as.numeric(status == "good"))
schz <- within(schizophrenia2, present <- as.numeric(disorder == "present"))

friedman_cases <- list(
  case_friedman("ChickWeight, all diets, days 0 10 21 (K = 3)",
                wide(cw, "Chick", "Time", "weight", c(0, 10, 21))),
  case_friedman("ChickWeight, diet 1, days 0 4 8 12 16 21 (K = 6)",
                wide(cw[cw$Diet == 1, ], "Chick", "Time", "weight", c(0, 4, 8, 12, 16, 21))),
  case_friedman("sleepstudy, days 0 4 9 (K = 3)",
                wide(ss, "Subject", "Days", "Reaction", c(0, 4, 9))),
  case_friedman("sleepstudy, days 0..5 (K = 6)",
                wide(ss, "Subject", "Days", "Reaction", 0:5)),
  case_friedman("BtheB, BDI at five visits (K = 5, missing, ties)", as.list(bdi)),
  case_friedman("BtheB, TAU arm, BDI pre 2m 3m (K = 3)",
                as.list(bdi[BtheB$treatment == "TAU", 1:3])),
  case_friedman("ties, n = 2, K = 3", list(c(1, 5), c(1, 2), c(3, 2))),
  case_friedman("ties, n = 3, K = 6", list(c(1, 2, 3), c(1, 2, 4), c(2, 2, 4),
                                          c(2, 5, 1), c(3, 5, 1), c(3, 5, 1))),
  case_friedman("n = 3, K = 3, no ties", list(c(1, 4, 7), c(2, 6, 8), c(3, 5, 9))),
  case_friedman("n = 1", list(1, 3, 2)),
  case_friedman("every row tied", list(c(1, 2), c(1, 2), c(1, 2))),
  case_friedman("one row tied, one not", list(c(1, 2), c(1, 3), c(1, 1)))
)

cochran_cases <- list(
  case_cochran("respiratory, good status months 0..4 (K = 5)",
               wide(resp, "subject", "month", "good", 0:4)),
  case_cochran("respiratory, treatment arm, months 0 2 4 (K = 3)",
               wide(resp[resp$treatment == "treatment", ], "subject", "month", "good", c(0, 2, 4))),
  case_cochran("schizophrenia2, disorder present months 0 2 6 8 10 (K = 5, missing)",
               wide(schz, "subject", "month", "present", c(0, 2, 6, 8, 10))),
  case_cochran("schizophrenia2, onset < 20 yrs, months 0 2 6 (K = 3)",
               wide(schz[schz$onset == "< 20 yrs", ], "subject", "month", "present", c(0, 2, 6))),
  case_cochran("K = 2 (McNemar)", list(c(1, 1, 0, 0, 1, 0, 1), c(0, 1, 1, 0, 0, 0, 0))),
  case_cochran("n = 2, K = 3", list(c(1, 0), c(0, 0), c(1, 1))),
  case_cochran("n = 3, K = 6", list(c(1, 0, 1), c(0, 0, 1), c(1, 1, 1),
                                    c(0, 0, 0), c(1, 0, 1), c(1, 1, 0))),
  case_cochran("every row all 0 or all 1", list(c(1, 0, 1), c(1, 0, 1), c(1, 0, 1))),
  case_cochran("no participant", list(numeric(0), numeric(0), numeric(0)))
)
write_json(list(friedman = friedman_cases, cochran_q = cochran_cases), "repeated_reference.json")
