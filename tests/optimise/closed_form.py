#!/usr/bin/env python3
"""Closed forms and an exact numerical reference for tests/optimise/closed_form_{cost,risk}.toml.

The two experiments reduce, under crisp's rules (docs/validation.md "Optimisation: two closed
forms"), to a piecewise-deterministic Markov process in (N, L): N the number of mine outages in
progress (an M/M/infinity queue: arrivals lam per day, each ending at rate 1/m), L the stockpile
level in days of demand. N > 0: L falls at 1 a day, and demand is unmet while L = 0. N = 0: L
rises at r a day (refill.rate_days) up to S. Cost: holding h/365 * p * L per day, plus VOLL per
tonne unmet (demand 1 t a day, discount rate 0).

`python3 closed_form.py` prints the guide formulas, the first-order closed forms, and the
optimum / 5 % crossing of the exact process with --exact (a grid in L of step dx = dt, time
step dt; the result is extrapolated to dt -> 0 from dt = 0.1 and 0.05 days; about 6 minutes on
one core). numpy and scipy only.
"""
import math
import sys

import numpy as np
from scipy.linalg import expm
from scipy.optimize import brentq

# ---- parameters of the two experiment files (keep in step with the .toml files) -------------
LAM_YR = 0.5          # outages a year
M = 30.0              # mean outage duration, days
H = 0.2               # holding cost per year, of the value held
P = 1000.0            # price, EUR/t
VOLL = 20000.0        # value of lost load, EUR/t
T = 3650.0            # horizon, days (10 years)
R = 20.0              # refill.rate_days (days of demand a day)
A_AFTER = 0.0         # refill.after_days
ALPHA = 0.05          # case 2: P(any shortage over the horizon) bound
NMAX = 8              # outages in progress tracked (P(N > 8) ~ rho^9 / 9! ~ 1e-18)

lam = LAM_YR / 365.0
hd = H / 365.0
rho = lam * M


# ---- the M/M/infinity busy period (the mine is down while any outage is in progress) ----------
def generator():
    q = np.zeros((NMAX + 1, NMAX + 1))
    for n in range(NMAX + 1):
        if n < NMAX:
            q[n, n + 1] = lam
        if n > 0:
            q[n, n - 1] = n / M
        q[n, n] = -q[n].sum()
    return q


def busy_tail(x):
    """P(B > x): the chain started at N = 1 has not reached 0 by x (0 absorbing)."""
    q = generator()[1:, 1:]          # states 1..NMAX, leaving to 0 is absorption
    p0 = np.zeros(NMAX)
    p0[0] = 1
    return float((p0 @ expm(q * x)).sum())


def busy_tail_integral(x):
    """E[(B - x)^+] = integral of P(B > y), y > x."""
    q = generator()[1:, 1:]
    p0 = np.zeros(NMAX)
    p0[0] = 1
    # integral_x^inf p0 exp(Qy) 1 dy = -p0 exp(Qx) Q^-1 1
    return float(-(p0 @ expm(q * x)) @ np.linalg.solve(q, np.ones(NMAX)))


def busy_starts(u):
    """Expected busy-period starts in [0, u]: rate lam P(N(t) = 0), N(t) ~ Poisson(rho (1 - e^-t/m))."""
    ts = np.linspace(0, u, 20001)
    f = lam * np.exp(-rho * (1 - np.exp(-ts / M)))
    return float(np.trapz(f, ts))


# ---- closed forms ------------------------------------------------------------------------------
def guide_cost():
    return M * math.log(VOLL * LAM_YR / (H * P))


def guide_risk():
    return M * math.log(LAM_YR * (T / 365) / -math.log(1 - ALPHA))


def refill_factor(s):
    """First order in lam: outages that meet a stock not yet full again. After a down period that
    drew the stock down by x = min(B, s), an outage arriving during the wait after_days (chance
    lam a_r) meets a stock short by x, and one arriving during the refill (chance lam x / r) one
    short by a uniform share of x; either outlasts it e^(shortfall / m) times more often. Averaged
    over B ~ exponential(m): E[e^(x/m)] - 1 = s / m, and (m / x)(e^(x/m) - 1) - 1 gives
    (s - m (1 - e^(-s/m))) / r."""
    return 1 + lam * (A_AFTER * s / M + (s - M * (1 - math.exp(-s / M))) / R)


