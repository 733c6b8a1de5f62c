#!/usr/bin/env Rscript
# Reference values for --power (contract §11), computed with base R 4.2 (stats).
# Run from this folder:  Rscript power_reference.R  -> power_reference.json,
#                                                      power/paired.csv, power/post_only.csv
# The Rust tests read the JSON and the CSVs (src/stats/power.rs,
# src/stats/noncentral.rs, tests/power.rs); they never need R.
#
# Every solution uses tol = 1e-12 (R's default is only 1e-4).

num <- function(v) if (length(v) == 0 || is.na(v) || !is.finite(v)) "null" else sprintf("%.17g", v)
to_json <- function(x) {
  if (is.list(x)) {
    if (!is.null(names(x))) {
      paste0("{", paste(sprintf("\"%s\":%s", names(x), vapply(x, to_json, "")),
                        collapse = ","), "}")
    } else {
      paste0("[", paste(vapply(x, to_json, ""), collapse = ",\n"), "]")
    }
  } else if (is.character(x)) {
    sprintf("\"%s\"", x)
  } else {
    num(as.numeric(x))
  }
}
TOL <- 1e-12
out <- list()

# ---- the noncentral t: pt(q, df, ncp), both tails --------------------------
grid <- expand.grid(q = c(-3, -0.5, 0, 0.7, 1.96, 3, 10, 40),
                    df = c(0.5, 1, 2.5, 5, 30, 200, 1e5, 5e5),
                    ncp = c(-2, 0.5, 1, 3, 8, 20, 37, 39))
out$pnt <- lapply(seq_len(nrow(grid)), function(i) {
  g <- grid[i, ]
  list(q = g$q, df = g$df, ncp = g$ncp,
       lower = suppressWarnings(pt(g$q, g$df, ncp = g$ncp)),
       upper = suppressWarnings(pt(g$q, g$df, ncp = g$ncp, lower.tail = FALSE)))
})

# ---- power.t.test and power.prop.test solved ---------------------------------
tt <- expand.grid(d = c(0.05, 0.2, 0.5, 1, 2.5), alpha = c(0.05, 0.01), power = c(0.8, 0.9))
out$t_n <- lapply(seq_len(nrow(tt)), function(i) {
  g <- tt[i, ]
  list(d = g$d, alpha = g$alpha, power = g$power,
       n = power.t.test(delta = g$d, sd = 1, sig.level = g$alpha, power = g$power, tol = TOL)$n)
})
tn <- expand.grid(n = c(1.5, 3, 10, 83.25, 400, 5e5), alpha = c(0.05, 0.01), power = c(0.8, 0.9))
out$t_delta <- lapply(seq_len(nrow(tn)), function(i) {
  g <- tn[i, ]
  list(n = g$n, alpha = g$alpha, power = g$power,
       delta = power.t.test(n = g$n, sd = 1, sig.level = g$alpha, power = g$power, tol = TOL)$delta)
})
pp <- expand.grid(p1 = c(0.05, 0.3, 0.5, 0.85), p2 = c(0.1, 0.45, 0.6, 0.97), power = c(0.8, 0.9))
pp <- pp[pp$p1 != pp$p2, ]
out$prop_n <- lapply(seq_len(nrow(pp)), function(i) {
  g <- pp[i, ]
  list(p1 = g$p1, p2 = g$p2, power = g$power,
       n = power.prop.test(p1 = g$p1, p2 = g$p2, power = g$power, tol = TOL)$n)
})
pn <- expand.grid(n = c(8, 40, 83.25, 1000), p1 = c(0.05, 0.3, 0.6, 0.9), power = c(0.8, 0.9))
out$prop_p2 <- lapply(seq_len(nrow(pn)), function(i) {
  g <- pn[i, ]
  p2 <- suppressWarnings(tryCatch(
    power.prop.test(n = g$n, p1 = g$p1, power = g$power, tol = TOL)$p2,
    error = function(e) NA))
  # Outside [p1, 1] R warns: no such proportion (the product says null).
  if (!is.na(p2) && p2 > 1) p2 <- NA
  list(n = g$n, p1 = g$p1, power = g$power, p2 = p2)
})

