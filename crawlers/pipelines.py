"""Item pipeline: each document the spider found becomes one event line of its site."""
from __future__ import annotations


class EventPipeline:
    @classmethod
    def from_crawler(cls, crawler):
        pipe = cls()
        pipe.crawler = crawler
        return pipe

    def process_item(self, item, spider=None):
        self.crawler.spider.write_item(item)
        return item
