#!/usr/bin/env Rscript
# Reference values for src/stats, computed with base R (no packages).
# Run from this folder:  Rscript stats_reference.R  -> stats_reference.json
# The Rust tests (tests/stats_reference.rs) read the JSON; they do not need R.

# ---- a tiny JSON writer (numbers with 17 significant digits, NA -> null) ----
# Input data arrays are written as strings ("0.10000000000000001"): serde_json's
# default float parser may be 1 ulp off, which matters for ill-conditioned
# inputs (the ANCOVA case with pre ~ 1e6); the Rust tests parse them exactly.
num <- function(v) if (is.na(v) || !is.finite(v)) "null" else sprintf("%.17g", v)
str_num <- function(v) if (is.na(v) || !is.finite(v)) "null" else sprintf("\"%.17g\"", v)
to_json <- function(x) {
  if (is.list(x)) {
    if (!is.null(names(x))) {
      paste0("{", paste(sprintf("\"%s\":%s", names(x), vapply(x, to_json, "")),
                        collapse = ","), "}")
    } else {
      paste0("[", paste(vapply(x, to_json, ""), collapse = ","), "]")
    }
  } else if (is.character(x)) {
    sprintf("\"%s\"", x)
  } else if (inherits(x, "AsIs")) {
    paste0("[", paste(vapply(as.numeric(x), str_num, ""), collapse = ","), "]")
  } else if (length(x) != 1) {
    paste0("[", paste(vapply(as.numeric(x), num, ""), collapse = ","), "]")
  } else {
    num(as.numeric(x))
  }
}
A <- function(x) I(as.numeric(x))  # a data array (of strings), even of length 1
or_na <- function(expr) tryCatch(expr, error = function(e) NA)

set.seed(20240611)
out <- list()

# ---- distributions ------------------------------------------------------------
out$norm_sf <- lapply(c(-3, -0.5, 0, 0.5, 1.96, 2, 2.2, 2.5, 3, 5, 10, 20, 37.5),
  function(z) list(z = z, value = pnorm(z, lower.tail = FALSE)))
out$norm_quantile <- lapply(c(1e-300, 1e-20, 1e-5, 0.025, 0.3, 0.5, 0.8, 0.975, 0.995, 1 - 1e-12),
  function(p) list(p = p, value = qnorm(p)))
t_grid <- expand.grid(t = c(-2.5, 0.1, 1, 1.7, 2, 4, 12, 60, 1e4),
                      df = c(1, 2, 3.7, 9, 30.5, 200, 4000, 4e5))
out$t_sf <- lapply(seq_len(nrow(t_grid)), function(i)
  list(t = t_grid$t[i], df = t_grid$df[i], value = pt(t_grid$t[i], t_grid$df[i], lower.tail = FALSE)))
q_grid <- expand.grid(p = c(0.9, 0.975, 0.995, 0.9995, 0.025, 1e-10), df = c(1, 2, 3.7, 9, 30.5, 4000))
out$t_quantile <- lapply(seq_len(nrow(q_grid)), function(i)
  list(p = q_grid$p[i], df = q_grid$df[i], value = qt(q_grid$p[i], q_grid$df[i])))
c_grid <- expand.grid(x = c(0.01, 0.5, 1, 3.84, 10, 40, 150, 1400), df = c(1, 2, 3, 4, 6, 15, 35))
out$chi2_sf <- lapply(seq_len(nrow(c_grid)), function(i)
  list(x = c_grid$x[i], df = c_grid$df[i], value = pchisq(c_grid$x[i], c_grid$df[i], lower.tail = FALSE)))

# ---- describe -----------------------------------------------------------------
describe_r <- function(x, conf) {
  tt <- or_na(t.test(x, conf.level = conf)$conf.int)
  q <- quantile(x, c(0.25, 0.75), type = 7)
  list(x = A(x), conf = conf, n = length(x), mean = mean(x),
       sd = if (length(x) > 1) sd(x) else NA, median = median(x), q1 = q[[1]], q3 = q[[2]],
       min = min(x), max = max(x), conf_low = tt[1], conf_high = tt[2])
}
out$describe <- list(
  describe_r(round(rnorm(23, 50, 10), 2), 0.95),
  describe_r(c(1, 2, 2, 3, 10), 0.95),
  describe_r(c(4.5, 1.25, 8, 3.75), 0.99),
  describe_r(c(7), 0.95),
  describe_r(c(1e6 + 0.1, 1e6 + 0.3, 1e6 + 0.2, 1e6 + 0.6), 0.9),
  describe_r(c(2, 2, 2), 0.95))

