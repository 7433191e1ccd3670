"""Hanweb (大汉) jcms columns: the list is XML inside a script, the rest behind a data proxy.

A column page `/col/col<N>/index.html` embeds its first records as
`<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/
jpage/dataproxy.jsp?…&columnid=…&unitid=…">]]></nextgroup><recordset><record>
<![CDATA[<li><a href="/art/…">…</a></li>]]></record>…`, which no HTML parser
sees as links. The browser fetches further records by POSTing the column's
parameters to `dataproxy.jsp?startrecord=S&endrecord=E&perpage=P` with the
column page as Referer; the reply is the same <datastore> XML.
"""
from __future__ import annotations

import re
from html import unescape
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

from parsel import Selector

from . import Found, ListPage, ListRequest, anchor_text, report_link

_DATASTORE = re.compile(r"<datastore>(.*?)</datastore>", re.S | re.I)
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S | re.I)
_TOTAL = re.compile(r"""(?:<totalrecord>\s*(\d+)|totalRecord\s*[:=]\s*["']?(\d+))""", re.I)
_PERPAGE = re.compile(r"""perPage\s*[:=]\s*["']?(\d+)""", re.I)
_GROUP = re.compile(r"""groupSize\s*[:=]\s*["']?(\d+)""", re.I)
_PROXY = re.compile(r"""(/module/[\w/]+/dataproxy\.jsp)""", re.I)
_PARAM = r"""\b{name}\s*[=:]\s*["']?(\d+)"""
PROXY_STATE = "hanweb"  # ListRequest.meta key: parameters of the column being paged


def _params(text: str, url: str) -> dict[str, str]:
    params: dict[str, str] = {}
    ng = _NEXTGROUP.search(text)
    if ng:
        href = re.search(r"""href\s*=\s*["']([^"']+)""", ng.group(1))
        if href:
            query = parse_qs(urlsplit(unescape(href.group(1))).query)
            params.update({k.lower(): v[0] for k, v in query.items() if v})
    for name in ("columnid", "unitid", "webid"):
        if name not in params:
            m = re.search(_PARAM.format(name=name), text, re.I)
            if m:
                params[name] = m.group(1)
    if "columnid" not in params:
        m = re.search(r"/col/col(\d+)/", url)
        if m:
            params["columnid"] = m.group(1)
    return params


def _records(page: ListPage, xml: str) -> Iterator[Found]:
    for fragment in _RECORD.findall(xml):
        for a in Selector(text=fragment).css("a[href]"):
            text, title = anchor_text(a)
            link = report_link(page, a.attrib["href"], text, title)
            if link:
                yield link


def _proxy_request(page: ListPage, state: dict, start: int, end: int) -> ListRequest:
    p = state["params"]
    form = {"col": "1", "appid": p.get("appid", "1"), "webid": p.get("webid", "1"), "path": "/",
            "columnid": p.get("columnid", ""), "unitid": p.get("unitid", ""), "permissiontype": "0"}
    if p.get("webname"):
        form["webname"] = p["webname"]
    url = page.urljoin(f"{state['proxy']}?startrecord={start}&endrecord={end}&perpage={state['perpage']}")
    return ListRequest(url, method="POST", formdata=form, headers={"Referer": state["referer"]},
                       meta={PROXY_STATE: dict(state, start=start, end=end)})


def find(page: ListPage) -> Iterator[Found]:
    m = _DATASTORE.search(page.text)
    if not m:
        return
    xml = m.group(1)
    records = _RECORD.findall(xml)
    yield from _records(page, xml)
    total_m = _TOTAL.search(page.text)
    total = int(next(g for g in total_m.groups() if g)) if total_m else None
    state = page.meta.get(PROXY_STATE)
    if state is None:  # the column page itself
        params = _params(page.text, page.url)
        if not params.get("columnid") or not (_NEXTGROUP.search(xml) or total):
            return
        perpage = int((_PERPAGE.search(page.text) or [None, "15"])[1])
        group = int((_GROUP.search(page.text) or [None, "3"])[1])
        proxy = (_PROXY.search(page.text) or [None, "/module/web/jpage/dataproxy.jsp"])[1]
        state = {"params": params, "perpage": perpage, "chunk": perpage * group, "proxy": proxy,
                 "referer": page.url, "total": total}
        start = len(records) + 1
    else:  # a data proxy reply: go on only while replies come back full
        total = total or state.get("total")
        start = state["end"] + 1
        if total is None and len(records) < state["end"] - state["start"] + 1:
            return
    if total is not None:
        for s in range(start, total + 1, state["chunk"]):
            if state.get("total") is None or page.meta.get(PROXY_STATE) is None:
                yield _proxy_request(page, dict(state, total=total), s, min(s + state["chunk"] - 1, total))
        return
    if records:
        yield _proxy_request(page, state, start, start + state["chunk"] - 1)
