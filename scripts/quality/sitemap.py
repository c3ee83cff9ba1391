"""Sitemap gate: sitemap.xml validates and lists exactly the public pages, and no draft.

`xmllint` validates it against sitemap.xsd (the protocol's schema, written beside this file).
Public pages are the HTML files of the output except 404.html, redirects (meta refresh) and
pages marked noindex; the sitemap must list each of them once and nothing else. Drafts are
the sources with `draft: true`; a `--drafts` build of the same site tells their URLs (by
title), and none may be in the output, the sitemap or any feed. robots.txt must point at
the sitemap.

    python sitemap.py PUBLIC_DIR BASE_URL SITE_ROOT DRAFTS_PUBLIC_DIR
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from built_site import Findings, Site

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XSD = Path(__file__).with_name("sitemap.xsd")


def path_of(url: str) -> str:
    return unquote(urlsplit(url).path)


def draft_titles(root: Path) -> dict[str, str]:
    """Title of every source marked `draft: true` in its front matter → its file."""
    found = {}
    for md in sorted((root / "content").rglob("*.md")):
        text = md.read_text(encoding="utf-8")
        if not text.startswith("---"):
            continue
        end = text.find("\n---", 3)
        try:
            fm = yaml.safe_load(text[3:end]) if end > 0 else None
        except yaml.YAMLError:
            continue
        if isinstance(fm, dict) and fm.get("draft") is True and fm.get("title"):
            found[str(fm["title"])] = md.relative_to(root).as_posix()
    return found


def check_drafts(site: Site, drafts_site: Site, root: Path, listed: dict, findings: Findings) -> int:
    """Each draft (found by its title in a `--drafts` build) is absent from the published
    output, the sitemap and every feed."""
    titles = draft_titles(root)
    h1 = lambda s, f: " ".join("".join(s.doc(f).find(".//h1").itertext()).split()) if s.doc(f).find(".//h1") is not None else ""
    draft_pages = {}
    for f in drafts_site.html_files:
        title = h1(drafts_site, f)
        if title in titles and drafts_site.meta(f, "og:type") == "article":
            draft_pages[title] = path_of(drafts_site.url_of(f))
    for title, source in titles.items():
        if title not in draft_pages:
            findings.fail(f"the draft {source} ({title}) has no page in the --drafts build to check against")
    published = {h1(site, f): f for f in site.html_files}
    feeds = {}
    for f in sorted(site.public.rglob("*.xml")):
        if f.name != "sitemap.xml":
            feeds[site.rel(f)] = {path_of(m) for m in re.findall(r'<link[^>]*href="([^"]+)"', f.read_text(encoding="utf-8"))}
    for title, path in sorted(draft_pages.items()):
        source = titles[title]
        if title in published:
            findings.fail(f"the draft {source} is published as {site.name(published[title])}")
        if (site.public / path[len(unquote(site.base_path)):]).exists():
            findings.fail(f"the draft {source} is in the output at {path}")
        if path in listed:
            findings.fail(f"sitemap.xml lists the draft {source} ({path})")
        for feed, links in feeds.items():
            if path in links:
                findings.fail(f"{feed} carries the draft {source} ({path})")
    return len(draft_pages)


def main(argv: list[str]) -> int:
    if len(argv) != 5:
        sys.exit(f"usage: {argv[0]} PUBLIC_DIR BASE_URL SITE_ROOT DRAFTS_PUBLIC_DIR")
    public, base_url, drafts_public = Path(argv[1]), argv[2], Path(argv[4])
    site = Site(public, base_url)
    findings = Findings("sitemap")
    file = public / "sitemap.xml"
    if not file.is_file():
        findings.fail("no sitemap.xml in the output")
        return findings.finish("")

    lint = subprocess.run(
        ["xmllint", "--noout", "--schema", str(XSD), str(file)], capture_output=True, text=True
    )
    if lint.returncode != 0:
        for line in lint.stderr.splitlines():
            if "validates" not in line:
                findings.fail(f"xmllint: {line.replace(str(public) + '/', '')}")

    try:
        urls = ET.parse(file).getroot().findall(f"{SM}url")
    except ET.ParseError as e:
        findings.fail(f"sitemap.xml is not well-formed XML: {e}")
        return findings.finish("")
    listed: dict[str, str] = {}
    for url in urls:
        loc = (url.findtext(f"{SM}loc") or "").strip()
        if not loc.startswith(site.origin + site.base_path):
            findings.fail(f"sitemap.xml lists {loc!r}, which is not under the base URL {site.base_url}")
            continue
        if path_of(loc) in listed:
            findings.fail(f"sitemap.xml lists {loc} twice")
        listed[path_of(loc)] = loc
        lastmod = url.findtext(f"{SM}lastmod")
        if lastmod:
            try:
                datetime.fromisoformat(lastmod.strip().replace("Z", "+00:00"))
            except ValueError:
                findings.fail(f"sitemap.xml: <lastmod> {lastmod!r} of {loc} is not a W3C datetime")

    public_pages = {}
    for page in site.html_files:
        if page.name == "404.html" and page.parent == public:
            continue
        if site.is_redirect(page) or site.is_noindex(page):
            continue
        public_pages[path_of(site.url_of(page))] = page
    for path in sorted(public_pages.keys() - listed.keys()):
        findings.fail(f"page {site.name(public_pages[path])} is not listed in sitemap.xml")
    for path in sorted(listed.keys() - public_pages.keys()):
        target, _, problem = site.resolve(listed[path], site.base_url)
        why = problem or f"{site.rel(target)} is a redirect, noindex or the 404 page"
        findings.fail(f"sitemap.xml lists {listed[path]}, which is not a public page: {why}")

    drafts = check_drafts(site, Site(drafts_public, base_url), Path(argv[3]), listed, findings)

    robots = public / "robots.txt"
    wanted = f"Sitemap: {site.url_of(file)}"
    if not robots.is_file() or wanted not in robots.read_text(encoding="utf-8").splitlines():
        findings.fail(f"robots.txt has no line {wanted!r}")
    return findings.finish(
        f"{len(listed)} URLs, {len(public_pages)} public pages; {drafts} draft(s) in nothing published"
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv))
