"""Known results for circuitbook_ref.transformer: run with
``python -m unittest discover -s interop/tests -t interop`` from the repository root."""

import math
import os
import tempfile
import unittest

import torch
import torch.nn.functional as F

from circuitbook_ref import transformer as T

LN3 = math.log(3.0)
F64 = torch.float64  # hand-built weights hold ln 3 exactly as a double


def config(**overrides):
    cfg = {"n_layers": 1, "d_model": 2, "d_head": 1, "n_heads": 1, "d_mlp": 2, "d_vocab": 3, "d_vocab_out": 3,
           "n_ctx": 2, "act_fn": None, "attn_only": True, "normalization_type": None,
           "positional_embedding_type": "standard"}
    cfg.update(overrides)
    return cfg


def hand_built(d_head=1, layers=1):
    """One head that a hand can follow. Tokens embed as t0 = (1, 0), t1 = (0, 1), t2 = (1, 1); no positions.
    q = x0 + x1, k = ln(3) x0, v = x0 + 10 x1 (each in the head's first dimension; the others are zero), so with
    tokens [0, 1] the query at position 1 scores ln 3 on key 0 and 0 on key 1: pattern [3/4, 1/4] when the scale is 1.
    z = v at position 0 (1) and 3/4 * 1 + 1/4 * 10 = 3.25 at position 1; W_O writes z into dimension 0 and b_O adds
    (0, 0.5). W_U is the first two rows of the identity, b_U = (0, 0, -1). Blocks before the last are zero."""
    sd = {"embed.W_E": torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=F64),
          "pos_embed.W_pos": torch.zeros(2, 2, dtype=F64),
          "unembed.W_U": torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype=F64),
          "unembed.b_U": torch.tensor([0.0, 0.0, -1.0], dtype=F64)}
    for layer in range(layers):
        a = f"blocks.{layer}.attn."
        for name, shape in (("W_Q", (1, 2, d_head)), ("W_K", (1, 2, d_head)), ("W_V", (1, 2, d_head)),
                            ("W_O", (1, d_head, 2)), ("b_Q", (1, d_head)), ("b_K", (1, d_head)),
                            ("b_V", (1, d_head)), ("b_O", (2,))):
            sd[a + name] = torch.zeros(shape, dtype=F64)
        if layer == layers - 1:
            sd[a + "W_Q"][0, :, 0] = torch.tensor([1.0, 1.0], dtype=F64)
            sd[a + "W_K"][0, :, 0] = torch.tensor([LN3, 0.0], dtype=F64)
            sd[a + "W_V"][0, :, 0] = torch.tensor([1.0, 10.0], dtype=F64)
            sd[a + "W_O"][0, 0, :] = torch.tensor([1.0, 0.0], dtype=F64)
            sd[a + "b_O"][:] = torch.tensor([0.0, 0.5], dtype=F64)
    return config(d_head=d_head, n_layers=layers), sd


def random_model(seed=0, **overrides):
    cfg = T.resolve_config(config(n_layers=2, d_model=8, d_head=4, n_heads=2, d_mlp=16, d_vocab=7, d_vocab_out=5,
                                  n_ctx=6, act_fn="gelu", attn_only=False, **overrides))
    g = torch.Generator().manual_seed(seed)
    return cfg, {name: torch.randn(shape, generator=g, dtype=torch.float64) * 0.5
                 for name, shape in T.parameter_shapes(cfg).items()}


