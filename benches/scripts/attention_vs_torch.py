"""Fused attention against PyTorch's CPU scaled_dot_product_attention, side by side.

Alternates rounds of `harness bench attention --json` (every ISA of this crate) with the same
shapes through torch, keeps each implementation's best round, and prints GFLOP/s with the
harness's FLOP counts (4 B H q_len kv_len D forward, halved when causal; 2.5x that backward)
and our dispatched ISA's ratio to torch. Alternating keeps both under the same conditions on
a shared machine. Needs `torch` (any CPU build) and a release build of the harness; not part
of the test suite.

    cargo build --release -p harness
    python3 benches/scripts/attention_vs_torch.py [--rounds 3] [--threads 1]
"""

import argparse
import json
import os
import subprocess

import torch
import torch.nn.functional as F

from timing import best_time

# (batch, heads, q_len, kv_len, head_dim, causal): the shapes `harness bench attention` runs.
SHAPES = [
    (1, 8, 512, 512, 64, False),
    (1, 8, 2048, 2048, 64, False),
    (1, 8, 2048, 2048, 128, True),
    (1, 8, 1, 4096, 128, False),
]



def torch_round(threads):
    """{(q_len, kv_len, head_dim): {"torch forward": GFLOP/s, "torch backward": GFLOP/s}}."""
    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(0)
    out = {}
    for b, h, s_q, s_kv, d, causal in SHAPES:
        q, k, v = (torch.rand(b, h, s, d, generator=gen) * 2 - 1 for s in (s_q, s_kv, s_kv))
        dout = torch.rand(b, h, s_q, d, generator=gen) * 2 - 1
        # Bottom-right causal alignment, as in `kernels::attention` (a single query sees the
        # whole cache): torch's is_causal is top-left, so q_len != kv_len takes a mask.
        mask = None
        if causal and s_q != s_kv:
            mask = torch.arange(s_kv).unsqueeze(0) <= torch.arange(s_q).unsqueeze(1) + (s_kv - s_q)
        is_causal = causal and mask is None
        flops = 4 * b * h * s_q * s_kv * d / (2 if causal else 1)

        def forward():
            with torch.no_grad():
                F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=is_causal)

        qg, kg, vg = (t.clone().requires_grad_() for t in (q, k, v))

        def forward_backward():
            F.scaled_dot_product_attention(qg, kg, vg, attn_mask=mask, is_causal=is_causal).backward(dout)

        t_fwd = best_time(forward)
        t_bwd = max(best_time(forward_backward) - t_fwd, 1e-9)
        out[(s_q, s_kv, d)] = {
            "torch forward": flops / t_fwd / 1e9,
            "torch backward": 2.5 * flops / t_bwd / 1e9,
        }
    return out


def harness_round(harness, threads):
    """The same mapping for every implementation `harness bench attention` measures."""
    text = subprocess.run(
        [harness, "bench", "attention", "--json", "--threads", str(threads)],
        check=True, capture_output=True, text=True,
    ).stdout
    out = {}
    for table in json.loads(text)["tables"]:
        words = table["shape"].split()
        key = (int(words[words.index("q_len") + 1]), int(words[words.index("kv_len") + 1]),
               int(next(w for w in words if w.startswith("D"))[1:]))
        # Both sides must count the same FLOPs: halved exactly when the shape is causal.
        causal = next(c for (_, _, s_q, s_kv, d, c) in SHAPES if (s_q, s_kv, d) == key)
        if causal != ("causal" in words):
            raise SystemExit(f"harness shape {table['shape']!r} and SHAPES disagree on causal")
        out[key] = {row["implementation"]: row["rate"] / 1e9 for row in table["rows"]}
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--harness", default=os.path.join(root, "target", "release", "harness"))
    args = parser.parse_args()
    best = {}
    for _ in range(args.rounds):
        for results in (harness_round(args.harness, args.threads), torch_round(args.threads)):
            for shape, rows in results.items():
                for name, rate in rows.items():
                    slot = best.setdefault(shape, {})
                    slot[name] = max(slot.get(name, 0.0), rate)
    print(f"torch {torch.__version__} ({torch.backends.cpu.get_cpu_capability()}), "
          f"{args.threads} thread(s), best of {args.rounds} alternating rounds, GFLOP/s")
    for b, h, s_q, s_kv, d, causal in SHAPES:
        rows = best[(s_q, s_kv, d)]
        print(f"  B{b} H{h} q_len {s_q} kv_len {s_kv} D{d}" + (" causal" if causal else ""))
        for name, rate in rows.items():
            print(f"    {name:<18} {rate:8.2f}")
        ours = max((n for n in rows if not n.startswith("torch")), key=lambda n: rows[n])
        for phase in ("forward", "backward"):
            isa = ours.split()[0]
            mine, theirs = rows.get(f"{isa} {phase}"), rows.get(f"torch {phase}")
            if mine and theirs:
                print(f"    {isa} / torch {phase}: {mine / theirs:.2f}x")


if __name__ == "__main__":
    main()