def closed_cost_exponential(s):
    """Optimality condition with single exponential outages (no overlap), horizon and holding
    corrections: h' p T = lam (T - S) e^{-S/m} [VOLL + h' p (m + a + S/r)]."""
    return hd * P * T - lam * (T - s) * math.exp(-s / M) * (VOLL + hd * P * (M + A_AFTER + s / R))


def closed_cost_busy(s):
    """The same with the busy periods of overlapping outages (exact tail) and refills."""
    g = busy_tail(s) * refill_factor(s)
    return hd * P * T - busy_starts(T - s) * (VOLL * g + hd * P * (g * (s / R + A_AFTER) + busy_tail_integral(s)))


def closed_risk_exponential(s):
    return lam * (T - s) * math.exp(-s / M) + math.log(1 - ALPHA)


def closed_risk_busy(s):
    return busy_starts(T - s) * busy_tail(s) * refill_factor(s) + math.log(1 - ALPHA)


# ---- the exact process, discretised -------------------------------------------------------------
def simulate(s, dt, kill):
    """Expected holding cost, expected loss, and P(any shortage) over [0, T] for size s days.

    Mass f[n, k]: N = n, L = k * dt (k = 0..K). Each step: half a step of outage transitions
    (exact, expm), transport (N > 0: down one cell; N = 0: up r cells, capped at K), half a step
    of transitions; costs by the trapezoid rule. kill: remove mass whose stock runs out while the
    mine is down (for P(any shortage)); otherwise it stays at L = 0 and accrues unmet demand."""
    K = int(round(s / dt))
    assert abs(K * dt - s) < 1e-9, "s must be a multiple of dt"
    rc = int(round(R))
    assert abs(R - rc) < 1e-12
    half = expm(generator().T * dt / 2)   # columns: from-state
    f = np.zeros((NMAX + 1, K + 1))
    f[0, K] = 1.0
    levels = np.arange(K + 1) * dt
    steps = int(round(T / dt))
    hold = loss = killed = 0.0

    def rates(f):
        return hd * P * float(f.sum(axis=0) @ levels), VOLL * float(f[1:, 0].sum())

    h0, l0 = rates(f)
    for _ in range(steps):
        f = half @ f
        g = np.zeros_like(f)
        g[1:, :-1] = f[1:, 1:]          # down one cell
        g[1:, 0] += f[1:, 0]            # stays empty
        if kill:
            killed += g[1:, 0].sum() - f[1:, 0].sum()
            g[1:, 0] = 0.0
        up = f[0]
        g[0, rc:] += up[:K + 1 - rc]
        g[0, K] += up[K + 1 - rc:].sum()
        f = half @ g
        h1, l1 = rates(f)
        hold += dt * (h0 + h1) / 2
        loss += dt * (l0 + l1) / 2
        h0, l0 = h1, l1
    return hold, loss, killed


def exact_curve(sizes, dt, kill=False):
    return [simulate(s, dt, kill) for s in sizes]


def terms():
    """Each correction to the guide alone, then all together (the tables of docs/validation.md)."""
    def cost_root(horizon, holding, busy, refill):
        def f(s):
            g = busy_tail(s) if busy else math.exp(-s / M)
            tail = busy_tail_integral(s) if busy else M * math.exp(-s / M)
            if refill:
                g *= refill_factor(s)
            u = T - s if horizon else T
            n = (busy_starts(u) if horizon else lam * math.exp(-rho) * T) if busy else lam * u
            hc = hd * P * (g * (s / R + A_AFTER) + tail) if holding else 0.0
            return hd * P * T - n * (VOLL * g + hc)
        return brentq(f, 10, 400)

    def risk_root(horizon, busy, refill):
        def f(s):
            g = busy_tail(s) if busy else math.exp(-s / M)
            if refill:
                g *= refill_factor(s)
            u = T - s if horizon else T
            n = (busy_starts(u) if horizon else lam * math.exp(-rho) * T) if busy else lam * u
            return n * g + math.log(1 - ALPHA)
        return brentq(f, 10, 600)

    g1, g2 = cost_root(0, 0, 0, 0), risk_root(0, 0, 0)
    print(f"case 1 terms: guide {g1:.4g}; " + ", ".join(
        f"{name} {cost_root(*a) - g1:+.3f}" for name, a in
        [("horizon", (1, 0, 0, 0)), ("holding", (0, 1, 0, 0)), ("overlap", (0, 0, 1, 0)),
         ("refill", (0, 0, 0, 1))]) + f"; all {cost_root(1, 1, 1, 1):.4g}")
    print(f"case 2 terms: guide {g2:.4g}; " + ", ".join(
        f"{name} {risk_root(*a) - g2:+.3f}" for name, a in
        [("horizon", (1, 0, 0)), ("overlap", (0, 1, 0)), ("refill", (0, 0, 1))])
        + f"; all {risk_root(1, 1, 1):.4g}")
    s1, s2 = cost_root(1, 1, 1, 1), risk_root(1, 1, 1)
    print(f"G(S*)/exp(-S*/m) = {busy_tail(s1) / math.exp(-s1 / M):.4g}, G(S_a)/exp(-S_a/m) = "
          f"{busy_tail(s2) / math.exp(-s2 / M):.4g}; refill factors {refill_factor(s1):.4g}, "
          f"{refill_factor(s2):.4g}; kappa (down periods longer than S*, per replication) = "
          f"{busy_starts(T - s1) * busy_tail(s1) * refill_factor(s1):.4g}")


