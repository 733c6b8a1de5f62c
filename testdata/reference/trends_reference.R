#!/usr/bin/env Rscript
# Reference values for the trend slopes of K > 2 waves (CONTRACT §9,
# src/analysis/waves.rs `trends`), R 4.2 (Debian) with clubSandwich.
# Run from this folder:  Rscript trends_reference.R
#   -> trends/<case>.csv and trends/<case>.toml (the inputs evaluate reads)
#   -> trends_reference.json (what evaluate must report; tests/trends_reference.rs)
# Per domain, over every (participant, wave) with a value:
#   trend:<arm>       lm(y ~ time) on the arm's rows
#   trend:difference  lm(y ~ arm * time) on both arms, coefficient arm:time
#                     (arm = 1 for the intervention: intervention minus control)
# each with coef_test(fit, vcov = "CR2", cluster = cl, test = "Satterthwaite")
# and conf_int(..., level = 0.95); cl = the participant, or the centre when the
# case is run with --cluster. Binary domains are 0/1 values. n counts the
# participants with at least one value, clusters the distinct clusters used.
# The expected values are computed from the CSV as written and read back, so
# R fits exactly the rows evaluate reads (an empty cell is a missing value:
# the participant is seen at that wave but the row is not in the model).
suppressMessages({library(clubSandwich); library(HSAUR3)})
source("json_writer.R")
dir.create("trends", showWarnings = FALSE)

slope <- function(fit, coef, cl, ids) {
  ct <- coef_test(fit, vcov = "CR2", cluster = cl, test = "Satterthwaite")
  ci <- conf_int(fit, vcov = "CR2", cluster = cl, test = "Satterthwaite", level = 0.95)
  k <- which(names(coef(fit)) == coef)
  stopifnot(length(k) == 1, !is.na(coef(fit)[k]))
  list(estimate = ct$beta[k], se = ct$SE[k], df = ct$df_Satt[k],
       statistic = ct$tstat[k], p_value = ct$p_Satt[k],
       conf_low = ci$CI_L[k], conf_high = ci$CI_U[k],
       n = length(unique(ids)), clusters = length(unique(cl)))
}

# The three slope tests of one domain of long data `d` (columns id, group,
# time and the domain; cluster column `by` or NULL for the participants).
trend_tests <- function(d, column, intervention, control, by) {
  d <- d[!is.na(d[[column]]), ]
  d$y <- d[[column]]
  d$arm <- as.numeric(d$group == intervention)
  d$cl <- if (is.null(by)) d$id else d[[by]]
  out <- list()
  for (a in c("intervention", "control")) {
    s <- d[d$group == if (a == "intervention") intervention else control, ]
    t <- slope(lm(y ~ time, data = s), "time", s$cl, s$id)
    out[[length(out) + 1]] <- c(list(comparison = paste0("trend:", a)), t)
  }
  t <- slope(lm(y ~ arm * time, data = d), "arm:time", d$cl, d$id)
  out[[length(out) + 1]] <- c(list(comparison = "trend:difference"), t)
  out
}

toml_list <- function(x) paste0("[", paste(x, collapse = ", "), "]")
# One case: writes (unless `csv` is given) the long CSV and the spec, then the
# expected values from the CSV read back. `d` has columns id, group, wave
# (labels in `order`) and the domains; `kinds` names each domain's kind.
make_case <- function(name, source, d, domains, kinds, intervention, control,
                      order, times, cluster = NULL, csv = NULL, spec = NULL,
                      wave = "wave", group = "group", id = "id", read = identity) {
  if (is.null(csv)) {
    csv <- sprintf("trends/%s.csv", name)
    spec <- sprintf("trends/%s.toml", name)
    write.table(d, csv, sep = ",", na = "", quote = FALSE, row.names = FALSE,
                fileEncoding = "UTF-8")
    writeLines(c(sprintf("# %s (trends_reference.R)", source),
                 "[groups]",
                 sprintf("intervention = \"%s\"", intervention),
                 sprintf("control = \"%s\"", control),
                 "", "[waves]",
                 sprintf("order = %s", toml_list(sprintf("\"%s\"", order))),
                 sprintf("times = %s", toml_list(sprintf("%.17g", times)))), spec)
  }
  back <- read.csv(csv, colClasses = "character", encoding = "UTF-8", check.names = FALSE)
  back <- read(back)
  long <- data.frame(id = back[[id]], group = back[[group]],
                     time = times[match(back[[wave]], order)])
  stopifnot(!anyNA(long$time), all(long$group %in% c(intervention, control)))
  if (!is.null(cluster)) long$centre <- back[[cluster]]
  tests <- lapply(seq_along(domains), function(j) {
    v <- back[[domains[j]]]
    long$value <- suppressWarnings(as.numeric(ifelse(v == "", NA, v)))
    stopifnot(sum(is.na(long$value)) == sum(v == ""))
    list(domain = domains[j], kind = kinds[j],
         tests = trend_tests(long, "value", intervention, control,
                             if (is.null(cluster)) NULL else "centre"))
  })
  crate <- function(p) sub("^(\\.\\./\\.\\./|)", "", ifelse(startsWith(p, "../../"), p, file.path("testdata/reference", p)))
  list(name = name, source = source, csv = crate(csv), spec = crate(spec),
       args = if (is.null(cluster)) character(0) else I(c("--cluster", cluster)),
       domains = tests)
}

