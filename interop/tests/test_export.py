"""circuitbook_ref.export: the TransformerLens-named module and the exporting function. Run with
``python -m unittest discover -s interop/tests -t interop`` from the repository root."""

import json
import os
import tempfile
import unittest

import torch
from safetensors import safe_open
from safetensors.torch import load_file

from circuitbook_ref import transformer as T
from circuitbook_ref.export import TransformerModule, export, export_sae, export_toy_superposition, reference_tokens

CFG = {"n_layers": 2, "d_model": 8, "d_head": 4, "n_heads": 2, "d_mlp": 16, "d_vocab": 7, "d_vocab_out": 5,
       "n_ctx": 6, "act_fn": "gelu_new", "normalization_type": "LN", "attn_only": False}


class TransformerModuleTest(unittest.TestCase):
    def test_state_dict_is_transformer_lens(self):
        """Every parameter under TransformerLens's name and shape, and its two attention buffers per layer."""
        module = TransformerModule(CFG)
        sd = module.state_dict()
        shapes = T.parameter_shapes(T.resolve_config(CFG))
        self.assertEqual(set(shapes) | {f"blocks.{l}.attn.{b}" for l in range(2) for b in ("mask", "IGNORE")}, set(sd))
        for name, shape in shapes.items():
            self.assertEqual(shape, tuple(sd[name].shape), name)
        self.assertEqual(torch.bool, sd["blocks.0.attn.mask"].dtype)
        self.assertEqual(0, sd["blocks.1.attn.IGNORE"].dim())
        self.assertTrue(torch.equal(torch.ones(8), sd["blocks.0.ln1.w"]))
        self.assertTrue(torch.equal(torch.zeros(2, 4), sd["blocks.0.attn.b_Q"]))

    def test_forward_is_the_reference(self):
        """The module's float32 logits are the float64 reference's within float32 rounding (1e-5 of the largest)."""
        module = TransformerModule(CFG, seed=3)
        tokens = torch.tensor([[1, 4, 1, 5, 6, 2], [0, 0, 3, 3, 2, 1]])
        got = module(tokens).double()
        want = T.forward(CFG, module.state_dict(), tokens)
        self.assertLess((got - want).abs().max().item(), 1e-5 * want.abs().max().item())

    def test_gradients_reach_every_parameter(self):
        module = TransformerModule(CFG, seed=4)
        module(torch.tensor([[1, 2, 3, 4]])).sum().backward()
        for name, p in module.named_parameters():
            self.assertIsNotNone(p.grad, name)


class ExportTest(unittest.TestCase):
    def test_round_trip(self):
        """The file holds the state_dict bit for bit, the config, the vocab, and the model's own reference logits."""
        module = TransformerModule(CFG, seed=5)
        vocab = ["a", "b", " c", "\n", "e", "f", "g"]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.safetensors")
            sha = export(module, path, vocab=vocab)
            self.assertRegex(sha, "^[0-9a-f]{64}$")
            tensors = load_file(path)
            for name, t in module.state_dict().items():
                self.assertTrue(torch.equal(t, tensors[name]), name)
            with safe_open(path, "pt") as f:
                meta = f.metadata()
            self.assertEqual(CFG, json.loads(meta["config"]))
            self.assertEqual(vocab, json.loads(meta["vocab"]))
            reference = json.loads(meta["reference"])
            self.assertEqual(reference_tokens(CFG), reference["tokens"])
            self.assertEqual([1, 6, 3], [len(t) for t in reference["tokens"]])
            for seq, logits in zip(reference["tokens"], reference["logits"]):
                self.assertEqual(module(torch.tensor([seq]))[0].tolist(), logits)
            cfg, state_dict = T.load(path)
            self.assertEqual(5, cfg["d_vocab_out"])
            self.assertEqual((3, 5), tuple(T.forward(cfg, state_dict, torch.tensor([1, 2, 3])).shape))

    def test_config_from_the_model_or_the_argument(self):
        """A module without a cfg needs cfg=; a TransformerLens-like cfg object's to_dict() is used."""
        module = TransformerModule(CFG)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.safetensors")

            class Config:
                def to_dict(self):
                    return dict(CFG)

            module.cfg = Config()
            export(module, path)
            with safe_open(path, "pt") as f:
                self.assertEqual(CFG, json.loads(f.metadata()["config"]))
                self.assertNotIn("vocab", f.metadata())
            del module.cfg
            with self.assertRaisesRegex(ValueError, "no config"):
                export(module, path)

    def test_refuses_before_writing(self):
        """A state_dict that does not fit the config, or a vocab too short, is refused and nothing is written."""
        module = TransformerModule(CFG)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.safetensors")
            with self.assertRaisesRegex(ValueError, "vocab has 3 strings, the model reads 7 tokens"):
                export(module, path, vocab=["a", "b", "c"])
            bigger = dict(CFG, d_mlp=32)
            with self.assertRaisesRegex(ValueError, "'blocks.0.mlp.W_in' has shape \\[8, 16\\], expected \\[8, 32\\]"):
                export(module, path, cfg=bigger)
            self.assertFalse(os.path.exists(path))


