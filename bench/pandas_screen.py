"""Baseline (a): the screening a data analyst would write with pandas.

read_csv the whole file, then str.contains with one alternation regex of the
word list on name and scope. It misses nested words (金融 inside 互联网金融),
ignores exclusion clauses and validates nothing: it is a speed baseline only.
"""

import re
import sys

import pandas as pd

WORDS = [
    "交易所",
    "交易中心",
    "金融",
    "资产管理",
    "理财",
    "基金",
    "基金管理",
    "财富管理",
    "股权投资基金",
    "网贷",
    "网络借贷",
    "P2P",
    "股权众筹",
    "互联网保险",
    "支付",
    "互联网金融",
    "投资咨询",
    "金融服务",
    "金融信息服务",
    "投资管理",
]


def main(source: str, out: str) -> None:
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    pattern = "|".join(re.escape(w) for w in WORDS)
    hit = frame["name"].str.contains(pattern, regex=True) | frame["scope"].str.contains(
        pattern, regex=True
    )
    frame["flagged"] = hit.astype(int)
    frame[["uscc", "name", "flagged"]].to_csv(out, index=False, encoding="utf-8-sig")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
