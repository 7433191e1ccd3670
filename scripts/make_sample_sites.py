"""Build the bundled sample sites in crawlers/sample_sites/ (run once; output is committed).

Two small government sites in the shapes REPORTS.md describes: a county portal
(TRS-style list pages index.html, index_1.html… with "下一页", article pages
with attachments, a robots-disallowed path, a mirror URL, decoys) and a
department site with ?page=N pagination. Every report's statistics are
generated so they add up, and written as expected.json beside the site.

    python scripts/make_sample_sites.py      # needs LibreOffice (soffice) for the PDFs
"""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
from docx.shared import Pt

sys.path.insert(0, str(Path(__file__).parent))
from report_layout import active_grid, grid_to_docx, grid_to_html, make_values, requests_grid, review_grid  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "crawlers" / "sample_sites"
RNG = random.Random(20261122)

PROSE = {
    "一、总体情况": "{agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
                 "全面推进决策、执行、管理、服务、结果公开，政务公开标准化规范化水平进一步提升。全年通过政府网站主动公开政府信息{active}条。",
    "二、主动公开政府信息情况": "围绕重点领域信息公开，及时公开规范性文件、行政许可、行政处罚等信息，具体情况如下。",
    "三、收到和处理政府信息公开申请情况": "{year}年共收到政府信息公开申请{new}件，均在法定期限内予以答复。对属于信访举报投诉类的申请，告知申请人通过信访渠道反映。",
    "四、政府信息公开行政复议、行政诉讼情况": "{year}年因政府信息公开被申请行政复议{reviews}件，被提起行政诉讼{suits}件。",
    "五、存在的主要问题及改进情况": "政务公开工作仍存在公开内容不够全面、解读回应不够及时等问题。下一步将加强培训，完善发布审核机制。",
    "六、其他需要报告的事项": "本年度未收取信息处理费。{agency}无其他需要报告的事项。",
}

PRE2019_TEXT = """一、概述
{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，加强组织领导，完善工作机制，政府信息公开工作有序推进。
二、主动公开政府信息情况
全年共主动公开政府信息{active}条，其中规范性文件{docs}件，通过政府网站公开{web}条。
三、依申请公开政府信息和不予公开政府信息情况
全年共受理政府信息公开申请{new}件，已全部按期答复。其中同意公开{granted}件，部分公开{partly}件，不予公开{denied}件，信息不存在{missing}件。
四、政府信息公开的收费及减免情况
全年未收取任何费用。
五、因政府信息公开申请行政复议、提起行政诉讼的情况
全年发生政府信息公开行政复议{reviews}件，行政诉讼{suits}件，无申诉案件。
六、政府信息公开工作存在的主要问题及改进措施
部分单位对信息公开工作重视不够，信息更新不及时。下一步将加强督查考核。
七、其他需要报告的事项
无。"""


def page_html(title: str, site_name: str, body: str, pubdate: str, attachments: list[tuple[str, str]] = (),
              charset: str = "utf-8") -> str:
    att = ""
    if attachments:
        att = "<div class=\"fujian\">附件：" + "".join(f'<p><a href="{href}">{text}</a></p>' for href, text in attachments) + "</div>"
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{pubdate}">
<meta name="ContentSource" content="{site_name}">
<title>{title}_{site_name}</title></head>
<body><div class="header"><a href="/index.html">{site_name}</a> | <a href="/zwgk/index.html">政务公开</a> | 网站地图 | 无障碍</div>
<div class="position">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>
<div class="article"><h1 class="title">{title}</h1><div class="info">发布时间：{pubdate}　来源：{site_name}</div>
<div id="zoom" class="trs_editor_view">
{body}
</div>{att}</div>
<div class="footer">主办：{site_name}　网站标识码：1300000001　ICP备案号：冀ICP备00000000号</div></body></html>"""


def list_html(site_name: str, column: str, items: list[tuple[str, str, str]], pager: str) -> str:
    lis = "\n".join(f'<li><a href="{href}" target="_blank" title="{text}">{text}</a><span>{date}</span></li>' for href, text, date in items)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{column}_{site_name}</title></head>
<body><div class="header"><a href="/index.html">{site_name}</a> | 政务公开 | 政府信息公开年报</div>
<div class="left"><ul><li><a href="/zwgk/zfxxgkzn/index.html">政府信息公开指南</a></li><li><a href="/zwgk/zfxxgkzd/index.html">政府信息公开制度</a></li><li>政府信息公开年报</li></ul></div>
<div class="list"><h2>{column}</h2><ul class="list-ul">
{lis}
</ul><div class="page">{pager}</div></div>
<div class="footer">主办：{site_name}</div></body></html>"""


