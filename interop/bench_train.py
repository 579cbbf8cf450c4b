"""The PyTorch side of the training benchmark (``bench/train``, ``TrainBenchmark``): one spec's training steps, timed.

Usage: ``python interop/bench_train.py JOB.json``. The job, written by the Java harness, holds everything that shapes
the computation: the kind, the model's sizes, the optimiser's settings, the training data (the very pairs or
sequences the Java side trains on), the number of warm-up and timed steps, and a seed. This script builds the same
model as the ND4J graph in the Java trainer (same parameters under TransformerLens's names and shapes, same
computation, same loss and optimiser), trains it on one thread, and prints one JSON object to standard output:

    {"side": "pytorch", "torch": VERSION, "threads": 1, "init": "...", "ms": [per timed step], "cpu_ms": [...],
     "loss_first": L, "loss_last": L, "losses": [every step's training loss, as the optimiser saw it]}

``ms`` times each step after the warm-up (wall clock): gradients cleared, forward pass, loss, backward pass, optimiser
step; ``cpu_ms`` is the training thread's CPU time in the same interval (what the step cost, whatever else the
machine ran).
``loss_first`` is the loss at the initial weights, ``loss_last`` the loss after all the steps (warm-up and timed),
both computed by a separate forward pass outside the timed steps, on the data the Java side uses for them (the
full training batch for modular addition, the trainer's held-out sequences for attention-only, its evaluation batch
for the toy model of superposition).

Optimiser: ND4J's Adam with ``weightDecay(wd, true)`` is PyTorch's AdamW (decoupled decay, lr x wd x the weight
before the step), ``torch.optim.Adam`` where the spec has no decay. One difference in form: ND4J divides by
``sqrt(v) + eps``, PyTorch by ``sqrt(v / (1 - beta2^t)) + eps``, which at eps = 1e-8 changes nothing measurable.

Initialisation: the same distributions as the Java trainer, drawn by ``torch.manual_seed(seed)``; the values
differ from Java's (``java.util.Random``), so the losses agree in trend, not digit for digit.
"""

import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F


