"""Writes a model file as a TransformerLens user does, for the ``imported`` model kind's tests.

    python interop/make_transformer_lens_file.py OUT.safetensors [SEED]

A random 2-layer model (LayerNorm, gelu_new MLPs, d_model 16, 4 heads of 4, d_mlp 32, d_vocab 11, d_vocab_out 9,
n_ctx 7) as ``HookedTransformer.state_dict()`` has it: every parameter under TransformerLens's name and shape, and
TransformerLens's buffers ``blocks.N.attn.mask`` (bool) and ``blocks.N.attn.IGNORE`` (a float scalar, -inf). It is
saved with ``safetensors.torch.save_file(state_dict, path, metadata=...)``: ``config`` holds the
``HookedTransformerConfig`` fields as ``cfg.to_dict()`` gives them (JSON, ``default=str`` for the dtype), ``vocab``
11 token strings, and ``reference`` three token sequences with the float32 logits the reference forward pass
(circuitbook_ref.transformer, TransformerLens's computation) gives for them. Prints the file's SHA-256.
"""

import hashlib
import json
import os
import sys

import torch
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from circuitbook_ref import transformer  # noqa: E402


def config():
    """A HookedTransformerConfig.to_dict() for the model (TransformerLens 2.x field names and defaults)."""
    return {
        "n_layers": 2, "d_model": 16, "n_ctx": 7, "d_head": 4, "model_name": "custom", "n_heads": 4, "d_mlp": 32,
        "act_fn": "gelu_new", "d_vocab": 11, "eps": 1e-5, "use_attn_result": False, "use_attn_scale": True,
        "attn_scale": 2.0, "use_split_qkv_input": False, "use_hook_mlp_in": False, "use_attn_in": False,
        "use_local_attn": False, "original_architecture": None, "from_checkpoint": False, "checkpoint_index": None,
        "checkpoint_label_type": None, "checkpoint_value": None, "tokenizer_name": None, "window_size": None,
        "attn_types": None, "init_mode": "gpt2", "normalization_type": "LN", "device": "cpu", "n_devices": 1,
        "attention_dir": "causal", "attn_only": False, "seed": 7, "initializer_range": 0.2, "init_weights": True,
        "scale_attn_by_inverse_layer_idx": False, "positional_embedding_type": "standard", "final_rms": False,
        "d_vocab_out": 9, "parallel_attn_mlp": False, "rotary_dim": None, "n_params": 6144, "use_hook_tokens": False,
        "gated_mlp": False, "default_prepend_bos": True, "dtype": "torch.float32", "tokenizer_prepends_bos": None,
        "n_key_value_heads": None, "post_embedding_ln": False, "rotary_base": 10000, "trust_remote_code": False,
        "rotary_adjacent_pairs": False,
    }


def main(argv):
    if len(argv) not in (1, 2):
        print(__doc__, file=sys.stderr)
        return 2
    out = argv[0]
    generator = torch.Generator().manual_seed(int(argv[1]) if len(argv) == 2 else 7)
    cfg = config()
    state_dict = {}
    for name, shape in transformer.parameter_shapes(transformer.resolve_config(cfg)).items():
        gain = name.endswith(".w")
        state_dict[name] = (float(gain) + torch.randn(shape, generator=generator) * (0.2 if gain else 0.4)).float()
    for layer in range(cfg["n_layers"]):
        state_dict[f"blocks.{layer}.attn.mask"] = torch.tril(torch.ones(cfg["n_ctx"], cfg["n_ctx"]).bool())
        state_dict[f"blocks.{layer}.attn.IGNORE"] = torch.tensor(-torch.inf)
    sequences = [[3], [1, 4, 1, 5, 9, 2, 6], [10, 0, 10]]
    logits = [transformer.forward(cfg, state_dict, torch.tensor([seq]), dtype=torch.float32)[0].tolist()
              for seq in sequences]
    metadata = {
        "config": json.dumps(cfg, default=str),
        "vocab": json.dumps([f"t{i}" for i in range(cfg["d_vocab"])]),
        "reference": json.dumps({"tokens": sequences, "logits": logits}),
    }
    save_file(state_dict, out, metadata=metadata)
    with open(out, "rb") as f:
        print(hashlib.sha256(f.read()).hexdigest())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