def main():
    print(f"lam = {LAM_YR}/yr, m = {M} d, h = {H}/yr, p = {P}, VOLL = {VOLL}, T = {T} d, r = {R}, a = {ALPHA}")
    print(f"rho = lam m = {rho:.4g}; P(B > 120) busy {busy_tail(120):.4g} vs single e^-x/m {math.exp(-120 / M):.4g}")
    print(f"busy starts in [0, T]: {busy_starts(T):.4g} (lam T = {lam * T:.4g})")
    print()
    print(f"case 1 guide  S* = m ln(VOLL lam / (h p))            = {guide_cost():.4g}")
    print(f"case 1 closed (exponential, horizon, holding)         = {brentq(closed_cost_exponential, 10, 400):.4g}")
    print(f"case 1 closed (busy periods, refill, horizon, holding) = {brentq(closed_cost_busy, 10, 400):.4g}")
    print(f"case 2 guide  S_a = m ln(lam T / -ln(1 - a))         = {guide_risk():.4g}")
    print(f"case 2 closed (exponential, horizon)                  = {brentq(closed_risk_exponential, 10, 600):.4g}")
    print(f"case 2 closed (busy periods, refill, horizon)         = {brentq(closed_risk_busy, 10, 600):.4g}")
    terms()
    if "--exact" not in sys.argv:
        return
    print()
    # dt = 0.1 and 0.05 days; the errors are O(dt), so the dt -> 0 value is 2 x (0.05) - (0.1).
    cost_sizes = [round(117 + 0.5 * i, 1) for i in range(9)]
    risk_sizes = [round(138 + 0.5 * i, 1) for i in range(7)]
    found = {}
    for dt in (0.1, 0.05):
        rows = exact_curve(cost_sizes, dt)
        tot = np.array([h + l for h, l, _ in rows])
        c = np.polyfit(cost_sizes, tot, 2)
        ps = np.array([k for _, _, k in exact_curve(risk_sizes, dt, kill=True)])
        j = int(np.argmax(ps <= ALPHA))
        x0, x1 = risk_sizes[j - 1], risk_sizes[j]
        xa = x0 + (math.log(ALPHA) - math.log(ps[j - 1])) * (x1 - x0) / (math.log(ps[j]) - math.log(ps[j - 1]))
        found[dt] = (-c[1] / (2 * c[0]), xa, tot, ps, rows)
        print(f"dt={dt}: exact argmin of E[total_cost] {found[dt][0]:.2f}; P(any shortage) = {ALPHA} at {xa:.2f}")
        print("  E[holding], E[loss], E[total] by size: " + "; ".join(
            f"{s}: {h:.0f} + {l:.0f} = {h + l:.0f}" for s, (h, l, _) in zip(cost_sizes, rows)))
        print("  P(any shortage) by size: " + ", ".join(f"{s}: {p:.5f}" for s, p in zip(risk_sizes, ps)))
    a, b = found[0.1], found[0.05]
    print(f"dt -> 0: S* = {2 * b[0] - a[0]:.2f}, S_a = {2 * b[1] - a[1]:.2f}")
    print("dt -> 0, E[holding], E[loss], E[total] by size: " + "; ".join(
        f"{s}: {2 * hb - ha:.0f} + {2 * lb - la:.0f} = {2 * (hb + lb) - ha - la:.0f}"
        for s, (ha, la, _), (hb, lb, _) in zip(cost_sizes, a[4], b[4])))
    print("dt -> 0, P(any shortage) by size: " + ", ".join(
        f"{s}: {2 * pb - pa:.5f}" for s, pa, pb in zip(risk_sizes, a[3], b[3])))

if __name__ == "__main__":
    main()