# ---- t tests ----------------------------------------------------------------
paired_r <- function(d, conf) {
  tt <- or_na(t.test(d, conf.level = conf))
  if (identical(tt, NA)) {
    return(list(x = A(d), conf = conf, estimate = if (length(d)) mean(d) else NA, conf_low = NA,
                conf_high = NA, statistic = NA, df = NA, p_value = NA, cohens_dz = NA))
  }
  list(x = A(d), conf = conf, estimate = unname(tt$estimate), conf_low = tt$conf.int[1],
       conf_high = tt$conf.int[2], statistic = unname(tt$statistic), df = unname(tt$parameter),
       p_value = tt$p.value, cohens_dz = mean(d) / sd(d))
}
out$paired_t <- list(
  paired_r(round(rnorm(15, 1.2, 2), 1), 0.95),
  paired_r(c(0.5, -1, 2), 0.95),
  paired_r(round(rnorm(40, -0.4, 1), 2), 0.99),
  paired_r(1000 + c(0.1, -0.1, 0.05, -0.05, 0, 0.02, -0.03, 0.07, -0.01, 0.04), 0.95),  # p < 1e-15
  paired_r(c(3, 3, 3, 3), 0.95),
  paired_r(c(2.5), 0.95))

welch_r <- function(x1, x0, conf) {
  tt <- or_na(t.test(x1, x0, conf.level = conf))
  n1 <- length(x1); n0 <- length(x0)
  sp <- sqrt(((n1 - 1) * var(x1) + (n0 - 1) * var(x0)) / (n1 + n0 - 2))
  g <- (mean(x1) - mean(x0)) / sp * (1 - 3 / (4 * (n1 + n0) - 9))
  if (identical(tt, NA)) {
    return(list(x1 = A(x1), x0 = A(x0), conf = conf, estimate = mean(x1) - mean(x0),
                conf_low = NA, conf_high = NA, statistic = NA, df = NA, p_value = NA, hedges_g = NA))
  }
  list(x1 = A(x1), x0 = A(x0), conf = conf, estimate = mean(x1) - mean(x0),
       conf_low = tt$conf.int[1], conf_high = tt$conf.int[2], statistic = unname(tt$statistic),
       df = unname(tt$parameter), p_value = tt$p.value, hedges_g = g)
}
out$welch_t <- list(
  welch_r(round(rnorm(12, 10, 2), 1), round(rnorm(9, 8, 4), 1), 0.95),
  welch_r(c(1, 3), c(2, 5, 4), 0.95),
  welch_r(c(5, 5, 5, 5), c(1, 2, 4, 3, 6), 0.99),
  welch_r(rnorm(200, 10, 1), rnorm(180, 0, 1.5), 0.95),  # p < 1e-15
  welch_r(round(rnorm(30, 0, 1), 2), round(rnorm(35, 0.2, 1), 2), 0.9),
  welch_r(c(4, 4, 4), c(2, 2), 0.95))

did_cont_r <- function(cells, conf) {
  m <- vapply(cells, mean, 0)
  est <- (m[1] - m[2]) - (m[3] - m[4])
  se <- sqrt(sum(vapply(cells, function(x) var(x) / length(x), 0)))
  z <- est / se; q <- qnorm(1 - (1 - conf) / 2)
  list(cells = lapply(cells, A), conf = conf, estimate = est, conf_low = est - q * se,
       conf_high = est + q * se, statistic = z, p_value = 2 * pnorm(-abs(z)))
}
out$did_z_continuous <- list(
  did_cont_r(list(rnorm(20, 12, 3), rnorm(22, 10, 3), rnorm(18, 10.5, 2), rnorm(25, 10, 2.5)), 0.95),
  did_cont_r(list(c(5, 7, 6), c(1, 2), c(3, 4, 3.5), c(3, 3.2)), 0.99),
  did_cont_r(list(rnorm(300, 20, 1), rnorm(300, 10, 1), rnorm(300, 10, 1), rnorm(300, 10, 1)), 0.95))

# ---- proportions ------------------------------------------------------------
wilson_r <- function(x, n, conf) {
  ci <- suppressWarnings(prop.test(x, n, correct = FALSE, conf.level = conf))$conf.int
  list(x = x, n = n, conf = conf, low = ci[1], high = ci[2])
}
out$wilson <- list(wilson_r(0, 10, 0.95), wilson_r(10, 10, 0.95), wilson_r(3, 17, 0.95),
                   wilson_r(150, 400, 0.99), wilson_r(1, 1, 0.95), wilson_r(1, 2, 0.9),
                   wilson_r(999, 1000, 0.95))

