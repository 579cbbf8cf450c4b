"""Known results for circuitbook_ref.sae: run with
``python -m unittest discover -s interop/tests -t interop`` from the repository root."""

import json
import os
import tempfile
import unittest

import torch
from safetensors.torch import save_file

from circuitbook_ref import sae as S

F64 = torch.float64


def config(**overrides):
    """A cfg.json as SAELens 6.x's StandardSAEConfig.to_dict() writes it, for d_in 2, d_sae 3."""
    cfg = {"d_in": 2, "d_sae": 3, "dtype": "float32", "device": "cpu", "apply_b_dec_to_input": True,
           "normalize_activations": "none", "reshape_activations": "none",
           "metadata": {"sae_lens_version": "6.18.0", "hook_name": "toy_features"}, "architecture": "standard"}
    cfg.update(overrides)
    return cfg


def hand_built():
    """Three latents a hand can follow: latent 0 reads dimension 0, latent 1 dimension 1 less 0.5, latent 2 the
    difference; each writes back its own direction. b_dec = (0.5, 0)."""
    return {"W_enc": torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, -1.0]], dtype=F64),
            "b_enc": torch.tensor([0.0, -0.5, 0.0], dtype=F64),
            "W_dec": torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]], dtype=F64),
            "b_dec": torch.tensor([0.5, 0.0], dtype=F64)}


def write_folder(folder, cfg, weights):
    with open(os.path.join(folder, S.CFG_FILENAME), "w", encoding="utf-8") as f:
        json.dump(cfg, f)
    save_file({k: v.to(torch.float32).contiguous() for k, v in weights.items()},
              os.path.join(folder, S.WEIGHTS_FILENAME))


class HandBuilt(unittest.TestCase):
    def test_encode_subtracts_b_dec_then_relu(self):
        # x = (1.5, 1): x - b_dec = (1, 1); pre = (1, 1 - 0.5, 1 - 1) = (1, 0.5, 0)
        # x = (0.5, -1): x - b_dec = (0, -1); pre = (0, -1.5, 1): ReLU keeps latent 2 only
        x = torch.tensor([[1.5, 1.0], [0.5, -1.0]], dtype=F64)
        f = S.encode(config(), hand_built(), x)
        self.assertTrue(torch.equal(f, torch.tensor([[1.0, 0.5, 0.0], [0.0, 0.0, 1.0]], dtype=F64)), f)

    def test_decode_adds_b_dec(self):
        # (1, 0.5, 0) W_dec + b_dec = (1, 0.5) + (0.5, 0); (0, 0, 1) W_dec + b_dec = (1, -1) + (0.5, 0)
        f = torch.tensor([[1.0, 0.5, 0.0], [0.0, 0.0, 1.0]], dtype=F64)
        x_hat = S.decode(config(), hand_built(), f)
        self.assertTrue(torch.equal(x_hat, torch.tensor([[1.5, 0.5], [1.5, -1.0]], dtype=F64)), x_hat)

    def test_forward_is_decode_of_encode(self):
        x = torch.tensor([[1.5, 1.0], [0.5, -1.0]], dtype=F64)
        f, x_hat = S.forward(config(), hand_built(), x)
        self.assertTrue(torch.equal(f, S.encode(config(), hand_built(), x)))
        self.assertTrue(torch.equal(x_hat, torch.tensor([[1.5, 0.5], [1.5, -1.0]], dtype=F64)), x_hat)

    def test_without_b_dec_on_the_input(self):
        # apply_b_dec_to_input false: pre = (1.5, 1 - 0.5, 1.5 - 1) = (1.5, 0.5, 0.5)
        # x_hat = 1.5 (1, 0) + 0.5 (0, 1) + 0.5 (1, -1) + (0.5, 0) = (2.5, 0)
        f, x_hat = S.forward(config(apply_b_dec_to_input=False), hand_built(), torch.tensor([[1.5, 1.0]], dtype=F64))
        self.assertTrue(torch.equal(f, torch.tensor([[1.5, 0.5, 0.5]], dtype=F64)), f)
        self.assertTrue(torch.equal(x_hat, torch.tensor([[2.5, 0.0]], dtype=F64)), x_hat)

    def test_leading_dimensions_are_kept(self):
        # [batch, pos, d_in] as an SAE on a residual stream reads it
        x = torch.tensor([[1.5, 1.0], [0.5, -1.0]], dtype=F64).reshape(1, 2, 2).repeat(3, 1, 1)
        f, x_hat = S.forward(config(), hand_built(), x)
        self.assertEqual(tuple(f.shape), (3, 2, 3))
        self.assertTrue(torch.equal(x_hat[2], torch.tensor([[1.5, 0.5], [1.5, -1.0]], dtype=F64)), x_hat)

    def test_float32_input_is_computed_in_the_weights_dtype(self):
        x = torch.tensor([[1.5, 1.0]], dtype=torch.float32)
        f = S.encode(config(), hand_built(), x)
        self.assertEqual(f.dtype, F64)


