"""Feeds gate: every Atom feed of the built site, read the way feed readers read it.

For each `*.xml` whose root is an Atom <feed>: feedparser parses it with bozo == 0; every
date is RFC 3339; the self link is the feed's own URL and the alternate link a page of the
site; entries carry absolute links to pages of the site whose <h1> is the entry's title, and
absolute links in their content. The number of entries is checked against the pages
themselves: a feed whose alternate page is P lists the newest min(feed.limit, N) of the N
dated articles that live under P or link to P from their list of terms (tags, topics…).

    python feeds.py PUBLIC_DIR BASE_URL SITE_ROOT
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
import lxml.html

from built_site import Findings, Site, config_feed_limit, main_args

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def text(el) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def is_absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class Articles:
    """The dated articles of the built site: URL path, publication time, term links."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.by_path: dict[str, tuple[datetime, set[str]]] = {}
        for file in site.html_files:
            if site.meta(file, "og:type") != "article":
                continue
            published = site.meta(file, "article:published_time")
            if not published:
                continue
            terms = {
                self.path(a.get("href"), site.url_of(file))
                for dl in site.doc(file).find_class("terms")
                for a in dl.iter("a")
                if a.get("href")
            }
            self.by_path[self.path(site.url_of(file), "")] = (datetime.fromisoformat(published), terms)

    def path(self, url: str, base: str) -> str:
        return unquote(urlsplit(urljoin(base, url)).path)

    def scope(self, listing: str) -> list[str]:
        """Articles a feed whose alternate page is `listing` should draw from, newest first."""
        found = [p for p, (_, terms) in self.by_path.items() if p.startswith(listing) or listing in terms]
        return sorted(found, key=lambda p: self.by_path[p][0], reverse=True)


def check_dates(findings: Findings, name: str, root) -> None:
    for el in root.iter():
        if el.tag in (f"{ATOM}updated", f"{ATOM}published"):
            value = (el.text or "").strip()
            ok = bool(RFC3339.match(value))
            if ok:
                try:
                    datetime.fromisoformat(value.replace("Z", "+00:00"))
                except ValueError:
                    ok = False
            if not ok:
                findings.fail(f"{name}: <{el.tag[len(ATOM):]}> {value!r} is not an RFC 3339 date")


def check_feed(site: Site, articles: Articles, limit: int, findings: Findings, file: Path, raw: bytes) -> int:
    name = site.rel(file)
    parsed = feedparser.parse(raw, response_headers={"content-location": site.url_of(file), "content-type": "application/atom+xml"})
    if parsed.bozo:
        findings.fail(f"{name}: feedparser: {parsed.bozo_exception}")
        return 0
    if parsed.version != "atom10":
        findings.fail(f"{name}: read as {parsed.version!r}, not Atom 1.0")
    feed = parsed.feed
    if not feed.get("title"):
        findings.fail(f"{name}: the feed has no title")
    if not feed.get("updated_parsed"):
        findings.fail(f"{name}: the feed has no readable <updated>")
    links = {link.get("rel"): link.get("href", "") for link in feed.get("links", [])}
    if links.get("self") != site.url_of(file) and unquote(links.get("self", "")) != unquote(site.url_of(file)):
        findings.fail(f"{name}: self link {links.get('self')!r} is not the feed's URL {site.url_of(file)}")
    alternate = links.get("alternate", "")
    if not is_absolute(alternate):
        findings.fail(f"{name}: alternate link {alternate!r} is not absolute")
        return 0
    listing, _, problem = site.resolve(alternate, site.base_url)
    if problem:
        findings.fail(f"{name}: alternate link {alternate} → {problem}")
        return 0

    seen = set()
    previous = None
    for i, entry in enumerate(parsed.entries, 1):
        where = f"{name} entry {i} ({entry.get('title', '?')})"
        link = entry.get("link", "")
        if not is_absolute(link):
            findings.fail(f"{where}: link {link!r} is not absolute")
            continue
        if entry.get("id") in seen:
            findings.fail(f"{where}: id {entry.get('id')} appears twice")
        seen.add(entry.get("id"))
        if not entry.get("updated_parsed"):
            findings.fail(f"{where}: no readable <updated>")
        page, _, problem = site.resolve(link, site.base_url)
        if problem:
            findings.fail(f"{where}: link {link} → {problem}")
            continue
        h1 = text(site.doc(page).find(".//h1"))
        if " ".join(entry.get("title", "").split()) != h1:
            findings.fail(f"{where}: title {entry.get('title')!r} differs from the page's <h1> {h1!r} ({site.rel(page)})")
        for content in entry.get("content", []) + [entry.get("summary_detail", {})]:
            if content.get("type") != "text/html" or not content.get("value", "").strip():
                continue
            body = lxml.html.fragment_fromstring(content["value"], create_parent="div")
            for el, attr, url, _ in body.iterlinks():
                if not is_absolute(url):
                    findings.fail(f"{where}: <{el.tag} {attr}> {url!r} in the content is not absolute")
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        if previous and published and published > previous:
            findings.fail(f"{where}: newer than the entry before it (entries go newest first)")
        previous = published or previous

    scope = articles.scope(unquote(urlsplit(site.url_of(listing)).path))
    expected = min(limit, len(scope))
    if len(parsed.entries) != expected:
        findings.fail(
            f"{name}: {len(parsed.entries)} entries, expected {expected} "
            f"(feed.limit {limit}, {len(scope)} dated articles under or tagged {site.name(listing)})"
        )
    listed = {unquote(urlsplit(e.get("link", "")).path) for e in parsed.entries}
    for path in sorted(listed - set(scope)):
        findings.fail(f"{name}: entry {path} is not an article under or tagged {site.name(listing)}")
    dated = articles.by_path
    kept = [dated[p][0] for p in listed if p in dated]
    left = [p for p in scope if p not in listed]
    if kept and left and dated[left[0]][0] > min(kept):
        findings.fail(f"{name}: leaves out {left[0]}, newer than an entry it lists (a feed keeps the newest)")
    return len(parsed.entries)


def main(argv: list[str]) -> int:
    public, base_url, root = main_args(argv)
    site = Site(public, base_url)
    findings = Findings("feeds")
    articles = Articles(site)
    limit = config_feed_limit(root)
    feeds = entries = 0
    for file in sorted(public.rglob("*.xml")):
        raw = file.read_bytes()
        try:
            root_el = ET.fromstring(raw)
        except ET.ParseError as e:
            findings.fail(f"{site.rel(file)}: not well-formed XML: {e}")
            continue
        if root_el.tag != f"{ATOM}feed":
            continue
        feeds += 1
        check_dates(findings, site.rel(file), root_el)
        entries += check_feed(site, articles, limit, findings, file, raw)
    if feeds == 0:
        findings.fail("no Atom feed in the output")
    return findings.finish(f"{feeds} Atom feeds, {entries} entries, {len(articles.by_path)} dated articles")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
