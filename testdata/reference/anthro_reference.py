#!/usr/bin/env python3
"""Second implementation of WHO's growth z-scores (stdlib only), written from
WHO's documented algorithm (data/who/, docs/anthropometry.md, the rules of WHO's
R packages `anthro` 1.1.0 for under-fives and `anthroplus` 1.0.0 for 5-19 years).

Run from the crate root:  python3 testdata/reference/anthro_reference.py
It generates >= 2,000 children covering the boundaries (9 months standing,
730/731 days, 87 cm without age, 45/110/65/120 cm, 60 months, 120 and 228
months, oedema, flags, ties at a rounding half) and writes their inputs and
z-scores to testdata/reference/anthro_reference.json, which the Rust test
tests/anthro_reference.rs reads.  Inputs are decimal strings so that both
languages parse the same doubles.

Importable: `zscores(sex, age_kind, age, weight, height, position, oedema)`.
"""
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
WHO = os.path.join(HERE, "..", "..", "data", "who")
DAYS_PER_MONTH = 30.4375


def read_table(name, key_is_tenth=False):
    """{(sex, key): (l, m, s)}; key: whole days/months, or tenths of a cm."""
    out = {}
    with open(os.path.join(WHO, name), newline="") as f:
        next(f)
        for line in f:
            parts = line.split()
            if not parts:
                continue
            sex = int(parts[0])
            x = float(parts[1])
            key = int(round(x * 10)) if key_is_tenth else int(x)
            out[(sex, key)] = (float(parts[2]), float(parts[3]), float(parts[4]))
    return out


WEI = read_table("weianthro.txt")
LEN = read_table("lenanthro.txt")
BMI = read_table("bmianthro.txt")
WFL = read_table("wflanthro.txt", True)
WFH = read_table("wfhanthro.txt", True)
HFA7 = read_table("hfawho2007.txt")
WFA7 = read_table("wfawho2007.txt")
BFA7 = read_table("bfawho2007.txt")


def r_pow(x, y):
    """R's `^`: y == 2 is x*x, else C pow."""
    if x == 1.0 or y == 0.0:
        return 1.0
    if y == 2.0:
        return x * x
    return math.pow(x, y)


def r_round2(x):
    """R (>= 4.0.0) round(x, 2): the nearer of floor/ceil(x*100)/100 compared
    in doubles; an exact tie goes to the even hundredth."""
    if x is None or x == 0.0 or not math.isfinite(x):
        return x
    sgn = 1.0
    if x < 0.0:
        sgn, x = -1.0, -x
    x10 = 100.0 * x
    i10 = math.floor(x10)
    xd = i10 / 100.0
    xu = math.ceil(x10) / 100.0
    du = xu - x
    dd = x - xd
    return sgn * (xu if (du < dd or (du == dd and math.fmod(i10, 2.0) == 1.0)) else xd)


def round_up(x):
    """anthro's round_up: floor(x) + (frac >= 0.5), x >= 0."""
    f = math.floor(x)
    return f + 1 if x - f >= 0.5 else f


def z_plain(y, l, m, s):
    return (r_pow(y / m, l) - 1.0) / (s * l)


def z_restricted(y, l, m, s):
    z = z_plain(y, l, m, s)

    def sd(k):
        return m * r_pow(1.0 + l * s * k, 1.0 / l)

    if z > 3.0:
        sd3 = sd(3.0)
        z = 3.0 + (y - sd3) / (sd3 - sd(2.0))
    elif z < -3.0:
        sd3n = sd(-3.0)
        z = -3.0 + (y - sd3n) / (sd(-2.0) - sd3n)
    return z


FLAG = {
    "waz": lambda z: z < -6.0 or z > 5.0,
    "haz": lambda z: abs(z) > 6.0,
    "whz": lambda z: abs(z) > 5.0,
    "baz": lambda z: abs(z) > 5.0,
}


def outcome(name, raw):
    """None (not computable), or (rounded z, flagged, raw z)."""
    if raw is None or not math.isfinite(raw):
        return None
    z = r_round2(raw)
    return (z, FLAG[name](z), raw)