class Folder(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.folder = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def test_round_trip_as_float64(self):
        write_folder(self.folder, config(), hand_built())
        cfg, weights = S.load_from_disk(self.folder)
        self.assertEqual(cfg["metadata"]["hook_name"], "toy_features")
        self.assertEqual(sorted(weights), ["W_dec", "W_enc", "b_dec", "b_enc"])
        for name, tensor in hand_built().items():
            self.assertEqual(weights[name].dtype, F64)
            self.assertTrue(torch.equal(weights[name], tensor), name)
        f, x_hat = S.forward(cfg, weights, torch.tensor([[0.5, -1.0]], dtype=F64))
        self.assertTrue(torch.equal(x_hat, torch.tensor([[1.5, -1.0]], dtype=F64)), x_hat)

    def test_load_as_float32_when_asked(self):
        write_folder(self.folder, config(), hand_built())
        _, weights = S.load_from_disk(self.folder, dtype=torch.float32)
        self.assertEqual(weights["W_enc"].dtype, torch.float32)

    def refused(self, cfg, weights, words):
        write_folder(self.folder, cfg, weights)
        with self.assertRaises(ValueError) as caught:
            S.load_from_disk(self.folder)
        self.assertIn(words, str(caught.exception))

    def test_refuses_other_architectures(self):
        self.refused(config(architecture="jumprelu"), hand_built(), "architecture 'jumprelu'")

    def test_refuses_run_time_normalisation(self):
        self.refused(config(normalize_activations="expected_average_only_in"), hand_built(), "normalize_activations")

    def test_refuses_hook_z_reshaping(self):
        self.refused(config(reshape_activations="hook_z"), hand_built(), "reshape_activations")

    def test_refuses_a_pre_6_config(self):
        self.refused(config(metadata={"sae_lens_version": "5.9.1"}), hand_built(), "sae_lens_version '5.9.1'")
        self.refused(config(metadata={}), hand_built(), "sae_lens_version None")

    def test_refuses_an_unknown_dtype(self):
        self.refused(config(dtype="float8"), hand_built(), "dtype 'float8'")

    def test_refuses_a_fifth_tensor(self):
        weights = dict(hand_built(), scaling_factor=torch.ones(3, dtype=F64))
        self.refused(config(), weights, "not exactly")

    def test_refuses_a_missing_tensor(self):
        weights = hand_built()
        del weights["b_enc"]
        self.refused(config(), weights, "not exactly")

    def test_refuses_a_transposed_encoder(self):
        weights = dict(hand_built(), W_enc=hand_built()["W_enc"].T)
        self.refused(config(), weights, "W_enc is [3, 2], expected [2, 3]")

    def test_refuses_a_width_the_config_does_not_say(self):
        self.refused(config(d_sae=4), hand_built(), "expected [2, 4]")


if __name__ == "__main__":
    unittest.main()