class Activations(unittest.TestCase):
    def test_gelu_is_exact_erf_gelu(self):
        x = torch.tensor([-2.0, -1.0, 0.0, 1.0, 2.0], dtype=torch.float64)
        expected = x * 0.5 * (1 + torch.erf(x / math.sqrt(2)))
        torch.testing.assert_close(T.activation("gelu")(x), expected, rtol=0, atol=1e-15)
        self.assertAlmostEqual(T.activation("gelu")(torch.tensor(1.0, dtype=torch.float64)).item(),
                               0.8413447460685429, places=15)

    def test_gelu_new_is_gpt2s_tanh_approximation(self):
        x = torch.linspace(-4, 4, 81, dtype=torch.float64)
        torch.testing.assert_close(T.gelu_new(x), F.gelu(x, approximate="tanh"), rtol=0, atol=1e-14)
        # 0.5 (1 + tanh(sqrt(2/pi) * 1.044715)) at x = 1: not the exact GELU's 0.8413447
        one = T.gelu_new(torch.tensor(1.0, dtype=torch.float64)).item()
        self.assertAlmostEqual(one, 0.5 * (1 + math.tanh(math.sqrt(2 / math.pi) * 1.044715)), places=15)
        self.assertGreater(abs(one - 0.8413447460685429), 1e-4)

    def test_relu(self):
        x = torch.tensor([-1.5, 0.0, 2.5])
        self.assertEqual(T.activation("relu")(x).tolist(), [0.0, 0.0, 2.5])


class LayerNorm(unittest.TestCase):
    def test_matches_torch_layer_norm(self):
        g = torch.Generator().manual_seed(1)
        x = torch.randn(3, 5, 8, generator=g, dtype=torch.float64) * 3 + 1
        w = torch.randn(8, generator=g, dtype=torch.float64)
        b = torch.randn(8, generator=g, dtype=torch.float64)
        for eps in (1e-5, 0.5):
            torch.testing.assert_close(T.layer_norm(x, eps, w, b), F.layer_norm(x, (8,), w, b, eps),
                                       rtol=0, atol=1e-12)
            torch.testing.assert_close(T.layer_norm(x, eps), F.layer_norm(x, (8,), None, None, eps),
                                       rtol=0, atol=1e-12)

    def zero_layer(self, normalization_type, **overrides):
        """A zero-layer model: token 0 embeds as (1, 3), so LN sees (-1, 1) / sqrt(1 + eps)."""
        cfg = config(n_layers=0, normalization_type=normalization_type, d_vocab=1, d_vocab_out=2, n_ctx=1,
                     **overrides)
        sd = {"embed.W_E": torch.tensor([[1.0, 3.0]]), "pos_embed.W_pos": torch.zeros(1, 2),
              "unembed.W_U": torch.eye(2), "unembed.b_U": torch.tensor([0.0, 10.0])}
        if normalization_type == "LN":
            sd["ln_final.w"] = torch.tensor([2.0, 3.0])
            sd["ln_final.b"] = torch.tensor([0.0, 1.0])
        return T.forward(cfg, sd, torch.tensor([0]))[0].tolist()

    def test_ln_final_by_hand(self):
        s = 1 / math.sqrt(1 + 1e-5)  # the default eps
        logits = self.zero_layer("LN")
        self.assertAlmostEqual(logits[0], -2 * s, places=12)
        self.assertAlmostEqual(logits[1], 3 * s + 1 + 10, places=12)

    def test_eps_from_config(self):
        logits = self.zero_layer("LNPre", eps=1.0)
        self.assertAlmostEqual(logits[0], -1 / math.sqrt(2), places=12)
        self.assertAlmostEqual(logits[1], 1 / math.sqrt(2) + 10, places=12)

    def test_no_normalization(self):
        self.assertEqual(self.zero_layer(None), [1.0, 13.0])

    def test_ln_model_normalizes_each_sublayer_input(self):
        """ln1 and ln2 are applied: scaling a block's LN weights changes the logits; LNPre equals LN with w = 1,
        b = 0 (an LN model whose weights are the identity)."""
        cfg, sd = random_model(normalization_type="LN")
        tokens = torch.tensor([[1, 2, 3, 4]])
        base = T.forward(cfg, sd, tokens)
        for name in ("blocks.0.ln1.w", "blocks.1.ln2.w", "ln_final.w"):
            changed = dict(sd, **{name: sd[name] * 2})
            self.assertGreater((T.forward(cfg, changed, tokens) - base).abs().max().item(), 1e-3, name)
        identity = {k: (torch.ones_like(v) if k.endswith(".w") and "ln" in k else
                        torch.zeros_like(v) if k.endswith(".b") and "ln" in k else v) for k, v in sd.items()}
        pre_cfg = dict(cfg, normalization_type="LNPre")
        pre_sd = {k: v for k, v in sd.items() if ".ln" not in k and not k.startswith("ln_")}
        torch.testing.assert_close(T.forward(pre_cfg, pre_sd, tokens), T.forward(cfg, identity, tokens),
                                   rtol=0, atol=1e-12)


