#!/usr/bin/env Rscript
# Reference values for src/stats/reliability.rs (CONTRACT §10.1), from
# psych::alpha and psych::alpha.ci (psych 2.2.9, R 4.2, Debian bookworm).
# Run from this folder:  Rscript reliability_reference.R -> reliability_reference.json
# Each case gives the item columns (null = missing); the Rust side keeps the
# complete rows itself. psych is called on those complete rows, with
# delete = FALSE (keep a zero-variance item in k) and check.keys = FALSE.
suppressMessages(library(psych))
source("json_writer.R")

# The formulas psych::alpha uses (raw alpha from the covariance matrix C,
# r.drop = cov(item, rest)/sqrt(var(item) var(rest)), alpha.drop = raw alpha of
# C without the item): used where psych itself stops (a zero-variance item
# breaks its principal() call), and checked against psych everywhere else.
raw_alpha <- function(C) {
  k <- ncol(C)
  if (k < 2 || sum(C) <= 0) return(NA)
  (1 - sum(diag(C)) / sum(C)) * k / (k - 1)
}
by_formula <- function(cc) {
  C <- cov(cc); k <- ncol(C)
  list(alpha = raw_alpha(C),
       r_drop = sapply(1:k, function(i) {
         v <- sum(C[-i, -i, drop = FALSE]) * C[i, i]
         if (v > 0) (sum(C[, i]) - C[i, i]) / sqrt(v) else NA
       }),
       alpha_drop = sapply(1:k, function(i) if (k > 2) raw_alpha(C[-i, -i, drop = FALSE]) else NA))
}
close <- function(a, b) {
  a[!is.finite(a)] <- NA; b[!is.finite(b)] <- NA
  isTRUE(all.equal(a, b, tolerance = 1e-12))
}

one <- function(name, items, conf = 0.95) {
  x <- as.data.frame(items)
  cc <- x[complete.cases(x), , drop = FALSE]
  n <- nrow(cc); k <- ncol(cc)
  res <- list(name = name, conf = conf, item_names = I(names(x)), items = unname(lapply(x, A)), n = n)
  a <- if (n >= 2) suppressWarnings(tryCatch(
    psych::alpha(cc, delete = FALSE, check.keys = FALSE, warnings = FALSE),
    error = function(e) NULL)) else NULL
  f <- if (n >= 2) by_formula(cc) else NULL
  if (is.null(a) && !is.null(f) && !is.na(f$alpha)) {
    # psych stops here (zero-variance item): the same formulas by hand.
    ci <- psych::alpha.ci(f$alpha, n, k, p.val = 1 - conf)
    res$alpha <- f$alpha; res$conf_low <- ci$lower.ci; res$conf_high <- ci$upper.ci
    res$r_drop <- A(f$r_drop); res$alpha_if_dropped <- A(f$alpha_drop)
    res$source <- "formula (psych::alpha stops on a zero-variance item)"
    return(res)
  }
  if (is.null(a)) {
    res$alpha <- NA; res$conf_low <- NA; res$conf_high <- NA
    res$r_drop <- A(rep(NA, k)); res$alpha_if_dropped <- A(rep(NA, k))
    return(res)
  }
  alpha <- a$total$raw_alpha
  ci <- psych::alpha.ci(alpha, n, k, p.val = 1 - conf)
  res$alpha <- alpha
  res$conf_low <- ci$lower.ci
  res$conf_high <- ci$upper.ci
  # psych's own Feldt interval (p.val = .05) must agree at conf = 0.95
  if (conf == 0.95) stopifnot(isTRUE(all.equal(unlist(a$feldt$lower.ci)[[1]], ci$lower.ci)))
  stopifnot(close(f$alpha, alpha), close(f$r_drop, a$item.stats$r.drop))
  if (k > 2) stopifnot(close(f$alpha_drop, a$alpha.drop$raw_alpha))
  res$source <- "psych"
  res$r_drop <- A(a$item.stats$r.drop)
  # k = 2: psych reports C12/C22 (not an alpha); the Rust side gives None.
  res$alpha_if_dropped <- A(if (k > 2) a$alpha.drop$raw_alpha else rep(NA, k))
  res
}

data(bfi, package = "psych")
rev6 <- function(v) 7 - v  # bfi items are 1..6
cases <- list(
  one("bfi agreeableness, A1 not reversed", bfi[, paste0("A", 1:5)]),
  one("bfi agreeableness, A1 reversed", transform(bfi[, paste0("A", 1:5)], A1 = rev6(A1))),
  one("bfi conscientiousness, C4 C5 reversed, conf 0.9",
      transform(bfi[, paste0("C", 1:5)], C4 = rev6(C4), C5 = rev6(C5)), conf = 0.9),
  one("bfi neuroticism, first 40 rows, conf 0.99", bfi[1:40, paste0("N", 1:5)], conf = 0.99)
)

# Synthetic pre/post questionnaire: 4 items on 1..5, item 3 worded negatively.
set.seed(20261206)
n <- 30
latent_pre <- rnorm(n); latent_post <- latent_pre + 0.5 + rnorm(n, sd = 0.6)
item <- function(l, neg = FALSE) {
  v <- pmin(5, pmax(1, round(3 + (if (neg) -1 else 1) * l + rnorm(length(l), sd = 0.8))))
  v
}
mk <- function(l) {
  d <- data.frame(i1 = item(l), i2 = item(l), i3 = item(l, TRUE), i4 = item(l))
  d
}
pre <- mk(latent_pre); post <- mk(latent_post)
pre$i2[c(4, 17)] <- NA; post$i4[9] <- NA
cases <- c(cases, list(
  one("synthetic pre, i3 not reversed", pre),
  one("synthetic pre, i3 reversed", transform(pre, i3 = 6 - i3)),
  one("synthetic post, i3 reversed", transform(post, i3 = 6 - i3)),
  one("k = 2", data.frame(a = c(1, 2, 3, 4, 5, 2), b = c(2, 2, 4, 3, 5, 1))),
  one("zero-variance item", data.frame(a = c(1, 2, 3, 4, 5, 2), b = c(2, 2, 4, 3, 5, 1),
                                       c = rep(3, 6), d = c(1, 3, 3, 5, 4, 2))),
  one("negative alpha", data.frame(a = c(1, 2, 3, 4, 5), b = c(5, 4, 3, 2, 1),
                                   c = c(2, 1, 4, 3, 5))),
  one("n = 2", data.frame(a = c(1, 3), b = c(2, 5), c = c(1, 4))),
  one("n = 1 after missing", data.frame(a = c(1, NA), b = c(2, 5), c = c(1, 4)))
))
# R's qf on the grid the Feldt interval uses and beyond (dist::f_quantile).
# Below p = 0.005 R's qf (through qbeta) loses digits: at p = 1e-4 it is off
# by 4e-9 for df (1, 1) and 8e-8 for df (1, 8.5), where qt((1 + p)/2, df2)^2
# and tan(pi p / 2)^2 give the true values; the Rust test checks those
# identities itself.
qf_grid <- expand.grid(p = c(0.005, 0.025, 0.05, 0.5, 0.95, 0.975, 0.995),
                       df1 = c(1, 2, 4, 29, 2708), df2 = c(1, 3, 8.5, 116, 10832))
qf_cases <- lapply(seq_len(nrow(qf_grid)), function(i) with(qf_grid[i, ],
  list(p = p, df1 = df1, df2 = df2, value = qf(p, df1, df2))))
write_json(list(psych = as.character(packageVersion("psych")), cases = cases, qf = qf_cases),
           "reliability_reference.json")
