"""Vega-Lite specs for the agency and place pages, data inlined so they draw on load.

Drawn in the browser by vega-embed from datasette-dashboards' bundled copies of Vega,
Vega-Lite and vega-embed (served by datasette from the installed package: no CDN).
Every field, axis and legend a person reads is Chinese.
"""
from __future__ import annotations

from typing import Any

from archive import labels

# served from the installed datasette-dashboards package (/-/static-plugins/…)
VEGA_SCRIPTS = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier only: never fetched
FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"
YEAR_LINES = ("new_requests", "granted", "partly_granted", "refused", "unable", "not_processed")


def _base(title: str, values: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    return {"$schema": SCHEMA, "title": {"text": title, "anchor": "start", "fontSize": 15}, "padding": 10,
            "width": "container", "height": 260, "data": {"values": values},
            "autosize": {"type": "fit-x", "contains": "padding"},  # width: the card, axes and legend inside
            "config": {"font": FONT, "view": {"stroke": None}, "legend": {"labelLimit": 320}}, **spec}


def has_data(spec: dict[str, Any]) -> bool:
    layers = spec.get("layer") or [spec]
    return any(layer.get("data", {}).get("values") for layer in layers)


def agency_requests(years: list[dict[str, Any]]) -> dict[str, Any]:
    values = [{"年度": str(y["year"]), "指标": labels.HEADLINES[k], "件数": y[k]}
              for y in years for k in YEAR_LINES if y.get(k) is not None]
    order = [labels.HEADLINES[k] for k in YEAR_LINES]
    return _base("申请与办理结果（按年度）", values, mark={"type": "line", "point": True, "strokeWidth": 2.5},
                 encoding={"x": {"field": "年度", "type": "ordinal", "axis": {"labelAngle": 0}},
                           "y": {"field": "件数", "type": "quantitative"},
                           "color": {"field": "指标", "type": "nominal", "sort": order, "scale": {"domain": order}},
                           "tooltip": [{"field": "年度"}, {"field": "指标"}, {"field": "件数"}]})


# one hue per kind of refusal, a shade per reason: 不予公开 reds, 无法提供 blues, 不予处理 greens
KIND_SHADES = {
    "不予公开": ["#67000d", "#a50f15", "#cb181d", "#ef3b2c", "#fb6a4a", "#fc9272", "#fcbba1", "#fee0d2"],
    "无法提供": ["#08519c", "#3182bd", "#9ecae1"],
    "不予处理": ["#00441b", "#238b45", "#41ab5d", "#74c476", "#a1d99b", "#c7e9c0"],
}


def agency_reasons(years: list[dict[str, Any]], reasons: list[dict[str, Any]]) -> dict[str, Any]:
    """Stacked bars per year, one segment per reason, in the form's order (`reasons` is already)."""
    shown = [r for r in reasons if any(r["values"])]
    domain = [f"{r['kind']}：{r['label']}" for r in shown]
    used: dict[str, int] = {}
    colours = []
    for r in shown:
        shades = KIND_SHADES.get(r["kind"], ["#888"])
        colours.append(shades[used.get(r["kind"], 0) % len(shades)])
        used[r["kind"]] = used.get(r["kind"], 0) + 1
    values = [{"年度": str(y["year"]), "理由": name, "件数": v, "顺序": i}
              for i, (r, name) in enumerate(zip(shown, domain)) for y, v in zip(years, r["values"]) if v]
    return _base("不予公开、无法提供、不予处理（按理由）", values, mark={"type": "bar"},
                 encoding={"x": {"field": "年度", "type": "ordinal", "axis": {"labelAngle": 0}},
                           "y": {"field": "件数", "type": "quantitative", "stack": True},
                           "color": {"field": "理由", "type": "nominal", "sort": domain,
                                     "scale": {"domain": domain, "range": colours},
                                     "legend": {"columns": 2, "labelLimit": 360, "orient": "right"}},
                           "order": {"field": "顺序", "type": "quantitative"},
                           "tooltip": [{"field": "年度"}, {"field": "理由"}, {"field": "件数"}]})


def agency_reviews(years: list[dict[str, Any]]) -> dict[str, Any]:
    values = []
    for y in years:
        for k in ("reviews", "lawsuits"):
            if y.get(k) is not None:
                values.append({"年度": str(y["year"]), "指标": labels.HEADLINES[k], "件数": y[k]})
    rates = [{"年度": str(y["year"]), "纠错率": y["correction_rate"]} for y in years if y.get("correction_rate") is not None]
    x = {"field": "年度", "type": "ordinal", "axis": {"labelAngle": 0}}
    layers = [{"data": {"values": values}, "mark": {"type": "bar"},
               "encoding": {"x": x, "xOffset": {"field": "指标"}, "y": {"field": "件数", "type": "quantitative"},
                            "color": {"field": "指标", "type": "nominal"},
                            "tooltip": [{"field": "年度"}, {"field": "指标"}, {"field": "件数"}]}}]
    if rates:
        layers.append({"data": {"values": rates}, "mark": {"type": "line", "point": True, "color": "#c0392b"},
                       "encoding": {"x": x, "y": {"field": "纠错率", "type": "quantitative",
                                                  "axis": {"format": ".0%", "titleColor": "#c0392b"}},
                                    "tooltip": [{"field": "年度"}, {"field": "纠错率", "format": ".1%"}]}})
    spec = _base("行政复议、行政诉讼与纠错率", [], layer=layers, resolve={"scale": {"y": "independent"}})
    del spec["data"]
    return spec


def place_ranking(ranked: list[dict[str, Any]], column: str, title: str, limit: int = 20) -> dict[str, Any]:
    """Horizontal bars: the top agencies by one figure."""
    top = [r for r in ranked if r.get(column) is not None][:limit]
    rate = column.endswith("_rate")
    values = [{"机关": r["agency"], labels.HEADLINES[column]: r[column]} for r in top]
    field = labels.HEADLINES[column]
    return _base(title, values, height=max(80, 26 * len(values)), mark={"type": "bar", "color": "#2c6e9b"},
                 encoding={"y": {"field": "机关", "type": "nominal", "sort": "-x", "title": None,
                                 "axis": {"labelLimit": 360}},
                           "x": {"field": field, "type": "quantitative", **({"axis": {"format": ".0%"}} if rate else {})},
                           "tooltip": [{"field": "机关"}, {"field": field, **({"format": ".1%"} if rate else {})}]})