class Attention(unittest.TestCase):
    def test_hand_built_pattern_and_logits(self):
        cfg, sd = hand_built()
        patterns = []
        logits = T.forward(cfg, sd, torch.tensor([[0, 1]]), patterns=patterns)
        self.assertEqual(len(patterns), 1)
        torch.testing.assert_close(patterns[0][0, 0], torch.tensor([[1.0, 0.0], [0.75, 0.25]], dtype=torch.float64))
        # position 0: (1, 0) + z 1 -> (2, 0.5); position 1: (0, 1) + z 3.25 -> (3.25, 1.5); b_U = (0, 0, -1)
        torch.testing.assert_close(logits[0], torch.tensor([[2.0, 0.5, -1.0], [3.25, 1.5, -1.0]],
                                                           dtype=torch.float64), rtol=0, atol=1e-12)

    def pattern_1_0(self, cfg, sd):
        patterns = []
        T.forward(cfg, sd, torch.tensor([[0, 1]]), patterns=patterns)
        return patterns[-1][0, 0, 1, 0].item()

    def test_default_scale_is_sqrt_d_head(self):
        cfg, sd = hand_built(d_head=4)  # the score ln 3 is divided by sqrt(4): softmax([ln 3 / 2, 0])
        r3 = math.sqrt(3)
        self.assertAlmostEqual(self.pattern_1_0(cfg, sd), r3 / (r3 + 1), places=12)

    def test_attn_scale_and_use_attn_scale(self):
        cfg, sd = hand_built(d_head=4)
        self.assertAlmostEqual(self.pattern_1_0(dict(cfg, use_attn_scale=False), sd), 0.75, places=12)
        self.assertAlmostEqual(self.pattern_1_0(dict(cfg, attn_scale=0.5), sd), 0.9, places=12)  # 9 / (9 + 1)

    def test_scale_attn_by_inverse_layer_idx(self):
        cfg, sd = hand_built(layers=2)  # the head is in layer 1: its scores are divided by 1 * 2
        r3 = math.sqrt(3)
        self.assertAlmostEqual(self.pattern_1_0(cfg, sd), 0.75, places=12)
        self.assertAlmostEqual(self.pattern_1_0(dict(cfg, scale_attn_by_inverse_layer_idx=True), sd),
                               r3 / (r3 + 1), places=12)

    def test_causal(self):
        """Changing a later token leaves every earlier position's logits exactly as they were."""
        cfg, sd = random_model()
        a = torch.tensor([[1, 2, 3, 4, 5, 6]])
        b = a.clone()
        b[0, 3] = 0
        la, lb = T.forward(cfg, sd, a), T.forward(cfg, sd, b)
        self.assertTrue(torch.equal(la[:, :3], lb[:, :3]))
        self.assertGreater((la[:, 3:] - lb[:, 3:]).abs().max().item(), 1e-3)

    def test_patterns_are_causal_distributions(self):
        cfg, sd = random_model()
        patterns = []
        T.forward(cfg, sd, torch.tensor([[1, 2, 3, 4, 5, 6]]), patterns=patterns)
        for p in patterns:
            torch.testing.assert_close(p.sum(-1), torch.ones(1, 2, 6, dtype=torch.float64))
            self.assertTrue(torch.equal(p.triu(1), torch.zeros_like(p)))


