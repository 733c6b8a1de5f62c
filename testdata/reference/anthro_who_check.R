# Third check (not run by the tests): WHO's own R code on the children of
# anthro_reference.json. WHO's packages are not installed from CRAN here; their
# sources are read from clones of github.com/WorldHealthOrganization/anthro and
# .../anthroplus (no WHO code is kept in this repository).
#   Rscript testdata/reference/anthro_who_check.R /path/to/anthro /path/to/anthroplus
# Prints the number of indicator values compared and the mismatches (rounded z
# and flag). Children with a negative age or a measure <= 0 are skipped: WHO's
# functions reject or treat them differently (docs/anthropometry.md).
suppressMessages(library(jsonlite))
args <- commandArgs(trailingOnly = TRUE)
A <- file.path(args[1], "R"); P <- file.path(args[2], "R")
for (f in list.files(A, pattern = "^(anthro-package|assertions|utils|z-score.*)\\.R$", full.names = TRUE)) source(f)
source(file.path(P, "zscores.R"))
anthro_api_compute_zscore <- compute_zscore
anthro_api_compute_zscore_adjusted <- compute_zscore_adjusted
anthro_api_standardize_oedema_var <- standardize_oedema_var
anthro_api_standardize_sex_var <- standardize_sex_var
rd <- function(f) read.csv(file.path("data/who", f), sep = "\t")
growthstandards_weianthro <- rd("weianthro.txt"); growthstandards_lenanthro <- rd("lenanthro.txt")
growthstandards_bmianthro <- rd("bmianthro.txt"); growthstandards_wflanthro <- rd("wflanthro.txt")
growthstandards_wfhanthro <- rd("wfhanthro.txt")
# head circumference etc. are computed by anthro_zscores but not used here
growthstandards_hcanthro <- growthstandards_acanthro <- growthstandards_tsanthro <-
  growthstandards_ssanthro <- growthstandards_weianthro
wfa_growth_standards <- rd("wfawho2007.txt"); hfa_growth_standards <- rd("hfawho2007.txt")
bfa_growth_standards <- rd("bfawho2007.txt")
cases <- fromJSON("testdata/reference/anthro_reference.json", simplifyVector = FALSE)$cases
num <- function(x) if (is.null(x)) NA_real_ else as.numeric(x)
sex <- sapply(cases, function(c) c$sex)
ak <- sapply(cases, function(c) if (is.null(c$age_kind)) "none" else c$age_kind)
age <- sapply(cases, function(c) num(c$age))
w <- sapply(cases, function(c) num(c$weight)); h <- sapply(cases, function(c) num(c$height))
pos <- sapply(cases, function(c) if (is.null(c$position)) NA_character_ else c$position)
oed <- ifelse(sapply(cases, function(c) c$oedema), "y", "n")
months <- ifelse(ak == "months", age, ifelse(ak == "days", age / 30.4375, NA))
skip <- (!is.na(age) & age < 0) | (!is.na(w) & w <= 0) | (!is.na(h) & h <= 0)
n <- length(cases)
Z <- matrix(NA_real_, n, 4, dimnames = list(NULL, c("waz", "haz", "whz", "baz"))); FL <- Z
for (set in list(list(which(!skip & ak == "days" & months < 60), FALSE),
                 list(which(!skip & ak == "months" & months < 60), TRUE),
                 list(which(!skip & ak == "none"), FALSE))) {
  i <- set[[1]]; if (!length(i)) next
  r <- anthro_zscores(sex = sex[i], age = age[i], is_age_in_month = set[[2]], weight = w[i],
                      lenhei = h[i], measure = pos[i], oedema = oed[i])
  Z[i, ] <- cbind(r$zwei, r$zlen, r$zwfl, r$zbmi); FL[i, ] <- cbind(r$fwei, r$flen, r$fwfl, r$fbmi)
}
i <- which(!skip & !is.na(months) & months >= 60)
r <- anthroplus_zscores(sex[i], months[i], oed[i], h[i], w[i])
Z[i, ] <- cbind(r$zwfa, r$zhfa, NA, r$zbfa); FL[i, ] <- cbind(r$fwfa, r$fhfa, NA, r$fbfa)
bad <- 0; compared <- 0
for (k in which(!skip)) for (j in 1:4) {
  e <- cases[[k]][[colnames(Z)[j]]]
  ez <- if (is.null(e)) NA_real_ else as.numeric(e$z)
  compared <- compared + 1
  same <- (is.na(ez) && is.na(Z[k, j])) ||
    (!is.na(ez) && !is.na(Z[k, j]) && ez == Z[k, j] && (FL[k, j] == 1) == isTRUE(e$flagged))
  if (!same) { bad <- bad + 1; if (bad <= 10) print(list(k = k, ind = colnames(Z)[j], who = Z[k, j], ours = ez)) }
}
cat(compared, "indicator values of", sum(!skip), "children compared with WHO's code;", bad, "mismatches\n")
