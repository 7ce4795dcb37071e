"""Writes gpt/tests/data/gpt_tiny.txt: a tiny configuration of the `gpt` crate's model with
random float32 weights (std 0.3, so no layer is near-linear), a batch with ignored targets, and
PyTorch's float64 logits, loss and every parameter's gradient, in the golden-case format of
kernels/tests/data (`key value value ...`, tensors flattened row-major; ignored targets -100).
The model is `forward` of gpt_vs_torch.py, run in float64. Needs `torch`:

    python3 benches/scripts/gpt_golden.py
"""

import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt_vs_torch import ROOT, forward, model_logits  # noqa: E402

MODEL = {"vocab": 11, "d_model": 8, "layers": 2, "heads": 2, "hidden": 12, "max_seq": 8,
         "norm_eps": 1e-5, "rope_theta": 10000.0}
BATCH, SEQ = 2, 7


def names():
    yield "embed", (MODEL["vocab"], MODEL["d_model"])
    d, h = MODEL["d_model"], MODEL["hidden"]
    for l in range(MODEL["layers"]):
        yield f"blocks.{l}.attn_norm", (d,)
        for w in ("wq", "wk", "wv", "wo"):
            yield f"blocks.{l}.{w}", (d, d)
        yield f"blocks.{l}.mlp_norm", (d,)
        yield f"blocks.{l}.w1", (h, d)
        yield f"blocks.{l}.w3", (h, d)
        yield f"blocks.{l}.w2", (d, h)
    yield "final_norm", (d,)


def main():
    gen = torch.Generator().manual_seed(15)
    params = {}
    for name, shape in names():
        if len(shape) == 2:
            w = torch.randn(shape, generator=gen) * 0.3
        else:
            w = 1.0 + 0.2 * torch.randn(shape, generator=gen)
        params[name] = w.to(torch.float32).to(torch.float64).requires_grad_(True)
    inputs = torch.randint(0, MODEL["vocab"], (BATCH, SEQ), generator=gen)
    targets = torch.randint(0, MODEL["vocab"], (BATCH, SEQ), generator=gen)
    targets[torch.rand((BATCH, SEQ), generator=gen) < 0.3] = -100
    loss = forward(params, {"model": MODEL}, inputs, targets)
    loss.backward()
    with torch.no_grad():
        logits = model_logits(params, {"model": MODEL}, inputs)
    fmt = lambda t: " ".join(repr(float(v)) for v in t.detach().reshape(-1).tolist())
    lines = ["case gpt_tiny"]
    lines += [f"{k} {v}" for k, v in MODEL.items()]
    lines += [f"batch {BATCH}", f"seq {SEQ}", f"inputs {fmt(inputs)}", f"targets {fmt(targets)}"]
    lines += [f"{name} {fmt(p)}" for name, p in params.items()]
    lines += [f"loss {loss.item()!r}", f"logits {fmt(logits)}"]
    lines += [f"grad.{name} {fmt(p.grad)}" for name, p in params.items()]
    out = os.path.join(ROOT, "gpt", "tests", "data", "gpt_tiny.txt")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {out}: loss {loss.item():.6f}")


if __name__ == "__main__":
    main()
