#!/usr/bin/env Rscript
# Reference values for src/stats/robust.rs: OLS + CR2 cluster-robust variance +
# Satterthwaite df, from R's lm and clubSandwich (coef_test / conf_int), and the
# clustering summary (ICC, design effect) of CONTRACT §8.1 by its formula.
# Run from this folder:  Rscript robust_reference.R  -> robust_reference.json
# The Rust tests (tests/robust_reference.rs) read the JSON; they do not need R.
suppressMessages(library(clubSandwich))

# ---- a tiny JSON writer (as stats_reference.R: data arrays as exact strings) ----
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
    if (length(x) == 1) sprintf("\"%s\"", x) else paste0("[", paste(sprintf("\"%s\"", x), collapse = ","), "]")
  } else if (is.logical(x)) {
    paste0("[", paste(ifelse(x, "true", "false"), collapse = ","), "]")
  } else if (inherits(x, "AsIs")) {
    paste0("[", paste(vapply(as.numeric(x), str_num, ""), collapse = ","), "]")
  } else if (length(x) != 1) {
    paste0("[", paste(vapply(as.numeric(x), num, ""), collapse = ","), "]")
  } else {
    num(as.numeric(x))
  }
}
A <- function(x) I(as.numeric(x))  # a data array (of strings)

# One model: lm(formula, data), clusters `cl` (integer ids as given to Rust).
# Writes the full model matrix (aliased columns included), which columns lm
# aliased, and per non-aliased coefficient coef_test + conf_int at 0.95 and 0.9.
case <- function(name, formula, data, cl) {
  fit <- lm(formula, data = data)
  X <- model.matrix(fit)
  aliased <- is.na(coef(fit))
  res <- list()
  if (length(unique(cl)) >= 2) {
    ct <- coef_test(fit, vcov = "CR2", cluster = cl, test = "Satterthwaite")
    ci95 <- conf_int(fit, vcov = "CR2", cluster = cl, test = "Satterthwaite", level = 0.95)
    ci90 <- conf_int(fit, vcov = "CR2", cluster = cl, test = "Satterthwaite", level = 0.9)
    k <- 0
    for (j in seq_along(aliased)) {
      if (aliased[j]) next
      k <- k + 1
      res[[length(res) + 1]] <- list(
        coef = j - 1, name = names(aliased)[j], estimate = ct$beta[k], se = ct$SE[k],
        t = ct$tstat[k], df = ct$df_Satt[k], p = ct$p_Satt[k],
        low95 = ci95$CI_L[k], high95 = ci95$CI_U[k], low90 = ci90$CI_L[k], high90 = ci90$CI_U[k])
    }
  }
  list(name = name, n = nrow(X), p = ncol(X), columns = colnames(X),
       x = A(t(X)), y = A(model.response(model.frame(fit))), cluster = as.integer(cl),
       aliased = as.logical(aliased), clusters = length(unique(cl)), tests = res)
}

set.seed(20261206)
cases <- list()

# 1. A real cluster-randomised trial: Angrist & Lavy's Achievement Awards
#    (40 schools randomised; clubSandwich::AchievementAwardsRCT), year 2001.
#    Binary outcome (Bagrut status), a three-level school-type factor.
data(AchievementAwardsRCT)
aw <- as.data.frame(AchievementAwardsRCT)
aw <- aw[aw$year == "2001", c("Bagrut_status", "treated", "sex", "school_type",
                              "siblings", "father_ed", "lagscore", "school_id")]
aw <- aw[complete.cases(aw), ]
aw$girl <- as.numeric(aw$sex == "Girl")
cases[[length(cases) + 1]] <- case("awards_binary_adjusted",
  Bagrut_status ~ treated + girl + school_type + siblings + father_ed, aw, aw$school_id)
cases[[length(cases) + 1]] <- case("awards_between",
  Bagrut_status ~ treated, aw, aw$school_id)
cases[[length(cases) + 1]] <- case("awards_lagscore",
  lagscore ~ treated + school_type, aw, aw$school_id)

# 2. Synthetic centres of very unequal sizes (1, 2, 3, 50, 200, ...), a
#    three-level individual covariate, centre effects, cluster ids unsorted.
sizes <- c(1, 2, 3, 50, 200, 7, 1, 15, 4, 30, 2, 60)
cid <- rep(seq_along(sizes) * 7 + 3, sizes)          # sparse, non-contiguous ids
arm <- rep(rep(0:1, length.out = length(sizes)), sizes)
n <- length(cid)
u <- rnorm(length(sizes))[match(cid, seq_along(sizes) * 7 + 3)]
age <- round(runif(n, 20, 70))
grp <- factor(sample(c("a", "b", "c"), n, replace = TRUE))
pre <- 50 + 0.2 * age + 3 * u + rnorm(n, sd = 4)
post <- pre + 2 * arm + 2 * u + rnorm(n, sd = 5)
perm <- sample(n)
un <- data.frame(cid, arm, age, grp, pre, post)[perm, ]
cases[[length(cases) + 1]] <- case("unequal_did_paired",
  post ~ arm + pre + age + grp, un, un$cid)
