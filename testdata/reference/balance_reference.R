#!/usr/bin/env Rscript
# Reference values for src/stats/balance.rs (CONTRACT §7), R 4.2 (Debian).
# Run from this folder:  Rscript balance_reference.R -> balance_reference.json
# Standardised mean differences, intervention (arm 1) minus control (arm 0):
#  continuous (mean1 - mean0) / sqrt((sd1^2 + sd0^2) / 2)
#  binary     (p1 - p0) / sqrt((p1 (1 - p1) + p0 (1 - p0)) / 2)
#  categorical Yang & Dalton (2012): sqrt(T' S^+ T) over levels 2..k, the
#   code of tableone's StdDiffMulti/StdDiffFromLstMeans (R/modules-smd.R,
#   tableone 0.13; tableone is not packaged in Debian), restated below with
#   MASS::ginv as tableone uses it.
# Undefined (null here, None in Rust): no spread in either arm, or an arm
# without values (tableone gives 0 when both arms are the same constant).
suppressMessages({library(MASS); library(HSAUR3); library(psych)})
source("json_writer.R")

smd_cont <- function(x1, x0) {
  x1 <- x1[!is.na(x1)]; x0 <- x0[!is.na(x0)]
  if (length(x1) < 2 || length(x0) < 2) return(NA)
  v <- (var(x1) + var(x0)) / 2
  if (v == 0) NA else (mean(x1) - mean(x0)) / sqrt(v)
}
smd_bin <- function(x1, x0) {
  x1 <- x1[!is.na(x1)]; x0 <- x0[!is.na(x0)]
  if (length(x1) < 1 || length(x0) < 1) return(NA)
  p1 <- mean(x1); p0 <- mean(x0)
  v <- (p1 * (1 - p1) + p0 * (1 - p0)) / 2
  if (v == 0) NA else (p1 - p0) / sqrt(v)
}
multinomial_var <- function(p) {  # tableone's MultinomialVar
  covs <- -outer(p, p); diag(covs) <- p * (1 - p); covs
}
smd_cat <- function(counts1, counts0) {  # tableone's StdDiffMulti on the table
  if (sum(counts1) == 0 || sum(counts0) == 0) return(NA)
  tab <- rbind(counts1, counts0)
  props <- prop.table(tab, margin = 1)
  if (ncol(props) > 1) props <- props[, -1, drop = FALSE]
  T_C <- props[1, ] - props[2, ]
  S <- (multinomial_var(props[1, ]) + multinomial_var(props[2, ])) / 2
  if (all(S %in% 0)) return(NA)  # tableone: 0 if T = 0, else NaN
  sqrt(drop(t(T_C) %*% ginv(S) %*% T_C))
}

cont <- function(name, x1, x0)
  list(name = name, kind = "continuous", x1 = A(x1), x0 = A(x0), smd = smd_cont(x1, x0))
bin <- function(name, x1, x0)
  list(name = name, kind = "binary", x1 = A(x1), x0 = A(x0), smd = smd_bin(x1, x0))
cat_case <- function(name, v1, v0, levels = NULL) {
  if (is.null(levels)) levels <- sort(unique(c(as.character(v1), as.character(v0))))
  c1 <- as.numeric(table(factor(v1, levels = levels)))
  c0 <- as.numeric(table(factor(v0, levels = levels)))
  list(name = name, kind = "categorical", levels = I(levels), counts1 = A(c1),
       counts0 = A(c0), smd = smd_cat(c1, c0))
}

data(bfi, package = "psych"); data(respiratory); data(BtheB)
f <- bfi$gender == 2; m <- bfi$gender == 1            # arm 1: women
r0 <- respiratory[respiratory$month == 0, ]
rt <- r0$treatment == "treatment"; rp <- !rt
bt <- BtheB$treatment == "BtheB"; bu <- !bt
it <- infert$case == 1; ic <- !it
mt <- mtcars$am == 1; mc <- !mt

cases <- list(
  cont("bfi age by gender", bfi$age[f], bfi$age[m]),
  cont("bfi A1 by gender (1..6)", bfi$A1[f], bfi$A1[m]),
  cat_case("bfi education (5 levels, missing) by gender",
           na.omit(bfi$education[f]), na.omit(bfi$education[m])),
  cont("respiratory baseline age by treatment", r0$age[rt], r0$age[rp]),
  bin("respiratory baseline male by treatment", r0$gender[rt] == "male", r0$gender[rp] == "male"),
  bin("respiratory baseline good status by treatment", r0$status[rt] == "good", r0$status[rp] == "good"),
  cat_case("respiratory centre (2 levels) as categorical", r0$centre[rt], r0$centre[rp]),
  cont("BtheB bdi.pre by treatment", BtheB$bdi.pre[bt], BtheB$bdi.pre[bu]),
  cont("BtheB bdi.8m by treatment (missing)", BtheB$bdi.8m[bt], BtheB$bdi.8m[bu]),
  bin("BtheB drug by treatment", BtheB$drug[bt] == "Yes", BtheB$drug[bu] == "Yes"),
  cat_case("infert education (3 levels) by case", infert$education[it], infert$education[ic],
           levels(infert$education)),
  cat_case("infert induced (3 levels) by case", infert$induced[it], infert$induced[ic]),
  cont("infert age by case", infert$age[it], infert$age[ic]),
  cat_case("mtcars gear (3 levels, empty cells) by am", mtcars$gear[mt], mtcars$gear[mc]),
  cat_case("mtcars cyl (3 levels) by am", mtcars$cyl[mt], mtcars$cyl[mc]),
  # edge cases
  cat_case("unused first level (singular S)", c("b", "b", "c"), c("b", "c", "c", "c"),
           c("a", "b", "c")),
  cat_case("unused middle level", c("a", "c", "c"), c("a", "a", "c"), c("a", "b", "c")),
  cat_case("one arm in one level", c("a", "a", "a"), c("a", "b", "c", "c")),
  cat_case("both arms one level each (no spread)", c("a", "a"), c("b", "b", "b")),
  cat_case("both arms the same single level", c("a", "a"), c("a", "a", "a"), c("a", "b")),
  cat_case("empty arm", character(0), c("a", "b")),
  cont("zero sd in one arm", c(2, 2, 2), c(1, 2, 4)),
  cont("zero sd in both arms", c(2, 2, 2), c(3, 3)),
  cont("one value in an arm", c(5), c(1, 2, 4)),
  cont("negative difference", c(1, 2, 3, 4), c(3, 5, 6, 9, 7)),
  bin("binary all 0 in both arms", c(0, 0), c(0, 0, 0)),
  bin("binary 0 vs 1", c(0, 0), c(1, 1, 1)),
  bin("binary all 1 in one arm", c(1, 1, 1), c(1, 0, 0, 1)),
  bin("binary empty arm", numeric(0), c(1, 0))
)
write_json(list(cases = cases), "balance_reference.json")
