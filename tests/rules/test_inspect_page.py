"""`finsentry inspect-page`: one page in, findings with offsets out, no database."""

import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from finsentry.patrol.extract import extract_page

PAGE = """<!DOCTYPE html><html><head><meta charset="{charset}">
<title>鑫盛贷 - 网络借贷信息中介平台</title>
<script>var claims = "保本保息";</script></head><body>
<nav><a href="/">首页</a> <a href="/invest">我要出借</a>
<a href="/borrow">我要借款</a></nav>
<div class="main"><h2>新手标</h2>
<p>出借人本息100%保障，预期年化收益率18%，借款期限3个月，满标即计息。</p>
<p>本平台不设资金池。资金由第三方支付公司托管。</p></div>
<footer><p>网贷有风险，出借需谨慎</p>
<p>版权所有 &copy; 2016 长春鑫盛网络科技有限公司 吉ICP备16001234号-1</p>
<p>统一社会信用代码：91220101MA14XKQ37B</p></footer>
</body></html>"""


def _write(tmp_path: Path, charset: str = "utf-8") -> Path:
    path = tmp_path / f"page-{charset}.html"
    path.write_bytes(PAGE.format(charset=charset).encode(charset))
    return path


def _inspect(*args: str) -> dict:  # type: ignore[type-arg]
    out = StringIO()
    call_command("inspect_page", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("charset", ["utf-8", "gbk"])
def test_findings_with_offsets_into_the_extracted_text(
    tmp_path: Path, charset: str
) -> None:
    path = _write(tmp_path, charset)
    report = _inspect(str(path))

    text = extract_page(path.read_bytes(), path.as_uri(), with_main_text=False).text
    codes = {f["code"] for f in report["findings"]}
    assert {"P2P-05", "P2P-17", "MKT-01", "AD-01"} <= codes
    assert "P2P-01" not in codes  # 不设资金池
    for finding in report["findings"]:
        assert text[finding["start"] : finding["end"]] == finding["snippet"]
        assert finding["rule"] and "@" in finding["rule_version"]
        assert isinstance(finding["detail"], dict)
    assert report["title"].startswith("鑫盛贷")
    assert report["facts"]["usccs"] == ["91220101MA14XKQ37B"]
    assert [y["annual_high"] for y in report["yields"]] == [18.0]


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="nothing.html"):
        call_command("inspect_page", str(tmp_path / "nothing.html"))


@pytest.fixture
def local_site(tmp_path: Path) -> Iterator[str]:
    _write(tmp_path, "gbk")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_url_is_fetched_and_inspected(local_site: str) -> None:
    report = _inspect(f"{local_site}/page-gbk.html")
    assert report["url"].endswith("/page-gbk.html")
    assert "P2P-05" in {f["code"] for f in report["findings"]}


def test_a_url_that_fails_is_a_clear_error(local_site: str) -> None:
    with pytest.raises(CommandError, match="404"):
        call_command("inspect_page", f"{local_site}/gone.html")


def test_runs_with_the_database_pointing_nowhere(tmp_path: Path) -> None:
    path = _write(tmp_path)
    env = dict(os.environ, FINSENTRY_DATABASE_URL="postgres://nobody@127.0.0.1:9/none")
    done = subprocess.run(
        [sys.executable, "-m", "finsentry", "inspect-page", str(path), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "P2P-05" in {f["code"] for f in json.loads(done.stdout)["findings"]}


@pytest.mark.django_db
def test_packs_from_the_database_on_request(tmp_path: Path) -> None:
    report = _inspect(str(_write(tmp_path)), "--packs-from-db")
    assert "p2p" in report["rule_versions"]
