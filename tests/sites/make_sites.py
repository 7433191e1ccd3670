"""Regenerate the convention test sites under tests/sites/ (python tests/sites/make_sites.py).

Each site imitates the markup of the real CMS (TRS WCM, Hanweb jcms, gkml catalogue), pages with
wrong charset declarations, and a small site for the safety tests; server behaviour that files
cannot express (downloads, data proxy, challenges) is in crawlers/sample_routes.py.
"""
from pathlib import Path
import io
import shutil
import subprocess
import tempfile
import zipfile
ROOT = Path(__file__).resolve().parent
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

def w(path, text, enc="utf-8"):
    p = ROOT / path
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(text.encode(enc) if isinstance(text, str) else text)


# Real attachments, made by LibreOffice from a report's text: the harvest extracts them like the
# real thing (WPS Writer and ET save in the Word/Excel binary formats, so .wps/.et are those bytes).
SECTIONS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


def report_html(title, agency, year, n):
    paras = [f"<p>{s}</p><p>{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，"
             f"全年主动公开政府信息{n * 7}条，本年新收政府信息公开申请{n}件。</p>" for s in SECTIONS]
    return f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>{''.join(paras)}</body></html>"


def sheet_csv(title, year, n):
    return f"{title}\n项目,{year}年\n本年新收政府信息公开申请数量,{n}\n主动公开政府信息数量,{n * 7}\n"


def office(source_text, source_ext, target, infilter=None):
    """Convert with soffice (a private profile, so it runs beside a desktop LibreOffice)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"in.{source_ext}"
        src.write_text(source_text, encoding="utf-8")
        cmd = ["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless"]
        if infilter:
            cmd.append(f"--infilter={infilter}")
        subprocess.run(cmd + ["--convert-to", target, "--outdir", tmp, str(src)], check=True, capture_output=True, timeout=120)
        return (Path(tmp) / f"in.{target.split(':')[0]}").read_bytes()


def attachment(kind, title, agency, year, n):
    html, csv = report_html(title, agency, year, n), sheet_csv(title + "统计表", year, n)
    if kind == "pdf":
        return office(html, "html", "pdf:writer_web_pdf_Export")
    if kind in ("doc", "wps"):
        return office(html, "html", 'doc:MS Word 97', "HTML (StarWriter)")
    if kind == "docx":
        return office(html, "html", "docx:MS Word 2007 XML", "HTML (StarWriter)")
    if kind in ("xls", "et"):
        return office(csv, "csv", "xls:MS Excel 97", "CSV:44,34,76")
    if kind == "xlsx":
        return office(csv, "csv", "xlsx:Calc MS Excel 2007 XML", "CSV:44,34,76")
    raise ValueError(kind)


class _GbkName(zipfile.ZipInfo):
    """A member named in GBK without the UTF-8 flag, as zips made on Chinese Windows are."""
    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits


def report_zip(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = _GbkName(name, date_time=(2021, 1, 29, 9, 30, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()

# ---------------- TRS WCM ----------------
if (ROOT/"trs").exists(): shutil.rmtree(ROOT/"trs")
w("trs/robots.txt", "User-agent: *\nDisallow: /decoy/\n")
trs_reports = {
 0: [("202201/t20220128_1234567.html", "嘉禾县人民政府2021年政府信息公开工作年度报告", "2022-01-28"),
     ("202201/t20220126_1234501.html", "嘉禾县政府信息公开指南", "2022-01-26"),
     ("202201/t20220125_1234499.html", "关于做好2021年政府信息公开工作年度报告编制发布工作的通知", "2022-01-25")],
 1: [("202101/t20210129_998877.html", "嘉禾县人民政府2020年政府信息公开工作年度报告", "2021-01-29"),
     ("202103/t20210310_998900.html", "嘉禾县2021年政府工作报告", "2021-03-10")],
 2: [("202001/t20200131_776655.html", "嘉禾县人民政府2019年政府信息公开工作年度报告", "2020-01-31"),
     ("/decoy/t20200101_1.html", "嘉禾县人民政府2019年政府信息公开工作年度报告（内部草稿）", "2020-01-01")],
}
def trs_list(items, script, title="政府信息公开年报"):
    lis = "\n".join(f'<li><a href="{"./"+h if not h.startswith("/") else h}" target="_blank" title="{t}">{t[:18]}{"…" if len(t)>18 else ""}</a><span>{d}</span></li>' for h,t,d in items)
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{title}_嘉禾县人民政府</title>
<meta name="ColumnName" content="{title}"><meta name="SiteName" content="嘉禾县人民政府"></head>
<body><div class="nav"><a href="../../">首页</a> &gt; <a href="../">政务公开</a> &gt; {title}</div>
<div class="list"><ul class="list-ul">
{lis}
</ul>
<div class="page">
<script type="text/javascript">
{script}
</script>
</div></div></body></html>
"""
for n, items in trs_reports.items():
    name = "index.html" if n == 0 else f"index_{n}.html"
    w(f"trs/xxgk/zfxxgknb/{name}", trs_list(items, f'createPageHTML(3, {n}, "index", "html");'))
