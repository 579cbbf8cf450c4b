"""TransformerLens's HookedTransformer forward pass, written from its conventions, for Circuitbook's weights files.

A reference to check the Java forward pass (``widgets/.../model/HookedTransformer.java``) against, and a way for a
reader to run a published transformer with PyTorch alone. It reads what TransformerLens reads: a ``state_dict`` under
TransformerLens's names and shapes, and the ``HookedTransformerConfig`` fields, here from a safetensors file whose
``__metadata__["config"]`` holds them as JSON. It computes what ``HookedTransformer(cfg)(tokens)`` computes::

    resid = W_E[tokens] + W_pos[:pos]                                   # standard (learned) positions
    per block l:
        x = ln1(resid)                                                  # LN, LNPre, or nothing
        q, k, v = x W_Q + b_Q, x W_K + b_K, x W_V + b_V                 # [batch, pos, head, d_head]
        scores = q . k / (attn_scale * (l + 1 if scale_attn_by_inverse_layer_idx else 1)), causal mask
        z = softmax(scores) v;  resid += sum over heads of z W_O + b_O
        unless attn_only:  resid += act(ln2(resid) W_in + b_in) W_out + b_out
    logits = ln_final(resid) W_U + b_U                                  # [batch, pos, d_vocab_out]

Config values that would change this computation in a way not written here (rotary or other positional
embeddings, RMS norms, gated or parallel MLPs, local or bidirectional attention, grouped-query attention, soft caps,
QK norm, mixtures of experts, ...) are rejected with a ``ValueError`` naming the field, as are fields
``HookedTransformerConfig`` does not have. Arithmetic is float64 unless asked otherwise.
"""

import json
import math

import torch
import torch.nn.functional as F

# HookedTransformerConfig's fields, sorted by what they do to the forward pass.

# Read by this forward pass (shapes, and the supported choices).
SUPPORTED_FIELDS = (
    "n_layers", "d_model", "d_head", "n_heads", "d_mlp", "d_vocab", "d_vocab_out", "n_ctx",
    "act_fn", "attn_only", "normalization_type", "positional_embedding_type", "eps",
    "use_attn_scale", "attn_scale", "scale_attn_by_inverse_layer_idx", "attention_dir",
)

# Change the computation when set; accepted only at the value given (their default, "off").
MUST_BE_DEFAULT = {
    "gated_mlp": False,
    "parallel_attn_mlp": False,
    "use_local_attn": False,
    "final_rms": False,
    "uses_rms_norm": False,
    "n_key_value_heads": None,
    "use_qk_norm": False,
    "post_embedding_ln": False,
    "use_normalization_before_and_after": False,
    "num_experts": None,
    "load_in_4bit": False,
    "original_architecture": None,
    "use_NTK_by_parts_rope": False,
    "use_yarn_rope": False,
}

# Change the computation only when positive.
SOFT_CAPS = ("attn_scores_soft_cap", "output_logits_soft_cap")

# No effect on the logits here: bookkeeping, initialisation, devices, hooks, or settings read only by a feature that
# a field above switches off (rotary, local attention, experts, relative positions).
NO_EFFECT_FIELDS = (
    "model_name", "seed", "init_mode", "initializer_range", "init_weights", "device", "n_devices", "dtype",
    "tokenizer_name", "tokenizer_prepends_bos", "default_prepend_bos", "from_checkpoint", "checkpoint_index",
    "checkpoint_label_type", "checkpoint_value", "n_params", "use_hook_tokens", "use_hook_mlp_in", "use_attn_in",
    "use_attn_result", "use_split_qkv_input", "trust_remote_code", "layer_norm_folding",
    "ungroup_grouped_query_attention", "tie_word_embeddings", "experts_per_token", "norm_topk_prob", "window_size",
    "attn_types", "rotary_dim", "rotary_base", "rotary_base_local", "rotary_scaling_factor", "rotary_adjacent_pairs",
    "NTK_by_parts_low_freq_factor", "NTK_by_parts_high_freq_factor", "NTK_by_parts_factor", "NTK_original_ctx_len",
    "yarn_factor", "yarn_attention_factor", "yarn_beta_fast", "yarn_beta_slow",
    "yarn_original_max_position_embeddings", "relative_attention_max_distance", "relative_attention_num_buckets",
    "decoder_start_token_id",
)

