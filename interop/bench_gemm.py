"""The PyTorch side of GemmBenchmark (bench/gemm): times torch.matmul, one thread, for each shape of the job file
(argv[1], JSON: {"shapes": [[batch, m, k, n], ...], "seconds": s}) and prints JSON {"torch": version,
"gflops": [median GFLOP/s per shape]} on stdout. batch 0 means a plain [m, k] x [k, n] product; otherwise
[batch, m, k] x [batch, k, n]. Each shape runs for about `seconds` in blocks; the median block counts."""
import json
import statistics
import sys
import time

import torch


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        job = json.load(f)
    torch.set_num_threads(1)
    torch.manual_seed(0)
    out = []
    for batch, m, k, n in job["shapes"]:
        a = torch.rand(batch, m, k) if batch else torch.rand(m, k)
        b = torch.rand(batch, k, n) if batch else torch.rand(k, n)
        flop = 2.0 * max(batch, 1) * m * k * n
        reps = max(1, int(2e8 / flop))            # blocks of at least 0.2 GFLOP
        for _ in range(reps):
            torch.matmul(a, b)
        blocks = []
        end = time.perf_counter() + job["seconds"]
        while time.perf_counter() < end or len(blocks) < 5:
            start = time.perf_counter()
            for _ in range(reps):
                torch.matmul(a, b)
            blocks.append(flop * reps / (time.perf_counter() - start) / 1e9)
        out.append(statistics.median(blocks))
    json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "gflops": out}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
