"""Picks the pages the browser gates visit, from the built site itself, and prints them as JSON.

Paths are relative to the base URL, so one list serves a build at the domain root and one at
a sub-path. The picks follow the links a reader would follow:
  home      the home page
  article   the first dated article the home page links to that has tags
  section   the nearest section above that article (the longest path it links to above it)
  tag       that article's first tag (rel="tag")
  archive   the archive page the home page links to, and its first year page
  search    the search form's action, with ?q=技能培训
  kb        the longest undated article (knowledge-base entry)
  404       a path that is not in the output

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

    picks: dict[str, str] = {"home": ""}
    links = [rel(a.get("href"), home) for a in site.doc(home).iter("a") if a.get("href")]
    for path in links:
        target = file_of(path)
        if target and dated(target) and site.doc(target).xpath('//a[@rel="tag"]'):
            picks["article"] = path
            article = target
            break
    else:
        sys.exit("pages: the home page links to no dated article with tags")
    own = [rel(a.get("href"), article) for a in site.doc(article).iter("a") if a.get("href")]
    above = [p for p in own if p and picks["article"].startswith(p) and p != picks["article"]]
    picks["section"] = max(above, key=len)
    picks["tag"] = rel(site.doc(article).xpath('//a[@rel="tag"]')[0].get("href"), article)
    archive = next(p for p in links if p.startswith("archives/"))
    picks["archive"] = archive
    archive_file = file_of(archive)
    years = [rel(a.get("href"), archive_file) for a in site.doc(archive_file).iter("a") if a.get("href")]
    picks["archive-year"] = next(p for p in years if p.startswith(archive) and p != archive)
    form = site.doc(home).xpath('//form[@role="search"]')[0]
    picks["search"] = rel(form.get("action"), home) + "?q=" + quote(QUERY)
    undated = [
        f for f in site.html_files if site.meta(f, "og:type") == "article" and not dated(f)
    ]
    kb = max(undated, key=lambda f: (f.stat().st_size, site.rel(f)))
    picks["kb"] = rel(site.url_of(kb), kb)
    picks["404"] = "gazette-quality/no-such-page/"
    print(json.dumps({"query": QUERY, "pages": picks}, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
