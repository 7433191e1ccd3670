"""Load and validate a sites file (format fixed in interface.md).

Errors name the file, the line and the key: a typo in a nightly job's sites
file must fail loudly at start, not silently crawl nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import yaml

from archive.errors import UserError

SITE_KEYS = {
    "id": "stable slug, unique",
    "start_urls": "list of URLs of the report column",
    "name": "agency name, used when a report does not state it",
    "allowed_domains": "hosts the crawl may visit (default: the start URLs' hosts)",
    "level": "administrative level, e.g. county",
    "region": "region name, e.g. 山西省吕梁市汾阳市",
    "source": "where this column was found",
}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Site:
    id: str
    start_urls: tuple[str, ...]
    name: str | None = None
    allowed_domains: tuple[str, ...] = ()
    level: str | None = None
    region: str | None = None
    source: str | None = None

    def to_dict(self) -> dict:
        return {"id": self.id, "start_urls": list(self.start_urls), "name": self.name,
                "allowed_domains": list(self.allowed_domains), "level": self.level,
                "region": self.region, "source": self.source}


def _where(path: str, node: yaml.Node) -> str:
    return f"{path}:{node.start_mark.line + 1}"


def _scalar(path: str, node: yaml.Node, key: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise UserError(f"{_where(path, node)}: '{key}' must be a non-empty string")
    return str(node.value).strip()


def _str_list(path: str, node: yaml.Node, key: str) -> list[str]:
    if isinstance(node, yaml.ScalarNode):
        return [_scalar(path, node, key)]
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise UserError(f"{_where(path, node)}: '{key}' must be a non-empty list")
    return [_scalar(path, item, key) for item in node.value]


def _host_of(url: str) -> str:
    return (urlparse(url).hostname or "").lower()


def parse_sites(text: str, path: str = "<sites>") -> list[Site]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise UserError(f"{path}{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if root is None:
        raise UserError(f"{path}: empty sites file (expected a 'sites:' list)")
    if not isinstance(root, yaml.MappingNode):
        raise UserError(f"{_where(path, root)}: expected a mapping with a 'sites' key")
    top = {k.value: (k, v) for k, v in root.value}
    for key, (knode, _) in top.items():
        if key != "sites":
            raise UserError(f"{_where(path, knode)}: unknown key '{key}' (the file has one key: 'sites')")
    if "sites" not in top:
        raise UserError(f"{path}: missing the 'sites' list")
    seq = top["sites"][1]
    if not isinstance(seq, yaml.SequenceNode) or not seq.value:
        raise UserError(f"{_where(path, seq)}: 'sites' must be a non-empty list")
    sites: list[Site] = []
    seen: dict[str, int] = {}
    for item in seq.value:
        if not isinstance(item, yaml.MappingNode):
            raise UserError(f"{_where(path, item)}: each site must be a mapping with id and start_urls")
        fields: dict[str, yaml.Node] = {}
        for knode, vnode in item.value:
            if knode.value not in SITE_KEYS:
                allowed = ", ".join(SITE_KEYS)
                raise UserError(f"{_where(path, knode)}: unknown key '{knode.value}' (allowed: {allowed})")
            fields[knode.value] = vnode
        for required in ("id", "start_urls"):
            if required not in fields:
                raise UserError(f"{_where(path, item)}: site is missing '{required}'")
        site_id = _scalar(path, fields["id"], "id")
        if not _SLUG.match(site_id):
            raise UserError(f"{_where(path, fields['id'])}: id '{site_id}' must be a slug (a-z, 0-9, - and _)")
        if site_id in seen:
            raise UserError(f"{_where(path, fields['id'])}: duplicate id '{site_id}' (first at line {seen[site_id]})")
        seen[site_id] = fields["id"].start_mark.line + 1
        urls = _str_list(path, fields["start_urls"], "start_urls")
        for url in urls:
            if urlparse(url).scheme not in ("http", "https") or not _host_of(url):
                raise UserError(f"{_where(path, fields['start_urls'])}: start URL '{url}' is not an http(s) URL")
        domains = (_str_list(path, fields["allowed_domains"], "allowed_domains")
                   if "allowed_domains" in fields else sorted({_host_of(u) for u in urls}))
        optional = {k: _scalar(path, fields[k], k) for k in ("name", "level", "region", "source") if k in fields}
        sites.append(Site(id=site_id, start_urls=tuple(urls), allowed_domains=tuple(d.lower() for d in domains), **optional))
    return sites


def load_sites(path: str | Path) -> list[Site]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{p}: sites file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{p}: cannot read sites file ({exc})") from None
    return parse_sites(text, str(p))
