"""Picks the pages the browser gates visit, from the built site itself, and prints them as JSON.

Paths are relative to the base URL, so one list serves a build at the domain root and one at
a sub-path. The picks follow the links a reader would follow:
  home      the home page
  article   the first dated article the home page links to, preferring one with tags and
            an image
  section   the nearest section above that article (the longest path it links to above it)
  tag       that article's first tag (rel="tag")
  archive   the archive page the home page links to, and its first year page
  editions  issues/, its first edition and that edition's print view
  search    the search form's action, with ?q=技能培训
  kb        the longest undated article (knowledge-base entry)
  404       a path that is not in the output
A kind the site does not have is left out (and named on stderr); the gates check the rest.

    python pages.py PUBLIC_DIR BASE_URL
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

from built_site import Site

QUERY = "技能培训"


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        sys.exit(f"usage: {argv[0]} PUBLIC_DIR BASE_URL")
    site = Site(Path(argv[1]), argv[2])
    home = site.public / "index.html"
    base = unquote(site.base_path)

    def rel(url: str, page: Path) -> str:
        """A link on `page` as a path relative to the base URL (empty for the home page)."""
        path = unquote(urlsplit(urljoin(site.url_of(page), url)).path)
        return path[len(base) :] if path.startswith(base) else path

    def file_of(path: str) -> Path | None:
        target, _, problem = site.resolve(quote(base + path), site.base_url)
        return None if problem else target

    def dated(file: Path) -> bool:
        return site.meta(file, "og:type") == "article" and bool(site.meta(file, "article:published_time"))

    def links_on(page: Path) -> list[str]:
        return list(dict.fromkeys(rel(a.get("href"), page) for a in site.doc(page).iter("a") if a.get("href")))

    picks: dict[str, str] = {"home": ""}
    skipped: list[str] = []
    links = links_on(home)
    candidates = [(p, f) for p in links if (f := file_of(p)) and dated(f)]
    tagged = [c for c in candidates if site.doc(c[1]).xpath('//a[@rel="tag"]')]
    # One with tags and a figure checks more of the article template.
    with_image = [c for c in tagged if site.doc(c[1]).xpath("//main//img")]
    article = None
    if with_image or tagged or candidates:
        picks["article"], article = (with_image or tagged or candidates)[0]
    else:
        skipped.append("article (the home page links to no dated article)")
    if article is not None:
        own = links_on(article)
        above = [p for p in own if p and picks["article"].startswith(p) and p != picks["article"]]
        if above:
            picks["section"] = max(above, key=len)
        else:
            skipped.append("section (the article links to no page above it)")
        tags = site.doc(article).xpath('//a[@rel="tag"]')
        if tags:
            picks["tag"] = rel(tags[0].get("href"), article)
        else:
            skipped.append("tag (no article with tags)")
    archive = next((p for p in links if p.startswith("archives/")), None)
    if archive and (archive_file := file_of(archive)):
        picks["archive"] = archive
        years = [p for p in links_on(archive_file) if p.startswith(archive) and p != archive]
        if years:
            picks["archive-year"] = years[0]
    else:
        skipped.append("archive (the home page links to no archives/ page)")
    editions = file_of("issues/")
    if editions:
        picks["editions"] = "issues/"
        under = [p for p in links_on(editions) if p.startswith("issues/") and p.count("/") == 2]
        if under:
            picks["edition"] = under[0]
            prints = [p for p in links_on(file_of(under[0])) if p.startswith(under[0]) and p.endswith("print/")]
            if prints:
                picks["edition-print"] = prints[0]
    else:
        skipped.append("editions (no issues/ page)")
    forms = site.doc(home).xpath('//form[@role="search"]')
    if forms and forms[0].get("action"):
        picks["search"] = rel(forms[0].get("action"), home) + "?q=" + quote(QUERY)
    else:
        skipped.append("search (no search form on the home page)")
    undated = [f for f in site.html_files if site.meta(f, "og:type") == "article" and not dated(f)]
    if undated:
        kb = max(undated, key=lambda f: (f.stat().st_size, site.rel(f)))
        picks["kb"] = rel(site.url_of(kb), kb)
    else:
        skipped.append("kb (no undated article)")
    picks["404"] = "gazette-quality/no-such-page/"
    for s in skipped:
        print(f"pages: skipped {s}", file=sys.stderr)
    print(json.dumps({"query": QUERY, "pages": picks}, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