# Long data from wide columns `cols` (one per wave, labelled `labels`).
longer <- function(id, group, wide, labels, extra = NULL) {
  rows <- lapply(seq_along(labels), function(w) {
    r <- data.frame(id = id, group = group, wave = labels[w], bdi = wide[[w]])
    if (!is.null(extra)) r <- cbind(r, extra)
    r
  })
  r <- do.call(rbind, rows)
  r[order(r$id, match(r$wave, labels)), ]
}

set.seed(20261207)
cases <- list()

# 1. HSAUR3's BtheB: Beck Depression Inventory at months 0, 2, 3, 5, 8,
#    "Beat the Blues" vs treatment as usual; missing visits (empty cells).
data(BtheB)
bt_ids <- sprintf("b%03d", seq_len(nrow(BtheB)))
bt_months <- c(0, 2, 3, 5, 8)
bt_labels <- paste("month", bt_months)
bt_wide <- BtheB[, c("bdi.pre", "bdi.2m", "bdi.3m", "bdi.5m", "bdi.8m")]
bt <- longer(bt_ids, as.character(BtheB$treatment), bt_wide, bt_labels)
cases[[length(cases) + 1]] <- make_case(
  "btheb", "HSAUR3::BtheB, BDI at months 0 2 3 5 8, BtheB vs TAU (missing visits)",
  bt, "bdi", "continuous", "BtheB", "TAU", bt_labels, bt_months)

# 1b. BtheB with synthetic centres nested in the arms (5 per arm) and with
#     centres that hold both arms (8 centres drawn for everyone): --cluster.
nested <- ifelse(BtheB$treatment == "BtheB", "B", "T")
nested <- paste0(nested, sample(1:5, nrow(BtheB), replace = TRUE))
crossed <- paste0("c", sample(1:8, nrow(BtheB), replace = TRUE))
stopifnot(all(table(crossed, BtheB$treatment) > 0))
btheb_case <- function(name, source, centre = NULL) {
  make_case(name, source,
            longer(bt_ids, as.character(BtheB$treatment), bt_wide, bt_labels,
                   if (is.null(centre)) NULL else data.frame(centre = centre)),
            "bdi", "continuous", "BtheB", "TAU", bt_labels, bt_months,
            cluster = if (is.null(centre)) NULL else "centre")
}
cases[[length(cases) + 1]] <- btheb_case("btheb_nested_centres",
  "HSAUR3::BtheB with synthetic centres nested in the arms (5 per arm), --cluster centre", nested)
cases[[length(cases) + 1]] <- btheb_case("btheb_crossed_centres",
  "HSAUR3::BtheB with 8 synthetic centres each holding both arms, --cluster centre", crossed)

# 2. HSAUR3's respiratory: status good (1) or poor (0) at months 0..4,
#    treatment vs placebo (binary). Then clustered by its two real centres,
#    each of which holds both arms.
data(respiratory)
resp_c <- data.frame(id = sprintf("r%03d", as.integer(as.character(respiratory$subject))),
                     group = as.character(respiratory$treatment),
                     wave = paste("month", respiratory$month),
                     good = as.numeric(respiratory$status == "good"),
                     centre = paste("centre", respiratory$centre))
resp_c <- resp_c[order(resp_c$id, as.integer(as.character(respiratory$month))), ]
resp <- resp_c[, c("id", "group", "wave", "good")]
cases[[length(cases) + 1]] <- make_case(
  "respiratory", "HSAUR3::respiratory, status good (0/1) at months 0..4, treatment vs placebo",
  resp, "good", "binary", "treatment", "placebo", paste("month", 0:4), 0:4)
