"""Regenerate the namesake towns' sites (python tests/sites/namesakes/make.py).

Four portals each publish "长城镇2023年政府信息公开工作年度报告" (a fictional town name; real
ones like 城关镇 recur in hundreds of counties). Each names its agency a different way:
- baibao: the page's 来源 line and the signature block say 柏宝县长城镇人民政府;
- yubao: only the contact sentence and the signature say 榆宝县长城镇人民政府;
- mirror: names the town alone; the sites file names the site 柏宝县人民政府;
- bare: names the town alone, and the sites file says nothing of the site.
"""
from pathlib import Path

HERE = Path(__file__).resolve().parent
TITLE = "长城镇2023年政府信息公开工作年度报告"
SECTIONS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


def page(meta_line: str, contact: str, signature: list[str], received: int) -> str:
    body = "".join(f"<p>{s}</p><p>本年度主动公开政府信息{40 + received}条，收到政府信息公开申请{received}件。</p>"
                   for s in SECTIONS)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{TITLE}</title></head><body>'
            f'<h1>{TITLE}</h1><div class="info">{meta_line}</div>'
            f"<p>根据《中华人民共和国政府信息公开条例》规定编制本报告。本报告所列数据统计期限自2023年1月1日起至"
            f"2023年12月31日止。{contact}</p>{body}"
            + "".join(f'<p style="text-align:right">{s}</p>' for s in signature) + "</body></html>")


SITES = {
    "baibao": page("发布时间：2024-01-20 来源：柏宝县长城镇人民政府 字体：[大 中 小]", "",
                   ["柏宝县长城镇人民政府", "2024年1月20日"], 3),
    "yubao": page("发布时间：2024-01-22", "如对本报告有任何疑问，请与榆宝县长城镇人民政府党政办公室联系。",
                  ["榆宝县长城镇人民政府", "2024年1月22日"], 5),
    "mirror": page("发布时间：2024-01-25 来源：长城镇", "", ["长城镇人民政府", "2024年1月25日"], 3),
    "bare": page("发布时间：2024-01-26", "", ["2024年1月26日"], 7),
}

if __name__ == "__main__":
    for name, html in SITES.items():
        (HERE / name / "nb").mkdir(parents=True, exist_ok=True)
        (HERE / name / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
        (HERE / name / "nb" / "index.html").write_text(
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body>'
            f'<ul class="list"><li><a href="/nb/2023.html">{TITLE}</a> <span>2024-01-20</span></li></ul>'
            "</body></html>", encoding="utf-8")
        (HERE / name / "nb" / "2023.html").write_text(html, encoding="utf-8")
