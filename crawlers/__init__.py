"""Scrapy spiders that find and fetch the reports, and their settings."""