wil <- function(x, n, conf) suppressWarnings(prop.test(x, n, correct = FALSE, conf.level = conf))$conf.int
newcombe_ind_r <- function(x1, n1, x0, n0, conf) {
  p1 <- x1 / n1; p0 <- x0 / n0; w1 <- wil(x1, n1, conf); w0 <- wil(x0, n0, conf)
  list(x1 = x1, n1 = n1, x0 = x0, n0 = n0, conf = conf,
       low = p1 - p0 - sqrt((p1 - w1[1])^2 + (w0[2] - p0)^2),
       high = p1 - p0 + sqrt((w1[2] - p1)^2 + (p0 - w0[1])^2))
}
out$newcombe_independent <- list(newcombe_ind_r(3, 17, 8, 15, 0.95), newcombe_ind_r(0, 10, 5, 12, 0.95),
  newcombe_ind_r(10, 10, 0, 8, 0.99), newcombe_ind_r(150, 400, 120, 380, 0.95),
  newcombe_ind_r(4, 4, 6, 6, 0.95))

# Newcombe (1998b) method 10 for p_post - p_pre with the corrected phi of the
# conformance README rule 4 (Fagerland, Lydersen & Laake 2017).
newcombe_paired_r <- function(a, b, c, d, conf) {
  N <- a + b + c + d
  post <- wil(a + c, N, conf); pre <- wil(a + b, N, conf)
  pp <- (a + c) / N; pq <- (a + b) / N
  marg <- c(a + b, c + d, a + c, b + d); AA <- a * d - b * c
  phi <- if (any(marg == 0)) 0 else if (AA > N / 2) (AA - N / 2) / sqrt(prod(marg)) else
    if (AA >= 0) 0 else AA / sqrt(prod(marg))
  l <- pp - pq - sqrt((pp - post[1])^2 - 2 * phi * (pp - post[1]) * (pre[2] - pq) + (pre[2] - pq)^2)
  u <- pp - pq + sqrt((post[2] - pp)^2 - 2 * phi * (post[2] - pp) * (pq - pre[1]) + (pq - pre[1])^2)
  c(l, u)
}
mcnemar_r <- function(a, b, c, d, conf) {
  ci <- newcombe_paired_r(a, b, c, d, conf)
  p <- if (b + c == 0) 1 else binom.test(c, b + c, 0.5)$p.value
  list(a = a, b = b, c = c, d = d, conf = conf, estimate = (c - b) / (a + b + c + d),
       conf_low = ci[1], conf_high = ci[2], statistic = min(b, c), p_value = p)
}
out$mcnemar <- list(mcnemar_r(10, 3, 8, 20, 0.95), mcnemar_r(5, 0, 0, 7, 0.95),
  mcnemar_r(2, 6, 1, 3, 0.95), mcnemar_r(1, 9, 2, 1, 0.99), mcnemar_r(0, 5, 3, 0, 0.95),
  mcnemar_r(0, 0, 4, 6, 0.95), mcnemar_r(300, 40, 90, 500, 0.95), mcnemar_r(0, 0, 80, 10, 0.95),
  mcnemar_r(3, 7, 7, 3, 0.9))

ratio_r <- function(x1, n1, x0, n0, conf) {
  a <- x1; b <- n1 - x1; c <- x0; d <- n0 - x0
  if (any(c(a, b, c, d) == 0)) { a <- a + 0.5; b <- b + 0.5; c <- c + 0.5; d <- d + 0.5 }
  z <- qnorm(1 - (1 - conf) / 2)
  rr <- (a / (a + b)) / (c / (c + d)); se_rr <- sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))
  or <- (a * d) / (b * c); se_or <- sqrt(1 / a + 1 / b + 1 / c + 1 / d)
  list(x1 = x1, n1 = n1, x0 = x0, n0 = n0, conf = conf,
       rr = rr, rr_low = exp(log(rr) - z * se_rr), rr_high = exp(log(rr) + z * se_rr),
       or = or, or_low = exp(log(or) - z * se_or), or_high = exp(log(or) + z * se_or))
}
out$ratios <- list(ratio_r(3, 17, 8, 15, 0.95), ratio_r(0, 10, 5, 12, 0.95),
  ratio_r(150, 400, 120, 380, 0.99), ratio_r(10, 10, 3, 8, 0.95), ratio_r(7, 9, 2, 11, 0.9))