ACTIVATIONS = ("relu", "gelu", "gelu_new")
NORMALIZATIONS = (None, "LN", "LNPre")
# TransformerLens keeps its causal mask and masking value as buffers in the state_dict: accepted and not used.
BUFFER_SUFFIXES = (".attn.mask", ".attn.IGNORE")


def load(path):
    """A weights file as ``(cfg, state_dict)``: the config (``__metadata__["config"]``, defaults filled in as
    ``HookedTransformerConfig`` fills them, checked by :func:`resolve_config`) and every tensor in the file."""
    from safetensors import safe_open
    from safetensors.torch import load_file

    with safe_open(path, "pt") as f:
        metadata = f.metadata() or {}
    if "config" not in metadata:
        raise ValueError(f"{path}: no \"config\" in __metadata__ (the HookedTransformerConfig fields, as JSON)")
    return resolve_config(json.loads(metadata["config"])), load_file(path)


def resolve_config(config):
    """``config`` (a dict of HookedTransformerConfig fields) with TransformerLens's defaults filled in:
    ``n_heads = d_model // d_head``, ``d_mlp = 4 d_model``, ``d_vocab_out = d_vocab``, ``normalization_type =
    "LN"``, ``act_fn = "relu"``, ``eps = 1e-5``, ``attn_scale = sqrt(d_head)`` (1 without ``use_attn_scale``).
    Raises ValueError naming the first field that is unknown, missing, or set to a value not implemented here."""
    known = set(SUPPORTED_FIELDS) | set(MUST_BE_DEFAULT) | set(SOFT_CAPS) | set(NO_EFFECT_FIELDS)
    for key in config:
        if key not in known:
            raise ValueError(f"config field {key!r} is not a HookedTransformerConfig field this reference knows")
    for key, default in MUST_BE_DEFAULT.items():
        if config.get(key, default) != default:
            raise ValueError(f"config field {key!r} = {config[key]!r} is not supported (only {default!r})")
    for key in SOFT_CAPS:
        if config.get(key, -1.0) is not None and config.get(key, -1.0) > 0:
            raise ValueError(f"config field {key!r} = {config[key]!r} is not supported (only a value <= 0: no cap)")
    cfg = dict(config)
    for key in ("n_layers", "d_model", "d_head", "n_ctx"):
        if not isinstance(cfg.get(key), int) or isinstance(cfg.get(key), bool):
            raise ValueError(f"config field {key!r} is missing or not an integer: {cfg.get(key)!r}")
    if cfg.get("n_heads", -1) == -1:
        if cfg["d_model"] % cfg["d_head"] != 0:
            raise ValueError(f"config field 'n_heads' is missing and d_model ({cfg['d_model']}) is not a multiple "
                             f"of d_head ({cfg['d_head']})")
        cfg["n_heads"] = cfg["d_model"] // cfg["d_head"]
    cfg.setdefault("attn_only", False)
    if cfg.get("d_mlp") is None:
        cfg["d_mlp"] = 4 * cfg["d_model"]
    if not isinstance(cfg.get("d_vocab"), int) or cfg["d_vocab"] < 1:
        raise ValueError(f"config field 'd_vocab' is missing or not a positive integer: {cfg.get('d_vocab')!r}")
    if cfg.get("d_vocab_out", -1) == -1:
        cfg["d_vocab_out"] = cfg["d_vocab"]
    cfg.setdefault("act_fn", "relu")
    if not cfg["attn_only"] and cfg["act_fn"] not in ACTIVATIONS:
        raise ValueError(f"config field 'act_fn' = {cfg['act_fn']!r} is not supported (supported: "
                         f"{', '.join(ACTIVATIONS)})")
    cfg.setdefault("normalization_type", "LN")
    if cfg["normalization_type"] not in NORMALIZATIONS:
        raise ValueError(f"config field 'normalization_type' = {cfg['normalization_type']!r} is not supported "
                         f"(supported: None, 'LN', 'LNPre')")
    cfg.setdefault("positional_embedding_type", "standard")
    if cfg["positional_embedding_type"] != "standard":
        raise ValueError(f"config field 'positional_embedding_type' = {cfg['positional_embedding_type']!r} is not "
                         f"supported (only 'standard')")
    cfg.setdefault("attention_dir", "causal")
    if cfg["attention_dir"] != "causal":
        raise ValueError(f"config field 'attention_dir' = {cfg['attention_dir']!r} is not supported "
                         f"(only 'causal')")
    cfg.setdefault("eps", 1e-5)
    cfg.setdefault("use_attn_scale", True)
    cfg.setdefault("scale_attn_by_inverse_layer_idx", False)
    if cfg.get("attn_scale", -1.0) == -1.0:
        cfg["attn_scale"] = math.sqrt(cfg["d_head"])
    return cfg