def report_body_html(agency: str, year: int, template: str, values: dict, with_tables: bool = True) -> str:
    req = values["requests"]
    rv = values["review"]
    fill = dict(agency=agency, year=year, active=RNG.randint(100, 2000), new=req["new"]["total"],
                reviews=rv["review"]["total"], suits=rv["litigation_direct"]["total"] + rv["litigation_after_review"]["total"])
    parts = [f"<p>　　根据《中华人民共和国政府信息公开条例》要求，现公布{agency}{year}年政府信息公开工作年度报告。</p>"]
    for heading, text in PROSE.items():
        parts.append(f"<p><strong>{heading}</strong></p><p>　　{text.format(**fill)}</p>")
        if not with_tables:
            continue
        if heading.startswith("二、"):
            parts.append(grid_to_html(active_grid(template, values)))
        elif heading.startswith("三、"):
            parts.append(grid_to_html(requests_grid(template, values)))
        elif heading.startswith("四、"):
            parts.append(grid_to_html(review_grid(values)))
    if not with_tables:
        parts.append("<p>　　本报告统计表详见附件。</p>")
    return "\n".join(parts)


def report_docx(path: Path, title: str, agency: str, year: int, template: str, values: dict) -> None:
    d = docx.Document()
    style = d.styles["Normal"]
    style.font.name = "Noto Serif CJK SC"
    style.font.size = Pt(10.5)
    d.add_heading(title, level=1)
    req, rv = values["requests"], values["review"]
    fill = dict(agency=agency, year=year, active=RNG.randint(100, 2000), new=req["new"]["total"],
                reviews=rv["review"]["total"], suits=rv["litigation_direct"]["total"] + rv["litigation_after_review"]["total"])
    for heading, text in PROSE.items():
        d.add_paragraph(heading)
        d.add_paragraph(text.format(**fill))
        if heading.startswith("二、"):
            grid_to_docx(d, active_grid(template, values))
        elif heading.startswith("三、"):
            grid_to_docx(d, requests_grid(template, values))
        elif heading.startswith("四、"):
            grid_to_docx(d, review_grid(values))
    path.parent.mkdir(parents=True, exist_ok=True)
    d.save(path)


