# Cluster-robust tests of each level of a categorical domain (CONTRACT §8.2),
# from R's lm and clubSandwich (CR2, Satterthwaite), for tests/levels_reference.rs:
# testdata/designs/niveles.csv, paired, 14 centres, covariate edad_anios.
# Per level l (y = 1{level}): did = lm(post_l ~ arm + pre_l + edad) (coefficient
# arm); change per arm = lm(post_l - pre_l ~ 1); between at each wave = lm(y ~ arm).
# Run from the repository root: Rscript testdata/reference/levels_reference.R
suppressMessages({ library(clubSandwich); library(jsonlite) })
d <- read.csv("testdata/designs/niveles.csv", na.strings = "", stringsAsFactors = FALSE)
pre <- d[d$evaluacion == "inicial", ]
post <- d[d$evaluacion == "final", ]
m <- merge(pre, post, by = "id", suffixes = c(".pre", ".post"))
m$arm <- as.numeric(m$grupo.pre == "participante")
m$centro <- m$centro.pre
m$edad <- m$edad_anios.pre
test <- function(fit, cl, k) {
  ct <- coef_test(fit, vcov = "CR2", cluster = cl, test = "Satterthwaite")
  list(estimate = ct$beta[k], se = ct$SE[k], df = ct$df_Satt[k], p = ct$p_Satt[k], n = nobs(fit))
}
out <- list()
for (l in c("bajo", "medio", "alto")) {
  m$y <- as.numeric(m$nivel_lectura.post == l)
  m$z <- as.numeric(m$nivel_lectura.pre == l)
  both <- m[!is.na(m$y) & !is.na(m$z), ]
  r <- list()
  r[["did"]] <- test(lm(y ~ arm + z + edad, data = both), both$centro, 2)
  for (a in c(1, 0)) {
    s <- both[both$arm == a, ]
    id <- if (a == 1) "change:intervention" else "change:control"
    r[[id]] <- test(lm(I(y - z) ~ 1, data = s), s$centro, 1)
  }
  w <- m[!is.na(m$z), ]
  r[["between:pre"]] <- test(lm(z ~ arm, data = w), w$centro, 2)
  w <- m[!is.na(m$y), ]
  r[["between:post"]] <- test(lm(y ~ arm, data = w), w$centro, 2)
  out[[l]] <- r
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           "testdata/reference/levels_reference.json")
