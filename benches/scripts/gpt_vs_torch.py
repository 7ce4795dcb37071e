"""The `gpt` crate's transformer against the same model in PyTorch: step-by-step loss parity,
then the time of one training step of each on one thread.

1. `harness train adder --steps 0 --checkpoint init.safetensors` writes the initial weights
   and, in the file's `config` metadata, the model's configuration.
2. `harness train adder --steps N --dump-batches DIR --json --threads 1` trains N steps from
   the same seed and reports every step's loss and its whole configuration (the schedule of N
   steps among it); DIR receives the batches it trained on.
3. This script rebuilds the model in PyTorch from init.safetensors (sizes, RMSNorm eps, RoPE
   theta and AdamW settings come from its metadata, the N-step schedule from step 2), runs
   the same N steps in float32 on the same batches (AdamW, global-norm clipping, the same
   learning rate per step) and exits non-zero unless every step's loss agrees within 1e-4
   relative. Weights are not compared: Adam turns rounding-level gradient differences into
   steps of a full learning rate.
4. It times a training step of both on one thread at the adder's size and at d = 256 and
   prints the ratio.

Needs `torch` (any CPU build) and a release build of the harness; reads safetensors itself
(8-byte header length, JSON header, little-endian data), so nothing else. Not part of the
test suite:

    cargo build --release -p harness
    python3 benches/scripts/gpt_vs_torch.py [--steps 20] [--seed 0]
"""

import argparse
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HARNESS = os.path.join(ROOT, "target", "release", "harness")
DTYPES = {"F32": (torch.float32, 4), "I64": (torch.int64, 8)}