class Mlp(unittest.TestCase):
    def logits(self, act_fn):
        """Attention contributes nothing (zero weights); token 0 = (1, 0); W_in maps it to pre = (1, -1); W_out, W_U
        are the identity: logits = x + act(pre)."""
        cfg = config(n_ctx=1, d_vocab=1, d_vocab_out=2, attn_only=False, act_fn=act_fn, d_mlp=2)
        sd = {name: torch.zeros(shape) for name, shape in T.parameter_shapes(T.resolve_config(cfg)).items()}
        sd["embed.W_E"] = torch.tensor([[1.0, 0.0]])
        sd["blocks.0.mlp.W_in"] = torch.tensor([[1.0, -1.0], [0.0, 0.0]])
        sd["blocks.0.mlp.W_out"] = torch.eye(2)
        sd["unembed.W_U"] = torch.eye(2)
        return T.forward(cfg, sd, torch.tensor([0]))[0].tolist()

    def test_by_hand(self):
        self.assertEqual(self.logits("relu"), [2.0, 0.0])
        phi = 0.8413447460685429  # Phi(1): gelu(1) = Phi(1), gelu(-1) = -(1 - Phi(1))
        for got, want in zip(self.logits("gelu"), [1 + phi, -(1 - phi)]):
            self.assertAlmostEqual(got, want, places=12)
        g = 0.5 * (1 + math.tanh(math.sqrt(2 / math.pi) * 1.044715))
        for got, want in zip(self.logits("gelu_new"), [1 + g, -(1 - g)]):
            self.assertAlmostEqual(got, want, places=12)


class Forward(unittest.TestCase):
    def test_batch_equals_rows(self):
        cfg, sd = random_model(normalization_type="LN")
        tokens = torch.tensor([[1, 2, 3, 0], [4, 5, 6, 6]])
        batch = T.forward(cfg, sd, tokens)
        self.assertEqual(list(batch.shape), [2, 4, 5])
        for i in range(2):
            torch.testing.assert_close(batch[i], T.forward(cfg, sd, tokens[i]), rtol=0, atol=1e-12)

    def test_float32_option(self):
        cfg, sd = random_model()
        tokens = torch.tensor([[1, 2, 3, 4, 5, 6]])
        low = T.forward(cfg, sd, tokens, dtype=torch.float32)
        self.assertEqual(low.dtype, torch.float32)
        self.assertEqual(T.forward(cfg, sd, tokens).dtype, torch.float64)
        torch.testing.assert_close(low.double(), T.forward(cfg, sd, tokens), rtol=0, atol=1e-4)

    def test_rejects_tokens_outside_vocab_or_context(self):
        cfg, sd = random_model()
        with self.assertRaisesRegex(ValueError, "d_vocab = 7"):
            T.forward(cfg, sd, torch.tensor([[7]]))
        with self.assertRaisesRegex(ValueError, "n_ctx = 6"):
            T.forward(cfg, sd, torch.zeros(1, 7, dtype=torch.long))


class StateDict(unittest.TestCase):
    def test_buffers_are_ignored(self):
        cfg, sd = random_model()
        tokens = torch.tensor([[1, 2, 3]])
        with_buffers = dict(sd)
        for layer in range(2):  # as TransformerLens saves them: a bool causal mask and the masking value
            with_buffers[f"blocks.{layer}.attn.mask"] = torch.ones(6, 6, dtype=torch.bool).tril()
            with_buffers[f"blocks.{layer}.attn.IGNORE"] = torch.tensor(-1e5)
        self.assertTrue(torch.equal(T.forward(cfg, with_buffers, tokens), T.forward(cfg, sd, tokens)))

    def test_unexpected_tensor_is_an_error_unless_not_strict(self):
        cfg, sd = random_model()
        extra = dict(sd, **{"probe.colour.resid_0.w": torch.zeros(3)})
        with self.assertRaisesRegex(ValueError, "unexpected tensor 'probe.colour.resid_0.w'"):
            T.forward(cfg, extra, torch.tensor([1]))
        self.assertTrue(torch.equal(T.forward(cfg, extra, torch.tensor([1]), strict=False),
                                    T.forward(cfg, sd, torch.tensor([1]))))

    def test_missing_and_misshapen_tensors_are_named(self):
        cfg, sd = random_model()
        broken = dict(sd)
        del broken["blocks.1.mlp.b_in"]
        broken["blocks.0.attn.W_O"] = torch.zeros(2, 8, 4)
        with self.assertRaises(ValueError) as e:
            T.forward(cfg, broken, torch.tensor([1]))
        self.assertIn("missing tensor 'blocks.1.mlp.b_in'", str(e.exception))
        self.assertIn("'blocks.0.attn.W_O' has shape [2, 8, 4], expected [2, 4, 8]", str(e.exception))

    def test_ln_is_transformerlens_default(self):
        """Without normalization_type the config means LN, as in HookedTransformerConfig: LN weights are needed."""
        cfg, sd = random_model()
        del cfg["normalization_type"]
        with self.assertRaisesRegex(ValueError, "missing tensor 'blocks.0.ln1.w'"):
            T.forward(cfg, sd, torch.tensor([1]))


