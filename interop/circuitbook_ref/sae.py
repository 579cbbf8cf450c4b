"""SAELens's standard (ReLU) sparse autoencoder, written from its conventions, for Circuitbook's SAELens folders.

A reference to check the Java SAE (``widgets/.../model/SparseAutoencoder.java``) against, and a way for a reader to
run a published SAE with PyTorch alone. It reads what ``SAE.load_from_disk(folder)`` reads (SAELens 6.x,
``sae_lens/saes/sae.py`` and ``sae_lens/loading/pretrained_sae_loaders.py``; Circuitbook follows 6.18.0): a folder
holding ``cfg.json`` (``StandardSAEConfig.to_dict()``) and ``sae_weights.safetensors`` (the ``state_dict``), and
computes what ``StandardSAE`` computes::

    sae_in = x - b_dec * apply_b_dec_to_input           # process_sae_in
    f      = ReLU(sae_in @ W_enc + b_enc)                # encode: [..., d_sae]
    x_hat  = f @ W_dec + b_dec                           # decode: [..., d_in]

with ``W_enc`` [d_in, d_sae], ``b_enc`` [d_sae], ``W_dec`` [d_sae, d_in], ``b_dec`` [d_in]. What this does not
compute is refused with a ``ValueError`` naming the field: another architecture (gated, jumprelu, topk, ...),
run-time input normalisation (``normalize_activations`` other than ``"none"``), ``hook_z`` reshaping, a config
from before SAELens 6.0 (no ``metadata.sae_lens_version`` of 6 or more: SAELens would convert it first), and a
weights file whose tensors are not exactly those four (SAELens's ``load_state_dict`` is strict). Arithmetic is
float64 unless asked otherwise.
"""

import json
import os

import torch
from safetensors import safe_open

CFG_FILENAME = "cfg.json"  # sae_lens.constants.SAE_CFG_FILENAME
WEIGHTS_FILENAME = "sae_weights.safetensors"  # sae_lens.constants.SAE_WEIGHTS_FILENAME

# SAEConfig's fields (StandardSAEConfig adds none), and what to_dict() adds: metadata, architecture.
CONFIG_FIELDS = ("d_in", "d_sae", "dtype", "device", "apply_b_dec_to_input", "normalize_activations",
                 "reshape_activations", "metadata", "architecture")

# sae_lens.constants.DTYPE_MAP's keys
DTYPES = {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16, "bfloat16": torch.bfloat16,
          "torch.float32": torch.float32, "torch.float64": torch.float64, "torch.float16": torch.float16,
          "torch.bfloat16": torch.bfloat16}

# StandardSAE's state_dict: name -> shape, in terms of (d_in, d_sae)
TENSORS = {"W_enc": lambda d_in, d_sae: (d_in, d_sae), "b_enc": lambda d_in, d_sae: (d_sae,),
           "W_dec": lambda d_in, d_sae: (d_sae, d_in), "b_dec": lambda d_in, d_sae: (d_in,)}


def check_config(cfg):
    """Raises ValueError naming the first field of ``cfg`` (a parsed cfg.json) that this reference cannot honour."""
    for name in ("d_in", "d_sae", "dtype", "architecture", "metadata"):
        if name not in cfg:
            raise ValueError(f"cfg.json has no {name!r}")
    for name in ("d_in", "d_sae"):
        if not isinstance(cfg[name], int) or isinstance(cfg[name], bool) or cfg[name] < 1:
            raise ValueError(f"{name} must be a positive whole number, got {cfg[name]!r}")
    if cfg["architecture"] != "standard":
        raise ValueError(f"architecture {cfg['architecture']!r} is not supported (only 'standard': a ReLU SAE)")
    if cfg["dtype"] not in DTYPES:
        raise ValueError(f"dtype {cfg['dtype']!r} is not one of SAELens's {sorted(DTYPES)}")
    if cfg.get("normalize_activations", "none") != "none":
        raise ValueError(f"normalize_activations {cfg['normalize_activations']!r} is not supported (only 'none')")
    if cfg.get("reshape_activations", "none") != "none":
        raise ValueError(f"reshape_activations {cfg['reshape_activations']!r} is not supported (only 'none')")
    if not isinstance(cfg.get("apply_b_dec_to_input", True), bool):
        raise ValueError(f"apply_b_dec_to_input must be true or false, got {cfg['apply_b_dec_to_input']!r}")
    metadata = cfg["metadata"]
    version = metadata.get("sae_lens_version") if isinstance(metadata, dict) else None
    if not isinstance(version, str) or not version.split(".")[0].isdigit() or int(version.split(".")[0]) < 6:
        raise ValueError(f"metadata.sae_lens_version {version!r} is not 6.x or later: SAELens would read cfg.json"
                         " in its pre-6.0 format")


def check_weights(cfg, weights):
    """Raises ValueError unless ``weights`` holds exactly StandardSAE's four tensors, shaped as ``cfg`` says."""
    if set(weights) != set(TENSORS):
        raise ValueError(f"{WEIGHTS_FILENAME} has tensors {sorted(weights)}, not exactly {sorted(TENSORS)}")
    for name, shape in TENSORS.items():
        expected = shape(cfg["d_in"], cfg["d_sae"])
        if tuple(weights[name].shape) != expected:
            raise ValueError(f"{name} is {list(weights[name].shape)}, expected {list(expected)}"
                             f" (d_in {cfg['d_in']}, d_sae {cfg['d_sae']})")


def load_from_disk(folder, dtype=torch.float64):
    """``(cfg, weights)`` of the SAELens folder ``folder``: cfg.json as a dict, the tensors as ``dtype``."""
    with open(os.path.join(folder, CFG_FILENAME), encoding="utf-8") as f:
        cfg = json.load(f)
    check_config(cfg)
    weights = {}
    with safe_open(os.path.join(folder, WEIGHTS_FILENAME), framework="pt") as f:
        for name in f.keys():
            weights[name] = f.get_tensor(name).to(dtype)
    check_weights(cfg, weights)
    return cfg, weights


def encode(cfg, weights, x):
    """The latents ReLU((x - b_dec) W_enc + b_enc): [..., d_in] -> [..., d_sae] (b_dec only if apply_b_dec_to_input)."""
    w = weights["W_enc"]
    sae_in = x.to(w.dtype)
    if cfg.get("apply_b_dec_to_input", True):
        sae_in = sae_in - weights["b_dec"]
    return torch.relu(sae_in @ w + weights["b_enc"])


def decode(cfg, weights, f):
    """The reconstruction f W_dec + b_dec: [..., d_sae] -> [..., d_in]."""
    del cfg  # the standard architecture's decoder reads no config field once normalisation is "none"
    return f.to(weights["W_dec"].dtype) @ weights["W_dec"] + weights["b_dec"]


def forward(cfg, weights, x):
    """``(latents, reconstruction)`` of ``x`` [..., d_in]."""
    f = encode(cfg, weights, x)
    return f, decode(cfg, weights, f)
