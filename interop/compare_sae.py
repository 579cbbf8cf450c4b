"""Compares what another implementation computed with a published SAE against circuitbook_ref.sae, in float64.

    python interop/compare_sae.py FOLDER RESULTS

FOLDER is an SAE in SAELens's on-disk layout (cfg.json + sae_weights.safetensors); RESULTS a safetensors file of
float32 tensors ``x`` [n, d_in] (the inputs), ``latents`` [n, d_sae] and ``reconstruction`` [n, d_in], the other
implementation's encode(x) and decode(latents). Prints one JSON object and exits 0 (2 when the files cannot be
read); the caller judges the numbers. For each of latents and reconstruction it gives the largest absolute
difference from the reference, and its largest ratio to the float32 rounding bound of that value,

    gamma(m) * (sum of |terms| summed),   gamma(m) = m u / (1 - m u),  u = 2^-24

(Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., section 3.1), where a latent's m = d_in + 2 float32
operations per term (the subtraction of b_dec, the product and the running sum, with b_enc added) and its terms are
(x - b_dec)_k W_enc[k, j] and b_enc[j]; a reconstruction's m = d_sae + 1 and its terms f_j W_dec[j, k] and b_dec[k].
Any correct float32 evaluation, in any summation order, is within that bound, so a ratio above 1 is a wrong result,
not rounding. ReLU only lowers the difference. decode is compared on the other side's own latents, so the two checks
are independent. It also counts the latents active (> 0) on each side, so a caller can see that the comparison is not
of zeros.
"""

import json
import os
import sys

import torch
from safetensors import safe_open

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from circuitbook_ref import sae as S  # noqa: E402

U = 2.0 ** -24


def gamma(m):
    return m * U / (1 - m * U)


def compare(folder, results):
    cfg, w = S.load_from_disk(folder)
    with safe_open(results, framework="pt") as f:
        got = {name: f.get_tensor(name).to(torch.float64) for name in ("x", "latents", "reconstruction")}
    x = got["x"]
    centred = x - w["b_dec"] if cfg.get("apply_b_dec_to_input", True) else x
    f_ref = S.encode(cfg, w, x)
    f_bound = gamma(cfg["d_in"] + 2) * (centred.abs() @ w["W_enc"].abs() + w["b_enc"].abs())
    x_ref = S.decode(cfg, w, got["latents"])
    x_bound = gamma(cfg["d_sae"] + 1) * (got["latents"].abs() @ w["W_dec"].abs() + w["b_dec"].abs())
    out = {"folder": folder, "rows": x.shape[0], "d_in": cfg["d_in"], "d_sae": cfg["d_sae"]}
    for name, ref, bound in (("latents", f_ref, f_bound), ("reconstruction", x_ref, x_bound)):
        if tuple(got[name].shape) != tuple(ref.shape):
            raise ValueError(f"{name} is {list(got[name].shape)}, the reference's {list(ref.shape)}")
        diff = (got[name] - ref).abs()
        out[name] = {"max_abs_diff": diff.max().item(), "max_ratio_to_bound": (diff / bound.clamp_min(1e-300)).max().item(),
                     "max_abs": ref.abs().max().item()}
    out["active"] = {"given": int((got["latents"] > 0).sum().item()), "reference": int((f_ref > 0).sum().item())}
    return out


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        print(json.dumps(compare(argv[1], argv[2])))
    except (OSError, ValueError, KeyError) as e:
        print(f"compare_sae.py: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