did_bin_r <- function(cells, conf) {
  p <- vapply(cells, function(v) v[1] / v[2], 0)
  est <- (p[1] - p[2]) - (p[3] - p[4])
  se <- sqrt(sum(vapply(cells, function(v) (v[1] / v[2]) * (1 - v[1] / v[2]) / v[2], 0)))
  z <- est / se; q <- qnorm(1 - (1 - conf) / 2)
  list(cells = lapply(cells, A), conf = conf, estimate = est, conf_low = est - q * se,
       conf_high = est + q * se, statistic = z, p_value = 2 * pnorm(-abs(z)))
}
out$did_z_binary <- list(did_bin_r(list(c(30, 50), c(20, 50), c(25, 60), c(24, 55)), 0.95),
  did_bin_r(list(c(4, 5), c(1, 6), c(2, 4), c(3, 7)), 0.99),
  did_bin_r(list(c(900, 1000), c(100, 1000), c(500, 1000), c(500, 1000)), 0.95))

# ---- contingency tables -----------------------------------------------------
chisq_r <- function(tab) {
  keep <- colSums(tab) > 0
  t2 <- tab[, keep, drop = FALSE]
  ct <- suppressWarnings(chisq.test(t2, correct = FALSE))
  list(table = lapply(seq_len(nrow(tab)), function(i) A(tab[i, ])),
       statistic = unname(ct$statistic), df = unname(ct$parameter), p_value = ct$p.value,
       min_expected = min(ct$expected),
       cramers_v = sqrt(unname(ct$statistic) / (sum(t2) * (min(dim(t2)) - 1))))
}
out$chi_square <- list(
  chisq_r(matrix(c(12, 5, 7, 14), 2, byrow = TRUE)),
  chisq_r(matrix(c(3, 9, 4, 2, 6, 1), 2, byrow = TRUE)),
  chisq_r(matrix(c(10, 0, 4, 6, 3, 0, 8, 2, 5, 0, 1, 9), 3, byrow = TRUE)),
  chisq_r(matrix(c(500, 10, 10, 500), 2, byrow = TRUE)),
  chisq_r(matrix(c(40, 35, 25, 30, 45, 20), 2, byrow = TRUE)))

fisher_r <- function(a, b, c, d)
  list(a = a, b = b, c = c, d = d, p_value = fisher.test(matrix(c(a, b, c, d), 2, byrow = TRUE))$p.value)
out$fisher <- list(fisher_r(3, 1, 1, 3), fisher_r(10, 2, 3, 15), fisher_r(0, 5, 6, 0),
  fisher_r(5, 0, 7, 0), fisher_r(100, 0, 0, 100), fisher_r(2, 7, 8, 2), fisher_r(1, 0, 0, 0),
  fisher_r(300, 200, 150, 350), fisher_r(4, 3, 2, 5))

# Stuart-Maxwell by the matrix formula (Stuart 1955; Maxwell 1970).
stuart_r <- function(tab) {
  keep <- rowSums(tab) + colSums(tab) > 0
  t2 <- tab[keep, keep, drop = FALSE]; k <- nrow(t2)
  d <- (rowSums(t2) - colSums(t2))[-k]
  S <- -(t2 + t(t2)); diag(S) <- rowSums(t2) + colSums(t2) - 2 * diag(t2)
  S <- S[-k, -k, drop = FALSE]
  stat <- drop(t(d) %*% solve(S, d))
  list(table = lapply(seq_len(nrow(tab)), function(i) A(tab[i, ])), statistic = stat,
       df = k - 1, p_value = pchisq(stat, k - 1, lower.tail = FALSE))
}
out$stuart_maxwell <- list(
  stuart_r(matrix(c(20, 5, 3, 8, 15, 6, 2, 9, 25), 3, byrow = TRUE)),
  stuart_r(matrix(c(10, 4, 0, 2, 3, 12, 0, 5, 0, 0, 0, 0, 1, 2, 0, 9), 4, byrow = TRUE)),
  stuart_r(matrix(c(30, 12, 4, 25), 2, byrow = TRUE)),
  stuart_r(matrix(c(50, 80, 40, 5, 60, 90, 2, 3, 40), 3, byrow = TRUE)))

