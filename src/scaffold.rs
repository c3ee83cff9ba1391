//! `gazette init` and `gazette new`: files a user starts from.
//!
//! `init` writes a small site that builds anywhere with the theme embedded in the binary;
//! `new` writes one article from an archetype. Neither ever overwrites an existing file.

use crate::config::{Config, Overrides, parse_offset};
use crate::paths;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// The built-in archetype. `{title}` and `{date}` are filled in.
pub const DEFAULT_ARCHETYPE: &str =
    "---\ntitle: \"{title}\"\ndate: {date}\ndraft: true\ntags: []\n---\n\n在这里写导语。\n\n<!-- more -->\n\n正文。\n";

/// Files of a new site.
fn starter_files(title: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "gazette.yaml",
            format!(
                "title: {title}\ndescription: 用 Gazette 搭建的资讯站\nbase_url: https://example.org/\nlanguage: zh-CN\ntimezone: \"+08:00\"\ntheme: default\npaginate_by: 10\narchives: true\ntaxonomies:\n  - name: tags\n  - name: topics\n  - name: regions\n"
            ),
        ),
        ("content/_index.md", format!("---\ntitle: {title}\n---\n\n欢迎访问。\n")),
        ("content/news/_index.md", "---\ntitle: 新闻\nsort_by: date\npaginate_by: 10\n---\n".into()),
        (
            "content/news/2024-05-20-welcome.md",
            "---\ntitle: 网站开通\nkicker: 新站上线\nsource: 本站讯\ntags: [公告]\n---\n\n这是第一篇文章。编辑 `content/news/` 下的文件，然后运行 `gazette build`。\n".into(),
        ),
        ("content/kb/_index.md", "---\ntitle: 知识库\nsort_by: weight\npaginate_by: 0\n---\n".into()),
        ("content/kb/about.md", "---\ntitle: 关于本站\nweight: 1\n---\n\n本站使用 Gazette 生成。\n".into()),
        ("static/.gitkeep", String::new()),
        ("archetypes/default.md", DEFAULT_ARCHETYPE.into()),
    ]
}

/// Creates a site in `dir`, which must be missing or empty.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, String> {
    if dir.exists() {
        let empty =
            std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?.next().is_none();
        if !empty {
            return Err(format!(
                "`{}` is not empty; `gazette init` only writes into a new or empty folder",
                dir.display()
            ));
        }
    }
    let title = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "我的网站".into());
    let mut written = Vec::new();
    for (rel, text) in starter_files(&title) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// Writes a new article at `content/<rel>` under `root`, from `archetypes/<section>.md`,
/// `archetypes/default.md` or the built-in archetype.
pub fn new_article(root: &Path, rel: &str, now: OffsetDateTime) -> Result<PathBuf, String> {
    let rel = rel.trim_start_matches("./").trim_start_matches("content/");
    if !rel.ends_with(".md") || paths::normalize(rel).as_deref() != Some(rel) {
        return Err(format!("`{rel}` must be a path under content/ ending in .md, such as news/2024-05-20-slug.md"));
    }
    let path = root.join("content").join(rel);
    if path.exists() {
        return Err(format!("`{}` already exists", path.display()));
    }
    let offset = Config::load(root, &Overrides::default())
        .ok()
        .and_then(|c| parse_offset(&c.timezone))
        .unwrap_or_else(|| parse_offset("+08:00").unwrap_or(time::UtcOffset::UTC));
    let stem = rel.rsplit('/').next().unwrap_or(rel).trim_end_matches(".md");
    let stem = if stem == "index" { paths::parent(rel).rsplit('/').next().unwrap_or(stem) } else { stem };
    let (date, title_src) = match paths::date_prefix(stem) {
        Some((d, rest)) => (d, rest),
        None => (now.to_offset(offset).date(), stem),
    };
    let title = title_src.replace(['-', '_'], " ");
    let section = rel.split('/').next().unwrap_or("");
    let archetype = [format!("archetypes/{section}.md"), "archetypes/default.md".to_string()]
        .iter()
        .find_map(|a| std::fs::read_to_string(root.join(a)).ok())
        .unwrap_or_else(|| DEFAULT_ARCHETYPE.to_string());
    let text = archetype
        .replace("{title}", &title.replace('"', "\\\""))
        .replace("{date}", &format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day()));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
    }
    std::fs::write(&path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    Ok(path)
}