def modular_addition(job):
    """The one-layer modular-addition transformer (ModularAdditionTrainer.graph): tokens ``a b =``, only the last
    position's residual stream computed (its query attends to all three positions; the causal mask removes
    nothing there), no LayerNorm, logits over the p answers (W_U is [d_model, p]), softmax cross-entropy."""
    p, d, h, e, m = job["p"], job["d_model"], job["n_heads"], job["d_head"], job["d_mlp"]
    vocab = p + 1
    he = h * e

    def normal(*shape, std):
        return (torch.randn(*shape) * std).requires_grad_()

    def zeros(*shape):
        return torch.zeros(*shape, requires_grad=True)

    s = 1 / math.sqrt(d)
    # the order of HookedTransformer.parameterShapes; every matrix N(0, 1/d_model), W_U N(0, 1/d_vocab), biases 0
    w = {
        "embed.W_E": normal(vocab, d, std=s),
        "pos_embed.W_pos": normal(3, d, std=s),
        "blocks.0.attn.W_Q": normal(h, d, e, std=s), "blocks.0.attn.b_Q": zeros(h, e),
        "blocks.0.attn.W_K": normal(h, d, e, std=s), "blocks.0.attn.b_K": zeros(h, e),
        "blocks.0.attn.W_V": normal(h, d, e, std=s), "blocks.0.attn.b_V": zeros(h, e),
        "blocks.0.attn.W_O": normal(h, e, d, std=s), "blocks.0.attn.b_O": zeros(d),
        "blocks.0.mlp.W_in": normal(d, m, std=s), "blocks.0.mlp.b_in": zeros(m),
        "blocks.0.mlp.W_out": normal(m, d, std=s), "blocks.0.mlp.b_out": zeros(d),
        "unembed.W_U": normal(d, p, std=1 / math.sqrt(vocab)), "unembed.b_U": zeros(p),
    }
    pairs = torch.tensor(job["train"], dtype=torch.long)
    tokens = torch.stack([pairs // p, pairs % p, torch.full_like(pairs, p)], dim=1)      # [batch, 3]
    labels = (pairs // p + pairs % p) % p

    def loss_fn(train=True):
        x = w["embed.W_E"][tokens] + w["pos_embed.W_pos"]                                 # [batch, 3, d]
        a = "blocks.0.attn."
        wq = w[a + "W_Q"].permute(1, 0, 2).reshape(d, he)                                # heads side by side
        wk = w[a + "W_K"].permute(1, 0, 2).reshape(d, he)
        wv = w[a + "W_V"].permute(1, 0, 2).reshape(d, he)
        q = x[:, 2] @ wq + w[a + "b_Q"].reshape(he)                                       # [batch, he]
        k = x @ wk + w[a + "b_K"].reshape(he)                                             # [batch, 3, he]
        v = x @ wv + w[a + "b_V"].reshape(he)
        scores = (q.view(-1, 1, h, e) * k.view(-1, 3, h, e)).sum(-1) / math.sqrt(e)       # [batch, 3, h]
        pattern = torch.softmax(scores, dim=1)
        z = (pattern.unsqueeze(-1) * v.view(-1, 3, h, e)).sum(1)                          # [batch, h, e]
        mid = x[:, 2] + z.reshape(-1, he) @ w[a + "W_O"].reshape(he, d) + w[a + "b_O"]
        post = torch.relu(mid @ w["blocks.0.mlp.W_in"] + w["blocks.0.mlp.b_in"])
        resid = mid + post @ w["blocks.0.mlp.W_out"] + w["blocks.0.mlp.b_out"]
        logits = resid @ w["unembed.W_U"] + w["unembed.b_U"]                              # [batch, p]
        return F.cross_entropy(logits, labels)

    init = ("every matrix N(0, 1/d_model), W_U N(0, 1/d_vocab) with d_vocab = p + 1, biases zero; "
            f"torch.manual_seed({job['seed']}), drawn in parameterShapes order")
    return list(w.values()), loss_fn, init


def attention_only(job):
    """The attention-only transformer (AttentionOnlyTrainer.graph, Transformers.logits): next-token prediction at
    every position of each n_ctx + 1-token sequence, no LayerNorm, per layer q, k, v for all heads, scores scaled by
    1/sqrt(d_head) plus TransformerLens's -100000 above the diagonal, softmax, z W_O + b_O added to the residual
    stream; logits W_U + b_U at every position; softmax cross-entropy over all batch x n_ctx positions. The batches
    are the job's: the very sequences the Java side draws, step by step."""
    n_layers, d, h, e, t, vocab = (job["n_layers"], job["d_model"], job["n_heads"], job["d_head"], job["n_ctx"],
                                   job["d_vocab"])
    std = 0.8 / math.sqrt(d)                              # TransformerLens's default initializer_range

    def normal(*shape):
        return (torch.randn(*shape) * std).requires_grad_()

    def zeros(*shape):
        return torch.zeros(*shape, requires_grad=True)

    w = {"embed.W_E": normal(vocab, d), "pos_embed.W_pos": normal(t, d)}
    for layer in range(n_layers):
        a = f"blocks.{layer}.attn."
        for name in "QKV":
            w[a + "W_" + name] = normal(h, d, e)
            w[a + "b_" + name] = zeros(h, e)
        w[a + "W_O"] = normal(h, e, d)
        w[a + "b_O"] = zeros(d)
    w["unembed.W_U"] = normal(d, vocab)
    w["unembed.b_U"] = zeros(vocab)
    causal = torch.triu(torch.full((t, t), -100000.0), diagonal=1)
    batches = torch.tensor(job["batches"], dtype=torch.long)        # [steps, batch, n_ctx + 1]
    eval_sequences = torch.tensor(job["eval"], dtype=torch.long)
    step = [0]

    def loss_on(sequences):
        tokens, targets = sequences[:, :t], sequences[:, 1:]
        resid = w["embed.W_E"][tokens] + w["pos_embed.W_pos"]                             # [batch, pos, d]
        for layer in range(n_layers):
            a = f"blocks.{layer}.attn."
            q = torch.einsum("bpd,hde->bhpe", resid, w[a + "W_Q"]) + w[a + "b_Q"].unsqueeze(1)
            k = torch.einsum("bpd,hde->bhpe", resid, w[a + "W_K"]) + w[a + "b_K"].unsqueeze(1)
            v = torch.einsum("bpd,hde->bhpe", resid, w[a + "W_V"]) + w[a + "b_V"].unsqueeze(1)
            scores = q @ k.transpose(-1, -2) / math.sqrt(e) + causal                      # [batch, h, q, k]
            z = torch.softmax(scores, dim=-1) @ v                                          # [batch, h, pos, e]
            resid = resid + torch.einsum("bhpe,hed->bpd", z, w[a + "W_O"]) + w[a + "b_O"]
        logits = resid @ w["unembed.W_U"] + w["unembed.b_U"]                              # [batch, pos, vocab]
        return F.cross_entropy(logits.reshape(-1, vocab), targets.reshape(-1))

    def loss_fn(train=True):
        if not train:
            return loss_on(eval_sequences)
        loss = loss_on(batches[step[0]])
        step[0] += 1
        return loss

    init = (f"every matrix N(0, (0.8/sqrt(d_model))^2), biases zero; torch.manual_seed({job['seed']}), drawn in "
            "parameterShapes order")
    return list(w.values()), loss_fn, init


def toy_superposition(job):
    """The toy model of superposition (ToySuperpositionTrainer.graph), every instance (sparsity x restart) in one
    batched graph: x [i, batch, n] -> h = x W^T [i, batch, d] -> x' = ReLU(h W + b_final) (or linear), each
    instance's loss the mean over batch and features of importance_j (x'_j - x_j)^2, the loss their sum. Each step
    draws a fresh batch per instance in the step, as the Java side does: each feature 0 with probability S (the
    instance's sparsity), else U[0, 1] (from torch's seeded generator: the same distribution as Java's, different
    values)."""
    n, d, batch = job["n_features"], job["d_hidden"], job["batch_size"]
    sparsity = torch.tensor(job["sparsities"], dtype=torch.float32).reshape(-1, 1, 1)
    instances = sparsity.shape[0]
    w = (torch.randn(instances, d, n) * math.sqrt(2.0 / (n + d))).requires_grad_()     # Xavier normal
    b = torch.zeros(instances, 1, n, requires_grad=True)
    importance = torch.tensor([job["importance_decay"] ** i for i in range(n)], dtype=torch.float32)
    eval_batch = torch.tensor(job["eval"], dtype=torch.float32).reshape(instances, -1, n)

    def loss_on(x):
        out = torch.bmm(torch.bmm(x, w.transpose(1, 2)), w) + b
        if job["relu"]:
            out = torch.relu(out)
        return ((out - x) ** 2 * importance).mean(dim=(1, 2)).sum()

    def loss_fn(train=True):
        if not train:
            return loss_on(eval_batch)
        u, v = torch.rand(instances, batch, n), torch.rand(instances, batch, n)
        return loss_on(torch.where(v < sparsity, torch.zeros(()), u))

    init = (f"W Xavier normal N(0, 2/(n_features + d_hidden)) for each of {instances} instances, b_final zero; "
            f"torch.manual_seed({job['seed']}); batches drawn in the step by torch.rand")
    return [w, b], loss_fn, init


KINDS = {"modular-addition": modular_addition, "attention-only": attention_only,
         "toy-superposition": toy_superposition}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        job = json.load(f)
    torch.set_num_threads(1)
    torch.manual_seed(job["seed"])
    params, loss_fn, init = KINDS[job["kind"]](job)
    if job["weight_decay"]:
        opt = torch.optim.AdamW(params, lr=job["learning_rate"], betas=tuple(job["betas"]), eps=job["eps"],
                                weight_decay=job["weight_decay"])
    else:                       # AdamW with no decay is Adam; ND4J's Adam without weightDecay
        opt = torch.optim.Adam(params, lr=job["learning_rate"], betas=tuple(job["betas"]), eps=job["eps"])
    with torch.no_grad():
        loss_first = loss_fn(train=False).item()
    warmup, steps = job["warmup"], job["steps"]
    ms, cpu_ms, losses = [], [], []
    for i in range(warmup + steps):
        start, cpu_start = time.perf_counter(), time.thread_time()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        opt.step()
        end, cpu_end = time.perf_counter(), time.thread_time()
        losses.append(loss.item())
        if i >= warmup:
            ms.append((end - start) * 1000)
            cpu_ms.append((cpu_end - cpu_start) * 1000)
    with torch.no_grad():
        loss_last = loss_fn(train=False).item()
    json.dump({"side": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(),
               "omp_num_threads": os.environ.get("OMP_NUM_THREADS"), "init": init, "ms": ms, "cpu_ms": cpu_ms,
               "loss_first": loss_first, "loss_last": loss_last, "losses": losses}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
