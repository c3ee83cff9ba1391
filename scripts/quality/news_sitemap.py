"""News sitemap gate: news-sitemap.xml validates and lists exactly the recent articles.

The site is built with SOURCE_DATE_EPOCH set (quality.sh picks half a day after its newest
article, so the window is not empty); the gate knows that instant and checks that the news
sitemap lists every dated article published in the `news_sitemap.days` before it and
nothing else, newest first, each with the page's <h1> as title, its published time, the
publisher's name and the language. xmllint validates it against news-sitemap.xsd.

    python news_sitemap.py PUBLIC_DIR BASE_URL SITE_ROOT EPOCH
    python news_sitemap.py --epoch PUBLIC_DIR BASE_URL   (prints the instant to build at)
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from built_site import Findings, Site, config_publisher

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
XSD = Path(__file__).with_name("news-sitemap.xsd")


def dated_articles(site: Site) -> dict[str, tuple[datetime, Path]]:
    """URL path → (published time, file) of every dated, indexable article."""
    found = {}
    for f in site.html_files:
        published = site.meta(f, "article:published_time")
        if site.meta(f, "og:type") == "article" and published and not site.is_noindex(f):
            found[unquote(urlsplit(site.url_of(f)).path)] = (datetime.fromisoformat(published), f)
    return found


def h1(site: Site, f: Path) -> str:
    el = site.doc(f).find(".//h1")
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[1] == "--epoch":
        newest = max(t for t, _ in dated_articles(Site(Path(argv[2]), argv[3])).values())
        print(int((newest + timedelta(hours=12)).timestamp()))
        return 0
    if len(argv) != 5:
        sys.exit(f"usage: {argv[0]} PUBLIC_DIR BASE_URL SITE_ROOT EPOCH")
    public, base_url, root, epoch = Path(argv[1]), argv[2], Path(argv[3]), int(argv[4])
    site = Site(public, base_url)
    findings = Findings("news-sitemap")
    with open(root / "gazette.yaml", encoding="utf-8") as f:
        config = yaml.safe_load(f) or {}
    news = config.get("news_sitemap") or {}
    days = int(news.get("days", 2))
    language = str(news.get("language") or config.get("language", "zh-CN")).lower()
    file = public / "news-sitemap.xml"
    if not file.is_file():
        findings.fail("no news-sitemap.xml in the output")
        return findings.finish("")

    lint = subprocess.run(["xmllint", "--noout", "--schema", str(XSD), str(file)], capture_output=True, text=True)
    if lint.returncode != 0:
        for line in lint.stderr.splitlines():
            if "validates" not in line:
                findings.fail(f"xmllint: {line.replace(str(public) + '/', '')}")

    now = datetime.fromtimestamp(epoch, tz=timezone.utc)
    articles = dated_articles(site)
    expected = {p for p, (t, _) in articles.items() if now - timedelta(days=days) < t <= now}
    listed: list[str] = []
    previous = None
    for url in ET.parse(file).getroot().findall(f"{SM}url"):
        loc = (url.findtext(f"{SM}loc") or "").strip()
        path = unquote(urlsplit(loc).path)
        listed.append(path)
        where = f"news-sitemap.xml <url> {path}"
        if path not in articles:
            findings.fail(f"{where}: not a dated article page of the site")
            continue
        published, page = articles[path]
        date = url.findtext(f"{NEWS}news/{NEWS}publication_date") or ""
        try:
            if datetime.fromisoformat(date) != published:
                findings.fail(f"{where}: publication_date {date} ≠ the page's published time {published.isoformat()}")
        except ValueError:
            findings.fail(f"{where}: publication_date {date!r} is not a date")
        title = url.findtext(f"{NEWS}news/{NEWS}title") or ""
        if title != h1(site, page):
            findings.fail(f"{where}: title {title!r} ≠ the page's <h1> {h1(site, page)!r}")
        name = url.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}name")
        lang = url.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}language")
        if name != config_publisher(root) or lang != language:
            findings.fail(f"{where}: publication {name!r}/{lang!r}, expected {config_publisher(root)!r}/{language!r}")
        if previous and published > previous:
            findings.fail(f"{where}: newer than the entry before it (newest first)")
        previous = published
    for path in sorted(expected - set(listed)):
        findings.fail(f"page {site.name(articles[path][1])} was published in the last {days} days but is not listed")
    for path in sorted(set(listed) & set(articles) - expected):
        findings.fail(f"news-sitemap.xml lists {path}, published {articles[path][0].isoformat()}, outside the last {days} days")
    robots = (public / "robots.txt").read_text(encoding="utf-8") if (public / "robots.txt").is_file() else ""
    if f"Sitemap: {site.url_of(file)}" not in robots.splitlines():
        findings.fail("robots.txt does not name news-sitemap.xml")
    return findings.finish(
        f"{len(listed)} recent of {len(articles)} dated articles (window {days} days before {now.isoformat()})"
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv))
