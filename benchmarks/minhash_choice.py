"""How the MinHash library was chosen: rensa and datasketch on the same blocks.

``python benchmarks/minhash_choice.py [--blocks 20000] [--num-perm 128]``

Random blocks of 5 to 80 words (5-word shingles, as the corpus pass makes them) get a
signature each, with rensa's ``digest_matrix_from_token_sets`` (one call for all blocks, then
``to_rows``) and with datasketch's ``MinHash`` (one object per block, shared permutations,
``update_batch``). Both are checked for the property the pass relies on: the signature of a
union of blocks is the element-wise minimum of the blocks' signatures.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time

import numpy as np
import rensa
from datasketch import MinHash


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=20_000)
    parser.add_argument("--num-perm", type=int, default=128)
    args = parser.parse_args(argv)
    r = random.Random(1)
    vocab = [f"w{i}" for i in range(20_000)]
    blocks = []
    for _ in range(args.blocks):
        words = [r.choice(vocab) for _ in range(r.randint(5, 80))]
        blocks.append([" ".join(words[i : i + 5]) for i in range(len(words) - 4)])
    perm = args.num_perm

    start = time.perf_counter()
    matrix = rensa.RMinHash.digest_matrix_from_token_sets(blocks, perm, 1)
    signed = time.perf_counter() - start
    rows = np.array(matrix.to_rows(), dtype=np.uint32)
    rensa_seconds = time.perf_counter() - start

    start = time.perf_counter()
    first = MinHash(num_perm=perm, seed=1)
    out = []
    for block in blocks:
        h = MinHash(num_perm=perm, seed=1, permutations=first.permutations, scheme=first.scheme)
        h.update_batch([s.encode("utf-8") for s in block])
        out.append(h.hashvalues)
    datasketch_seconds = time.perf_counter() - start

    union = [s for block in blocks[:20] for s in block]
    whole = rensa.RMinHash.digest_matrix_from_token_sets([union], perm, 1).to_rows()[0]
    direct = MinHash(num_perm=perm, seed=1)
    direct.update_batch([s.encode("utf-8") for s in union])
    figures = {
        "blocks": args.blocks,
        "shingles": sum(map(len, blocks)),
        "rensa_seconds": round(rensa_seconds, 3),
        "rensa_signatures_only_seconds": round(signed, 3),
        "datasketch_seconds": round(datasketch_seconds, 3),
        "rensa_union_is_minimum": rows[:20].min(axis=0).tolist() == whole,
        "datasketch_union_is_minimum": bool(
            (np.min(np.array(out[:20]), axis=0) == direct.hashvalues).all()
        ),
    }
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