def interpolate(table, sex, low, upp, diff):
    """Row `low`, or when diff > 0 the rows low and upp as a + diff * (b - a)."""
    lo = table.get((sex, low))
    if lo is None or not diff > 0.0:
        return lo
    up = table.get((sex, upp))
    if up is None:
        return None
    return tuple(a + diff * (b - a) for a, b in zip(lo, up))


def wfl_lms(table, sex, x):
    """LMS on the 0.1 cm grid, interpolated as anthro does."""
    k = math.trunc(x * 10.0)
    diff = (x - k / 10.0) / 0.1
    return interpolate(table, sex, k, math.trunc(x * 10.0 + 1.0), diff)


def month_lms(table, sex, months):
    """LMS between whole months, interpolated as anthroplus does."""
    low = math.trunc(months)
    return interpolate(table, sex, low, math.trunc(months + 1.0), months - low)


def zscores(sex, age_kind, age, weight, height, position, oedema):
    """sex 1/2; age_kind 'days'/'months'/None; position 'l'/'h'/None;
    oedema bool.  Returns (dict name -> outcome, reference, position_ignored)."""
    res = {"waz": None, "haz": None, "whz": None, "baz": None}
    if weight is not None and not weight > 0.0:
        weight = None
    if height is not None and not height > 0.0:
        height = None
    days = months = None
    if age_kind == "days" and age is not None and age >= 0.0:
        days, months = round_up(age), age / DAYS_PER_MONTH
    elif age_kind == "months" and age is not None and age >= 0.0:
        days, months = round_up(age * DAYS_PER_MONTH), age
    if months is not None and months >= 60.0:
        if months > 228.0:
            return res, "out_of_range", False
        # anthroplus: continuous months, no position correction
        if height is not None:
            lms = month_lms(HFA7, sex, months)
            res["haz"] = outcome("haz", z_plain(height, *lms))
        if weight is not None and not oedema:
            if months <= 120.0:
                lms = month_lms(WFA7, sex, months)
                res["waz"] = outcome("waz", z_restricted(weight, *lms))
            if height is not None:
                h = height / 100.0
                bmi = weight / r_pow(h, 2.0)
                lms = month_lms(BFA7, sex, months)
                res["baz"] = outcome("baz", z_restricted(bmi, *lms))
        return res, "anthroplus", False
    # anthro (under 60 months), or age unknown (weight-for-length/height only)
    ignored = position == "h" and months is not None and months < 9.0
    pos = None if ignored else position
    clen = height
    if clen is not None and days is not None:
        if days < 731 and pos == "h":
            clen = clen + 0.7
        elif days >= 731 and pos == "l":
            clen = clen - 0.7
    if clen is not None and not clen > 0.0:
        clen = None
    if days is not None:
        if clen is not None:
            res["haz"] = outcome("haz", z_plain(clen, *LEN[(sex, days)]))
        if weight is not None and not oedema:
            res["waz"] = outcome("waz", z_restricted(weight, *WEI[(sex, days)]))
            if clen is not None:
                bmi = weight / r_pow(clen / 100.0, 2.0)
                res["baz"] = outcome("baz", z_restricted(bmi, *BMI[(sex, days)]))
    if clen is not None and weight is not None and not oedema:
        if days is not None:
            use_length = days < 731
        elif pos is not None:
            use_length = pos == "l"
        else:
            use_length = clen < 87.0
        if use_length:
            table, lo, hi = WFL, 45.0, 110.0
        else:
            table, lo, hi = WFH, 65.0, 120.0
        if lo <= clen <= hi:
            lms = wfl_lms(table, sex, clen)
            if lms is not None:
                res["whz"] = outcome("whz", z_restricted(weight, *lms))
    return res, ("anthro" if days is not None else "no_age"), ignored


# ---------------------------------------------------------------- generation


