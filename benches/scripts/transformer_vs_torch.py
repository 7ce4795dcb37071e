"""The transformer kernels against PyTorch's CPU ops, side by side, forward and backward.

Alternates rounds of `harness bench <kernel> --json` with the same ops through torch at the
same shapes, keeps each implementation's best round, and prints G elements/s (the harness's
element counts) and our dispatched ISA's ratio to torch. torch's backward is
`torch.autograd.grad` through a graph its forward built once (kept between calls); its
embedding gradient is `index_add_` into an existing table, as ours adds into one. RoPE in torch is the usual
`rotate_half` formula with its cos/sin computed in the call; SwiGLU is `F.silu(g) * u`.
Needs `torch` (any CPU build) and a release build of the harness; not part of the test suite.

    cargo build --release -p harness
    python3 benches/scripts/transformer_vs_torch.py [--rounds 3] [--threads 1]
"""

import argparse
import json
import os
import subprocess

import torch
import torch.nn.functional as F

from timing import best_time

# (kernel, --size for the harness, its table's title, the torch shape).
SHAPES = [
    ("norm", 1024, "1024x1024", (1024, 1024)),
    ("norm", 16384, "64x16384", (64, 16384)),
    ("softmax", 1024, "1024x1024", (1024, 1024)),
    ("softmax", 16384, "64x16384", (64, 16384)),
    ("activation", 1 << 20, "1048576 elements", (1 << 20,)),
    ("cross-entropy", 32000, "128x32000", (128, 32000)),
    ("embedding", 2048, "2048 tokens x 1024 from a 32000-row table", (2048, 1024, 32000)),
    ("rope", 2048, "2048 tokens x 8 heads x 128, theta 10000", (2048, 8, 128)),
]

# Per kernel: (op, our row without the ISA, torch's row).
OPS = {
    "norm": [("layer_norm", "layer_norm"), ("rms_norm", "rms_norm")],
    "softmax": [("softmax", "")],
    "activation": [("gelu erf", "gelu erf"), ("gelu tanh", "gelu tanh"), ("silu", "silu"),
                   ("swiglu", "swiglu")],
    "cross-entropy": [("cross_entropy", "cross_entropy")],
    "embedding": [("embedding", "embedding")],
    "rope": [("rope", "rope")],
}



def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def grad(fn, dy, *inputs):
    """A call of the backward pass of `fn` at `inputs` (those it uses) given `dy`: its
    forward runs once here, outside the timing, and its graph is kept for every call."""
    inputs = [t.clone().requires_grad_() for t in inputs]
    out = fn(*inputs)
    return lambda: torch.autograd.grad(out, inputs, dy, retain_graph=True, allow_unused=True)


def torch_ops(kernel, shape, gen):
    """[(op, elements, forward(), backward())]."""
    rand = lambda *s, lo=-1.0, hi=1.0: torch.rand(*s, generator=gen) * (hi - lo) + lo
    ops = []
    if kernel == "norm":
        rows, cols = shape
        x, dy = rand(rows, cols, lo=-2, hi=2), rand(rows, cols)
        w, b = rand(cols, lo=0.5, hi=1.5), rand(cols, lo=-0.5, hi=0.5)
        for name, fn in [("layer_norm", lambda x, w, b: F.layer_norm(x, (cols,), w, b, 1e-5)),
                         ("rms_norm", lambda x, w, b: F.rms_norm(x, (cols,), w, 1e-5))]:
            ops.append((name, rows * cols, lambda fn=fn: fn(x, w, b), grad(fn, dy, x, w, b)))
    elif kernel == "softmax":
        rows, cols = shape
        x, dy = rand(rows, cols, lo=-8, hi=8), rand(rows, cols)
        softmax = lambda x: torch.softmax(x, -1)
        ops.append(("softmax", rows * cols, lambda: softmax(x), grad(softmax, dy, x)))
    elif kernel == "activation":
        (n,) = shape
        x, up, dy = rand(n, lo=-6, hi=6), rand(n, lo=-3, hi=3), rand(n)
        for name, fn in [("gelu erf", lambda x, u: F.gelu(x)),
                         ("gelu tanh", lambda x, u: F.gelu(x, approximate="tanh")),
                         ("silu", lambda x, u: F.silu(x)),
                         ("swiglu", lambda x, u: F.silu(x) * u)]:
            ops.append((name, n, lambda fn=fn: fn(x, up), grad(fn, dy, x, up)))
    elif kernel == "cross-entropy":
        rows, classes = shape
        logits = rand(rows, classes, lo=-8, hi=8)
        targets = torch.tensor([(r * 7919) % classes for r in range(rows)])
        loss = lambda logits: F.cross_entropy(logits, targets)
        ops.append(("cross_entropy", rows * classes, lambda: loss(logits), grad(loss, None, logits)))
    elif kernel == "embedding":
        tokens, dim, vocab = shape
        table, ids = rand(vocab, dim), torch.randint(0, vocab, (tokens,), generator=gen)
        dout, dtable = rand(tokens, dim), torch.zeros(vocab, dim)
        ops.append(("embedding", tokens * dim, lambda: F.embedding(ids, table),
                    lambda: dtable.index_add_(0, ids, dout)))
    elif kernel == "rope":
        tokens, heads, head_dim = shape
        x, dy = rand(tokens, heads, head_dim), rand(tokens, heads, head_dim)
        positions = torch.arange(tokens, dtype=torch.float32)

        def rope(x):
            inv_freq = 10000.0 ** (-torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim)
            angles = torch.outer(positions, inv_freq)
            emb = torch.cat((angles, angles), dim=-1)
            cos, sin = emb.cos()[:, None, :], emb.sin()[:, None, :]
            return x * cos + rotate_half(x) * sin

        ops.append(("rope", tokens * heads * head_dim, lambda: rope(x), grad(rope, dy, x)))
    return ops


