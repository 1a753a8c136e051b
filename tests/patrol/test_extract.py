"""Whole visible text, main text, title and links of fetched pages."""

import pytest

from finsentry.patrol.extract import extract_page

FOOTER_USCC = "91220102MA0000058C"

P2P_PAGE = f"""<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>  鑫汇贷 - 长春专业网络借贷平台 </title>
<style>.nav {{ color: red }}</style>
<script>var hidden = "保本保息 should not be read";</script>
<base href="http://www.xinhuidai.cn/site/">
</head><body>
<div id="nav"><ul>
  <li><a href="/index.html">首页</a></li>
  <li><a href="about.html#team">关于我们</a></li>
  <li><a href="about.html">关于我们（重复）</a></li>
  <li><a href="javascript:void(0)">登录</a></li>
  <li><a href="mailto:kefu@xinhuidai.cn">邮件</a></li>
  <li><a href="https://bank.example.com/custody?id=1#x">存管银行</a></li>
  <li><a href="#top">回到顶部</a></li>
</ul></div>
<div class="product"><h2>鑫汇宝1号</h2>
<p>预期年化收益率<em>12%</em>，期限  3个月，<br>起投金额100元。</p>
<table><tr><td>期限</td><td>收益</td></tr><tr><td>6个月</td><td>14%</td></tr></table>
</div>
<div class="article"><p>吉林鑫汇贷网络科技有限公司成立于2015年，
是一家专注于中小微企业融资服务的互联网金融信息中介平台，坚持小额分散原则，
资金由银行存管，保障出借人资金安全。平台已累计撮合交易二十亿元，
服务出借人五万余名，逾期率低于百分之一，所有项目均经过严格的风控审核。</p>
<p>我们承诺：平台不设资金池，不自融，不为出借人提供担保，不承诺保本保息。</p></div>
<noscript>请启用脚本</noscript>
<template><p>模板内容</p></template>
<svg><text>图形文字</text></svg>
<div class="footer">
<p>版权所有：吉林鑫汇贷网络科技有限公司&nbsp;&copy;2016</p>
<p>统一社会信用代码：{FOOTER_USCC}　吉ICP备16001234号-1</p>
<p>客服热线：400-800-1234 地址：吉林省长春市朝阳区人民大街1234号</p>
<p>市场有风险，投资需谨慎</p>
</div>
</body></html>"""


def p2p_page() -> bytes:
    return P2P_PAGE.encode("gbk")


def test_text_keeps_footer_and_drops_hidden_content() -> None:
    page = extract_page(p2p_page(), "http://www.xinhuidai.cn/", "text/html")

    assert page.encoding == "gb18030"
    assert "统一社会信用代码：91220102MA0000058C 吉ICP备16001234号-1" in page.text
    assert "市场有风险，投资需谨慎" in page.text
    for hidden in ("should not be read", "color: red", "请启用脚本", "模板内容"):
        assert hidden not in page.text
    assert "图形文字" not in page.text
    assert "鑫汇贷 - 长春" not in page.text  # the title is in head, not in the text


def test_blocks_and_breaks_make_lines_and_spaces_collapse() -> None:
    page = extract_page(p2p_page(), "http://www.xinhuidai.cn/")
    lines = page.text.split("\n")

    assert lines[:3] == ["首页", "关于我们", "关于我们（重复）"]
    assert "预期年化收益率12%，期限 3个月，" in lines
    assert "起投金额100元。" in lines
    assert "期限 收益" in lines
    assert "6个月 14%" in lines
    assert "版权所有：吉林鑫汇贷网络科技有限公司 ©2016" in lines
    assert all(line == line.strip() and "  " not in line for line in lines)


def test_text_is_the_same_for_the_same_bytes() -> None:
    first = extract_page(p2p_page(), "http://www.xinhuidai.cn/")
    second = extract_page(p2p_page(), "http://www.xinhuidai.cn/")

    assert first == second


def test_title_is_collapsed() -> None:
    page = extract_page(p2p_page(), "http://www.xinhuidai.cn/")

    assert page.title == "鑫汇贷 - 长春专业网络借贷平台"


def test_links_are_absolute_http_without_fragments_each_once() -> None:
    page = extract_page(p2p_page(), "http://www.xinhuidai.cn/")

    assert page.links == (
        "http://www.xinhuidai.cn/index.html",
        "http://www.xinhuidai.cn/site/about.html",
        "https://bank.example.com/custody?id=1",
    )


def test_relative_links_resolve_dot_segments_without_base() -> None:
    body = (
        b'<a href="../a.html">a</a><a href="//cdn.example.cn/x">b</a>'
        b'<a href="  /c/./d.html\n">c</a><a href="ftp://x/y">d</a>'
        b'<frameset><frame src="menu.html"></frameset>'
        b'<meta http-equiv="Refresh" content="0; URL=\'/moved.html\'">'
    )

    page = extract_page(body, "https://p2p.example.cn/dir/sub/page.html")

    assert page.links == (
        "https://p2p.example.cn/dir/a.html",
        "https://cdn.example.cn/x",
        "https://p2p.example.cn/c/d.html",
        "https://p2p.example.cn/moved.html",
    )


def test_facts_come_from_title_and_footer() -> None:
    page = extract_page(p2p_page(), "http://www.xinhuidai.cn/")

    assert page.facts.usccs == (FOOTER_USCC,)
    assert page.facts.icps == ("吉ICP备16001234号-1",)
    assert page.facts.phones == ("4008001234",)
    assert page.facts.company_names == ("吉林鑫汇贷网络科技有限公司",)
    assert page.facts.addresses == ("吉林省长春市朝阳区人民大街1234号",)


def test_main_text_is_the_article() -> None:
    page = extract_page(p2p_page(), "http://www.xinhuidai.cn/")

    assert "专注于中小微企业融资服务" in page.main_text
    assert "关于我们" not in page.main_text


def test_main_text_can_be_skipped() -> None:
    page = extract_page(p2p_page(), "http://x.cn/", with_main_text=False)

    assert page.main_text == ""
    assert "专注于中小微企业融资服务" in page.text


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<div><p>unclosed <b>bold <table><td>cell</div></span></p>",
        b"<<<>>> <html <body> </html></html> text after",
        b"\x00\x01\x02<p>\xff\xfe</p>",
        b"<script>never closed" + b"x" * 1000,
        "<p>注释<!-- 未闭合的注释 <p>后文".encode(),
    ],
)
def test_broken_html_does_not_raise(body: bytes) -> None:
    page = extract_page(body, "http://broken.example.cn/")

    assert isinstance(page.text, str)
    assert "\x1f" not in page.text


def test_broken_markup_keeps_its_text() -> None:
    body = "<div><p>年化收益<b>18%<td>保本</div></span>承诺</p>".encode()

    page = extract_page(body, "http://broken.example.cn/")

    assert "年化收益18%" in page.text
    assert "保本" in page.text
    assert "承诺" in page.text


def test_zero_width_characters_do_not_hide_phrases() -> None:
    body = "<p>保\u200b本\u200d保\ufeff息</p>".encode()

    assert extract_page(body, "http://x.cn/").text == "保本保息"