def fmt(x, nd):
    s = f"{x:.{nd}f}"
    s = s.rstrip("0").rstrip(".") if "." in s else s
    return "0" if s in ("-0", "") else s


def typical(sex, days):
    """Median weight and length at an age in days (for plausible children)."""
    d = min(max(int(days), 0), 1826)
    return WEI[(sex, d)][1], LEN[(sex, d)][1]


def gen_cases(rng):
    cases = []

    def add(sex, age_kind, age, weight, height, position, oedema, tag):
        cases.append(
            {
                "tag": tag,
                "sex": sex,
                "age_kind": age_kind,
                "age": age,
                "weight": weight,
                "height": height,
                "position": position,
                "oedema": oedema,
            }
        )

    positions = ["l", "h", None]
    # 1. random under-fives, ages in whole and fractional days, and in months
    for i in range(900):
        sex = rng.choice([1, 2])
        days = rng.uniform(0, 1826.2)
        kind = rng.choice(["days", "days_frac", "months"])
        if kind == "days":
            age_s, ak = str(int(days)), "days"
        elif kind == "days_frac":
            age_s, ak = fmt(days, 2), "days"
        else:
            age_s, ak = fmt(days / DAYS_PER_MONTH, 2), "months"
        w, h = typical(sex, days)
        spread = rng.choice([0.8, 1.5, 3.0])
        w *= math.exp(rng.gauss(0, 0.12 * spread))
        h *= 1 + rng.gauss(0, 0.037 * spread)
        add(sex, ak, age_s, fmt(w, rng.choice([1, 2, 3])), fmt(h, rng.choice([1, 2])),
            rng.choice(positions), rng.random() < 0.05, "random_under5")
    # 2. random 5-19 years, ages in months (2 decimals) and days
    for i in range(450):
        sex = rng.choice([1, 2])
        months = rng.uniform(60, 228)
        if rng.random() < 0.5:
            ak, age_s = "months", fmt(months, 2)
        else:
            ak, age_s = "days", str(int(months * DAYS_PER_MONTH))
        lms_h = month_lms(HFA7, sex, months)
        lms_b = month_lms(BFA7, sex, months)
        spread = rng.choice([0.8, 1.5, 3.0])
        h = lms_h[1] * (1 + rng.gauss(0, 0.045 * spread))
        bmi = lms_b[1] * math.exp(rng.gauss(0, 0.13 * spread))
        w = bmi * (h / 100) ** 2
        add(sex, ak, age_s, fmt(w, 1), fmt(h, 1), rng.choice(positions),
            rng.random() < 0.05, "random_5to19")
    # 3. 9 months standing: months 8.99/9/9.01, days around 273.9375
    for sex in (1, 2):
        for ak, a in [("months", "8.99"), ("months", "9"), ("months", "9.01"),
                      ("days", "273"), ("days", "273.93"), ("days", "273.94"),
                      ("days", "274"), ("days", "273.5")]:
            for pos in positions:
                add(sex, ak, a, "8.2", "70.3", pos, False, "9_months")
    # 4. 730/731 days, and ages that round to them
    for sex in (1, 2):
        for a in ["729.5", "730", "730.49", "730.5", "731", "731.4", "732"]:
            for pos in positions:
                for h in ["86.9", "87", "87.05"]:
                    add(sex, "days", a, "11.5", h, pos, False, "730_731")
        for a in ["23.98", "24", "24.01"]:
            for pos in positions:
                add(sex, "months", a, "11.5", "86.95", pos, False, "730_731")
    # 5. no age: 87 cm by position, and the table edges
    for sex in (1, 2):
        for h in ["86.89", "86.9", "86.95", "86.99", "87", "87.01", "87.1",
                  "44.9", "44.99", "45", "45.01", "45.05", "64.99", "65", "65.01",
                  "109.95", "109.99", "110", "110.01", "110.1",
                  "119.95", "119.99", "120", "120.01", "120.1"]:
            x = float(h)
            w = fmt(max(0.8, 0.0000106 * x ** 3.05), 2)
            for pos in positions:
                add(sex, None, None, w, h, pos, False, "no_age_edges")
    # 6. table edges with an age (length table below 731 days, height above)
    for sex in (1, 2):
        for a in ["100", "700", "730", "731", "800", "1800"]:
            for h in ["44.3", "44.99", "45", "45.01", "64.3", "64.99", "65", "65.01",
                      "109.3", "109.99", "110", "110.01", "110.7",
                      "119.3", "119.99", "120", "120.01", "120.7"]:
                x = float(h)
                w = fmt(max(0.8, 0.0000106 * x ** 3.05), 2)
                for pos in positions:
                    add(sex, "days", a, w, h, pos, False, "height_edges")
    # 7. 60 months boundary
    for sex in (1, 2):
        for ak, a in [("months", "59.99"), ("months", "59.999"), ("months", "60"),
                      ("months", "60.01"), ("months", "60.5"), ("days", "1825"),
                      ("days", "1826"), ("days", "1826.2"), ("days", "1826.25"),
                      ("days", "1826.3"), ("days", "1827"), ("days", "1856"),
                      ("days", "1857")]:
            for pos in positions:
                add(sex, ak, a, "18.3", "110.2", pos, False, "60_months")
                add(sex, ak, a, "18.3", "110.2", pos, True, "60_months")
    # 8. 120 and 228 months
    for sex in (1, 2):
        for ak, a in [("months", "119.99"), ("months", "120"), ("months", "120.01"),
                      ("months", "120.5"), ("days", "3652"), ("days", "3652.5"),
                      ("days", "3653"), ("months", "227.5"), ("months", "227.99"),
                      ("months", "228"), ("months", "228.01"), ("months", "229"),
                      ("days", "6939"), ("days", "6940")]:
            months = float(a) / (DAYS_PER_MONTH if ak == "days" else 1.0)
            lms = month_lms(HFA7, sex, min(months, 228.0))
            h = fmt(lms[1], 1)
            add(sex, ak, a, fmt(0.0000106 * float(h) ** 3.05, 1), h, None, False,
                "120_228_months")
    # 9. oedema everywhere
    for i in range(80):
        sex = rng.choice([1, 2])
        days = rng.uniform(0, 3000)
        w, h = typical(sex, days)
        add(sex, "days", str(int(days)), fmt(w, 1), fmt(h, 1), rng.choice(positions),
            True, "oedema")
    # 10. flags: extreme weights and heights around the limits
    for i in range(200):
        sex = rng.choice([1, 2])
        days = rng.uniform(0, 1826)
        w, h = typical(sex, days)
        fw = math.exp(rng.uniform(-1.2, 1.0))
        fh = 1 + rng.uniform(-0.35, 0.3)
        ak, a = ("days", str(int(days))) if i % 3 else (None, None)
        add(sex, ak, a, fmt(w * fw, 2), fmt(h * fh, 1), rng.choice(positions), False,
            "flags")
    for i in range(80):
        sex = rng.choice([1, 2])
        months = rng.uniform(60, 228)
        lms_h = month_lms(HFA7, sex, months)
        h = lms_h[1] * (1 + rng.uniform(-0.4, 0.35))
        w = 0.0000106 * h ** 3.05 * math.exp(rng.uniform(-1.0, 1.2))
        add(sex, "months", fmt(months, 2), fmt(w, 1), fmt(h, 1), None, False, "flags")
    # 11. missing and non-positive measures
    for sex in (1, 2):
        for w, h in [(None, "80"), ("10", None), ("0", "80"), ("10", "0"),
                     ("-1", "80"), (None, None)]:
            for ak, a in [("days", "600"), (None, None), ("months", "100")]:
                add(sex, ak, a, w, h, "l", False, "missing")
        add(sex, "days", "-1", "10", "80", "l", False, "missing")
        add(sex, "months", "-0.5", "10", "80", None, False, "missing")
    # 12. ties at a rounding half: inputs whose z*100 lands (nearly) on .5
    ties = find_ties(rng)
    for t in ties:
        add(*t)
    return cases


