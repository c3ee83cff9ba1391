"""Metadata gate: what link previews and search engines read from each page, through extruct.

Every public page (not 404, redirects or noindex pages) has a canonical link equal to its own
URL, and Open Graph data that extruct reads: og:title, og:type and og:url equal to the
canonical URL, absolute og:image; an article's og:title is its <h1> and its
article:published_time an ISO date. Every JSON-LD block on every page parses, and every
article has one schema.org NewsArticle (Article when undated) whose headline, dates,
author, publisher (the configured name, with a logo), image and section agree with the page.

    python metadata.py PUBLIC_DIR BASE_URL SITE_ROOT
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from importlib.metadata import version
from urllib.parse import unquote, urlsplit

import extruct

from built_site import Findings, Site, config_publisher, main_args


def same_url(a: str, b: str) -> bool:
    return unquote(a) == unquote(b)


def check_json_ld(findings: Findings, name: str, blocks: list, title: str, og: dict, publisher: str) -> int:
    """An article's schema.org object: NewsArticle when dated (Article for knowledge-base
    entries) with the fields news aggregators read, agreeing with the page."""
    found = [b for b in blocks if b.get("@type") in ("NewsArticle", "Article")]
    if len(found) != 1:
        findings.fail(f"{name}: {len(found)} NewsArticle/Article JSON-LD objects, expected 1")
        return 0
    ld = found[0]
    published = og.get("article:published_time")
    expected_type = "NewsArticle" if published else "Article"
    if ld.get("@type") != expected_type:
        findings.fail(f"{name}: JSON-LD @type {ld.get('@type')}, expected {expected_type}")
    need = ["headline", "author", "publisher", "inLanguage", "mainEntityOfPage"]
    if published:
        need += ["datePublished", "dateModified", "articleSection"]
    for key in need:
        if not ld.get(key):
            findings.fail(f"{name}: JSON-LD has no {key}")
    if ld.get("headline") != title:
        findings.fail(f"{name}: JSON-LD headline {ld.get('headline')!r} is not its <h1> {title!r}")
    if published and ld.get("datePublished") and datetime.fromisoformat(ld["datePublished"]) != datetime.fromisoformat(published):
        findings.fail(f"{name}: JSON-LD datePublished {ld['datePublished']} ≠ article:published_time {published}")
    if ld.get("dateModified") and ld.get("datePublished") and ld["dateModified"] < ld["datePublished"]:
        findings.fail(f"{name}: JSON-LD dateModified is before datePublished")
    pub = ld.get("publisher") or {}
    if pub.get("name") != publisher or not (pub.get("logo") or {}).get("url"):
        findings.fail(f"{name}: JSON-LD publisher {pub} is not {publisher!r} with a logo")
    if og.get("og:image") and og["og:image"] not in (ld.get("image") or []):
        findings.fail(f"{name}: JSON-LD image {ld.get('image')} lacks the og:image {og['og:image']}")
    for author in ld.get("author") or []:
        if author.get("@type") not in ("Person", "Organization") or not author.get("name"):
            findings.fail(f"{name}: JSON-LD author {author} has no @type Person/Organization and name")
    return 1


def main(argv: list[str]) -> int:
    public, base_url, root = main_args(argv)
    publisher = config_publisher(root)
    articles = 0
    site = Site(public, base_url)
    findings = Findings("metadata")
    pages = 0
    for file in site.html_files:
        name = site.name(file)
        html = file.read_text(encoding="utf-8")
        for i, block in enumerate(site.doc(file).xpath('//script[@type="application/ld+json"]'), 1):
            try:
                json.loads(block.text or "")
            except ValueError as e:
                findings.fail(f"{name}: JSON-LD block {i} does not parse: {e}")
        if site.is_redirect(file) or site.is_noindex(file) or (file.name == "404.html" and file.parent == public):
            continue
        pages += 1
        url = site.url_of(file)
        canonical = site.doc(file).xpath('//link[@rel="canonical"]/@href')
        if not canonical or not same_url(canonical[0], url):
            findings.fail(f"{name}: canonical link {canonical[:1]} is not the page's URL {url}")
        try:
            data = extruct.extract(html, base_url=url, syntaxes=["opengraph", "json-ld"], uniform=True)
        except Exception as e:  # extruct raises whatever its parsers raise
            findings.fail(f"{name}: extruct cannot read the page: {e}")
            continue
        og = data["opengraph"][0] if data["opengraph"] else {}
        for key in ("og:title", "og:url", "@type"):
            if not og.get(key):
                findings.fail(f"{name}: no {key.replace('@type', 'og:type')} in its Open Graph data")
        if og.get("og:url") and not same_url(og["og:url"], url):
            findings.fail(f"{name}: og:url {og['og:url']} is not the page's URL {url}")
        image = og.get("og:image")
        if image and not urlsplit(image).scheme:
            findings.fail(f"{name}: og:image {image!r} is not absolute")
        if og.get("@type") == "article":
            h1 = site.doc(file).find(".//h1")
            title = " ".join("".join(h1.itertext()).split()) if h1 is not None else ""
            if og.get("og:title") != title:
                findings.fail(f"{name}: og:title {og.get('og:title')!r} is not its <h1> {title!r}")
            published = og.get("article:published_time")
            if published:
                try:
                    datetime.fromisoformat(published)
                except ValueError:
                    findings.fail(f"{name}: article:published_time {published!r} is not an ISO date")
            articles += check_json_ld(findings, name, data["json-ld"], title, og, publisher)
    return findings.finish(f"{pages} public pages read with extruct {version('extruct')}, {articles} articles' JSON-LD checked")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