cases[[length(cases) + 1]] <- case("unequal_between",
  post ~ arm, un, un$cid)
cases[[length(cases) + 1]] <- case("unequal_change_paired",
  I(post - pre) ~ 1, un[un$arm == 1, ], un$cid[un$arm == 1])

# 3. Singleton clusters (HC2 with Satterthwaite df): unpaired did model
#    y ~ arm + post + arm:post, and a binary outcome.
m <- 41
d3 <- data.frame(arm = rep(0:1, length.out = m), post = rep(c(0, 0, 1, 1), length.out = m))
d3$y <- 10 + d3$arm + 0.5 * d3$post + 1.5 * d3$arm * d3$post + rnorm(m, sd = 2)
d3$b <- as.numeric(runif(m) < 0.3 + 0.3 * d3$arm * d3$post)
cases[[length(cases) + 1]] <- case("singletons_did_unpaired",
  y ~ arm + post + arm:post, d3, seq_len(m) - 1)
cases[[length(cases) + 1]] <- case("singletons_binary",
  b ~ arm + post + arm:post, d3, seq_len(m) - 1)

# 4. An aliased covariate (a linear combination of earlier columns) and a
#    constant one: lm drops them (NA coefficients), clubSandwich ignores them.
d4 <- un
d4$age2 <- 2 * d4$age + 1
d4$const <- 3
cases[[length(cases) + 1]] <- case("aliased_covariates",
  post ~ arm + age + age2 + const + pre, d4, d4$cid)

# 5. Few clusters: 4 centres, two per arm, unpaired did model.
d5 <- data.frame(cid = rep(c(5, 1, 9, 2), times = c(12, 20, 8, 15)))
d5$arm <- as.numeric(d5$cid %in% c(5, 9))
d5$post <- rep(0:1, length.out = nrow(d5))
d5$y <- 3 + d5$arm + d5$post + d5$arm * d5$post + rnorm(4)[match(d5$cid, c(5, 1, 9, 2))] + rnorm(nrow(d5))
cases[[length(cases) + 1]] <- case("few_clusters_did_unpaired",
  y ~ arm + post + arm:post, d5, d5$cid)

# 6. Leverage one: a covariate non-zero in one row only (its singleton
#    cluster has H_gg = 1; clubSandwich's generalised inverse square root).
d6 <- d3
d6$spike <- 0
d6$spike[7] <- 1
cases[[length(cases) + 1]] <- case("leverage_one",
  y ~ arm + post + spike, d6, seq_len(m) - 1)
d6$cl <- rep(0:6, length.out = m)
cases[[length(cases) + 1]] <- case("leverage_one_clustered",
  y ~ arm + post + spike, d6, d6$cl)

# ---- clustering (CONTRACT §8.1): one-way ANOVA ICC over cluster × arm cells ----
clustering_r <- function(y, cl, arm) {
  cell <- interaction(cl, arm, drop = TRUE)
  N <- length(y); G <- nlevels(cell); Aa <- length(unique(arm))
  ng <- tapply(y, cell, length); mg <- tapply(y, cell, mean)
  arm_of_cell <- tapply(arm, cell, function(a) a[1])
  ma <- tapply(y, arm, mean)
  Na <- tapply(y, arm, length)
  msb <- sum(ng * (mg - ma[as.character(arm_of_cell)])^2) / (G - Aa)
  msw <- sum((y - mg[as.character(cell)])^2) / (N - G)
  n0 <- (N - sum(tapply(ng^2, arm_of_cell, sum) / Na[names(tapply(ng^2, arm_of_cell, sum))])) / (G - Aa)
  icc <- (msb - msw) / (msb + (n0 - 1) * msw)
  mcs <- N / G
  list(values = A(y), cluster = as.integer(cl), arm = as.integer(arm), clusters = G,
       n0 = n0, msb = msb, msw = msw, icc = icc, mean_cluster_size = mcs,
       design_effect = 1 + (mcs - 1) * max(icc, 0))
}
clus <- list(
  clustering_r(aw$lagscore, aw$school_id, aw$treated),
  clustering_r(aw$Bagrut_status, aw$school_id, aw$treated),
  clustering_r(un$pre, un$cid, un$arm),
  clustering_r(c(1, 2, 3, 4, 5, 6, 7, 8, 20, 21), c(1, 1, 2, 2, 3, 3, 4, 4, 5, 5), c(0, 0, 0, 0, 1, 1, 1, 1, 1, 1)),
  clustering_r(c(5, 5, 1, 1, 9, 9, 3, 3), c(1, 1, 2, 2, 3, 3, 4, 4), c(0, 0, 0, 0, 1, 1, 1, 1))  # negative-free, icc 1
)

writeLines(to_json(list(cases = cases, clustering = clus)), "robust_reference.json")
