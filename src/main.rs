//! The `gazette` command: parses arguments and calls the library.
//!
//! Exit codes: 0 success (warnings allowed), 1 content or template errors, 2 usage or
//! environment errors (bad arguments, unreadable config, unwritable output).

use clap::{Parser, Subcommand};
use gazette::config::Overrides;
use gazette::diagnostics::Diagnostics;
use gazette::model::BuildOptions;
use gazette::{Request, scaffold};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "gazette", version, about = "Build news bulletins and a knowledge base into a static site")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/, writing only files whose bytes changed (a failed build
    /// leaves the old output untouched)
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Output folder (default: ROOT/public)
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Start from nothing: write every file again and ignore the build memo under
        /// ROOT/.gazette/ (a new one is written); still removes only files a build wrote
        #[arg(long)]
        clean: bool,
    },
    /// Preview the site with drafts: build into memory, serve on 127.0.0.1, rebuild and
    /// reload open pages when a source file changes
    Serve {
        /// Site root: the folder holding gazette.yaml
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Address to listen on
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port (0 picks a free one)
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Hide drafts (shown by default, with a banner)
        #[arg(long)]
        no_drafts: bool,
        /// Include pages whose publish date is in the future (shown with a banner)
        #[arg(long)]
        future: bool,
        /// Open the site in the default browser
        #[arg(long)]
        open: bool,
    },
    /// Run every check of a build without writing anything
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Search the index written by the last `gazette build`
    Search {
        /// The query: words are ANDed, Chinese matches as a contiguous string,
        /// "quoted phrases" keep their spaces, -word excludes
        query: String,
        /// Site root
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Number of results
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Only pages listed in this section, e.g. news/jiuye
        #[arg(long)]
        section: Option<String>,
        /// Print results as JSON
        #[arg(long)]
        json: bool,
    },
    /// Create a new site in DIR (which must be new or empty)
    Init {
        /// Folder to create
        dir: PathBuf,
    },
    /// Create an article from an archetype, e.g. `gazette new news/2024-05-20-slug.md`
    New {
        /// Path under content/
        path: String,
        /// Site root
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(clap::Args)]
struct SiteArgs {
    /// Site root: the folder holding gazette.yaml
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Include pages marked `draft: true`
    #[arg(long)]
    drafts: bool,
    /// Include pages whose publish date is in the future
    #[arg(long)]
    future: bool,
    /// Override base_url from gazette.yaml (e.g. for a preview deployment)
    #[arg(long)]
    base_url: Option<String>,
}

impl SiteArgs {
    fn request(&self, output: Option<PathBuf>) -> Result<Request, String> {
        let mut options = BuildOptions { drafts: self.drafts, future: self.future, ..BuildOptions::default() };
        if let Some(now) = source_date_epoch()? {
            options.now = now;
        }
        Ok(Request {
            root: self.root.clone(),
            output,
            overrides: Overrides { base_url: self.base_url.clone() },
            options,
            memory_search_dir: None,
            cache: None,
            clean: false,
            memo: gazette::MemoUse::Off,
        })
    }
}

/// The build time from `SOURCE_DATE_EPOCH` (seconds since 1970, the reproducible-builds
/// convention), when set: publish and expiry dates and the news sitemap's window are measured
/// from it, so a build can be repeated byte for byte later.
fn source_date_epoch() -> Result<Option<time::OffsetDateTime>, String> {
    let Ok(value) = std::env::var("SOURCE_DATE_EPOCH") else { return Ok(None) };
    value
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .map(Some)
        .ok_or_else(|| format!("SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01, found `{value}`"))
}

fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = Cli::parse();
    match cli.command {
        Command::Build { site, output, clean } => {
            let mut req = match site.request(output) {
                Ok(req) => Request { clean, ..req },
                Err(e) => return usage_error(&e),
            };
            req.memo = if clean { gazette::MemoUse::Fresh } else { gazette::MemoUse::Use };
            let report = gazette::build(&req);
            for note in &report.notes {
                eprintln!("note: {note}");
            }
            finish(&report.diagnostics, || {
                let done = &report.committed;
                let stages: Vec<String> = report.stages.iter().map(|(s, ms)| format!("{s} {ms} ms")).collect();
                let built = format!(
                    "built {} pages in {} sections: {} HTML files rendered, {} reused; {} files in {}, {} written, \
                     {} unchanged, {} removed ({} ms)\nstages: {}",
                    report.pages,
                    report.sections,
                    report.rendered,
                    report.reused,
                    report.output.files.len() + 1,
                    req.output_dir().display(),
                    done.written,
                    done.unchanged,
                    done.removed,
                    report.millis,
                    stages.join(", ")
                );
                match &report.next_due {
                    Some(due) => format!(
                        "{built}\nnext scheduled change: {} is {} at {} (written to {}; build again then)",
                        due.source,
                        match due.what {
                            gazette::model::DueKind::Publish => "published",
                            gazette::model::DueKind::Expire => "taken down",
                            gazette::model::DueKind::LeaveNewsSitemap => "out of the news sitemap",
                        },
                        gazette::views::rfc3339(due.at),
                        gazette::pipeline::NEXT_DUE_FILE
                    ),
                    None => built,
                }
            })
        }
        Command::Check { site } => {
            let req = match site.request(None) {
                Ok(req) => req,
                Err(e) => return usage_error(&e),
            };
            let report = gazette::generate(&req);
            finish(&report.diagnostics, || {
                format!(
                    "checked {} pages in {} sections: no errors ({} ms)",
                    report.pages, report.sections, report.millis
                )
            })
        }
        Command::Serve { root, bind, port, no_drafts, future, open } => {
            let mut request = Request::new(root);
            request.options = BuildOptions { drafts: !no_drafts, future, ..BuildOptions::default() };
            match gazette::serve::run(gazette::serve::Options { request, bind, port, open }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => usage_error(&e),
            }
        }
        Command::Search { query, root, limit, section, json } => search(&root, &query, section.as_deref(), limit, json),
        Command::Init { dir } => match scaffold::init(&dir) {
            Ok(files) => {
                println!("created a new site in {} ({} files)", dir.display(), files.len());
                println!("next: cd {} && gazette build", dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => usage_error(&e),
        },
        Command::New { path, root } => match scaffold::new_article(&root, &path, time::OffsetDateTime::now_utc()) {
            Ok(p) => {
                println!("created {}", p.display());
                ExitCode::SUCCESS
            }
            Err(e) => usage_error(&e),
        },
    }
}

/// `gazette search`: ranks with the tantivy index in the site's index folder.
fn search(root: &std::path::Path, query: &str, section: Option<&str>, limit: usize, json: bool) -> ExitCode {
    let config = match gazette::config::Config::load(root, &Overrides::default()) {
        Ok(c) => c,
        Err(ds) => {
            for d in ds {
                eprint!("{d}");
            }
            return ExitCode::from(2);
        }
    };
    let dir = root.join(&config.search.index_dir);
    if !dir.is_dir() {
        return usage_error(&format!("no search index at `{}`: run `gazette build` first", dir.display()));
    }
    match gazette::search::forgive::answer(&dir, query, section, limit) {
        Ok(answer) if json => match serde_json::to_string_pretty(&answer) {
            Ok(s) => {
                println!("{s}");
                ExitCode::SUCCESS
            }
            Err(e) => usage_error(&e.to_string()),
        },
        Ok(answer) => {
            print_answer(&answer);
            ExitCode::SUCCESS
        }
        Err(e) => usage_error(&e),
    }
}

/// The text form of `gazette search`: numbered results with their excerpts; when nothing
/// matches exactly, the suggestions and the partial matches, labelled as such.
fn print_answer(answer: &gazette::search::forgive::Answer) {
    let list = |shown: &[gazette::search::forgive::Shown]| {
        for (i, s) in shown.iter().enumerate() {
            let h = &s.hit;
            println!("{:>3}. {}  {}  [{}]", i + 1, h.title, h.url, h.section);
            if !s.excerpt.is_empty() {
                println!("     {}", s.excerpt);
            }
        }
    };
    list(&answer.results);
    if !answer.results.is_empty() {
        return;
    }
    match answer.suggestions.as_slice() {
        [] if answer.partial.is_empty() => println!("no results"),
        [] => println!("no exact match"),
        all => println!("no exact match; did you mean: {}", all.join(" | ")),
    }
    if !answer.partial.is_empty() {
        println!("partial matches (部分匹配), holding some of the query's words:");
        list(&answer.partial);
    }
}

/// glibc gives every thread its own malloc arena, and memory freed in one (the search
/// index is built on one thread, pages are rendered on others) is not reused by another: a
/// 10k-article build peaked ~60 MB higher for it. Two arenas is plenty for two cores.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator parameters; called before any thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Prints diagnostics to stderr and picks the exit code.
fn finish(diags: &Diagnostics, success: impl FnOnce() -> String) -> ExitCode {
    let rendered = diags.render();
    if !rendered.is_empty() {
        eprint!("{rendered}");
    }
    if !diags.has_errors() {
        println!("{}", success());
        return ExitCode::SUCCESS;
    }
    // Content and template problems carry a file; problems with the environment (output
    // folder, missing config) are usage errors.
    let environment = diags
        .sorted()
        .iter()
        .filter(|d| d.is_error())
        .all(|d| d.location.as_ref().is_none_or(|l| l.file == gazette::config::CONFIG_FILE && l.line == 0));
    if environment { ExitCode::from(2) } else { ExitCode::from(1) }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}