def torch_round(threads):
    """{(kernel, title): {"torch <op>": elem/s, "torch <op> backward": elem/s}}."""
    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(0)
    out = {}
    for kernel, _, title, shape in SHAPES:
        rows = out.setdefault((kernel, title), {})
        for name, elements, forward, backward in torch_ops(kernel, shape, gen):
            with torch.no_grad():
                t_fwd = best_time(forward)
            t_bwd = best_time(backward)
            rows[f"torch {name}"] = elements / t_fwd
            rows[f"torch {name} backward"] = elements / t_bwd
    return out


def harness_round(harness, threads, budget_ms):
    """The same mapping for every row `harness bench <kernel> --json` prints, and the ISA."""
    out, isa = {}, None
    for kernel, size, title, _ in SHAPES:
        text = subprocess.run(
            [harness, "bench", kernel, "--json", "--threads", str(threads), "--size", str(size),
             "--budget-ms", str(budget_ms)],
            check=True, capture_output=True, text=True,
        ).stdout
        report = json.loads(text)
        isa = report["peak_isa"]
        (table,) = report["tables"]
        if table["shape"] != title:
            raise SystemExit(f"harness bench {kernel} measured {table['shape']!r}, not {title!r}")
        rows = {r["implementation"]: r["rate"] for r in table["rows"] if r["rate"] is not None}
        out[(kernel, title)] = rows
    return out, isa


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--budget-ms", type=int, default=100)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--harness", default=os.path.join(root, "target", "release", "harness"))
    args = parser.parse_args()
    best, isa = {}, None
    for _ in range(args.rounds):
        ours, isa = harness_round(args.harness, args.threads, args.budget_ms)
        for results in (ours, torch_round(args.threads)):
            for key, rows in results.items():
                slot = best.setdefault(key, {})
                for name, rate in rows.items():
                    slot[name] = max(slot.get(name, 0.0), rate)
    print(f"torch {torch.__version__} ({torch.backends.cpu.get_cpu_capability()}), "
          f"{args.threads} thread(s), best of {args.rounds} alternating rounds, G elements/s; "
          f"ours: {isa}")
    print(f"  {'':<44} {'ours':>8} {'torch':>8} {'ours/torch':>10}")
    for kernel, _, title, _ in SHAPES:
        rows = best[(kernel, title)]
        print(f"  {kernel} {title}")
        for op, ours_name in OPS[kernel]:
            ours_name = f"{isa} {ours_name}".strip()
            for phase in ("", " backward"):
                mine, theirs = rows.get(ours_name + phase), rows.get(f"torch {op}{phase}")
                if mine and theirs:
                    label = f"{op}{phase}"
                    print(f"    {label:<42} {mine / 1e9:8.3f} {theirs / 1e9:8.3f} {mine / theirs:9.2f}x")


if __name__ == "__main__":
    main()