# second column: .shtml, six-argument variant
w("trs/xxgk/bmnb/index.shtml", trs_list([("202202/t20220215_5550001.html", "嘉禾县财政局2021年度政府信息公开工作年度报告", "2022-02-15")],
    "createPageHTML('page_div',2,0,'index','shtml',25);", "部门年报"))
w("trs/xxgk/bmnb/index_1.shtml", trs_list([("202102/t20210220_4440001.html", "嘉禾县财政局2020年度政府信息公开工作年度报告", "2021-02-20")],
    "createPageHTML('page_div',2,1,'index','shtml',25);", "部门年报"))
# third column: var countPage
w("trs/xxgk/xznb/index.html", trs_list([("202201/t20220110_3330001.html", "珠泉镇2021年政务公开年报", "2022-01-10")],
    "var countPage = 2//共多少页\nvar currentPage = 0;\ncreatePageHTML(countPage, currentPage, \"index\", \"html\");", "乡镇年报"))
w("trs/xxgk/xznb/index_1.html", trs_list([("202101/t20210112_3330000.html", "珠泉镇2020年政务公开年报", "2021-01-12")],
    "var countPage = 2//共多少页\nvar currentPage = 1;\ncreatePageHTML(countPage, currentPage, \"index\", \"html\");", "乡镇年报"))

def trs_article(title, pub, atts, body="一、总体情况 … 三、收到和处理政府信息公开申请情况 …"):
    links = "\n".join(f'<p><a href="{h}" target="_blank">{t}</a></p>' for h, t in atts)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{pub} 09:30"><meta name="ContentSource" content="嘉禾县人民政府办公室">