cases[[length(cases) + 1]] <- make_case(
  "respiratory_centres",
  "HSAUR3::respiratory clustered by its 2 centres (both arms in each), --cluster centre",
  resp_c, "good", "binary", "treatment", "placebo", paste("month", 0:4), 0:4,
  cluster = "centre")

# 3. HSAUR3's schizophrenia2: disorder present (1) or absent (0) at months
#    0 2 6 8 10, onset before vs after 20 years as the two groups (binary,
#    missing values as empty cells).
data(schizophrenia2)
sz <- data.frame(id = sprintf("s%02d", as.integer(as.character(schizophrenia2$subject))),
                 group = ifelse(schizophrenia2$onset == "< 20 yrs", "early", "late"),
                 wave = paste("month", schizophrenia2$month),
                 present = as.numeric(schizophrenia2$disorder == "present"))
sz <- sz[order(sz$id, schizophrenia2$month), ]
cases[[length(cases) + 1]] <- make_case(
  "schizophrenia2",
  "HSAUR3::schizophrenia2, disorder present (0/1) at months 0 2 6 8 10, onset < 20 (early) vs > 20 years",
  sz, "present", "binary", "early", "late", paste("month", c(0, 2, 6, 8, 10)), c(0, 2, 6, 8, 10))

# 4. datasets' ChickWeight: weight at days 0 2 ... 20 21 (12 waves), diet 2
#    vs diet 1; chicks that die leave (rows absent: unequal visits).
cw <- as.data.frame(ChickWeight)
cw_days <- sort(unique(cw$Time))
to_chick <- function(s) data.frame(id = sprintf("chick %02d", as.integer(as.character(s$Chick))),
                                   group = paste("diet", s$Diet),
                                   wave = paste("day", s$Time), weight = s$weight)
c12 <- cw[cw$Diet %in% c(1, 2), ]
c12 <- c12[order(as.integer(as.character(c12$Chick)), c12$Time), ]
cases[[length(cases) + 1]] <- make_case(
  "chickweight", "datasets::ChickWeight, weight at days 0..21 (12 waves), diet 2 vs diet 1 (drop-outs)",
  to_chick(c12), "weight", "continuous", "diet 2", "diet 1", paste("day", cw_days), cw_days)

# 4b. Small n: the first 3 chicks of diets 3 and 4 at days 0, 10, 21, the
#     times in weeks (0, 10/7, 3: not integers), plus a synthetic chick of
#     diet 3 seen at every visit with no weight recorded (empty cells: not a
#     participant of the models, not counted in n).
small <- cw[cw$Diet %in% c(3, 4) & cw$Time %in% c(0, 10, 21), ]
keep <- unlist(lapply(c(3, 4), function(g) head(unique(as.character(small$Chick[small$Diet == g])), 3)))
small <- small[as.character(small$Chick) %in% keep, ]
small <- small[order(as.integer(as.character(small$Chick)), small$Time), ]
small <- rbind(to_chick(small), data.frame(id = "chick 99", group = "diet 3",
                                           wave = paste("day", c(0, 10, 21)), weight = NA))
cases[[length(cases) + 1]] <- make_case(
  "chickweight_small",
  "datasets::ChickWeight, 3 chicks per diet (4 vs 3) at days 0 10 21 in weeks, and a chick without weights",
  small, "weight", "continuous", "diet 4", "diet 3", paste("day", c(0, 10, 21)),
  c(0, 10, 21) / 7)

# 5. The example examples/visits/ with its own spec (times 0 2 4 6 9 12): a
#    binary sí/no item (sí = 1, as evaluate reads it) and a grade with ties.
yes_no <- function(b) {
  b$asiste_escuela <- ifelse(b$asiste_escuela == "", "",
                             ifelse(b$asiste_escuela == "sí", "1",
                                    ifelse(b$asiste_escuela == "no", "0", "?")))
  b
}
cases[[length(cases) + 1]] <- make_case(
  "visits_example", "examples/visits (synthetic), its spec.toml", NULL,
  c("asiste_escuela", "calificacion"), c("binary", "continuous"),
  "programa", "comparación", paste("visita", 1:6), c(0, 2, 4, 6, 9, 12),
  csv = "../../examples/visits/visits.csv", spec = "../../examples/visits/spec.toml",
  wave = "momento", group = "grupo", id = "folio", read = yes_no)

write_json(list(cases = cases), "trends_reference.json")
