"""Tests of the demo registry generator and its file writers."""

import csv
import json
import re
import tracemalloc
import unicodedata
from collections import Counter
from importlib import resources
from pathlib import Path

import openpyxl
import pytest
import yaml

from finsentry.demo import scopes
from finsentry.demo.generator import (
    CHINESE_HEADERS,
    REGISTRY_COLUMNS,
    DemoFirm,
    generate_firms,
    licence_list,
    write_registry_csv,
    write_registry_jsonl,
    write_registry_xlsx,
)
from finsentry.demo.names import contains_finance_word, load_vocabulary
from finsentry.registry.licensing import LICENCE_KINDS
from finsentry.registry.uscc import code_problem

SAMPLE = 20_000
DATE = re.compile(
    r"^(\d{4})(?:-\d{2}-\d{2}|/\d{1,2}/\d{1,2}|年\d{1,2}月\d{1,2}日|\d{4})$"
)


@pytest.fixture(scope="module")
def firms() -> list[DemoFirm]:
    """Return a sample registry shared by the tests of this module."""
    return list(generate_firms(SAMPLE, seed=2016))


def _share(firms: list[DemoFirm], prefix: str) -> float:
    """Return the share of firms whose truth starts with ``prefix``."""
    return sum(f.truth.startswith(prefix) for f in firms) / len(firms)


