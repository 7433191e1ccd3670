"""Which images of a report page are pages of the report (图片版 reports), not the site's furniture.

A 图片版 report's article is a sequence of `<img>` page scans in the content area. The same page
also shows the site's logo, navigation icons, a QR code to follow the account, share buttons and
banners. Those are told apart by:
- position: images inside the page's header, footer, navigation or sidebar, or under an element
  whose id/class names furniture (logo, nav, share, qrcode…), are not the report's; when the page
  has a recognisable content area (id/class content, article, zoom, TRS_Editor, detail…), only
  images inside it count;
- size: an image whose width or height attribute (or inline style) is under `MIN_SIDE` px is an
  icon; extraction checks the real pixel size again (`parsers.extract.image`);
- count: an image shown twice on one page is decoration, and one seen on `SITE_REPEATS` report
  pages of a site is the site's own (`SiteImages` remembers them per crawl);
- kind: only JPEG, PNG and TIFF files are page scans (GIF and SVG are graphics; data: URIs inline).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urljoin, urlparse

from parsers.extract.formats import IMAGE_FORMATS, extension_format

MIN_SIDE = 300
SITE_REPEATS = 3
_CONTENT = re.compile(r"content|article|zoom|trs_?editor|detail|main_?text|news_?text|\bbody_?text|view_?con|"
                      r"con_?text|zw_?con|pages?_?img|\bnr\b|wenzhang", re.I)
_FURNITURE = re.compile(r"logo|icon|banner|header|footer|\bnav|menu|share|weixin|wechat|qr_?code|ewm|erweima|"
                        r"wza|search|btn|button|arrow|bg\b|spacer|blank|sidebar|aside|toolbar", re.I)
_FURNITURE_TAGS = {"header", "footer", "nav", "aside"}
_SIZE = re.compile(r"(width|height)\s*:\s*(\d+)\s*px", re.I)


@dataclass
class PageImageLink:
    url: str
    order: int  # 1-based position among the page's report images
    alt: str = ""


def _classes(node) -> str:
    return " ".join(filter(None, [node.attrib.get("id", ""), node.attrib.get("class", "")]))


def _too_small(img) -> bool:
    sizes = []
    for attr in ("width", "height"):
        value = (img.attrib.get(attr) or "").strip().lower().removesuffix("px")
        if value.isdigit():
            sizes.append(int(value))
    sizes += [int(v) for _k, v in _SIZE.findall(img.attrib.get("style", ""))]
    return any(v < MIN_SIDE for v in sizes)


def _in_furniture(img) -> bool:
    for node in [img, *img.xpath("ancestor::*")]:
        if getattr(node.root, "tag", "") in _FURNITURE_TAGS or _FURNITURE.search(_classes(node)):
            return True
    return False


def _in_content(img) -> bool:
    return any(_CONTENT.search(_classes(node)) for node in img.xpath("ancestor::*"))


def _src(img) -> str:
    for attr in ("data-original", "data-src", "src"):  # lazy-loading pages keep the real URL aside
        value = (img.attrib.get(attr) or "").strip()
        if value and not value.startswith("data:"):
            return value
    return ""


def report_images(sel, page_url: str) -> list[PageImageLink]:
    """The page's images that can be report pages, in page order (`sel`: a parsel/Scrapy Selector)."""
    imgs = sel.xpath("//body//img")
    srcs = [urljoin(page_url, _src(img)) if _src(img) else "" for img in imgs]
    counts = Counter(srcs)
    candidates = []
    for img, src in zip(imgs, srcs):
        if not src or counts[src] > 1 or extension_format(urlparse(src).path) not in IMAGE_FORMATS:
            continue
        if _too_small(img) or _in_furniture(img):
            continue
        candidates.append((img, src))
    inside = [(img, src) for img, src in candidates if _in_content(img)]
    if inside:
        candidates = inside
    return [PageImageLink(src, k, (img.attrib.get("alt") or "").strip())
            for k, (img, src) in enumerate(candidates, 1)]


class SiteImages:
    """Report-page images of one site's crawl, less those the site shows on many report pages."""

    def __init__(self, repeats: int = SITE_REPEATS) -> None:
        self.repeats = repeats
        self.seen: Counter[str] = Counter()

    def select(self, sel, page_url: str) -> list[PageImageLink]:
        found = report_images(sel, page_url)
        for link in found:
            self.seen[link.url] += 1
        return [link for link in found if self.seen[link.url] < self.repeats]
