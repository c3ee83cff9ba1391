#!/usr/bin/env python3
"""Turn a gen_corpus site into an equivalent Hugo site (used by bench/build.sh; not timed).

usage: hugo_convert.py CORPUS_DIR HUGO_TEMPLATE_DIR OUT_DIR

Copies bench/hugo-site (hugo.toml, layouts/, static/) and CORPUS_DIR/content into OUT_DIR. Content is
the same Markdown; only each article's front matter gains two lines Hugo needs for equivalent output:
  slug: "a123"                    Gazette derives the slug from `2024-05-20-a123.md`; Hugo would keep the
                                  date prefix in the URL when `date:` comes from front matter.
  archives: ["2024", "2024-05"]   Hugo has no year/month archive pages; a taxonomy makes them.
and the summary marker `<!-- more -->` is rewritten to Hugo's `<!--more-->`. It also adds
content/{tags,topics,regions,archives}/_index.md (Chinese titles; no feeds for archive pages).
"""
import os
import re
import shutil
import sys

STEM = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")

# Extra list pages Hugo needs to match Gazette: Chinese taxonomy titles (Gazette's defaults for the
# built-in three) and an archives taxonomy whose pages get no feeds.
EXTRA_INDEXES = {
    "tags": "---\ntitle: 标签\n---\n",
    "topics": "---\ntitle: 专题\n---\n",
    "regions": "---\ntitle: 地区\n---\n",
    "archives": "---\ntitle: 归档\noutputs: [html]\ncascade:\n  outputs: [html]\n---\n",
}


def convert(text: str, stem: str) -> str:
    if not text.startswith("---\n"):
        return text
    end = text.find("\n---\n", 4)
    if end < 0:
        return text
    fm, body = text[4 : end + 1], text[end + 5 :]
    m = STEM.match(stem)
    date = None
    for line in fm.splitlines():
        if line.startswith("date:"):
            date = line[5:].strip().strip("\"'")[:10]
    if date is None and m:
        date = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    extra = []
    if m and "\nslug:" not in "\n" + fm:
        extra.append(f'slug: "{m.group(4)}"\n')
    if date:
        extra.append(f'archives: ["{date[:4]}", "{date[:7]}"]\n')
    body = body.replace("<!-- more -->", "<!--more-->")
    return "---\n" + fm + "".join(extra) + "---\n" + body


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    corpus, template, out = sys.argv[1:]
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    shutil.copy(os.path.join(template, "hugo.toml"), out)
    for d in ("layouts", "static"):
        src = os.path.join(template, d)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(out, d))
    src_root = os.path.join(corpus, "content")
    n = 0
    for dirpath, _, files in os.walk(src_root):
        rel = os.path.relpath(dirpath, src_root)
        dst_dir = os.path.normpath(os.path.join(out, "content", rel))
        os.makedirs(dst_dir, exist_ok=True)
        for f in files:
            src = os.path.join(dirpath, f)
            dst = os.path.join(dst_dir, f)
            if f.endswith(".md") and f != "_index.md":
                with open(src, encoding="utf-8") as fh:
                    text = fh.read()
                with open(dst, "w", encoding="utf-8") as fh:
                    fh.write(convert(text, f[:-3]))
                n += 1
            else:
                shutil.copy(src, dst)
    for name, text in EXTRA_INDEXES.items():
        path = os.path.join(out, "content", name, "_index.md")
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
    print(f"hugo_convert: {n} pages -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