# ---- the §11 row from its inputs --------------------------------------------
plan_row <- function(kind, n, sd = NA, r = NA, p0 = NA, deff = 1, att = 0, obs,
                     alpha = 0.05, power = 0.8) {
  mde <- NA; need <- NA
  if (kind == "continuous") {
    esd <- sd * sqrt(1 - r^2)
    mde <- power.t.test(n = n / deff, sd = esd, sig.level = alpha, power = power, tol = TOL)$delta
    need <- power.t.test(delta = abs(obs), sd = esd, sig.level = alpha, power = power,
                         tol = TOL)$n * deff
  } else {
    mde <- power.prop.test(n = n / deff, p1 = p0, sig.level = alpha, power = power,
                           tol = TOL)$p2 - p0
    need <- power.prop.test(p1 = p0, p2 = p0 + obs, sig.level = alpha, power = power,
                            tol = TOL)$n * deff
  }
  list(kind = kind, n_per_arm = n, sd = sd, correlation = r, p0 = p0, design_effect = deff,
       attrition = att, observed_effect = obs, alpha = alpha, target_power = power,
       mde = mde, n_per_arm_needed = need, n_enrol_per_arm = ceiling(need / (1 - att)))
}
# Clustered: 24 centres of 15 children per arm, ICC 0.06 (one-way ANOVA, §8.1).
m <- 15; icc <- 0.06
deff <- 1 + (m - 1) * icc
out$plans <- list(
  # paired with attrition
  plan_row("continuous", n = 83.2574850299401, sd = 11.4979861811182, r = 0.721180978521913,
           att = 0.165, obs = 4.27671331194247),
  plan_row("binary", n = 83.2574850299401, p0 = 0.3, att = 0.165, obs = 0.295742232451093),
  # post-only
  plan_row("continuous", n = 59.5, sd = 7.25, r = 0, obs = -2.1, power = 0.9),
  plan_row("binary", n = 59.5, p0 = 0.62, obs = -0.15, power = 0.9),
  # clustered (design effect from the ICC)
  plan_row("continuous", n = 12 * m, sd = 10, r = 0.6, deff = deff, att = 0.1, obs = 3),
  plan_row("binary", n = 12 * m, p0 = 0.35, deff = deff, att = 0.1, obs = 0.12),
  plan_row("continuous", n = 12 * m, sd = 10, r = 0, deff = deff, att = 0, obs = -1.5,
           alpha = 0.01, power = 0.9)
)
out$clustered <- list(cluster_size = m, icc = icc, design_effect = deff)

# ---- whole cohorts through the product ----------------------------------------
dir.create("power", showWarnings = FALSE)
set.seed(20261206)

# Paired with attrition: 150 children (80 programa, 70 control) at inicial; 21 lost
# at follow-up, 3 with a missing score at follow-up and 2 at baseline.
n1 <- 80; n0 <- 70; N <- n1 + n0
arm <- c(rep("programa", n1), rep("control", n0))
ability <- rnorm(N, 50, 10)
pre <- round(ability + rnorm(N, 0, 5), 1)
post <- round(ability + rnorm(N, 0, 5) + ifelse(arm == "programa", 4, 0.5), 1)
reads_pre <- ifelse(ability + rnorm(N, 0, 8) > 52, "si", "no")
reads_post <- ifelse(ability + rnorm(N, 0, 8) + ifelse(arm == "programa", 6, 0) > 52, "si", "no")
lost <- sample(N, 21)
rows <- list()
for (i in seq_len(N)) {
  id <- sprintf("N%03d", i)
  rows[[length(rows) + 1]] <- data.frame(id = id, grupo = arm[i], momento = "inicial",
                                         puntaje = pre[i], lee = reads_pre[i])
  if (!(i %in% lost)) {
    rows[[length(rows) + 1]] <- data.frame(id = id, grupo = arm[i], momento = "final",
                                           puntaje = post[i], lee = reads_post[i])
  }
}
d <- do.call(rbind, rows)
kept <- setdiff(seq_len(N), lost)
miss_post <- sprintf("N%03d", kept[c(5, 60, 100)])
miss_pre <- sprintf("N%03d", kept[c(7, 90)])
d$puntaje[d$id %in% miss_post & d$momento == "final"] <- NA
d$puntaje[d$id %in% miss_pre & d$momento == "inicial"] <- NA
write.csv(d, "power/paired.csv", row.names = FALSE, quote = FALSE, na = "")
d <- read.csv("power/paired.csv", na.strings = "")

wide <- merge(d[d$momento == "inicial", ], d[d$momento == "final", ], by = c("id", "grupo"),
              all.x = TRUE, suffixes = c("_pre", "_post"))
wide$arm <- as.numeric(wide$grupo == "programa")
harmonic <- function(a, b) 2 / (1 / a + 1 / b)

