"""Links gate: every local href/src/srcset in the built site reaches a file in the output.

Checks HTML pages (links, images, scripts, styles, canonical and og:image URLs, fragments
against the ids of their target page), stylesheets (`url(…)`), feeds and the sitemap (their
links back into the site), robots.txt and the static search index (the files entry.json
names, and the page of every result). A link to the site's own host over the wrong scheme
(http on an https site) fails too. Root-relative and same-origin links must stay under
the base path, so a site built for a sub-path does not link out of it.

    python links.py PUBLIC_DIR BASE_URL SITE_ROOT
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

from built_site import Findings, Site, main_args

# Attributes that hold one URL, per element.
URL_ATTRS = {
    "a": ["href"],
    "area": ["href"],
    "link": ["href"],
    "img": ["src"],
    "script": ["src"],
    "iframe": ["src"],
    "embed": ["src"],
    "audio": ["src"],
    "video": ["src", "poster"],
    "source": ["src"],
    "track": ["src"],
    "input": ["src"],
    "form": ["action"],
    "object": ["data"],
    "button": ["formaction"],
    "blockquote": ["cite"],
    "q": ["cite"],
    "del": ["cite"],
    "ins": ["cite"],
    "use": ["href", "{http://www.w3.org/1999/xlink}href"],
    "image": ["href", "{http://www.w3.org/1999/xlink}href"],
}
META_URLS = {"og:image", "og:url", "og:audio", "og:video", "twitter:image"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def srcset_urls(value: str) -> list[str]:
    return [c.strip().split()[0] for c in value.split(",") if c.strip()]


def page_links(site: Site, file: Path) -> list[str]:
    doc = site.doc(file)
    urls: list[str] = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "input" and el.get("formaction") is not None:
            urls.append(el.get("formaction"))
        for attr in URL_ATTRS.get(el.tag.rsplit("}", 1)[-1], []):
            if el.get(attr) is not None:
                urls.append(el.get(attr))
        if el.get("srcset"):
            urls.extend(srcset_urls(el.get("srcset")))
        if el.tag == "meta" and (el.get("property") or el.get("name")) in META_URLS and el.get("content"):
            urls.append(el.get("content"))
        if el.tag == "style" and el.text:
            urls.extend(m.group(2) for m in CSS_URL.finditer(el.text))
        if el.get("style"):
            urls.extend(m.group(2) for m in CSS_URL.finditer(el.get("style")))
    return urls


XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


def xml_links(file: Path, base: str) -> list[tuple[str, str]]:
    """(url, base) pairs of a feed or sitemap: <link href>, <loc>, and the links inside
    HTML <content>/<summary>, resolved against their xml:base as feed readers do."""
    root = ET.parse(file).getroot()
    urls = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "link" and el.get("href"):
            urls.append((el.get("href"), base))
        elif tag == "loc" and el.text:
            urls.append((el.text.strip(), base))
        elif tag in ("content", "summary") and el.get("type") == "html" and (el.text or "").strip():
            body = lxml.html.fragment_fromstring(el.text, create_parent="div")
            urls.extend((url, el.get(XML_BASE) or base) for _, _, url, _ in body.iterlinks())
    return urls


def check(site: Site, findings: Findings, where: str, base: str, url: str) -> bool:
    """Checks one link; returns True when it was local (and so counted)."""
    if not url.strip():
        findings.fail(f"{where}: an empty link")
        return True
    if not site.is_local(url):
        return False
    if site.wrong_scheme(url):
        findings.fail(f"{where}: {url} links to the site over {urlsplit(url).scheme}, not {site.scheme}")
        return True
    if url.startswith("#") and len(url) == 1:
        findings.fail(f"{where}: href=\"#\" goes nowhere")
        return True
    target, fragment, problem = site.resolve(url, base)
    if problem:
        findings.fail(f"{where}: {url} → {problem}")
    elif fragment and target.suffix == ".html" and fragment not in site.ids(target):
        findings.fail(f"{where}: {url} → no id \"{fragment}\" on {site.rel(target)}")
    return True


def search_links(site: Site, findings: Findings) -> int:
    """The static search index: every file entry.json names (facets, the folding table, the
    vocabulary, range files and the shards they name, one fragment per document, a body file per
    document whose opening is full) exists, and every fragment's page too."""
    entry = site.public / "search" / "entry.json"
    if not entry.is_file():
        return 0
    base = site.url_of(entry)
    where = site.rel(entry)
    index = json.loads(entry.read_text(encoding="utf-8"))
    count = check(site, findings, where, base, index["facets"])
    if "fold" in index:
        count += check(site, findings, where, base, index["fold"])
    if "vocab" in index:
        count += check(site, findings, where, base, index["vocab"])
    for _, range_file in index["ranges"]:
        count += check(site, findings, where, base, range_file)
        target, _, problem = site.resolve(range_file, base)
        if problem:
            continue
        for _, shard in json.loads(gzip.decompress(target.read_bytes())):
            count += check(site, findings, site.rel(target), base, shard)
    blocks, size = index.get("blocks", []), index.get("block_size", 1)
    for num in range(index["docs"]):
        block = blocks[num // size] if num // size < len(blocks) else ""
        fragment = index["fragment"].replace("{block}", block).replace("{num}", str(num))
        count += check(site, findings, where, base, fragment)
        target, _, problem = site.resolve(fragment, base)
        if not problem:
            data = json.loads(target.read_text(encoding="utf-8"))
            count += check(site, findings, f"search result {site.rel(target)}", base, data["url"])
            # The client fetches a body file for excerpts when the opening (160 characters) is full.
            if "body" in index and len(data.get("text", "")) >= 160:
                body = index["body"].replace("{block}", block).replace("{num}", str(num))
                count += check(site, findings, f"search result {site.rel(target)}", base, body)
    return count


def main(argv: list[str]) -> int:
    public, base_url, _root = main_args(argv)
    site = Site(public, base_url)
    findings = Findings(f"links ({unquote(site.base_path)})")
    count = 0
    for file in site.html_files:
        base = site.url_of(file)
        base_el = site.doc(file).find(".//base")
        if base_el is not None and base_el.get("href"):
            base = base_el.get("href")
        for url in page_links(site, file):
            count += check(site, findings, site.name(file), base, url)
    for file in sorted(public.rglob("*.css")):
        base = site.url_of(file)
        for m in CSS_URL.finditer(file.read_text(encoding="utf-8")):
            count += check(site, findings, site.rel(file), base, m.group(2))
    for file in sorted(public.rglob("*.xml")):
        try:
            urls = xml_links(file, site.url_of(file))
        except ET.ParseError as e:
            findings.fail(f"{site.rel(file)}: not well-formed XML: {e}")
            continue
        for url, base in urls:
            count += check(site, findings, site.rel(file), base, url)
    robots = public / "robots.txt"
    if robots.is_file():
        for line in robots.read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("sitemap:"):
                count += check(site, findings, "robots.txt", site.base_url, line.split(":", 1)[1].strip())
    count += search_links(site, findings)
    return findings.finish(
        f"{count} local links in {len(site.html_files)} pages, stylesheets, feeds, the sitemap and the search index"
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv))
