"""Online patrol (网上巡查): crawl firms' sites, keep evidence, link pages to firms."""