# puntaje (continuous): did = ANCOVA
base <- wide[!is.na(wide$puntaje_pre), ]
m_ <- wide[!is.na(wide$puntaje_pre) & !is.na(wide$puntaje_post), ]
sd_pre <- tapply(base$puntaje_pre, base$grupo, sd)
n_pre <- tapply(base$puntaje_pre, base$grupo, length)
sd_pooled <- sqrt(sum((n_pre - 1) * sd_pre^2) / sum(n_pre - 1))
cx <- m_$puntaje_pre - ave(m_$puntaje_pre, m_$grupo)
cy <- m_$puntaje_post - ave(m_$puntaje_post, m_$grupo)
r <- cor(cx, cy)
nm <- table(m_$grupo)
obs <- unname(coef(lm(puntaje_post ~ arm + puntaje_pre, data = m_))["arm"])
att <- 1 - nrow(m_) / nrow(base)
cont <- plan_row("continuous", n = harmonic(nm[["programa"]], nm[["control"]]), sd = sd_pooled,
                 r = r, att = att, obs = obs)
cont$domain <- "puntaje"; cont$comparison <- "did"

# lee (binary): did = difference of mean changes (did_welch_t), p0 at follow-up
b <- wide[!is.na(wide$lee_pre) & !is.na(wide$lee_post), ]
ch <- (b$lee_post == "si") - (b$lee_pre == "si")
obs_b <- mean(ch[b$grupo == "programa"]) - mean(ch[b$grupo == "control"])
post_c <- d$lee[d$momento == "final" & d$grupo == "control"]
p0 <- mean(post_c == "si")
nb <- table(b$grupo)
att_b <- 1 - nrow(b) / sum(!is.na(wide$lee_pre))
bin <- plan_row("binary", n = harmonic(nb[["programa"]], nb[["control"]]), p0 = p0,
                att = att_b, obs = obs_b)
bin$domain <- "lee"; bin$comparison <- "did"
out$paired_cohort <- list(args = "paired.csv --power --format json", rows = list(cont, bin))

# Post-only: 64 programa, 55 control, one row each; --target-power 0.9.
# asiste (binary) is "no" for every control child: undefined (null + warning).
n1 <- 64; n0 <- 55
grp <- c(rep("programa", n1), rep("control", n0))
score <- round(rnorm(n1 + n0, 30, 6) + ifelse(grp == "programa", 2.5, 0), 1)
yes <- ifelse(runif(n1 + n0) < ifelse(grp == "programa", 0.55, 0.35), "si", "no")
attends <- ifelse(grp == "programa" & runif(n1 + n0) < 0.3, "si", "no")
p <- data.frame(id = sprintf("P%03d", seq_len(n1 + n0)), grupo = grp, puntaje = score,
                lee = yes, asiste = attends)
write.csv(p, "power/post_only.csv", row.names = FALSE, quote = FALSE)
p <- read.csv("power/post_only.csv")
np <- table(p$grupo)
sds <- tapply(p$puntaje, p$grupo, sd)
sd_p <- sqrt(sum((np - 1) * sds^2) / sum(np - 1))
h <- harmonic(np[["programa"]], np[["control"]])
obs_p <- mean(p$puntaje[p$grupo == "programa"]) - mean(p$puntaje[p$grupo == "control"])
cont_p <- plan_row("continuous", n = h, sd = sd_p, r = 0, att = 0, obs = obs_p, power = 0.9)
cont_p$domain <- "puntaje"; cont_p$comparison <- "between:post"
p0 <- mean(p$lee[p$grupo == "control"] == "si")
obs_l <- mean(p$lee[p$grupo == "programa"] == "si") - p0
bin_p <- plan_row("binary", n = h, p0 = p0, att = 0, obs = obs_l, power = 0.9)
bin_p$domain <- "lee"; bin_p$comparison <- "between:post"
und <- list(domain = "asiste", comparison = "between:post", kind = "binary", n_per_arm = h,
            sd = NA, correlation = NA, design_effect = 1, attrition = 0,
            observed_effect = mean(p$asiste[p$grupo == "programa"] == "si"),
            alpha = 0.05, target_power = 0.9, mde = NA, n_per_arm_needed = NA,
            n_enrol_per_arm = NA)
out$post_only_cohort <- list(args = "post_only.csv --power --target-power 0.9 --format json",
                             rows = list(cont_p, bin_p, und))

writeLines(to_json(out), "power_reference.json")