</head><body><h1>{title}</h1><div class="info">发布时间：{pub} 来源：嘉禾县人民政府办公室</div>
<div class="trs_editor_view TRS_UEDITOR"><p>{body}</p></div>
<div class="fj">{links}</div></body></html>"""
art = {
 "xxgk/zfxxgknb/202201/t20220128_1234567.html": ("嘉禾县人民政府2021年政府信息公开工作年度报告", "2022-01-28",
     [("./P020220128512345678901.pdf", "嘉禾县人民政府2021年政府信息公开工作年度报告.pdf"),
      ("/module/download/downfile.jsp?classid=0&fileid=88", "附件：2021年政府信息公开工作年度报告统计表.xls"),
      ("/module/download/downfile.jsp?fileid=89", "附件下载")]),
 "xxgk/zfxxgknb/202101/t20210129_998877.html": ("嘉禾县人民政府2020年政府信息公开工作年度报告", "2021-01-29",
     [("./P020210129401234567890.docx", "2020年年度报告.docx"), ("./P020210129401234567891.wps", "2020年年度报告（WPS版）"),
      ("./P020210129401234567892.zip", "附件打包下载")]),
 "xxgk/zfxxgknb/202001/t20200131_776655.html": ("嘉禾县人民政府2019年政府信息公开工作年度报告", "2020-01-31",
     [("./P020200131301234567890.doc", "2019年年度报告.doc"), ("./P020200131301234567891.et", "统计表.et"),
      ("./P020200131301234567892.xlsx", "统计表.xlsx")]),
 "xxgk/bmnb/202202/t20220215_5550001.html": ("嘉禾县财政局2021年度政府信息公开工作年度报告", "2022-02-15", []),
 "xxgk/bmnb/202102/t20210220_4440001.html": ("嘉禾县财政局2020年度政府信息公开工作年度报告", "2021-02-20", []),
 "xxgk/xznb/202201/t20220110_3330001.html": ("珠泉镇2021年政务公开年报", "2022-01-10", []),
 "xxgk/xznb/202101/t20210112_3330000.html": ("珠泉镇2020年政务公开年报", "2021-01-12", []),
 "decoy/t20200101_1.html": ("嘉禾县人民政府2019年政府信息公开工作年度报告（内部草稿）", "2020-01-01", []),
}
for path, (t, d, atts) in art.items():
    w("trs/" + path, trs_article(t, d, atts))
    base = (ROOT / "trs" / path).parent
    year = int(t.split("年")[0][-4:])
    for k, (h, _) in enumerate(atts):
        if not h.startswith("./"):
            continue
        kind = h.rsplit(".", 1)[1]
        if kind == "zip":  # the report and its tables packed together
            data = report_zip([(f"嘉禾县人民政府{year}年政府信息公开工作年度报告.pdf", attachment("pdf", t + "（压缩包）", "嘉禾县人民政府", year, 40 + k)),
                               (f"{year}年统计表.docx", attachment("docx", t + "统计表（压缩包）", "嘉禾县人民政府", year, 50 + k))])
        else:
            data = attachment(kind, t + f"（{kind.upper()}版）", "嘉禾县人民政府", year, 10 + k)
        (base / h[2:]).write_bytes(data)
# downfile.jsp?fileid=N answers with these (crawlers/sample_routes.downfile): an .xls and a .pdf
w("trs/module/download/files/88", attachment("xls", "嘉禾县人民政府2021年政府信息公开工作年度报告统计表", "嘉禾县人民政府", 2021, 88))
w("trs/module/download/files/89", attachment("pdf", "嘉禾县人民政府2021年政府信息公开工作年度报告（下载版）", "嘉禾县人民政府", 2021, 89))
for p in ["xxgk/zfxxgknb/202201/t20220126_1234501.html", "xxgk/zfxxgknb/202201/t20220125_1234499.html", "xxgk/zfxxgknb/202103/t20210310_998900.html"]:
    w("trs/" + p, trs_article("不应抓取的页面", "2022-01-01", []))
w("trs/module/download/README.txt", "downfile.jsp is answered by a route in the test (Content-Disposition).\n")

# ---------------- Hanweb ----------------
if (ROOT/"hanweb").exists(): shutil.rmtree(ROOT/"hanweb")
w("hanweb/robots.txt", "User-agent: *\nAllow: /\n")
records = []
titles = [
 ("2023年政府信息公开工作年度报告", True), ("关于印发2023年政务公开工作要点的通知", False), ("2023年度部门决算公开", False),
 ("武进区人民政府2022年政府信息公开工作年度报告", True), ("2022年法治政府建设年度报告", False), ("政府信息公开指南", False),
 ("武进区人民政府2021年政府信息公开工作年度报告", True), ("2021年国民经济和社会发展统计公报", False), ("2021年政府工作报告", False),
 ("湖塘镇2021年政府信息公开工作年度报告", True), ("关于做好政府信息公开工作年度报告编制工作的通知", False), ("2020年部门预算", False),
 ("武进区人民政府2020年政府信息公开工作年度报告", True), ("武进区人民政府2019年政府信息公开工作年度报告", True),
]
for i, (t, is_report) in enumerate(titles, 1):
    y, m, d = 2024 - i // 4, 1 + i % 12, 10 + i
    href = f"/art/{y}/{m}/{d}/art_1234_{5000+i}.html"
    records.append(f'<record><![CDATA[\n<li><a href="{href}" target="_blank" title="{t}">{t}</a><span class="bt_time">{y}-{m:02d}-{d:02d}</span></li>\n]]></record>')
    w("hanweb" + href, f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{t}</title>
<meta name="ArticleTitle" content="{t}"><meta name="ContentSource" content="常州市武进区人民政府办公室"></head><body>
<!--<meta name="ContentStart">--><div id="zoom"><p>{t}</p><p>一、总体情况……</p>
{'<p><a href="/module/download/downfile.jsp?classid=0&filename=' + f'{5000+i}' + '.pdf">' + t + '.pdf</a></p>' if is_report else ''}
</div><!--<meta name="ContentEnd">--></body></html>""")
w("hanweb/dataproxy_records.xml", "\n".join(records) + "\n")
embedded = "\n".join(records[:6])
w("hanweb/col/col1234/index.html", f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>政府信息公开年报 - 常州市武进区人民政府</title>
<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
<script language="javascript" src="/module/jslib/jquery/jpage/jquery.page.min.js"></script></head>
<body><div class="bt-position">当前位置：<a href="/">首页</a> &gt; <a href="/col/col1200/index.html">政府信息公开</a> &gt; 政府信息公开年报</div>
<div class="default_pgContainer" id="4411"><div id="4411">
<script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=22&path=/&columnid=1234&unitid=4411&webname=%E6%AD%A6%E8%BF%9B%E5%8C%BA%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C&permissiontype=0"></a>]]></nextgroup>
<recordset>
{embedded}
</recordset>
</datastore></script></div></div>
<script type="text/javascript">$(document).ready(function(){{ $("#4411").jpage({{ dataStore: dataStore, perPage: 2, totalRecord: {len(records)}, groupSize: 3,
 proxyUrl: '/module/web/jpage/dataproxy.jsp', barPosition: 'bottom', ajaxParam: {{col: 1, webid: 22, path: '/', columnid: 1234, sourceContentType: 1, unitid: 4411, permissiontype: 0}} }}); }});</script>
</body></html>""")

# ---------------- gkml ----------------
if (ROOT/"gkml").exists(): shutil.rmtree(ROOT/"gkml")
w("gkml/robots.txt", "User-agent: *\nDisallow:\n")
rows1 = [
 ("11330100002489706X/2022-00031", "市交通运输局2021年度报告", "政府信息公开年报", "2022-01-27", "t20220127_1001.html", "杭州市交通运输局"),
 ("11330100002489706X/2022-00030", "关于印发《2022年政务公开工作要点》的通知", "通知公告", "2022-01-20", "t20220120_1000.html", None),
 ("11330100002489706X/2022-00012", "杭州市交通运输局政府信息公开指南", "政府信息公开指南", "2022-01-05", "t20220105_0999.html", None),
 ("11330100002489706X/2021-00201", "杭州市交通运输局2021年部门预算", "财政预决算", "2021-02-10", "t20210210_0900.html", None),
]
rows2 = [
 ("11330100002489706X/2021-00015", "杭州市交通运输局2020年政府信息公开工作年度报告", "政府信息公开年报", "2021-01-28", "t20210128_0801.html", "杭州市交通运输局"),
 ("11330100002489706X/2021-00011", "杭州市交通运输局2020年法治政府建设年度报告", "法治政府建设", "2021-01-20", "t20210120_0800.html", None),
]
def gkml_list(rows, nxt):
    trs_ = "\n".join(f'<tr><td class="syh">{i}</td><td class="bt"><a href="./art/{h}" target="_blank" title="{t}">{t}</a></td><td>{c}</td><td>{d}</td></tr>' for i, t, c, d, h, _ in rows)
    pager = f'<div class="pager"><a href="{nxt}">下一页</a></div>' if nxt else ""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开目录 - 杭州市交通运输局</title></head><body>
<div class="gkml"><table class="xxgk-list" width="100%"><thead><tr><th>索引号</th><th>名称</th><th>分类</th><th>发布日期</th></tr></thead>
<tbody>
{trs_}
</tbody></table>{pager}</div></body></html>"""
w("gkml/gkml/index.html", gkml_list(rows1, "?page=2"))
w("gkml/gkml/index.html__page=2", gkml_list(rows2, None))
for i, t, c, d, h, agency in rows1 + rows2:
    w(f"gkml/gkml/art/{h}", f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{t}</title></head><body>
<table class="xxgk_table"><tbody>
<tr><td class="label">索 引 号：</td><td>{i}</td><td class="label">分类：</td><td>{c}</td></tr>
<tr><td class="label">发布机构：</td><td>{agency or '杭州市交通运输局'}</td><td class="label">发布日期：</td><td>{d}</td></tr>
<tr><td class="label">名称：</td><td colspan="3">{t}</td></tr></tbody></table>
<div class="content"><p>{t}</p><p>本报告由杭州市交通运输局编制……</p></div></body></html>""")

# ---------------- encodings ----------------
if (ROOT/"encoding").exists(): shutil.rmtree(ROOT/"encoding")
w("encoding/robots.txt", "User-agent: *\nDisallow:\n")
def enc_list(decl, items):
    lis = "\n".join(f'<li><a href="{h}">{t}</a></li>' for h, t in items)
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={decl}">' if decl else ""
    return f"""<html><head>{meta}<title>政府信息公开年报</title></head>
<body><ul>{lis}</ul></body></html>"""
def enc_article(decl, title, contact, links=()):
    """A report page: the title, the standard sections, and a contact whose name needs GBK (堃, 昇)
    or GB18030 (䶮, outside GBK) — mojibake or a lossy decode shows there first."""
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={decl}">' if decl else ""
    atts = "".join(f'<p><a href="{h}">{t}</a></p>' for h, t in links)
    body = "".join(f"<p>{s}</p><p>本年度主动公开政府信息56条，收到政府信息公开申请3件。</p>" for s in SECTIONS)
    return f"""<html><head>{meta}<title>{title}</title></head><body><h1>{title}</h1>{body}
<p>联系人：{contact}</p>{atts}</body></html>"""
# served with "Content-Type: text/html; charset=utf-8" by a route, but the bytes are GBK
w("encoding/gbk_as_utf8/index.html", enc_list("utf-8", [("a2021.html", "新华镇2021年政府信息公开工作年度报告"),
    ("zn.html", "新华镇政府信息公开指南"), ("index_1.html", "下一页")]), "gbk")
w("encoding/gbk_as_utf8/index_1.html", enc_list("gb2312", [("a2020.html", "新华镇2020年政府信息公开工作年度报告")]), "gb18030")
w("encoding/gbk_as_utf8/a2021.html", enc_article("gb2312", "新华镇2021年政府信息公开工作年度报告", "王堃",
    [("P2021.pdf", "新华镇2021年政府信息公开工作年度报告.pdf")]), "gbk")
w("encoding/gbk_as_utf8/a2020.html", enc_article("gb2312", "新华镇2020年政府信息公开工作年度报告", "李昇"), "gbk")
w("encoding/gbk_as_utf8/P2021.pdf", attachment("pdf", "新华镇2021年政府信息公开工作年度报告（PDF版）", "新华镇", 2021, 21))
# UTF-8 bytes declaring gb2312
w("encoding/utf8_as_gb2312/index.html", enc_list("gb2312", [("b2022.html", "新华镇财政所2022年政务公开年报"),
    ("ys.html", "新华镇2022年部门预算公开")]), "utf-8")
w("encoding/utf8_as_gb2312/b2022.html", enc_article("gb2312", "新华镇财政所2022年政务公开年报", "赵䶮"), "utf-8")
# no declaration at all, GB18030 bytes (䶮 has no GBK code)
w("encoding/undeclared/index.html", enc_list(None, [("c2019.html", "新华镇2019年政府信息公开工作年度报告")]), "gb18030")
w("encoding/undeclared/c2019.html", enc_article(None, "新华镇2019年政府信息公开工作年度报告", "刘䶮"), "gb18030")

# ---------------- plain "下一页" / ?page=N ----------------
if (ROOT/"plain").exists(): shutil.rmtree(ROOT/"plain")
w("plain/robots.txt", "User-agent: *\nDisallow: /zwgk/nb/draft/\n")
plain_pages = [
 [("2023/0128_101.html", "白云乡2023年政府信息公开工作年度报告"), ("2023/0120_099.html", "白云乡政府信息公开指南"),
  ("2023/0115_098.html", "关于印发白云乡2023年政务公开工作要点的通知"), ("draft/0101_001.html", "白云乡2019年政府信息公开工作年度报告")],
 [("2022/0126_088.html", "白云乡2022年政府信息公开工作年度报告"), ("2022/0110_087.html", "关于做好2021年度政府信息公开工作年度报告编制发布工作的通知"),
  ("2022/0105_086.html", "白云乡2022年政府工作报告")],
 [("2021/0129_077.html", "白云乡2021年政务公开年报"), ("2021/0120_076.html", "白云乡2020年法治政府建设年度报告"),
  ("2021/0115_075.html", "白云乡2020年度部门决算公开"), ("files/2020nb.pdf", "白云乡2020年政府信息公开工作年度报告")],
]
def plain_list(n, items):
    lis = "\n".join(f'<li><a href="/zwgk/nb/{h}">{t}</a> <span>{h[:4]}</span></li>' for h, t in items)
    # A typical hand-written pager: 首页 / 上一页 / page numbers / 下一页 / 尾页, links as ?page=N
    nums = " ".join(f'<a href="index.html?page={k + 1}">{k + 1}</a>' if k != n else f"<b>{k + 1}</b>" for k in range(len(plain_pages)))
    nxt = f'<a href="index.html?page={n + 2}">下一页</a>' if n + 1 < len(plain_pages) else "<span>下一页</span>"
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年度报告 - 白云乡人民政府</title></head>
<body><div class="crumb"><a href="/">首页</a> &gt; 政府信息公开年度报告</div><ul class="list">
{lis}
</ul><div class="pager"><a href="index.html">首页</a> {nums} {nxt} <a href="index.html?page={len(plain_pages)}">尾页</a></div></body></html>"""
for n, items in enumerate(plain_pages):
    w("plain/zwgk/nb/index.html" + (f"__page={n + 1}" if n else ""), plain_list(n, items))
    for h, title in items:
        if h.endswith(".pdf"):
            w(f"plain/zwgk/nb/{h}", attachment("pdf", title, "白云乡人民政府", 2020, 20))
        else:
            w(f"plain/zwgk/nb/{h}", enc_article("utf-8", title, "张三"), "utf-8")
w("plain/zwgk/nb/index.html__page=1", plain_list(0, plain_pages[0]))

# ---------------- politeness / safety ----------------
if (ROOT/"safety").exists(): shutil.rmtree(ROOT/"safety")
w("safety/robots.txt", "User-agent: *\nDisallow: /private/\n")
w("safety/nb/index.html", """<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body><ul>
<li><a href="./ok2021.html">平安镇2021年政府信息公开工作年度报告</a></li>
<li><a href="/private/ok2020.html">平安镇2020年政府信息公开工作年度报告</a></li>
<li><a href="/files/slow2019.pdf">平安镇2019年政府信息公开工作年度报告</a></li>
<li><a href="/files/big2018.pdf">平安镇2018年政府信息公开工作年度报告</a></li>
<li><a href="/files/bigstream2017.pdf">平安镇2017年政府信息公开工作年度报告</a></li>
<li><a href="/moved2016.html">平安镇2016年政府信息公开工作年度报告</a></li>
<li><a href="/flaky2015.html">平安镇2015年政府信息公开工作年度报告</a></li>
</ul></body></html>""")
w("safety/nb/ok2021.html", "<html><head><meta charset='utf-8'></head><body>平安镇2021年政府信息公开工作年度报告 一、总体情况</body></html>")
w("safety/private/ok2020.html", "<html><body>must never be fetched</body></html>")
w("safety/flaky2015.html", "<html><head><meta charset='utf-8'></head><body>平安镇2015年政府信息公开工作年度报告</body></html>")
print("ok")
