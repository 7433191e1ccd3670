"""Item pipeline: each document the spider found becomes one event line."""
from __future__ import annotations


class EventPipeline:
    @classmethod
    def from_crawler(cls, crawler):
        pipe = cls()
        pipe.crawler = crawler
        return pipe

    def process_item(self, item, spider=None):
        data = dict(item)
        kind = data.pop("kind", "document")
        self.crawler.nianbao_recorder.event(kind, **data)
        return item