def parameter_shapes(cfg):
    """The parameters ``cfg`` needs, by state_dict name, with their shapes, in the order the forward pass uses
    them (``cfg`` resolved by :func:`resolve_config`)."""
    d_model, d_head, n_heads = cfg["d_model"], cfg["d_head"], cfg["n_heads"]
    norm = cfg["normalization_type"] == "LN"
    shapes = {"embed.W_E": (cfg["d_vocab"], d_model), "pos_embed.W_pos": (cfg["n_ctx"], d_model)}
    for layer in range(cfg["n_layers"]):
        block = f"blocks.{layer}."
        if norm:
            shapes[block + "ln1.w"] = (d_model,)
            shapes[block + "ln1.b"] = (d_model,)
        for w in ("W_Q", "W_K", "W_V"):
            shapes[block + "attn." + w] = (n_heads, d_model, d_head)
        shapes[block + "attn.W_O"] = (n_heads, d_head, d_model)
        for b in ("b_Q", "b_K", "b_V"):
            shapes[block + "attn." + b] = (n_heads, d_head)
        shapes[block + "attn.b_O"] = (d_model,)
        if not cfg["attn_only"]:
            if norm:
                shapes[block + "ln2.w"] = (d_model,)
                shapes[block + "ln2.b"] = (d_model,)
            shapes[block + "mlp.W_in"] = (d_model, cfg["d_mlp"])
            shapes[block + "mlp.b_in"] = (cfg["d_mlp"],)
            shapes[block + "mlp.W_out"] = (cfg["d_mlp"], d_model)
            shapes[block + "mlp.b_out"] = (d_model,)
    if norm:
        shapes["ln_final.w"] = (d_model,)
        shapes["ln_final.b"] = (d_model,)
    shapes["unembed.W_U"] = (d_model, cfg["d_vocab_out"])
    shapes["unembed.b_U"] = (cfg["d_vocab_out"],)
    return shapes


def is_buffer(name):
    """Whether ``name`` is one of TransformerLens's attention buffers (``blocks.N.attn.mask``, ``.IGNORE``)."""
    return name.startswith("blocks.") and name.endswith(BUFFER_SUFFIXES)


def parameters(cfg, state_dict, dtype=torch.float64, strict=True):
    """The parameters of ``cfg`` from ``state_dict``, as ``dtype``. Every parameter must be present with its shape;
    TransformerLens's buffers are ignored; any other tensor is an error when ``strict`` (as in
    ``load_state_dict``), ignored otherwise (a file that carries more, e.g. the Othello model's probes).
    Raises ValueError listing every problem."""
    problems = []
    params = {}
    for name, shape in parameter_shapes(cfg).items():
        t = state_dict.get(name)
        if t is None:
            problems.append(f"missing tensor {name!r} (expected shape {list(shape)})")
        elif tuple(t.shape) != shape:
            problems.append(f"tensor {name!r} has shape {list(t.shape)}, expected {list(shape)}")
        else:
            params[name] = t.to(dtype)
    if strict:
        for name in state_dict:
            if name not in params and name not in parameter_shapes(cfg) and not is_buffer(name):
                problems.append(f"unexpected tensor {name!r} (not a parameter or buffer of this config)")
    if problems:
        raise ValueError("state_dict does not match the config: " + "; ".join(problems))
    return params


