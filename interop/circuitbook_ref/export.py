"""Writing a model trained in PyTorch as a file Circuitbook imports (model kind ``imported``, format
``transformer-lens``), and a small PyTorch module with TransformerLens's parameter names to train one; and toy models
of superposition trained as the paper's notebook trains them (format ``toy-superposition``,
:func:`export_toy_superposition`); and sparse autoencoders of SAELens's standard architecture (format ``sae``,
:func:`export_sae`).

From a training script (the repository's ``interop`` folder on ``sys.path``)::

    from circuitbook_ref.export import export
    sha256 = export(model, "content/weights/my-model.safetensors", vocab=["a", "b", ...])

``model`` is a TransformerLens ``HookedTransformer`` (its ``cfg.to_dict()`` and ``state_dict()`` are written, and it
computes the reference logits itself), or any ``torch.nn.Module`` whose ``state_dict()`` has TransformerLens's names and
shapes, with ``cfg`` (a dict of ``HookedTransformerConfig`` fields) given or at ``model.cfg``. The file is what
``safetensors.torch.save_file(model.state_dict(), path, metadata=...)`` writes, with in ``__metadata__``:

* ``config``: the config as JSON (``default=str``, so a ``torch.dtype`` is written as its name);
* ``vocab``: the token strings, when given (widgets show them; without, token ids);
* ``reference``: ``{"tokens": [...], "logits": [...]}``, a few token sequences and the float32 logits the model
  gives for them, which the build compares with its own forward pass (``verify: {reference_within: 1e-5}``).

The returned SHA-256 is what the spec's ``sha256:`` takes.
"""

import hashlib
import json

import torch
from safetensors.torch import save_file

from circuitbook_ref import transformer


class TransformerModule(torch.nn.Module):
    """A transformer with TransformerLens's parameter names, shapes and buffers (``state_dict()`` is what a
    ``HookedTransformer`` of the same config has, ``blocks.N.attn.mask`` and ``.IGNORE`` included), whose forward pass
    is the reference's (:func:`circuitbook_ref.transformer.forward`, float32): for training a model in PyTorch where
    TransformerLens cannot be installed. Initialised as TransformerLens's ``init_mode="gpt2"``: weights normal with
    standard deviation ``initializer_range`` (default 0.8 / sqrt(d_model)), biases zero, LayerNorm weights one."""

    def __init__(self, cfg, seed=0):
        super().__init__()
        self.cfg = dict(cfg)  # what export() writes; the forward pass keeps its own copy
        self._config = dict(cfg)
        resolved = transformer.resolve_config(self.cfg)
        generator = torch.Generator().manual_seed(seed)
        std = self.cfg.get("initializer_range") or 0.8 / resolved["d_model"] ** 0.5
        self._params = {}
        for name, shape in transformer.parameter_shapes(resolved).items():
            leaf = name.rsplit(".", 1)[1]
            if leaf.startswith("b") or name.endswith(".b"):
                value = torch.zeros(shape)
            elif name.endswith(".w"):
                value = torch.ones(shape)
            else:
                value = torch.randn(shape, generator=generator) * std
            self._put(name, torch.nn.Parameter(value))
        n_ctx = resolved["n_ctx"]
        for layer in range(resolved["n_layers"]):
            attn = self._module(f"blocks.{layer}.attn")
            attn.register_buffer("mask", torch.tril(torch.ones(n_ctx, n_ctx)).bool())
            attn.register_buffer("IGNORE", torch.tensor(-torch.inf))

    def _module(self, path):
        """The submodule at dotted ``path``, made as needed (``blocks`` is a ModuleList, as in TransformerLens)."""
        module = self
        for part in path.split("."):
            if part.isdigit():
                while len(module) <= int(part):
                    module.append(torch.nn.Module())
                module = module[int(part)]
            else:
                if not hasattr(module, part):
                    module.add_module(part, torch.nn.ModuleList() if part == "blocks" else torch.nn.Module())
                module = getattr(module, part)
        return module

    def _put(self, name, parameter):
        path, leaf = name.rsplit(".", 1)
        self._module(path).register_parameter(leaf, parameter)

    def forward(self, tokens):
        """Logits [batch, pos, d_vocab_out] of ``tokens`` [batch, pos] (or [pos, d_vocab_out] of [pos])."""
        return transformer.forward(self._config, dict(self.named_parameters()), tokens, dtype=torch.float32,
                                   strict=False)


