"""The patrol crawler: Scrapy run in a child process over a chunk of sites.

`limits` holds the politeness and size limits a round uses; `hosts` the URL
and host rules (what counts as the same site); `failures` turns download
errors into failure kinds; `spider` and `middlewares` are the Scrapy side;
`writer` carries fetched pages from the reactor thread to the database;
`process` starts the crawl, in this process or in a child.
"""
