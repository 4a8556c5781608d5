"""Plain numpy conjugate-gradient implicit ALS (Hu, Koren & Volinsky; CG as in Takacs et al.), the reference the
recommender bench times core/recommend/als.ts against on the same matrix. Every row's CG runs at once as array
operations (no per-row Python loop). Usage: als_cg.py <dir> <rows> <cols> <factors> <iterations> <cg_steps>
<alpha> <regularization>; <dir> holds rowptr.i32, colidx.i32, values.f32. Prints JSON with the training seconds."""
import json
import sys
import time

import numpy as np


def sweep(x, y, row_ptr, col_idx, values, alpha, reg, steps):
    k = y.shape[1]
    g = y.T @ y + reg * np.eye(k, dtype=y.dtype)
    counts = np.diff(row_ptr)
    nonempty = counts > 0
    starts = row_ptr[:-1][nonempty]
    row_of = np.repeat(np.arange(x.shape[0]), counts)
    yc = y[col_idx]
    cm1 = (alpha * values)[:, None]

    def per_row(m):
        out = np.zeros((x.shape[0], k), dtype=y.dtype)
        out[nonempty] = np.add.reduceat(m, starts, axis=0)
        return out

    def apply(v):
        d = np.einsum("ek,ek->e", yc, v[row_of])[:, None]
        return v @ g + per_row(cm1 * d * yc)

    b = per_row((1 + cm1) * yc)
    r = b - apply(x)
    p = r.copy()
    rs = np.einsum("rk,rk->r", r, r)
    for _ in range(steps):
        ap = apply(p)
        pap = np.einsum("rk,rk->r", p, ap)
        a = np.where(pap > 0, rs / np.where(pap > 0, pap, 1), 0)[:, None]
        x += a * p
        r -= a * ap
        rs_new = np.einsum("rk,rk->r", r, r)
        beta = np.where(rs > 1e-12, rs_new / np.where(rs > 1e-12, rs, 1), 0)[:, None]
        p = r + beta * p
        rs = rs_new


def main():
    d, rows, cols, k, iterations, steps = sys.argv[1], *map(int, sys.argv[2:7])
    alpha, reg = float(sys.argv[7]), float(sys.argv[8])
    row_ptr = np.fromfile(f"{d}/rowptr.i32", dtype=np.int32)
    col_idx = np.fromfile(f"{d}/colidx.i32", dtype=np.int32)
    values = np.fromfile(f"{d}/values.f32", dtype=np.float32)
    # The item-major copy, built outside the timed loop as the JS side builds it inside: a fair share to numpy.
    order = np.argsort(col_idx, kind="stable")
    t_row_ptr = np.concatenate([[0], np.cumsum(np.bincount(col_idx, minlength=cols))]).astype(np.int32)
    t_col_idx = np.repeat(np.arange(rows, dtype=np.int32), np.diff(row_ptr))[order]
    t_values = values[order]
    rng = np.random.default_rng(1)
    scale = 0.1 / np.sqrt(k)
    users = ((rng.random((rows, k)) - 0.5) * 2 * scale).astype(np.float32)
    items = ((rng.random((cols, k)) - 0.5) * 2 * scale).astype(np.float32)
    start = time.perf_counter()
    for _ in range(iterations):
        sweep(users, items, row_ptr, col_idx, values, alpha, reg, steps)
        sweep(items, users, t_row_ptr, t_col_idx, t_values, alpha, reg, steps)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "numpy": np.__version__}))


main()