def config_of(model, cfg=None):
    """The config dict: ``cfg``, else ``model.cfg.to_dict()`` (TransformerLens), else ``model.cfg`` (a dict)."""
    if cfg is not None:
        return dict(cfg)
    model_cfg = getattr(model, "cfg", None)
    if hasattr(model_cfg, "to_dict"):
        return model_cfg.to_dict()
    if isinstance(model_cfg, dict):
        return dict(model_cfg)
    raise ValueError("no config: pass cfg= (HookedTransformerConfig fields), or a model with a cfg")


def reference_tokens(cfg, seed=0):
    """Three token sequences for the reference logits: one token, a full context, and half a context, seeded."""
    resolved = transformer.resolve_config(cfg)
    generator = torch.Generator().manual_seed(seed)
    n_ctx = resolved["n_ctx"]
    return [torch.randint(0, resolved["d_vocab"], (length,), generator=generator).tolist()
            for length in (1, n_ctx, max(1, n_ctx // 2))]


def export(model, path, cfg=None, vocab=None, tokens=None):
    """Writes ``model`` to ``path`` as described in this module's documentation; returns the file's SHA-256 (hex).
    ``tokens``: the reference sequences (default :func:`reference_tokens`); their logits are the model's own, in
    float32, computed without gradients in eval mode."""
    cfg = config_of(model, cfg)
    resolved = transformer.resolve_config(cfg)
    if vocab is not None and len(vocab) < resolved["d_vocab"]:
        raise ValueError(f"vocab has {len(vocab)} strings, the model reads {resolved['d_vocab']} tokens")
    state_dict = {name: t.detach().to("cpu").clone().contiguous() for name, t in model.state_dict().items()}
    transformer.parameters(resolved, state_dict, strict=True)  # every name and shape, before anything is written
    tokens = reference_tokens(cfg) if tokens is None else [list(map(int, seq)) for seq in tokens]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            logits = [model(torch.tensor([seq]))[0].float().tolist() for seq in tokens]
    finally:
        model.train(was_training)
    metadata = {"config": json.dumps(cfg, default=str),
                "reference": json.dumps({"tokens": tokens, "logits": logits})}
    if vocab is not None:
        metadata["vocab"] = json.dumps(list(vocab))
    save_file(state_dict, path, metadata=metadata)
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def export_toy_superposition(W, b_final, feature_probability, path, importance=None, activation="relu",
                             inputs=None):
    """Writes toy models of superposition trained together (Elhage et al. 2022, the paper's notebook: ``W``
    [n_instances, n_features, n_hidden], ``b_final`` [n_instances, n_features]; h = x W[i], x' = ReLU(h W[i]^T +
    b_final[i])) as a file Circuitbook imports with ``format: toy-superposition``; returns its SHA-256 (hex).
    ``feature_probability``: one per instance (1 - sparsity; each instance is one sparsity of the superposition widget,
    so no two may be equal), or one number for all; ``importance``: one per feature (default all 1); ``activation``:
    ``"relu"`` or ``"linear"``. ``inputs`` [rows, n_features] (default: each feature alone at 1, then all at 0.5) are
    run through every instance here, in float32, and written with the outputs as the reference the build checks."""
    W = W.detach().to("cpu", torch.float32).contiguous().clone()
    b_final = b_final.detach().to("cpu", torch.float32).contiguous().clone()
    if W.dim() != 3 or b_final.shape != (W.shape[0], W.shape[1]):
        raise ValueError(f"W must be [n_instances, n_features, n_hidden] and b_final [n_instances, n_features], got "
                         f"{list(W.shape)} and {list(b_final.shape)}")
    n_instances, n_features, n_hidden = W.shape
    probability = _decimals(feature_probability)
    if len(probability) == 1:
        probability = probability * n_instances
    if len(probability) != n_instances:
        raise ValueError(f"feature_probability has {len(probability)} values, W has {n_instances} instances")
    if activation not in ("relu", "linear"):
        raise ValueError(f"activation must be 'relu' or 'linear', got {activation!r}")
    config = {"n_features": n_features, "n_hidden": n_hidden, "n_instances": n_instances,
              "feature_probability": probability, "activation": activation}
    if importance is not None:
        config["importance"] = _decimals(importance)
    if inputs is None:
        inputs = torch.cat([torch.eye(n_features), torch.full((1, n_features), 0.5)])
    x = torch.as_tensor(inputs, dtype=torch.float32)
    with torch.no_grad():
        h = torch.einsum("rf,ifh->irh", x, W)
        out = torch.einsum("irh,ifh->irf", h, W) + b_final[:, None, :]
        if activation == "relu":
            out = torch.relu(out)
    metadata = {"config": json.dumps(config),
                "reference": json.dumps({"inputs": x.tolist(), "outputs": out.tolist()})}
    save_file({"W": W, "b_final": b_final}, path, metadata=metadata)
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _decimals(values):
    """``values`` (a number, a list or a tensor) as a flat list of Python floats; a float32 (or narrower) tensor's
    values at the shortest decimals that round back to them (0.3, not 0.30000001192092896), so sparsities read
    as written."""
    t = torch.as_tensor(values)
    if t.dtype in (torch.float32, torch.float16, torch.bfloat16):
        return [float(f"{v:.7g}") for v in t.flatten().tolist()]
    return [float(v) for v in t.to(torch.float64).flatten().tolist()]


def export_sae(W_enc, b_enc, W_dec, b_dec, path, cfg=None, inputs=None):
    """Writes a sparse autoencoder of SAELens's standard architecture (``W_enc`` [d_in, d_sae], ``b_enc`` [d_sae],
    ``W_dec`` [d_sae, d_in], ``b_dec`` [d_in]; latents ReLU((x - b_dec) W_enc + b_enc)) as a file Circuitbook imports
    with ``format: sae``; returns its SHA-256 (hex). ``cfg``: SAELens's ``cfg.json`` as a dict (``sae.cfg.to_dict()``;
    its ``metadata.hook_name`` says what the SAE reads), written to ``__metadata__["config"]``. ``inputs`` [rows, d_in]
    (default: eight seeded normal rows) are encoded here, in float32, and written with their latents as the reference
    the build checks. (SAELens's own ``sae_weights.safetensors`` imports as it is, without the config or a reference.)"""
    tensors = {name: t.detach().to("cpu", torch.float32).contiguous().clone()
               for name, t in (("W_enc", W_enc), ("b_enc", b_enc), ("W_dec", W_dec), ("b_dec", b_dec))}
    d_in, d_sae = tensors["W_enc"].shape
    for name, shape in (("b_enc", (d_sae,)), ("W_dec", (d_sae, d_in)), ("b_dec", (d_in,))):
        if tuple(tensors[name].shape) != shape:
            raise ValueError(f"{name} has shape {list(tensors[name].shape)}, expected {list(shape)} (from W_enc "
                             f"[d_in, d_sae] = [{d_in}, {d_sae}])")
    if inputs is None:
        inputs = torch.randn(8, d_in, generator=torch.Generator().manual_seed(0))
    x = torch.as_tensor(inputs, dtype=torch.float32)
    with torch.no_grad():
        latents = torch.relu((x - tensors["b_dec"]) @ tensors["W_enc"] + tensors["b_enc"])
    metadata = {"reference": json.dumps({"inputs": x.tolist(), "latents": latents.tolist()})}
    if cfg is not None:
        metadata["config"] = json.dumps(cfg, default=str)
    save_file(tensors, path, metadata=metadata)
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()