def _folded(text: str) -> str:
    """Return ``text`` folded as screening would: NFKC, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_same_seed_gives_same_rows() -> None:
    assert list(generate_firms(300, seed=5)) == list(generate_firms(300, seed=5))


def test_other_seed_gives_other_rows() -> None:
    assert list(generate_firms(50, seed=5)) != list(generate_firms(50, seed=6))


def test_first_rows_do_not_depend_on_count() -> None:
    assert list(generate_firms(100, seed=3)) == list(generate_firms(400, seed=3))[:100]


def test_every_code_is_valid_and_unique(firms: list[DemoFirm]) -> None:
    assert all(code_problem(f.uscc) is None for f in firms)
    assert len({f.uscc for f in firms}) == len(firms)
    assert len({f.uscc[8:16] for f in firms}) == len(firms)


def test_region_column_matches_code(firms: list[DemoFirm]) -> None:
    assert all(f.uscc[2:8] == f.region for f in firms)


def test_names_are_unique_ignoring_spaces(firms: list[DemoFirm]) -> None:
    keys = {_folded(f.name).replace("(", "（").replace(")", "）") for f in firms}

    assert len(keys) == len(firms)


@pytest.mark.parametrize(
    ("prefix", "share", "tolerance"),
    [
        ("ordinary", 0.855, 0.02),
        ("finance_word_excluded", 0.06, 0.01),
        ("suspect:", 0.04, 0.008),
        ("licensed:", 0.008, 0.003),
        ("local_licensed:", 0.007, 0.003),
        ("non_market", 0.03, 0.006),
    ],
)
def test_truth_class_shares(
    firms: list[DemoFirm], prefix: str, share: float, tolerance: float
) -> None:
    assert abs(_share(firms, prefix) - share) < tolerance


def test_every_registry_domain_is_planted(firms: list[DemoFirm]) -> None:
    path = resources.files("finsentry.rules").joinpath("data/violations.yaml")
    catalogue = yaml.safe_load(path.read_text(encoding="utf-8"))
    # Advertising is found on web pages only, never in a registration.
    expected = set(catalogue["domains"]) - {"advertising"}
    planted = Counter(
        f.truth.split(":")[1] for f in firms if f.truth.startswith("suspect")
    )

    assert set(planted) == expected == set(scopes.SUSPECT_DOMAINS)
    assert min(planted.values()) >= 20


def test_ordinary_firms_carry_no_finance_word(firms: list[DemoFirm]) -> None:
    ordinary = [f for f in firms if f.truth == "ordinary"]

    assert not [f.name for f in ordinary if contains_finance_word(f.name)]
    assert not [f.scope for f in ordinary if contains_finance_word(f.scope)]


def test_excluded_firms_name_finance_only_in_exclusions(firms: list[DemoFirm]) -> None:
    clauses = load_vocabulary("scopes")["exclusions"]
    excluded = [f for f in firms if f.truth == "finance_word_excluded"]

    for firm in excluded:
        assert any(clause in firm.scope for clause in clauses)
        rest = firm.scope
        for clause in clauses:
            rest = rest.replace(clause, "")
        assert not contains_finance_word(rest) and not contains_finance_word(firm.name)


def test_suspects_show_finance_in_name_or_scope(firms: list[DemoFirm]) -> None:
    suspects = [f for f in firms if f.truth.startswith("suspect")]
    visible = [contains_finance_word(_folded(f.name + f.scope)) for f in suspects]
    name_only = [f for f in suspects if not contains_finance_word(_folded(f.scope))]
    scope_only = [f for f in suspects if not contains_finance_word(_folded(f.name))]

    # P2P brands ending in 贷 are the one planted form no finance word catches.
    assert sum(visible) / len(suspects) > 0.95
    assert name_only and scope_only
    assert any(" " in f.name or "(" in f.name for f in suspects)
    assert any(re.search(r"Ｐ|p2p|P 2 P", f.scope) for f in suspects)


def test_suspects_mostly_have_websites(firms: list[DemoFirm]) -> None:
    suspects = [f for f in firms if f.truth.startswith("suspect")]
    companies = [f for f in firms if f.truth == "ordinary" and f.uscc[:2] == "91"]

    assert sum(bool(f.website) for f in suspects) / len(suspects) > 0.75
    assert 0.15 < sum(bool(f.website) for f in companies) / len(companies) < 0.25


@pytest.mark.parametrize(
    ("truth", "authorities"),
    [
        ("ordinary", {"91", "92", "93"}),
        ("suspect:", {"91"}),
        ("licensed:", {"91"}),
        ("non_market", {"51", "52", "53", "12"}),
    ],
)
def test_authority_codes_fit_truth(
    firms: list[DemoFirm], truth: str, authorities: set[str]
) -> None:
    seen = {f.uscc[:2] for f in firms if f.truth.startswith(truth)}

    assert seen == authorities


def test_foundations_carry_fund_word_in_name(firms: list[DemoFirm]) -> None:
    foundations = [f for f in firms if f.uscc.startswith("53")]

    assert foundations
    assert all(f.truth == "non_market" and "基金" in f.name for f in foundations)


def test_licence_list_holds_licensed_and_local_licensed(firms: list[DemoFirm]) -> None:
    listed = list(licence_list(firms))
    kinds = Counter(kind for _, _, kind in listed)
    expected = [
        f for f in firms if f.truth.startswith(("licensed:", "local_licensed:"))
    ]

    assert len(listed) == len(expected)
    assert {"bank", "insurer", "securities", "microcredit", "pawn"} <= set(kinds)
    assert set(kinds) <= set(LICENCE_KINDS)


def test_regions_are_weighted_by_economy(firms: list[DemoFirm]) -> None:
    jilin = [f for f in firms if f.region.startswith("22")]
    changchun = sum(f.region.startswith("2201") for f in firms) / len(firms)
    outside = sum(not f.region.startswith("22") for f in firms) / len(firms)

    assert 0.33 < changchun < 0.45
    assert 0.002 < outside < 0.009
    assert {"220171", "220172", "220173", "220174", "220271"} <= {
        f.region for f in jilin
    }


def test_only_company_branches_are_registered_outside(firms: list[DemoFirm]) -> None:
    unknown = set(load_vocabulary("regions")["unknown_codes"])
    outside = [f for f in firms if not f.region.startswith("22")]

    assert outside
    assert all(f.uscc.startswith("91") and f.name.endswith("分公司") for f in outside)
    assert 0 < sum(f.region in unknown for f in firms) / len(firms) < 0.005


def test_memory_does_not_grow_with_row_count() -> None:
    def peak(count: int) -> int:
        tracemalloc.start()
        for _ in generate_firms(count, seed=8):
            pass
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top

    # Vocabularies and scope pools are built once per process, the Bloom
    # filter is fixed, and rows are not kept: only the first run may grow.
    peak(1500)
    assert peak(1500) - peak(500) < 1_000_000


@pytest.mark.parametrize(("code", "before"), [("220381", 2020), ("220181", 2014)])
def test_historic_codes_only_for_older_firms(
    firms: list[DemoFirm], code: str, before: int
) -> None:
    years = [int(DATE.match(f.established)[1]) for f in firms if f.region == code]

    assert years and max(years) < before


def test_dates_capitals_and_phones_look_real(firms: list[DemoFirm]) -> None:
    years = [int(DATE.match(f.established)[1]) for f in firms]
    landlines = [f.phone for f in firms if f.phone.startswith("04")]

    assert min(years) >= 1992 and max(years) <= 2026
    assert any(f.registered_capital.endswith("万美元") for f in firms)
    assert any(f.registered_capital == "" for f in firms if f.uscc[:2] == "92")
    assert all(
        p[:4]
        in {"0431", "0432", "0433", "0434", "0435", "0436", "0437", "0438", "0439"}
        for p in landlines
    )
    assert Counter(f.status for f in firms).most_common(1)[0][0] == "存续"


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030"])
def test_csv_writer_output_reads_back(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "registry.csv"

    written = write_registry_csv(path, 400, seed=9, encoding=encoding)

    with path.open(encoding=encoding, newline="") as handle:
        rows = list(csv.reader(handle))
    assert written == 400 and len(rows) == 401
    assert tuple(rows[0]) == REGISTRY_COLUMNS
    assert tuple(rows[1]) == next(generate_firms(1, seed=9)).row()


def test_csv_writer_can_write_chinese_headers(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"

    write_registry_csv(path, 5, chinese_headers=True)

    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == list(CHINESE_HEADERS)


def test_jsonl_writer_output_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "registry.jsonl"

    written = write_registry_jsonl(path, 50, seed=4)

    records = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert written == len(records) == 50
    assert tuple(records[0]) == REGISTRY_COLUMNS


def test_xlsx_writer_output_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "registry.xlsx"

    written = write_registry_xlsx(path, 30, seed=4)

    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    workbook.close()
    assert written == 30 and len(rows) == 31
    assert rows[1][0] == next(generate_firms(1, seed=4)).uscc
