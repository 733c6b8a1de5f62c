# Reference values for the baseline balance table (contract §7), from R.
# Run from the repository root:
#   Rscript testdata/reference/table1_reference.R > testdata/reference/table1_reference.json
# Data sets: the part-two conformance cohort with centres (its copy in
# testdata/designs/comunidades.csv) and the Hidalgo example (examples/hidalgo).
# Categorical SMD: Yang & Dalton (2012), as tableone::ExtractSmd computes it
# (sqrt(T' S^-1 T) over the levels but the first); tableone is not packaged in
# Debian, so the formula is written out here.

smd_cat <- function(x1, x0, levels) {
  p1 <- as.numeric(table(factor(x1, levels = levels))) / length(x1)
  p0 <- as.numeric(table(factor(x0, levels = levels))) / length(x0)
  keep <- (p1 + p0) > 0
  p1 <- p1[keep][-1]; p0 <- p0[keep][-1]
  S <- function(p) { m <- -outer(p, p); diag(m) <- p * (1 - p); m }
  Tv <- p1 - p0
  sqrt(drop(t(Tv) %*% solve((S(p1) + S(p0)) / 2) %*% Tv))
}

num <- function(x) formatC(x, digits = 17, format = "g")

row <- function(name, kind, x1, x0) {
  x1 <- x1[!is.na(x1)]; x0 <- x0[!is.na(x0)]
  if (kind == "continuous") {
    d <- mean(x1) - mean(x0)
    smd <- d / sqrt((var(x1) + var(x0)) / 2)
    p <- t.test(x1, x0)$p.value
    sprintf('{"variable": "%s", "n1": %d, "n0": %d, "mean1": %s, "sd1": %s, "mean0": %s, "sd0": %s, "difference": %s, "smd": %s, "p_value": %s}',
            name, length(x1), length(x0), num(mean(x1)), num(sd(x1)), num(mean(x0)), num(sd(x0)), num(d), num(smd), num(p))
  } else if (kind == "binary") {
    p1 <- mean(x1); p0 <- mean(x0)
    smd <- (p1 - p0) / sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / 2)
    tab <- rbind(c(sum(x1), length(x1) - sum(x1)), c(sum(x0), length(x0) - sum(x0)))
    e <- outer(rowSums(tab), colSums(tab)) / sum(tab)
    p <- if (min(e) < 5) fisher.test(tab)$p.value else chisq.test(tab, correct = FALSE)$p.value
    sprintf('{"variable": "%s", "n1": %d, "n0": %d, "difference": %s, "smd": %s, "p_value": %s}',
            name, length(x1), length(x0), num(p1 - p0), num(smd), num(p))
  } else {
    levels <- unique(c(x1, x0))
    tab <- rbind(table(factor(x1, levels = levels)), table(factor(x0, levels = levels)))
    tab <- tab[, colSums(tab) > 0, drop = FALSE]
    p <- suppressWarnings(chisq.test(tab, correct = FALSE)$p.value)
    sprintf('{"variable": "%s", "n1": %d, "n0": %d, "smd": %s, "p_value": %s}',
            name, length(x1), length(x0), num(smd_cat(x1, x0, levels)), num(p))
  }
}

yes <- function(x) ifelse(is.na(x), NA, as.numeric(tolower(x) %in% c("si", "sí", "yes", "1")))

# 1. Communities: baseline rows (wave "inicial"), arm "participante" vs "comparacion".
d <- read.csv("testdata/designs/comunidades.csv", na.strings = c("", "NA", "ND", "."),
              stringsAsFactors = FALSE, encoding = "UTF-8")
b <- d[d$evaluacion == "inicial", ]
a1 <- b$grupo == "participante"
rows1 <- c(
  row("sexo", "categorical", b$sexo[a1], b$sexo[!a1]),
  row("lengua_materna", "categorical", b$lengua_materna[a1], b$lengua_materna[!a1]),
  row("edad_anios", "continuous", b$edad_anios[a1], b$edad_anios[!a1]),
  row("vocabulario", "continuous", b$vocabulario[a1], b$vocabulario[!a1]),
  row("reconoce_letras", "binary", yes(b$reconoce_letras[a1]), yes(b$reconoce_letras[!a1])))

# 2. Hidalgo example: baseline rows (wave "before"), "program" vs "control".
h <- read.csv("examples/hidalgo/cohort.csv", na.strings = c("", "NA"),
              stringsAsFactors = FALSE, encoding = "UTF-8")
hb <- h[h$wave == "before", ]
h1 <- hb$group == "program"
rows2 <- c(
  row("sexo", "categorical", hb$sexo[h1], hb$sexo[!h1]),
  row("edad_meses", "continuous", hb$edad_meses[h1], hb$edad_meses[!h1]),
  row("age_band", "categorical", hb$age_band[h1], hb$age_band[!h1]),
  row("cognitive_score", "continuous", hb$cognitive_score[h1], hb$cognitive_score[!h1]),
  row("normal_weight", "binary", hb$normal_weight[h1], hb$normal_weight[!h1]),
  row("development_level", "categorical", hb$development_level[h1], hb$development_level[!h1]))

cat(sprintf('{"_about": "testdata/reference/table1_reference.R, %s",\n "comunidades": [\n  %s\n ],\n "hidalgo": [\n  %s\n ]\n}\n',
            R.version.string, paste(rows1, collapse = ",\n  "), paste(rows2, collapse = ",\n  ")))
