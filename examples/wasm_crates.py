"""Sums twiggy's per-item sizes of the release client by the crate each
item is there for (`make wasm-report`).

An item is counted for the first crate in its name that is not core,
alloc or std: `drop_in_place<tillwise::domain::Sale>` counts for tillwise,
`<tachys::html::Element<..> as tachys::view::Render>::build` for tachys.
Data segments and tables are shown on their own; the name section (only
there so twiggy can name things) is left out.

Usage: python3 wasm_crates.py top.csv stripped.wasm
"""

import csv
import os
import re
import sys
from collections import Counter

STD = {"core", "alloc", "std"}
# A path's first segment: at the start, or after `<`, `(`, `&`, `,`, `[`,
# `*` or a space; rustc may add a hash in brackets (`core[c5930c85]::fmt`).
PATH = re.compile(r"(?:^|[<(&,\[* ])([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?::")


def crate_of(name: str) -> str:
    if name.startswith(("data[", "data segment", ".rodata", ".data")):
        return "(data segments)"
    if name.startswith("elem[") or name.startswith("table["):
        return "(function tables)"
    if name.startswith("import ") or name.startswith("export "):
        return "(imports and exports)"
    crates = PATH.findall(name)
    if not crates:
        return "(unnamed: " + re.sub(r"\[\d+\]", "", name).strip() + ")"
    for crate in crates:
        if crate not in STD:
            return crate
    return crates[0]


def main() -> None:
    sizes: Counter = Counter()
    with open(sys.argv[1], newline="") as f:
        for row in csv.DictReader(f):
            name = row["Name"]
            if "name\" section" in name or "function names" in name or "local names" in name:
                continue
            sizes[crate_of(name)] += int(row["ShallowSize"])
    total = sum(sizes.values())
    print(f"{'crate':36} {'bytes':>10} {'share':>7}")
    for crate, size in sizes.most_common(30):
        print(f"{crate:36} {size:>10,} {100 * size / total:>6.1f}%")
    print(f"{'all items (before brotli)':36} {total:>10,}")
    if len(sys.argv) > 2:
        print(f"{'release wasm, names stripped':36} {os.path.getsize(sys.argv[2]):>10,}")


if __name__ == "__main__":
    main()
