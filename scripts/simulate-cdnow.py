#!/usr/bin/env python3
"""Writes a CDNOW-like transaction file of simulated customers, for the backtest benchmark (docs/benchmarks.md).

    python3 scripts/simulate-cdnow.py CUSTOMERS OUT [SEED]

Every customer is drawn from the published CDNOW fits: a purchase rate ~ Gamma(r = 0.243, alpha = 4.414 weeks) and a
chance of dropping out after each repeat purchase ~ Beta(a = 0.793, b = 2.426) (BG/NBD, Fader, Hardie & Lee 2005), a
spend level from Gamma-Gamma (p = 6.25, q = 3.74, gamma = 15.44). First purchases fall in the first 12 weeks of 1997,
as the CDNOW cohort's do; purchases run to 1998-06-30, in whole days (two purchases on one day are two rows, as in
CDNOW). The layout is CDNOW_master.txt's: a header line, then whitespace-aligned `customer_id date(yyyymmdd)
number_of_cds dollar_value`, CRLF line ends. The same customers and seed give the same file (1,000,000 customers and
the default seed: 2,769,250 rows, 74 MB, in about 10 s).
"""
import datetime
import random
import sys

R, ALPHA, A, B = 0.243, 4.414, 0.793, 2.426
P, Q, GAMMA = 6.25, 3.74, 15.44
START = datetime.date(1997, 1, 1)
DAYS = (datetime.date(1998, 6, 30) - START).days  # last day, counted from START
COHORT_DAYS = 12 * 7


def main():
    customers = int(sys.argv[1])
    out = sys.argv[2]
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1997)
    gamma, beta, expo, rand = rng.gammavariate, rng.betavariate, rng.expovariate, rng.random
    dates = [(START + datetime.timedelta(days=d)).strftime("%Y%m%d") for d in range(DAYS + 1)]
    width = len(str(customers))
    rows = 0
    with open(out, "w", newline="") as f:
        f.write(" customer_id  date number_of_cds  dollar_value\r\n")
        buffer = []
        for c in range(1, customers + 1):
            rate = gamma(R, 1.0 / ALPHA) / 7.0  # purchases per day
            dropout = beta(A, B)
            nu = gamma(Q, 1.0 / GAMMA)
            cid = str(c).zfill(width)
            time = rng.uniform(0.0, COHORT_DAYS)  # days since START, continuous
            repeat = False
            while True:
                cds = 1
                while rand() < 0.45 and cds < 30:
                    cds += 1
                spend = gamma(P, 1.0 / nu)
                buffer.append(f" {cid} {dates[int(time)]} {cds:2d} {spend:8.2f}\r\n")
                rows += 1
                # BG/NBD: a customer may drop out after each repeat purchase, never right after the first.
                if (repeat and rand() < dropout) or rate <= 0.0:
                    break
                repeat = True
                time += expo(rate)
                if time >= DAYS + 1:
                    break
            if len(buffer) >= 100_000:
                f.write("".join(buffer))
                buffer.clear()
        f.write("".join(buffer))
    print(f"{customers:,} customers, {rows:,} rows -> {out}")


if __name__ == "__main__":
    main()