class ExportToySuperpositionTest(unittest.TestCase):
    def test_round_trip(self):
        """W and b_final bit for bit, the config (float32 probabilities as written), and the notebook's outputs."""
        generator = torch.Generator().manual_seed(0)
        W = torch.randn(3, 5, 2, generator=generator)
        b = torch.randn(3, 5, generator=generator)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "toys.safetensors")
            export_toy_superposition(W, b, torch.tensor([0.3, 0.1, 0.01]), path, importance=0.9 ** torch.arange(5.0))
            tensors = load_file(path)
            self.assertTrue(torch.equal(W, tensors["W"]))
            self.assertTrue(torch.equal(b, tensors["b_final"]))
            with safe_open(path, "pt") as f:
                meta = f.metadata()
            config = json.loads(meta["config"])
            self.assertEqual([0.3, 0.1, 0.01], config["feature_probability"])
            self.assertEqual({"n_features": 5, "n_hidden": 2, "n_instances": 3, "activation": "relu"},
                             {k: config[k] for k in ("n_features", "n_hidden", "n_instances", "activation")})
            self.assertAlmostEqual(0.9 ** 4, config["importance"][4], places=6)
            reference = json.loads(meta["reference"])
            x = torch.tensor(reference["inputs"])
            self.assertEqual((6, 5), tuple(x.shape))  # each feature alone, then all at 0.5
            for i in range(3):
                want = torch.relu((x @ W[i]) @ W[i].T + b[i])
                self.assertLess((torch.tensor(reference["outputs"][i]) - want).abs().max().item(), 1e-6)

    def test_refuses(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "toys.safetensors")
            with self.assertRaisesRegex(ValueError, "W must be \\[n_instances, n_features, n_hidden\\]"):
                export_toy_superposition(torch.zeros(5, 2), torch.zeros(5), 0.1, path)
            with self.assertRaisesRegex(ValueError, "feature_probability has 2 values, W has 3 instances"):
                export_toy_superposition(torch.zeros(3, 5, 2), torch.zeros(3, 5), [0.1, 0.2], path)
            self.assertFalse(os.path.exists(path))


class ExportSaeTest(unittest.TestCase):
    def test_round_trip(self):
        """The four tensors bit for bit, the config, and the latents of SAELens's encoder as the reference."""
        generator = torch.Generator().manual_seed(1)
        W_enc, b_enc = torch.randn(4, 6, generator=generator), torch.randn(6, generator=generator)
        W_dec, b_dec = torch.randn(6, 4, generator=generator), torch.randn(4, generator=generator)
        cfg = {"d_in": 4, "d_sae": 6, "architecture": "standard", "metadata": {"hook_name": "blocks.0.hook_resid_post"}}
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "sae.safetensors")
            export_sae(W_enc, b_enc, W_dec, b_dec, path, cfg=cfg)
            tensors = load_file(path)
            for name, t in (("W_enc", W_enc), ("b_enc", b_enc), ("W_dec", W_dec), ("b_dec", b_dec)):
                self.assertTrue(torch.equal(t, tensors[name]), name)
            with safe_open(path, "pt") as f:
                meta = f.metadata()
            self.assertEqual(cfg, json.loads(meta["config"]))
            reference = json.loads(meta["reference"])
            x = torch.tensor(reference["inputs"])
            self.assertEqual((8, 4), tuple(x.shape))
            want = torch.relu((x - b_dec) @ W_enc + b_enc)
            self.assertLess((torch.tensor(reference["latents"]) - want).abs().max().item(), 1e-6)

    def test_refuses_misshapen(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "sae.safetensors")
            with self.assertRaisesRegex(ValueError, "W_dec has shape \\[4, 6\\], expected \\[6, 4\\]"):
                export_sae(torch.zeros(4, 6), torch.zeros(6), torch.zeros(4, 6), torch.zeros(4), path)
            self.assertFalse(os.path.exists(path))


if __name__ == "__main__":
    unittest.main()
