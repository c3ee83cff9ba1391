"""Feeds gate: every Atom feed of the built site, read the way feed readers read it.

For each `*.xml` whose root is an Atom <feed>: feedparser parses it with bozo == 0; every
date is RFC 3339; the self link is the feed's own URL and the alternate link a page of the
site; entries carry absolute links (as written, not resolved by feedparser) to pages of the
site whose <h1> is the entry's title, and only absolute links in their summary and content,
since many readers ignore xml:base. The number of entries is checked against the pages
themselves: a feed whose alternate page is P lists the newest min(feed.limit, N) of the N
dated articles (og:type article with a published time) that live under P's path, or, when
none does (a term page), that P and its `rel="next"` pages link to from <main>. A feed whose
entries are pages rather than articles (the edition feed: one entry per edition, its alternate
page the edition index /issues/) lists min(feed.limit, N) of the N pages under P's path that
P's <main> links to, and each entry's title begins with its page's <h1> (第12期, then the lead
headline).

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
    """The dated articles of the built site (URL path → publication time), and which of them
    a listing page (home, section or term page, with its `rel="next"` pages) covers."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.by_path: dict[str, datetime] = {}
        for file in site.html_files:
            published = site.meta(file, "article:published_time")
            if site.meta(file, "og:type") == "article" and published:
                self.by_path[self.path(site.url_of(file), "")] = datetime.fromisoformat(published)

    def path(self, url: str, base: str) -> str:
        return unquote(urlsplit(urljoin(base, url)).path)

    def linked_from(self, listing: Path) -> set[str]:
        """Dated articles the <main> of a listing and its following pages link to."""
        return self.links_from(listing) & self.by_path.keys()

    def links_from(self, listing: Path) -> set[str]:
        """Every URL path the <main> of a listing and its following pages link to."""
        found: set[str] = set()
        page: Path | None = listing
        while page is not None:
            doc = self.site.doc(page)
            base = self.site.url_of(page)
            for main in doc.iter("main"):
                found |= {self.path(a.get("href"), base) for a in main.iter("a") if a.get("href")}
            nxt = next((lk.get("href") for lk in doc.iter("link") if lk.get("rel") == "next"), None)
            page = None
            if nxt:
                target, _, problem = self.site.resolve(nxt, base)
                page = None if problem else target
        return found

    def pages_under(self, listing: Path) -> list[str]:
        """HTML pages below a listing's own path that it links to and that are not articles:
        the editions an edition index lists (not its feed)."""
        path = self.path(self.site.url_of(listing), "")
        found = self.links_from(listing) - self.by_path.keys()
        pages = (p for p in found if p.startswith(path) and p != path)
        return sorted(p for p in pages if p.endswith(("/", ".html")))

    def lists_pages(self, listing: Path, entries: list[str]) -> bool:
        """True for a feed of pages (not articles): no dated article lives under its listing
        and none of its entries is one."""
        path = self.path(self.site.url_of(listing), "")
        no_articles = not any(p.startswith(path) for p in self.by_path)
        return bool(entries) and no_articles and not any(e in self.by_path for e in entries)

    def scope(self, listing: Path) -> list[str]:
        """Articles a feed whose alternate page is `listing` draws from, newest first: the
        site's feed all of them, a section's those under its path, a term's those its pages
        list."""
        path = self.path(self.site.url_of(listing), "")
        under = [p for p in self.by_path if p.startswith(path)]
        found = under if under else self.linked_from(listing)
        return sorted(found, key=lambda p: self.by_path[p], reverse=True)


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


def raw_link(el, rel: str) -> str:
    """The href of an Atom element's <link rel=…> exactly as written (rel defaults to alternate)."""
    for link in el.findall(f"{ATOM}link"):
        if (link.get("rel") or "alternate") == rel:
            return link.get("href") or ""
    return ""


def check_feed(site: Site, articles: Articles, limit: int, findings: Findings, file: Path, raw: bytes) -> int:
    name = site.rel(file)
    # Relative links are left as written, so the checks below see what a reader gets.
    parsed = feedparser.parse(raw, response_headers={"content-type": "application/atom+xml"}, resolve_relative_uris=False)
    if parsed.bozo:
        findings.fail(f"{name}: feedparser: {parsed.bozo_exception}")
        return 0
    if parsed.version != "atom10":
        findings.fail(f"{name}: read as {parsed.version!r}, not Atom 1.0")
    if not parsed.feed.get("title"):
        findings.fail(f"{name}: the feed has no title")
    if not parsed.feed.get("updated_parsed"):
        findings.fail(f"{name}: the feed has no readable <updated>")
    xml = ET.fromstring(raw)
    self_link = raw_link(xml, "self")
    if unquote(self_link) != unquote(site.url_of(file)):
        findings.fail(f"{name}: self link {self_link!r} is not the feed's URL {site.url_of(file)}")
    alternate = raw_link(xml, "alternate")
    if not is_absolute(alternate):
        findings.fail(f"{name}: alternate link {alternate!r} is not absolute")
        return 0
    listing, _, problem = site.resolve(alternate, site.base_url)
    if problem:
        findings.fail(f"{name}: alternate link {alternate} → {problem}")
        return 0

    entries = xml.findall(f"{ATOM}entry")
    if len(entries) != len(parsed.entries):
        findings.fail(f"{name}: feedparser read {len(parsed.entries)} of its {len(entries)} entries")
        return 0
    listed = [unquote(urlsplit(raw_link(el, "alternate")).path) for el in entries]
    of_pages = articles.lists_pages(listing, listed)
    seen = set()
    previous = None
    for i, (el, entry) in enumerate(zip(entries, parsed.entries), 1):
        where = f"{name} entry {i} ({entry.get('title', '?')})"
        link = raw_link(el, "alternate")
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
        title = " ".join(entry.get("title", "").split())
        if title != h1 and not (of_pages and h1 and title.startswith(h1)):
            findings.fail(f"{where}: title {entry.get('title')!r} differs from the page's <h1> {h1!r} ({site.rel(page)})")
        for part in el.findall(f"{ATOM}content") + el.findall(f"{ATOM}summary"):
            if part.get("type") != "html" or not (part.text or "").strip():
                continue
            body = lxml.html.fragment_fromstring(part.text, create_parent="div")
            for tag, attr, url, _ in body.iterlinks():
                if not is_absolute(url) and not url.startswith("mailto:"):
                    findings.fail(f"{where}: <{tag.tag} {attr}=\"{url}\"> in its {part.tag[len(ATOM):]} is not absolute")
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        if previous and published and published > previous:
            findings.fail(f"{where}: newer than the entry before it (entries go newest first)")
        previous = published or previous

    scope = articles.pages_under(listing) if of_pages else articles.scope(listing)
    what = "pages under and listed by" if of_pages else "dated articles under or listed by"
    expected = min(limit, len(scope))
    if len(parsed.entries) != expected:
        findings.fail(
            f"{name}: {len(parsed.entries)} entries, expected {expected} "
            f"(feed.limit {limit}, {len(scope)} {what} {site.name(listing)})"
        )
    listed = set(listed)
    for path in sorted(listed - set(scope)):
        findings.fail(f"{name}: entry {path} is not one of the {what} {site.name(listing)}")
    dated = articles.by_path
    kept = [dated[p] for p in listed if p in dated]
    left = [p for p in scope if p not in listed]
    if kept and left and dated[left[0]] > min(kept):
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