def gelu_new(x):
    """GPT-2's GELU, the tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3))))


def activation(name):
    """The MLP activation called ``name`` in TransformerLens (``gelu`` is the exact, erf-based one)."""
    return {"relu": F.relu, "gelu": F.gelu, "gelu_new": gelu_new}[name]


def layer_norm(x, eps, w=None, b=None):
    """TransformerLens's LayerNorm over the last axis: centre, divide by sqrt(mean square + eps) (the biased
    variance), then scale and shift by ``w`` and ``b`` when given (``LN``); without them, ``LNPre``."""
    x = x - x.mean(-1, keepdim=True)
    x = x / (x.pow(2).mean(-1, keepdim=True) + eps).sqrt()
    return x if w is None else x * w + b


def attention(cfg, params, layer, x):
    """Block ``layer``'s attention on its (normalised) input ``x`` [batch, pos, d_model]: its output
    [batch, pos, d_model] and its pattern [batch, head, q_pos, k_pos]."""
    a = f"blocks.{layer}.attn."
    q = torch.einsum("bpm,hmd->bphd", x, params[a + "W_Q"]) + params[a + "b_Q"]
    k = torch.einsum("bpm,hmd->bphd", x, params[a + "W_K"]) + params[a + "b_K"]
    v = torch.einsum("bpm,hmd->bphd", x, params[a + "W_V"]) + params[a + "b_V"]
    scale = cfg["attn_scale"] if cfg["use_attn_scale"] else 1.0
    if cfg["scale_attn_by_inverse_layer_idx"]:
        scale = scale * (layer + 1)
    scores = torch.einsum("bqhd,bkhd->bhqk", q, k) / scale
    pos = x.shape[1]
    causal = torch.ones(pos, pos, dtype=torch.bool, device=x.device).tril()  # query q sees keys 0..q
    scores = scores.masked_fill(~causal, float("-inf"))
    pattern = torch.softmax(scores, dim=-1)
    z = torch.einsum("bhqk,bkhd->bqhd", pattern, v)
    out = torch.einsum("bqhd,hdm->bqm", z, params[a + "W_O"]) + params[a + "b_O"]
    return out, pattern


def mlp(cfg, params, layer, x):
    """Block ``layer``'s MLP on its (normalised) input ``x`` [batch, pos, d_model]."""
    m = f"blocks.{layer}.mlp."
    pre = x @ params[m + "W_in"] + params[m + "b_in"]
    return activation(cfg["act_fn"])(pre) @ params[m + "W_out"] + params[m + "b_out"]


def _norm(cfg, params, name, x):
    kind = cfg["normalization_type"]
    if kind is None:
        return x
    if kind == "LNPre":
        return layer_norm(x, cfg["eps"])
    return layer_norm(x, cfg["eps"], params[name + ".w"], params[name + ".b"])


def forward(cfg, state_dict, tokens, dtype=torch.float64, strict=True, patterns=None):
    """The logits [batch, pos, d_vocab_out] of ``tokens`` (a LongTensor [batch, pos], or [pos] for one sequence,
    which gives [pos, d_vocab_out]), computed in ``dtype``. ``cfg`` is a dict of HookedTransformerConfig fields
    (resolved here if it was not); ``state_dict`` as :func:`parameters` takes it. When ``patterns`` is a list, each
    block's attention pattern [batch, head, q_pos, k_pos] is appended to it."""
    cfg = resolve_config(cfg)
    params = parameters(cfg, state_dict, dtype, strict)
    tokens = torch.as_tensor(tokens, dtype=torch.long)
    single = tokens.dim() == 1
    if single:
        tokens = tokens.unsqueeze(0)
    if tokens.dim() != 2 or tokens.shape[1] < 1 or tokens.shape[1] > cfg["n_ctx"]:
        raise ValueError(f"tokens must be [batch, pos] with 1 <= pos <= n_ctx = {cfg['n_ctx']}, got shape "
                         f"{list(tokens.shape)}")
    if tokens.min() < 0 or tokens.max() >= cfg["d_vocab"]:
        raise ValueError(f"tokens must lie in [0, d_vocab = {cfg['d_vocab']}), got {tokens.min()}..{tokens.max()}")
    resid = params["embed.W_E"][tokens] + params["pos_embed.W_pos"][: tokens.shape[1]]
    for layer in range(cfg["n_layers"]):
        block = f"blocks.{layer}."
        attn_out, pattern = attention(cfg, params, layer, _norm(cfg, params, block + "ln1", resid))
        if patterns is not None:
            patterns.append(pattern)
        resid = resid + attn_out
        if not cfg["attn_only"]:
            resid = resid + mlp(cfg, params, layer, _norm(cfg, params, block + "ln2", resid))
    logits = _norm(cfg, params, "ln_final", resid) @ params["unembed.W_U"] + params["unembed.b_U"]
    return logits[0] if single else logits