def docx_to_pdf(src: Path, dest: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", tmp, str(src)], check=True, capture_output=True, timeout=180)
        shutil.move(Path(tmp) / (src.stem + ".pdf"), dest)


def pre2019_html(agency: str, year: int) -> tuple[str, dict]:
    figures = dict(agency=agency, year=year, active=RNG.randint(200, 900), docs=RNG.randint(3, 20), web=RNG.randint(150, 800),
                   new=0, granted=RNG.randint(5, 20), partly=RNG.randint(0, 3), denied=RNG.randint(0, 2),
                   missing=RNG.randint(0, 4), reviews=RNG.randint(0, 2), suits=RNG.randint(0, 1))
    figures["new"] = figures["granted"] + figures["partly"] + figures["denied"] + figures["missing"]
    text = PRE2019_TEXT.format(**figures)
    return "\n".join(f"<p>　　{line}</p>" for line in text.splitlines()), figures


def build() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    expected: dict[str, list] = {}

    # ---- site 1: 清河县人民政府 (TRS-style) -------------------------------------------
    site, root = "清河县人民政府", OUT / "qinghe"
    col = root / "zwgk" / "zfxxgknb"
    col.mkdir(parents=True)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /internal/\n", encoding="utf-8")
    (root / "index.html").write_text(f'<html><head><meta charset="utf-8"><title>{site}</title></head><body><h1>{site}</h1>'
                                     f'<a href="/zwgk/zfxxgknb/index.html">政府信息公开年报</a></body></html>', encoding="utf-8")
    (root / "internal").mkdir()
    (root / "internal" / "draft.html").write_text("<html><body>内部草稿，不应被抓取</body></html>", encoding="utf-8")
    reports: list[dict] = []

    def write(path: Path, data: str | bytes, charset: str = "utf-8") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode(charset) if isinstance(data, str) else data)

    def add(agency, year, template, files, values=None, figures=None):
        reports.append({"agency": agency, "year": year, "template": template, "documents": files,
                        "statistics": values, "prose_figures": figures})

    # 2022: page (prose) + PDF attachment with the tables
    v = make_values("2021", RNG)
    t = "清河县人民政府2022年政府信息公开工作年度报告"
    (col / "202301").mkdir(exist_ok=True)
    tmp_docx = col / "202301" / "qh2022.docx"
    report_docx(tmp_docx, t, site, 2022, "2021", v)
    docx_to_pdf(tmp_docx, col / "202301" / "P020230120384712345678.pdf")
    tmp_docx.unlink()
    write(col / "202301" / "t20230120_3001.html",
          page_html(t, site, report_body_html(site, 2022, "2021", v, with_tables=False), "2023-01-20 09:30",
                    [("./P020230120384712345678.pdf", f"{t}.pdf")]))
    add(site, 2022, "2021", ["zwgk/zfxxgknb/202301/t20230120_3001.html", "zwgk/zfxxgknb/202301/P020230120384712345678.pdf"], v)

    # 柳林镇 2022: a PDF linked straight from the list
    v = make_values("2021", RNG, busy=4)
    a = "清河县柳林镇人民政府"
    t = f"{a}2022年政府信息公开工作年度报告"
    tmp_docx = col / "202301" / "ll2022.docx"
    report_docx(tmp_docx, t, a, 2022, "2021", v)
    docx_to_pdf(tmp_docx, col / "202301" / "P020230125551234567890.pdf")
    tmp_docx.unlink()
    add(a, 2022, "2021", ["zwgk/zfxxgknb/202301/P020230125551234567890.pdf"], v)

    # 2021: HTML page with the tables in it; also mirrored at a second URL with the same bytes
    v = make_values("2021", RNG)
    t = "清河县人民政府2021年政府信息公开工作年度报告"
    html21 = page_html(t, site, report_body_html(site, 2021, "2021", v), "2022-01-25 16:00")
    write(col / "202201" / "t20220125_2001.html", html21)
    write(root / "xxgk" / "2022" / "t20220125_2001.html", html21)
    add(site, 2021, "2021", ["zwgk/zfxxgknb/202201/t20220125_2001.html", "xxgk/2022/t20220125_2001.html"], v)

    # 财政局 2021: page + DOCX attachment
    v = make_values("2021", RNG, busy=6)
    a = "清河县财政局"
    t = f"{a}2021年政府信息公开工作年度报告"
    report_docx(col / "202201" / "P020220120776655443322.docx", t, a, 2021, "2021", v)
    write(col / "202201" / "t20220120_2002.html",
          page_html(t, a, f"<p>　　{t}详见附件。</p>", "2022-01-20 11:00", [("./P020220120776655443322.docx", f"{t}.docx")]))
    add(a, 2021, "2021", ["zwgk/zfxxgknb/202201/t20220120_2002.html", "zwgk/zfxxgknb/202201/P020220120776655443322.docx"], v)

    # 2020 (2019 template): page with prose AND a PDF of the same report
    v = make_values("2019", RNG)
    t = "清河县人民政府2020年政府信息公开工作年度报告"
    tmp_docx = col / "202101" / "qh2020.docx"
    tmp_docx.parent.mkdir(parents=True, exist_ok=True)
    report_docx(tmp_docx, t, site, 2020, "2019", v)
    docx_to_pdf(tmp_docx, col / "202101" / "P020210128123400001111.pdf")
    tmp_docx.unlink()
    write(col / "202101" / "t20210128_1501.html",
          page_html(t, site, report_body_html(site, 2020, "2019", v), "2021-01-28 10:00",
                    [("./P020210128123400001111.pdf", f"{t}（PDF版）")]))
    add(site, 2020, "2019", ["zwgk/zfxxgknb/202101/t20210128_1501.html", "zwgk/zfxxgknb/202101/P020210128123400001111.pdf"], v)

    # 柳林镇 2020 (2019 template) as HTML, linked with the short name
    v = make_values("2019", RNG, busy=3)
    a = "清河县柳林镇人民政府"
    t = f"{a}2020年政府信息公开工作年度报告"
    write(col / "202101" / "t20210130_1502.html", page_html(t, a, report_body_html(a, 2020, "2019", v), "2021-01-30 15:20"))
    add(a, 2020, "2019", ["zwgk/zfxxgknb/202101/t20210130_1502.html"], v)

    # 2019: DOCX linked straight from the list
    v = make_values("2019", RNG)
    t = "清河县人民政府2019年政府信息公开工作年度报告"
    report_docx(col / "202003" / "P020200330998877665544.docx", t, site, 2019, "2019", v)
    add(site, 2019, "2019", ["zwgk/zfxxgknb/202003/P020200330998877665544.docx"], v)

    # 2018 and 2017: pre-2019 prose pages; 2018 in GBK, declared as gb2312
    for year, charset, name in ((2018, "gb2312", "t20190329_901.html"), (2017, "utf-8", "t20180330_801.html")):
        t = f"清河县人民政府{year}年政府信息公开工作年度报告"
        body, figures = pre2019_html(site, year)
        write(col / f"{year + 1}03" / name, page_html(t, site, body, f"{year + 1}-03-29 09:00", charset=charset), charset="gb18030" if charset != "utf-8" else "utf-8")
        add(site, year, "pre2019", [f"zwgk/zfxxgknb/{year + 1}03/{name}"], None, figures)

    # decoys
    decoys = {
        "202212/t20221215_2990.html": "关于做好2022年度政府信息公开工作年度报告编制发布工作的通知",
        "202001/t20200110_1101.html": "清河县政府信息公开指南",
        "202302/t20230215_3101.html": "2023年清河县政府工作报告",
        "202203/t20220310_2101.html": "清河县2021年法治政府建设年度报告",
        "202209/t20220901_2201.html": "清河县2021年部门决算公开",
    }
    for href, title in decoys.items():
        write(col / href, page_html(title, site, f"<p>　　{title}全文。本文不是政府信息公开工作年度报告。</p>", "2022-12-15 09:00"))

    pages = [
        [("./202301/t20230120_3001.html", "清河县人民政府2022年政府信息公开工作年度报告", "2023-01-20"),
         ("./202212/t20221215_2990.html", decoys["202212/t20221215_2990.html"], "2022-12-15"),
         ("./202301/P020230125551234567890.pdf", "清河县柳林镇人民政府2022年政府信息公开工作年度报告", "2023-01-25"),
         ("./202302/t20230215_3101.html", decoys["202302/t20230215_3101.html"], "2023-02-15"),
         ("./202201/t20220125_2001.html", "清河县人民政府2021年政府信息公开工作年度报告", "2022-01-25"),
         ("./202201/t20220120_2002.html", "清河县财政局2021年政府信息公开工作年度报告", "2022-01-20")],
        [("./202203/t20220310_2101.html", decoys["202203/t20220310_2101.html"], "2022-03-10"),
         ("./202209/t20220901_2201.html", decoys["202209/t20220901_2201.html"], "2022-09-01"),
         ("./202101/t20210128_1501.html", "清河县人民政府2020年政府信息公开工作年度报告", "2021-01-28"),
         ("./202101/t20210130_1502.html", "柳林镇2020年政府信息公开工作年度报告", "2021-01-30"),
         ("./202003/P020200330998877665544.docx", "清河县人民政府2019年政府信息公开工作年度报告", "2020-03-30")],
        [("./201903/t20190329_901.html", "清河县人民政府2018年政府信息公开工作年度报告", "2019-03-29"),
         ("./201803/t20180330_801.html", "清河县人民政府2017年政府信息公开工作年度报告", "2018-03-30"),
         ("/xxgk/2022/t20220125_2001.html", "清河县人民政府2021年政府信息公开工作年度报告（镜像）", "2022-01-25"),
         ("/internal/draft.html", "清河县人民政府2016年政府信息公开工作年度报告", "2017-03-30"),
         ("./202001/t20200110_1101.html", decoys["202001/t20200110_1101.html"], "2020-01-10")],
    ]
    names = ["index.html", "index_1.html", "index_2.html"]
    for i, items in enumerate(pages):
        pager = "".join(f'<a href="{n}">{j + 1}</a> ' for j, n in enumerate(names))
        if i > 0:
            pager = f'<a href="{names[i - 1]}">上一页</a> ' + pager
        if i < len(pages) - 1:
            pager += f'<a href="{names[i + 1]}">下一页</a>'
        write(col / names[i], list_html(site, "政府信息公开年报", items, pager))
    expected["qinghe"] = reports

    # ---- site 2: 清河县教育局 (?page=N pagination) --------------------------------------
    a, root = "清河县教育局", OUT / "qhjyj"
    col = root / "xxgk" / "ndbg"
    col.mkdir(parents=True)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    reports = []
    v = make_values("2021", RNG, busy=8)
    t = f"{a}2021年政府信息公开工作年度报告"
    report_docx(col / "jyj2021.docx", t, a, 2021, "2021", v)
    write(col / "art_2021.html", page_html(t, a, f"<p>　　{t}见附件。</p>", "2022-01-18 08:00", [("jyj2021.docx", "附件：年度报告.docx")]))
    add(a, 2021, "2021", ["xxgk/ndbg/art_2021.html", "xxgk/ndbg/jyj2021.docx"], v)
    v = make_values("2021", RNG, busy=8)
    t = f"{a}2022年度政府信息公开工作年度报告"
    tmp_docx = col / "jyj2022.docx"
    report_docx(tmp_docx, t, a, 2022, "2021", v)
    docx_to_pdf(tmp_docx, col / "jyj2022.pdf")
    tmp_docx.unlink()
    add(a, 2022, "2021", ["xxgk/ndbg/jyj2022.pdf"], v)
    v = make_values("2019", RNG, busy=8)
    t = f"{a}2020年政府信息公开工作年度报告"
    write(col / "art_2020.html", page_html(t, a, report_body_html(a, 2020, "2019", v), "2021-01-21 08:00"))
    add(a, 2020, "2019", ["xxgk/ndbg/art_2020.html"], v)
    write(col / "art_budget.html", page_html(f"{a}2022年部门预算公开", a, "<p>部门预算。</p>", "2022-02-01 08:00"))
    p1 = [("jyj2022.pdf", f"{a}2022年度政府信息公开工作年度报告", "2023-01-15"),
          ("art_budget.html", f"{a}2022年部门预算公开", "2022-02-01")]
    p2 = [("art_2021.html", f"{a}2021年政府信息公开工作年度报告", "2022-01-18"),
          ("art_2020.html", f"{a}2020年政府信息公开工作年度报告", "2021-01-21")]
    write(col / "index.html", list_html(a, "政府信息公开年报", p1, '<a href="index.html?page=2">2</a> <a href="index.html?page=2">下页</a>'))
    write(col / "index.html__page=2", list_html(a, "政府信息公开年报", p2, '<a href="index.html">1</a>'))
    expected["qhjyj"] = reports

    (OUT / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1), encoding="utf-8")
    (OUT / "sites.yaml").write_text(
        "# The bundled sample sites. `nianbao demo` serves them on loopback and fills in the URLs.\n"
        "sites:\n"
        "  - id: qinghe\n    name: 清河县人民政府\n    start_urls: ['{qinghe}/zwgk/zfxxgknb/index.html']\n"
        "  - id: qhjyj\n    name: 清河县教育局\n    start_urls: ['{qhjyj}/xxgk/ndbg/index.html']\n", encoding="utf-8")


if __name__ == "__main__":
    build()
    print(f"wrote {OUT}")