def read_safetensors(path):
    """The tensors and metadata of a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        dtype, _ = DTYPES[info["dtype"]]
        start, end = info["data_offsets"]
        raw = bytearray(data[base + start : base + end])
        tensors[name] = torch.frombuffer(raw, dtype=dtype).reshape(info["shape"]).clone()
    return tensors, meta


def harness(*args):
    out = subprocess.run([HARNESS, *args], check=True, capture_output=True, text=True)
    return out.stdout


def rms_norm(x, g, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * g


def rope(x, theta):
    """x [B, H, T, hd]: pairs (i, i + hd/2) turned by t * theta^(-2i/hd)."""
    hd, t = x.shape[-1], x.shape[-2]
    half = hd // 2
    inv = theta ** (-torch.arange(half, dtype=torch.float64) * 2 / hd)
    ang = torch.arange(t, dtype=torch.float64)[:, None] * inv[None, :]
    cos, sin = torch.cos(ang).to(x.dtype), torch.sin(ang).to(x.dtype)
    a, b = x[..., :half], x[..., half:]
    return torch.cat([a * cos - b * sin, b * cos + a * sin], dim=-1)


def forward(p, cfg, inputs, targets):
    """The mean cross-entropy over the targets that are not -100."""
    logits = model_logits(p, cfg, inputs)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100)


def model_logits(p, cfg, inputs):
    """The logits [batch, seq, vocab] of token ids [batch, seq]."""
    m = cfg["model"]
    d, heads, eps, theta = m["d_model"], m["heads"], m["norm_eps"], m["rope_theta"]
    hd = d // heads
    bsz, t = inputs.shape
    x = p["embed"][inputs]
    for l in range(m["layers"]):
        w = lambda n: p[f"blocks.{l}.{n}"]
        n = rms_norm(x, w("attn_norm"), eps)
        split = lambda y: y.view(bsz, t, heads, hd).transpose(1, 2)
        q, k, v = split(n @ w("wq").T), split(n @ w("wk").T), split(n @ w("wv").T)
        att = F.scaled_dot_product_attention(rope(q, theta), rope(k, theta), v, is_causal=True)
        x = x + att.transpose(1, 2).reshape(bsz, t, d) @ w("wo").T
        mm = rms_norm(x, w("mlp_norm"), eps)
        x = x + (F.silu(mm @ w("w1").T) * (mm @ w("w3").T)) @ w("w2").T
    x = rms_norm(x, p["final_norm"], eps)
    return x @ p["embed"].T


def learning_rate(o, step):
    if step < o["warmup"]:
        return o["lr"] * (step + 1) / o["warmup"]
    span = max(o["total_steps"] - o["warmup"], 1)
    progress = min((step - o["warmup"]) / span, 1.0)
    return o["min_lr"] + (o["lr"] - o["min_lr"]) * 0.5 * (1 + math.cos(math.pi * progress))


def torch_trainer(tensors, cfg):
    p = {k: v.clone().requires_grad_(True) for k, v in tensors.items() if not k.startswith("adam.")}
    o = cfg["optim"]
    groups = [
        {"params": [v for v in p.values() if v.dim() == 2], "weight_decay": o["weight_decay"]},
        {"params": [v for v in p.values() if v.dim() != 2], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"], foreach=False)

    def step(i, inputs, targets):
        loss = forward(p, cfg, inputs, targets)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if o["clip_norm"] > 0:
            torch.nn.utils.clip_grad_norm_(list(p.values()), o["clip_norm"])
        for g in opt.param_groups:
            g["lr"] = learning_rate(o, i)
        opt.step()
        return loss.item()

    return step


def trained_config(init, trained):
    """The configuration of the initial checkpoint, with the schedule of the run that trained
    from it; the two must describe the same model."""
    if init["model"] != trained["model"] or init["seed"] != trained["seed"]:
        raise SystemExit(f"the initial checkpoint's model {init['model']} differs from the trained run's {trained['model']}")
    return {**init, "optim": trained["optim"]}


def parity(args, work):
    init = os.path.join(work, "init.safetensors")
    batches = os.path.join(work, "batches")
    steps, seed = str(args.steps), str(args.seed)
    harness("train", "adder", "--steps", "0", "--seed", seed, "--checkpoint", init)
    out = harness("train", "adder", "--steps", steps, "--seed", seed, "--threads", "1", "--dump-batches", batches, "--json")
    run = json.loads(out.strip().splitlines()[-1])
    ours = run["losses"]
    tensors, meta = read_safetensors(init)
    cfg = trained_config(json.loads(meta["config"]), run["config"])
    step = torch_trainer(tensors, cfg)
    worst = 0.0
    for i, loss in enumerate(ours):
        b, _ = read_safetensors(os.path.join(batches, f"batch_{i:06}.safetensors"))
        theirs = step(i, b["inputs"], b["targets"])
        rel = abs(loss - theirs) / abs(theirs)
        worst = max(worst, rel)
        print(f"step {i:3}: ours {loss:.6f}  torch {theirs:.6f}  relative {rel:.1e}")
    ok = worst <= 1e-4
    print(f"{'ok' if ok else 'FAILED'}: {len(ours)} steps, worst relative loss difference {worst:.1e} (bound 1e-4)")
    return ok


def timing(args, d, hidden, work):
    """Seconds per training step of ours (from its tokens/s) and of torch, on one thread."""
    model = ["--d-model", str(d), "--hidden", str(hidden), "--seed", "1"]
    init = os.path.join(work, f"time_{d}.safetensors")
    harness("train", "adder", *model, "--steps", "0", "--checkpoint", init)
    out = harness("train", "adder", *model, "--steps", str(args.time_steps), "--threads", "1", "--json")
    out = json.loads(out.strip().splitlines()[-1])
    tokens = out["config"]["batch"] * 8
    ours = tokens / out["tokens_per_second"]
    tensors, meta = read_safetensors(init)
    cfg = trained_config(json.loads(meta["config"]), out["config"])
    step = torch_trainer(tensors, cfg)
    gen = torch.Generator().manual_seed(0)
    inputs = torch.randint(0, cfg["model"]["vocab"], (cfg["batch"], 8), generator=gen)
    targets = torch.full_like(inputs, -100)
    targets[:, 5:] = torch.randint(0, 10, (cfg["batch"], 3), generator=gen)
    for i in range(3):
        step(i, inputs, targets)
    times = []
    for i in range(args.time_steps):
        t0 = time.perf_counter()
        step(i, inputs, targets)
        times.append(time.perf_counter() - t0)
    theirs = sorted(times)[len(times) // 2]
    print(f"d {d:3}, hidden {hidden:4}: ours {ours * 1e3:7.2f} ms/step  torch {theirs * 1e3:7.2f} ms/step  "
          f"torch / ours {theirs / ours:.2f}x")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--time-steps", type=int, default=50)
    ap.add_argument("--no-timing", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as work:
        ok = parity(args, work)
        if not args.no_timing:
            print("one training step, one thread, batch 128 x 8 tokens:")
            timing(args, 64, 256, work)
            timing(args, 256, 1024, work)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