class Config(unittest.TestCase):
    def test_defaults_as_hooked_transformer_config(self):
        cfg = T.resolve_config({"n_layers": 1, "d_model": 12, "d_head": 4, "n_ctx": 5, "d_vocab": 9})
        self.assertEqual(cfg["n_heads"], 3)
        self.assertEqual(cfg["d_mlp"], 48)
        self.assertEqual(cfg["d_vocab_out"], 9)
        self.assertEqual(cfg["normalization_type"], "LN")
        self.assertEqual(cfg["act_fn"], "relu")
        self.assertEqual(cfg["eps"], 1e-5)
        self.assertEqual(cfg["attn_scale"], 2.0)
        self.assertEqual(T.resolve_config(dict(cfg, d_vocab_out=-1))["d_vocab_out"], 9)

    def test_unsupported_values_are_rejected_naming_the_field(self):
        cases = {
            "positional_embedding_type": "rotary", "gated_mlp": True, "parallel_attn_mlp": True,
            "use_local_attn": True, "attention_dir": "bidirectional", "normalization_type": "RMS",
            "n_key_value_heads": 1, "attn_scores_soft_cap": 50.0, "output_logits_soft_cap": 30.0,
            "final_rms": True, "use_qk_norm": True, "post_embedding_ln": True, "act_fn": "silu",
            "original_architecture": "GPT2LMHeadModel", "num_experts": 4, "a_field_of_no_config": 1,
        }
        cfg, sd = random_model()
        for field, value in cases.items():
            with self.subTest(field=field), self.assertRaisesRegex(ValueError, f"'{field}'"):
                T.forward(dict(cfg, **{field: value}), sd, torch.tensor([1]))

    def test_fields_without_effect_are_accepted(self):
        cfg, sd = random_model()
        same = dict(cfg, model_name="x", seed=3, init_mode="gpt2", device="cpu", dtype="torch.float32",
                    use_split_qkv_input=True, use_attn_result=True, rotary_dim=4, attn_scores_soft_cap=-1.0)
        self.assertTrue(torch.equal(T.forward(same, sd, torch.tensor([1, 2])), T.forward(cfg, sd, torch.tensor([1, 2]))))


class Load(unittest.TestCase):
    def test_reads_config_from_metadata(self):
        from safetensors.torch import save_file
        cfg, sd = random_model()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.safetensors")
            written = {k: cfg[k] for k in ("n_layers", "d_model", "d_head", "d_mlp", "d_vocab", "n_ctx", "act_fn",
                                           "attn_only", "normalization_type", "positional_embedding_type")}
            import json
            save_file({k: v.float().contiguous() for k, v in sd.items()}, path,
                      metadata={"config": json.dumps(dict(written, d_vocab_out=5)), "metrics": "{}"})
            got_cfg, got_sd = T.load(path)
            self.assertEqual(got_cfg["n_heads"], 2)  # 8 // 4, filled in
            self.assertEqual(set(got_sd), set(sd))
            torch.testing.assert_close(T.forward(got_cfg, got_sd, torch.tensor([1, 2])),
                                       T.forward(cfg, {k: v.float() for k, v in sd.items()}, torch.tensor([1, 2])))
            save_file({"W": torch.zeros(1)}, path, metadata={"spec": "{}"})
            with self.assertRaisesRegex(ValueError, "no \"config\""):
                T.load(path)


if __name__ == "__main__":
    unittest.main()