# ---- rank tests ---------------------------------------------------------------
signed_r <- function(d) {
  d9 <- round(d, 9)
  wt <- suppressWarnings(or_na(wilcox.test(d9)))
  list(x = A(d), statistic = if (identical(wt, NA)) NA else unname(wt$statistic),
       p_value = if (identical(wt, NA)) NA else wt$p.value, estimate = median(d))
}
out$signed_rank <- list(
  signed_r(c(1.5, -0.3, 2.2, 4.1, -1.7, 0.8, 3.3, 2.9, -0.2, 1.1)),   # exact
  signed_r(c(2, -1, 3, 5, 4)),                                         # exact, small
  signed_r(c(2, -1, 3, 0, 4, 5)),                                      # one zero: normal
  signed_r(c(1, 2, 2, -1, 3, 3, 3, 4, -2, 5)),                         # ties: normal
  signed_r(c(13.3 - 12.1, 41.4 - 40.2, 0.5, -0.7, 2.1, 1.7, -0.4)),    # decimal ties (rule 1)
  signed_r(round(rnorm(60, 0.5, 1), 3)),                               # n >= 50: normal
  signed_r(seq(0.5, 24.5, by = 0.5)),                                  # exact, p = 2^-48
  signed_r(c(-1, 1, -1, -1, 1, 1, 0)),                                 # V at its mean: p = 1
  signed_r(c(-3)),
  signed_r(c(0, 0, 0)))

mw_r <- function(x1, x0) {
  wt <- suppressWarnings(wilcox.test(x1, x0))
  list(x1 = A(x1), x0 = A(x0), statistic = unname(wt$statistic),
       p_value = if (is.na(wt$p.value)) NA else wt$p.value, estimate = median(x1) - median(x0))
}
out$mann_whitney <- list(
  mw_r(c(3.1, 4.5, 2.2, 5.9, 6.3, 4.8, 7.1, 3.3), c(1.2, 2.5, 3.0, 1.9, 4.1, 2.8)),  # exact
  mw_r(c(3, 4, 4, 5, 6), c(1, 2, 3, 3, 4, 2)),                                       # ties
  mw_r(round(rnorm(55, 1, 1), 2), round(rnorm(52, 0, 1), 2)),                         # large
  mw_r(c(2.5), c(1.5)),
  mw_r(c(10, 11, 12), c(1, 2, 3, 4)),
  mw_r(seq(101, 200), seq(1, 100)),                                                   # p tiny
  mw_r(c(1, 3), c(2, 2)),                                                             # W at its mean
  mw_r(c(2, 2, 2), c(2, 2)))

# ---- ANCOVA -----------------------------------------------------------------------
ancova_r <- function(post, pre, arm, conf) {
  fit <- lm(post ~ arm + pre)
  co <- summary(fit)$coefficients
  ci <- confint(fit, "arm", level = conf)
  list(post = A(post), pre = A(pre), arm = A(arm), conf = conf, estimate = co["arm", 1],
       conf_low = ci[1], conf_high = ci[2], statistic = co["arm", 3], df = fit$df.residual,
       p_value = co["arm", 4])
}
pre1 <- round(rnorm(24, 50, 8), 1); arm1 <- rep(c(1, 0), 12)
post1 <- round(pre1 * 0.8 + 12 + 3 * arm1 + rnorm(24, 0, 4), 1)
pre2 <- c(12, 15, 11, 14, 13, 16, 10, 12, 14); arm2 <- c(1, 1, 1, 1, 1, 0, 0, 0, 0)
post2 <- c(15, 18, 13, 17, 16, 16, 11, 12, 15)
pre3 <- round(rnorm(40, 100, 15)); arm3 <- rep(c(0, 1), each = 20)
post3 <- pre3 + 25 * arm3 + rnorm(40, 0, 0.5)
pre4 <- 1e6 + round(rnorm(30, 0, 3), 2); arm4 <- rep(c(1, 0), 15)
post4 <- pre4 + 0.5 * arm4 + round(rnorm(30, 0, 1), 2)
out$ancova <- list(ancova_r(post1, pre1, arm1, 0.95), ancova_r(post2, pre2, arm2, 0.99),
                   ancova_r(post3, pre3, arm3, 0.95), ancova_r(post4, pre4, arm4, 0.9),
                   ancova_r(c(3, 5, 4, 6), c(1, 2, 2, 4), c(1, 1, 0, 0), 0.95))

# ---- p.adjust -------------------------------------------------------------------
padj_r <- function(p, method, r_method) {
  adj <- p.adjust(p, r_method)
  list(p = A(p), method = method, adjusted = as.list(adj))
}
ps <- list(c(0.01, NA, 0.04, 0.03, 0.2, 0.04, 1e-20), c(0.5, 0.5, 0.5), c(NA, 0.049), c(0.001, 0.9, 0.02, 0.011, 0.3, 0.04))
out$p_adjust <- do.call(c, lapply(ps, function(p) list(
  padj_r(p, "holm", "holm"), padj_r(p, "bh", "BH"), padj_r(p, "bonferroni", "bonferroni"),
  padj_r(p, "none", "none"))))

out$r_version <- R.version.string
writeLines(to_json(out), "stats_reference.json")
