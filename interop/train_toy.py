"""Trains toy models of superposition in PyTorch as the paper's notebook does (Elhage et al. 2022, "Toy Models of
Superposition": several instances at once, one feature probability each) and exports them for Circuitbook.

    python interop/train_toy.py OUT.safetensors [STEPS]

5 features in 2 dimensions, importance 0.9^i, ReLU output; 3 instances with feature probability 0.3, 0.1 and 0.01
(sparsity 0.7, 0.9, 0.99); AdamW, learning rate 1e-3, batch 1024, STEPS steps (default 2000), seeded, one thread; the
loss is the importance-weighted squared error. Written with :func:`circuitbook_ref.export.export_toy_superposition`.
Prints one JSON line: the file's SHA-256, the steps, and each instance's loss before and after training.
"""

import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from circuitbook_ref.export import export_toy_superposition  # noqa: E402

N_FEATURES, N_HIDDEN = 5, 2
PROBABILITY = torch.tensor([0.3, 0.1, 0.01])
IMPORTANCE = 0.9 ** torch.arange(N_FEATURES, dtype=torch.float32)


def forward(W, b, x):
    """x [batch, instances, features] -> ReLU(x W W^T + b), per instance."""
    h = torch.einsum("bif,ifh->bih", x, W)
    return torch.relu(torch.einsum("bih,ifh->bif", h, W) + b)


def batch(generator, size):
    """Features uniform in [0, 1], each present with its instance's probability: [size, instances, features]."""
    shape = (size, len(PROBABILITY), N_FEATURES)
    values = torch.rand(shape, generator=generator)
    present = torch.rand(shape, generator=generator) <= PROBABILITY[None, :, None]
    return values * present


def losses(W, b, x):
    """Each instance's importance-weighted mean squared error: [instances]."""
    return (IMPORTANCE * (forward(W, b, x) - x) ** 2).mean(dim=(0, 2))


def main(argv):
    if len(argv) not in (1, 2):
        print(__doc__, file=sys.stderr)
        return 2
    steps = int(argv[1]) if len(argv) == 2 else 2000
    torch.set_num_threads(1)
    generator = torch.Generator().manual_seed(0)
    W = torch.nn.Parameter(torch.nn.init.xavier_normal_(torch.empty(len(PROBABILITY), N_FEATURES, N_HIDDEN),
                                                        generator=generator))
    b = torch.nn.Parameter(torch.zeros(len(PROBABILITY), N_FEATURES))
    optimiser = torch.optim.AdamW([W, b], lr=1e-3)
    held_out = batch(torch.Generator().manual_seed(1), 4096)
    with torch.no_grad():
        before = losses(W, b, held_out).tolist()
    for _ in range(steps):
        optimiser.zero_grad()
        losses(W, b, batch(generator, 1024)).sum().backward()
        optimiser.step()
    with torch.no_grad():
        after = losses(W, b, held_out).tolist()
    sha256 = export_toy_superposition(W, b, [0.3, 0.1, 0.01], argv[0], importance=IMPORTANCE)
    print(json.dumps({"sha256": sha256, "steps": steps, "loss_before": before, "loss_after": after}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
