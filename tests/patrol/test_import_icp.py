"""`finsentry import-icp`: loading an ICP filing list, refusing bad rows by line."""

from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from finsentry.patrol.models import IcpFiling
from finsentry.registry.uscc import make_code

B = make_code("91", "220104", "MA000002")


def run_import(path: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_icp", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_import_csv_keeps_good_rows_and_names_bad_ones(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "icp.csv"
    path.write_text(
        "备案号,域名,主办单位名称,统一社会信用代码\n"
        f"吉ICP备16001234号-1,http://www.jinqiao.example.cn/,长春金桥投资管理有限公司,{B}\n"
        "吉ICP备17000001号,fh.example.cn fh2.example.cn,长春丰禾商贸有限公司,\n"
        "不是备案号,x.cn,某公司,\n"
        f"吉ICP备17000002号,y.cn,某公司,{B[:-1]}0\n"
        "吉ICP备17000003号,bad_host!,某公司,\n"
        "吉ICP备17000004号,z.cn,,\n"
        "吉ICP备16001234号-1,a.cn,重复,\n"
        ",,,\n",
        encoding=encoding,
    )

    out, err = run_import(path)

    assert "已导入ICP备案 2 条，拒收 5 行" in out
    errors = err.strip().split("\n")
    assert errors[0].startswith(f"{path}，第 4 行，备案号 列：不是有效的ICP备案号")
    assert errors[1].startswith(f"{path}，第 5 行，统一社会信用代码 列：")
    assert errors[2].startswith(f"{path}，第 6 行，域名 列：")
    assert (
        errors[3]
        == f"{path}，第 7 行，主办单位名称 列：主办单位名称与统一社会信用代码均为空"
    )
    assert "与第 2 行重复" in errors[4]
    filing = IcpFiling.objects.get(number="吉ICP备16001234号-1")
    assert (filing.base, filing.domain, filing.holder_uscc) == (
        "吉ICP备16001234号",
        "jinqiao.example.cn",
        B,
    )
    assert IcpFiling.objects.get(base="吉ICP备17000001号").domain == (
        "fh.example.cn fh2.example.cn"
    )


@pytest.mark.django_db
def test_import_xlsx_with_english_headers_updates_by_number(tmp_path: Path) -> None:
    IcpFiling.objects.create(
        number="吉ICP备16001234号",
        base="吉ICP备16001234号",
        holder_name="旧名称",
        imported_at="2016-05-01T00:00:00Z",
    )
    path = tmp_path / "icp.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ICP", "domain", "holder", "uscc"])
    sheet.append(["吉ICP备16001234号", "jinqiao.example.cn", "新名称", B.lower()])
    book.save(path)

    out, err = run_import(path)

    assert "已导入ICP备案 1 条，拒收 0 行" in out
    assert err == ""
    filing = IcpFiling.objects.get()
    assert (filing.holder_name, filing.holder_uscc) == ("新名称", B)


@pytest.mark.django_db
def test_import_without_number_column_fails(tmp_path: Path) -> None:
    path = tmp_path / "icp.csv"
    path.write_text("域名,主办单位名称\nx.cn,某公司\n", encoding="utf-8")

    with pytest.raises(CommandError, match="缺少备案号列"):
        run_import(path)


@pytest.mark.django_db
def test_import_of_only_bad_rows_fails(tmp_path: Path) -> None:
    path = tmp_path / "icp.csv"
    path.write_text("备案号,主办单位名称\n坏的,某公司\n", encoding="utf-8")

    with pytest.raises(CommandError, match="没有可导入的行"):
        run_import(path)


def test_import_of_a_missing_file_fails(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="文件不存在"):
        run_import(tmp_path / "absent.csv")