def is_tie(raw):
    """True when R's round(raw, 2) is decided by its tie rule (du == dd)."""
    x = abs(raw)
    x10 = 100.0 * x
    xd = math.floor(x10) / 100.0
    xu = math.ceil(x10) / 100.0
    return xd != xu and xu - x == x - xd


def find_ties(rng):
    """Children whose unrounded z sits on a rounding half: the measure is solved
    from the LMS inverse for z = +-(n + 0.5)/100, then moved ulp by ulp until
    R's rounding hits an exact tie in doubles (else the nearest found)."""
    found = []
    for i in range(240):
        name = ("haz", "waz", "whz", "baz")[i % 4]
        sex = 1 + (i // 4) % 2
        under5 = i % 3 != 2 or name == "whz"
        if under5:
            ak = "days"
            days = rng.randrange(0, 1827)
            a = str(days)
            wm, hm = typical(sex, days)
        else:
            ak = "months"
            months = round(rng.uniform(60, 120 if name == "waz" else 228), 2)
            a = fmt(months, 2)
            hm = month_lms(HFA7, sex, months)[1]
            wm = 0.0000106 * hm ** 3.05
        pos = "l" if (ak == "days" and days < 731) else "h"
        h = fmt(hm * (1 + rng.gauss(0, 0.03)), 1)
        w = fmt(wm * math.exp(rng.gauss(0, 0.1)), 2)
        target = rng.choice([-1, 1]) * (rng.randrange(0, 299) + 0.5) / 100.0

        def run(wv, hv):
            res, _, _ = zscores(sex, ak, float(a), wv, hv, pos, False)
            return res[name]

        base = run(float(w), float(h))
        if base is None:
            continue
        # solve the measure for the target z by bisection on the raw z
        if name == "haz":
            lo, hi, var = 0.5 * float(h), 1.5 * float(h), "h"
        else:
            lo, hi, var = 0.3 * float(w), 3.0 * float(w), "w"

        def raw_at(v):
            o = run(v, float(h)) if var == "w" else run(float(w), v)
            return None if o is None else o[2]

        ok = True
        for _ in range(200):
            mid = (lo + hi) / 2.0
            r = raw_at(mid)
            if r is None:
                ok = False
                break
            if r < target:
                lo = mid
            else:
                hi = mid
        if not ok:
            continue
        v = (lo + hi) / 2.0
        best = v
        tie = False
        for _ in range(4000):
            r = raw_at(v)
            if r is not None and is_tie(r):
                best, tie = v, True
                break
            v = math.nextafter(v, math.inf)
        if not tie:
            best = (lo + hi) / 2.0
        wv, hv = (repr(best), h) if var == "w" else (w, repr(best))
        found.append((sex, ak, a, wv, hv, pos, False, ("tie_" if tie else "near_tie_") + name))
    return found


def to_float(s):
    return None if s is None else float(s)


def main():
    rng = random.Random(20261206)
    cases = gen_cases(rng)
    out = []
    for c in cases:
        res, ref, ignored = zscores(
            c["sex"], c["age_kind"], to_float(c["age"]), to_float(c["weight"]),
            to_float(c["height"]), c["position"], c["oedema"],
        )
        row = dict(c)
        row["reference"] = ref
        row["position_ignored"] = ignored
        for name in ("waz", "haz", "whz", "baz"):
            o = res[name]
            if o is None:
                row[name] = None
            else:
                row[name] = {"z": repr(o[0]), "flagged": o[1], "raw": repr(o[2])}
        out.append(row)
    path = os.path.join(HERE, "anthro_reference.json")
    with open(path, "w") as f:
        json.dump({"generator": "testdata/reference/anthro_reference.py",
                   "seed": 20261206, "cases": out}, f, indent=None, separators=(",", ":"))
        f.write("\n")
    tags = {}
    for c in out:
        tags[c["tag"]] = tags.get(c["tag"], 0) + 1
    print(len(out), "children:", tags)


if __name__ == "__main__":
    main()
