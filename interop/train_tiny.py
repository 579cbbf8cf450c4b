"""Trains a tiny transformer in PyTorch and exports it for Circuitbook, as an author with a GPU would do with
TransformerLens (here without it: circuitbook_ref.export.TransformerModule has TransformerLens's names and forward pass).

    python interop/train_tiny.py OUT.safetensors [STEPS] [--attn-only]

The model: 2 layers, LayerNorm, gelu MLPs, d_model 32, 4 heads of 8, d_mlp 64, 12 tokens named "a" to "l", n_ctx 12;
with --attn-only, attention only and no LayerNorm (the book's own kind of model, which the circuits, composition and
logit-attribution widgets read through its weights).
The task: sequences of 6 random tokens repeated once (the induction task of Olsson et al. 2022), loss on every next
token; AdamW, learning rate 3e-3, batch 64, STEPS steps (default 300), seeded, one thread. Written with
:func:`circuitbook_ref.export.export` (config, vocab, reference logits). Prints one JSON line: the file's SHA-256, the
steps, and the mean loss on the repeated half of a fixed batch before and after training.
"""

import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from circuitbook_ref.export import TransformerModule, export  # noqa: E402

VOCAB = [chr(ord("a") + i) for i in range(12)]
CONFIG = {"n_layers": 2, "d_model": 32, "d_head": 8, "n_heads": 4, "d_mlp": 64, "d_vocab": len(VOCAB),
          "d_vocab_out": len(VOCAB), "n_ctx": 12, "act_fn": "gelu", "normalization_type": "LN", "attn_only": False,
          "positional_embedding_type": "standard", "eps": 1e-5, "seed": 1}
HALF = 6


def batch(generator, size):
    """``size`` sequences of HALF random tokens, repeated: [size, 2 HALF]."""
    first = torch.randint(0, len(VOCAB), (size, HALF), generator=generator)
    return torch.cat([first, first], dim=1)


def loss(model, tokens, repeat_only=False):
    """Mean next-token cross-entropy (on the repeated half's predictions only when ``repeat_only``)."""
    logits = model(tokens)[:, :-1]
    targets = tokens[:, 1:]
    if repeat_only:
        logits, targets = logits[:, HALF:], targets[:, HALF:]
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def main(argv):
    attn_only = "--attn-only" in argv
    argv = [a for a in argv if a != "--attn-only"]
    if len(argv) not in (1, 2):
        print(__doc__, file=sys.stderr)
        return 2
    steps = int(argv[1]) if len(argv) == 2 else 300
    torch.set_num_threads(1)
    torch.manual_seed(1)
    config = dict(CONFIG, attn_only=True, normalization_type=None) if attn_only else CONFIG
    model = TransformerModule(config, seed=1)
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    data = torch.Generator().manual_seed(2)
    held_out = batch(torch.Generator().manual_seed(3), 256)
    with torch.no_grad():
        before = loss(model, held_out, repeat_only=True).item()
    for _ in range(steps):
        optimiser.zero_grad()
        loss(model, batch(data, 64)).backward()
        optimiser.step()
    with torch.no_grad():
        after = loss(model, held_out, repeat_only=True).item()
    sha256 = export(model, argv[0], vocab=VOCAB)
    print(json.dumps({"sha256": sha256, "steps": steps, "repeat_loss_before": before, "repeat_loss_after": after}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
