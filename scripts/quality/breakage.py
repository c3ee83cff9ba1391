"""Proves the gates can fail: breaks a copy of the built site one way at a time, runs the gate
that should catch it, and fails unless that gate exits 1 naming the broken page or feed.

A gate that passes anything would pass the real site too, so this runs with the gates.

    python breakage.py PUBLIC_DIR BASE_URL SITE_ROOT DRAFTS_DIR PAGES_JSON VNU_JAR SUB_DIR SUB_BASE_URL NEWS_DIR EPOCH
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote, unquote

from built_site import Findings, Site, config_publisher

HERE = Path(__file__).parent


def insert_into_main(file: Path, markup: str) -> None:
    """Puts `markup` at the start of the page's <main> element."""
    text = file.read_text(encoding="utf-8")
    new = re.sub(r"(<main\b[^>]*>)", lambda m: m.group(1) + markup, text, count=1)
    assert new != text, f"no <main> in {file}"
    file.write_text(new, encoding="utf-8")


def old_news_entry(site: Site, rel: str, publisher: str) -> str:
    """A news sitemap <url> for the page at `rel` (an article too old to be listed)."""
    file = site.public / rel
    h1 = " ".join("".join(site.doc(file).find(".//h1").itertext()).split())
    return (
        f"<url><loc>{site.url_of(file)}</loc><news:news><news:publication><news:name>{publisher}</news:name>"
        f"<news:language>zh-cn</news:language></news:publication>"
        f"<news:publication_date>{site.meta(file, 'article:published_time')}</news:publication_date>"
        f"<news:title>{h1}</news:title></news:news></url>\n"
    )


def main(argv: list[str]) -> int:
    if len(argv) != 11:
        sys.exit(f"usage: {argv[0]} PUBLIC_DIR BASE_URL SITE_ROOT DRAFTS_DIR PAGES_JSON VNU_JAR SUB_DIR SUB_BASE_URL NEWS_DIR EPOCH")
    public, base_url, root, drafts, pages_json, vnu, sub, sub_base, news, epoch = map(str, argv[1:])
    picks = json.loads(Path(pages_json).read_text(encoding="utf-8"))
    article_path = picks["pages"]["article"]
    site = Site(Path(public), base_url)
    article_file, _, problem = site.resolve(quote(unquote(site.base_path) + article_path), base_url)
    assert not problem, problem
    article_rel = site.rel(article_file)
    prefix = unquote(site.base_path)
    py, node = sys.executable, "node"
    # A draft's page, from the --drafts build: the first page that build has and this lacks.
    built = {site.rel(f) for f in site.html_files}
    drafts_site = Site(Path(drafts), base_url)
    extra = [f for f in drafts_site.html_files if drafts_site.rel(f) not in built and drafts_site.meta(f, "og:type") == "article"]
    draft_dir = drafts_site.rel(extra[0].parent) if extra else None
    draft_source = "draft"

    def feed_date(out: Path) -> str:
        feed = out / "atom.xml"
        text = feed.read_text(encoding="utf-8")
        feed.write_text(re.sub(r"<updated>[^<]*</updated>", "<updated>2024-05-20 08:00</updated>", text, count=1))
        return "atom.xml"

    def one_page(out: Path) -> Path:
        """A pages list with only the article, so axe runs on one page."""
        path = out.parent / "pages-article.json"
        path.write_text(json.dumps({"query": picks["query"], "pages": {"article": article_path}}), encoding="utf-8")
        return path

    cases = [
        (
            "an unclosed <div> in an article",
            lambda out: insert_into_main(out / article_rel, "<div><p>未闭合"),
            lambda out: [py, "html_valid.py", str(out), vnu],
            article_rel,
        ),
        (
            "an image without alt text in an article",
            lambda out: insert_into_main(out / article_rel, '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'),
            lambda out: [node, "axe.mjs", str(out), prefix, str(one_page(out))],
            f"{prefix}{article_path}",
        ),
        (
            "a malformed date in the site's feed",
            feed_date,
            lambda out: [py, "feeds.py", str(out), base_url, root],
            "atom.xml:",
        ),
        (
            "a canonical link to another page",
            lambda out: (out / article_rel).write_text(
                re.sub(r'<link rel="canonical" href="[^"]*">', f'<link rel="canonical" href="{base_url}">', (out / article_rel).read_text(encoding="utf-8")),
                encoding="utf-8",
            ),
            lambda out: [py, "metadata.py", str(out), base_url, root],
            f"{prefix}{article_path}",
        ),
        (
            "a link to a missing page in an article",
            lambda out: insert_into_main(out / article_rel, '<a href="../no-such-article/">断链</a>'),
            lambda out: [py, "links.py", str(out), base_url, root],
            f"{prefix}{article_path}",
        ),
        (
            "an article left out of the sitemap",
            lambda out: (out / "sitemap.xml").write_text(
                re.sub(
                    r"<url><loc>[^<]*" + re.escape(quote(article_path, safe="/")) + r"</loc>.*?</url>\s*",
                    "",
                    (out / "sitemap.xml").read_text(encoding="utf-8"),
                ),
                encoding="utf-8",
            ),
            lambda out: [py, "sitemap.py", str(out), base_url, root, drafts],
            f"{prefix}{article_path}",
        ),
        (
            "a draft in the output",
            lambda out: shutil.copytree(Path(drafts) / draft_dir, out / draft_dir),
            lambda out: [py, "sitemap.py", str(out), base_url, root, drafts],
            draft_source,
        ),
        (
            "an old article in the news sitemap",
            lambda out: (out / "news-sitemap.xml").write_text(
                (out / "news-sitemap.xml")
                .read_text(encoding="utf-8")
                .replace("</urlset>", old_news_entry(Site(out, base_url), article_rel, config_publisher(Path(root))) + "</urlset>"),
                encoding="utf-8",
            ),
            lambda out: [py, "news_sitemap.py", str(out), base_url, root, epoch],
            f"{prefix}{article_path}",
            news,
        ),
        (
            "a root-relative link that leaves the sub-path",
            lambda out: insert_into_main(out / article_rel, f'<a href="/{quote(article_path)}">出界</a>'),
            lambda out: [py, "links.py", str(out), sub_base, root],
            "outside the site's base path",
            sub,
        ),
        (
            "the search client missing",
            lambda out: (out / "js" / "search.js").unlink(),
            lambda out: [node, "smoke.mjs", str(out), prefix, pages_json, str(out.parent / "shots")],
            "search.js",
        ),
    ]

    if draft_dir is None:
        cases = [c for c in cases if c[0] != "a draft in the output"]
        print("gates-can-fail: the site has no draft; that breakage is skipped")
    findings = Findings("gates-can-fail")
    for what, breaks, command, name, *source in cases:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "public"
            shutil.copytree(source[0] if source else public, out)
            breaks(out)
            run = subprocess.run(command(out), cwd=HERE, capture_output=True, text=True)
            gate = Path(command(out)[1]).stem
            said = run.stdout + run.stderr
            if run.returncode != 1:
                findings.fail(f"{what}: {gate} exited {run.returncode}, not 1:\n{said}")
            elif name not in said:
                findings.fail(f"{what}: {gate} failed without naming {name}:\n{said}")
            else:
                first = next((line for line in said.splitlines() if "FAIL" in line and name in line), "")
                print(f"gates-can-fail: {what} → {first.strip()[:220]}")
    return findings.finish(f"{len(cases)} breakages, each caught by its gate naming the page")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
