"""Compares logits computed elsewhere (the Java forward pass) with the PyTorch reference, circuitbook_ref.transformer.

    python interop/compare_logits.py WEIGHTS LOGITS [WEIGHTS LOGITS ...]

WEIGHTS is a published transformer file (safetensors, the HookedTransformerConfig as JSON in
``__metadata__["config"]``), loaded with ``safetensors`` and run by the reference in float64. LOGITS is a safetensors
file holding, for i = 0, 1, ...: ``tokens.i`` [pos] (token ids, stored as floats) and ``logits.i``
[pos, d_vocab_out], the logits to check for those tokens. For each pair one JSON line is printed:
``{"weights", "sequences", "max_abs_diff", "max_abs_logit", "relative"}``, where relative = max_abs_diff /
max_abs_logit over all of the file's sequences. Tensors in WEIGHTS that are not the transformer's (the Othello
file's probes) are ignored and counted in ``"ignored_tensors"``. Exit status 0 when every pair was compared, 2 on a
usage error, 3 when PyTorch or safetensors cannot be imported.
"""

import json
import os
import sys


def main(argv):
    if len(argv) == 0 or len(argv) % 2 != 0:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import torch
        from safetensors.torch import load_file
    except ImportError as e:
        print(f"compare_logits.py: {e} (this Python, {sys.executable}, lacks PyTorch or safetensors: make the "
              f"project's environment with interop/venv, which mvn verify runs)", file=sys.stderr)
        return 3
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from circuitbook_ref import transformer

    for weights_path, logits_path in zip(argv[::2], argv[1::2]):
        cfg, state_dict = transformer.load(weights_path)
        names = set(transformer.parameter_shapes(cfg))
        ignored = sorted(n for n in state_dict if n not in names and not transformer.is_buffer(n))
        java = load_file(logits_path)
        count = len([k for k in java if k.startswith("tokens.")])
        if count == 0:
            raise ValueError(f"{logits_path}: no tokens.0")
        max_diff, max_logit = 0.0, 0.0
        for i in range(count):
            tokens = java[f"tokens.{i}"].double()
            if not torch.equal(tokens, tokens.round()):
                raise ValueError(f"{logits_path}: tokens.{i} are not whole numbers")
            expected = java[f"logits.{i}"].double()
            got = transformer.forward(cfg, state_dict, tokens.long(), strict=False)
            if got.shape != expected.shape:
                raise ValueError(f"{logits_path}: logits.{i} has shape {list(expected.shape)}, the reference "
                                 f"gives {list(got.shape)}")
            max_diff = max(max_diff, (got - expected).abs().max().item())
            max_logit = max(max_logit, got.abs().max().item())
        print(json.dumps({"weights": weights_path, "sequences": count, "max_abs_diff": max_diff,
                          "max_abs_logit": max_logit, "relative": max_diff / max_logit if max_logit else max_diff,
                          "ignored_tensors": len(ignored)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
