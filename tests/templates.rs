//! Theme overrides and template diagnostics.

mod common;

use common::Site;

#[test]
fn template_syntax_errors_name_the_template_file_line_and_column() {
    let site =
        Site::new().file("templates/404.html", "<p>\n{% if %}\n</p>").file("templates/section.html", "{% for x in %}");
    let r = site.build();
    let errs: Vec<String> =
        r.diagnostics.sorted().iter().map(|d| d.location.as_ref().map(|l| l.to_string()).unwrap_or_default()).collect();
    assert_eq!(r.diagnostics.error_count(), 2, "{}", r.diagnostics.render());
    assert_eq!(errs, vec!["templates/404.html:2:7".to_string(), "templates/section.html:1:13".to_string()]);
}

#[test]
fn template_render_errors_are_reported_once_with_location() {
    let site = Site::new()
        .page("news/a.md", "title: A", "x")
        .page("news/b.md", "title: B", "x")
        .file("templates/page.html", "<h1>{{ page.title }}</h1>\n{{ page.no_such_field }}");
    let r = site.build();
    assert_eq!(r.diagnostics.error_count(), 1, "{}", r.diagnostics.render());
    let d = r.diagnostics.sorted()[0].clone();
    assert_eq!(d.location.map(|l| l.to_string()).as_deref(), Some("templates/page.html:2:9"));
    assert!(d.message.starts_with("template error: "), "{}", d.message);
}

#[test]
fn missing_page_template_names_the_page() {
    let site = Site::new().page("news/a.md", "title: A\ntemplate: special.html", "x");
    let r = site.build();
    let d = r.diagnostics.sorted()[0].clone();
    assert_eq!(d.message, "template `special.html` not found");
    assert_eq!(d.location.map(|l| l.file), Some("content/news/a.md".to_string()));
}

#[test]
fn a_named_theme_overrides_the_built_in_one_file_by_file() {
    let site = Site::new()
        .file("gazette.yaml", "title: 测试站\nbase_url: https://example.org/\ntheme: mine\n")
        .file("themes/mine/templates/404.html", "mine {{ site.title }}")
        .file("themes/mine/static/css/style.css", "/* theme */");
    site.build_clean();
    assert_eq!(site.read("404.html"), "mine 测试站");
    assert_eq!(site.read("css/style.css"), "/* theme */");
    assert!(site.read("index.html").contains("<html"));
}

#[test]
fn a_missing_named_theme_is_an_error() {
    let site = Site::new().file("gazette.yaml", "title: t\nbase_url: https://example.org/\ntheme: nope\n");
    let r = site.build();
    assert_eq!(r.diagnostics.sorted()[0].message, "theme `nope` not found at themes/nope/");
}

#[test]
fn a_render_error_keeps_the_previous_output_and_leaves_no_staging_folder() {
    let site = Site::new().page("news/a.md", "title: A", "x").page("news/b.md", "title: B", "x");
    site.build_clean();
    let before = common::tree(&site.path("public"));
    // Rendering starts (and writes pages into staging) before this page fails.
    let site = site.file("templates/page.html", "{% if page.title == \"B\" %}{{ page.nope }}{% endif %}ok");
    let r = site.build();
    assert_eq!(r.diagnostics.error_count(), 1, "{}", r.diagnostics.render());
    assert_eq!(common::tree(&site.path("public")), before);
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .expect("read root")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    // Only the manifest of the last good build.
    assert_eq!(leftovers, [".public.gazette"]);
}

#[test]
fn the_search_page_and_header_box_follow_the_base_path() {
    let site = Site::new().file("gazette.yaml", "title: 测试站\nbase_url: https://example.org/bulletin/\n").page(
        "news/a.md",
        "title: A\ndate: 2024-05-20",
        "正文",
    );
    site.build_clean();
    let doc = site.html("search/index.html");
    assert_eq!(common::attrs(&doc, "#search-app", "data-search-base"), vec!["/bulletin/search/"]);
    assert_eq!(common::attrs(&doc, "#search-app", "data-entry-url"), vec!["/bulletin/search/entry.json"]);
    let script = common::attrs(&doc, "script[type=module]", "src");
    assert_eq!(script.len(), 1);
    assert!(script[0].starts_with("/bulletin/js/search-ui.js?h="), "cache-busted: {script:?}");
    assert_eq!(common::attrs(&doc, "body", "class"), vec!["kind-search"]);
    assert!(site.exists("js/search-ui.js"));
    // Every page's header has a labelled search box that submits ?q= to the search page; only
    // the search page loads the script.
    for page in ["index.html", "news/a/index.html", "404.html", "search/index.html"] {
        let doc = site.html(page);
        assert_eq!(common::attrs(&doc, "header form[role=search]", "action"), vec!["/bulletin/search/"], "{page}");
        assert_eq!(common::attrs(&doc, "header form[role=search] input", "name"), vec!["q"], "{page}");
        assert_eq!(common::texts(&doc, "header form[role=search] label[for=site-search-q]"), vec!["搜索"], "{page}");
        let scripts = common::attrs(&doc, "script", "src");
        assert_eq!(scripts.is_empty(), page != "search/index.html", "{page}: {scripts:?}");
    }
}

#[test]
fn without_search_there_is_no_search_page_or_box() {
    let site = Site::new()
        .file("gazette.yaml", "title: 测试站\nbase_url: https://example.org/\nsearch:\n  enabled: false\n")
        .page("news/a.md", "title: A", "正文");
    site.build_clean();
    assert!(!site.exists("search/index.html"));
    assert!(common::attrs(&site.html("index.html"), "form[role=search]", "action").is_empty());
}

/// Loops that would run for hours (ten billion iterations; a component calling itself three
/// times at each of its 20 levels; comprehensions nested over lists already in the context,
/// which call no function at all) end with an error at the loop that ran out, naming the
/// page, when the page's budget is spent; the build fails (exit 1) and the previous output
/// stays as it was.
#[test]
fn a_runaway_template_loop_ends_with_an_error_at_the_loop_naming_the_page() {
    let config = "title: 测试站\nbase_url: https://example.org/\ntemplates:\n  max_iterations: 5000\n";
    let site = Site::new()
        .file("gazette.yaml", config)
        .page("news/a.md", "title: A\ntemplate: runaway.html", "x")
        .file("templates/runaway.html", "<p>{{ page.title }}</p>");
    site.build_clean();
    let before = common::tree(&site.path("public"));
    let cases = [
        (
            "<p>{{ page.title }}</p>\n{% set r = range(end=100000) %}\n{% for i in r %}\n  {%- for j in r %}{{ j }}{% endfor %}{% endfor %}",
            "templates/runaway.html:4:3",
        ),
        (
            "{% component f(n) %}{% if n > 0 %}{{ <f n={n - 1}/> }}{{ <f n={n - 1}/> }}{{ <f n={n - 1}/> }}{% endif %}{% endcomponent f %}\n{{ <f n={19}/> }}",
            "templates/runaway.html:1:1",
        ),
        ("{% set r = range(end=100000) %}{{ [[y for y in r] for x in r] | length }}", "templates/runaway.html:1:39"),
    ];
    for (template, at) in cases {
        std::fs::write(site.path("templates/runaway.html"), template).expect("write the template");
        let r = site.build();
        let d = r.diagnostics.sorted()[0].clone();
        assert_eq!(r.diagnostics.error_count(), 1, "{}", r.diagnostics.render());
        assert_eq!(d.location.map(|l| l.to_string()).as_deref(), Some(at), "{template}");
        assert_eq!(
            d.message,
            "template loop ran past the render budget of 5000 iterations (templates.max_iterations) while \
rendering news/a/index.html (content/news/a.md)"
        );
        assert_eq!(common::tree(&site.path("public")), before, "the previous output is kept");
    }

    let run = site.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("--> templates/runaway.html:1:39"), "{}", run.stderr);

    // The time budget, for a loop whose every iteration is slow.
    let config = "title: 测试站\nbase_url: https://example.org/\ntemplates:\n  max_render_ms: 50\n";
    let site = site.file("gazette.yaml", config).file(
        "templates/runaway.html",
        "{% set r = range(end=100000) %}{% for i in r %}{% set s = r | reverse | join(sep=\",\") %}{% endfor %}",
    );
    let r = site.build();
    let d = r.diagnostics.sorted()[0].clone();
    assert_eq!(d.location.map(|l| l.to_string()).as_deref(), Some("templates/runaway.html:1:32"));
    assert_eq!(
        d.message,
        "template loop ran past the render budget of 50 ms (templates.max_render_ms) while rendering \
news/a/index.html (content/news/a.md)"
    );
}

/// A loop that writes a long string at every turn would fill memory before the time budget
/// ends it; the page's output is refused past `templates.max_page_mb`.
#[test]
fn a_page_whose_output_passes_the_size_budget_ends_with_an_error_naming_it() {
    let config = "title: 测试站\nbase_url: https://example.org/\ntemplates:\n  max_page_mb: 1\n";
    let site = Site::new().file("gazette.yaml", config).page("news/a.md", "title: A\ntemplate: big.html", "x").file(
        "templates/big.html",
        "{% set s = range(end=1000) | join(sep=\"-\") %}{% for i in range(end=100000) %}{{ s }}{% endfor %}",
    );
    let r = site.build();
    assert_eq!(
        common::diags(&r),
        vec![
            "error templates/big.html: template output passed the size budget of 1 MiB (templates.max_page_mb) \
             while rendering news/a/index.html (content/news/a.md)"
        ]
    );
    assert!(!site.path("public").exists());
}

#[test]
fn a_zero_render_budget_is_a_located_config_error() {
    let config =
        "title: 测试站\nbase_url: https://example.org/\ntemplates:\n  max_render_ms: 100\n  max_iterations: 0\n";
    let r = Site::new().file("gazette.yaml", config).build();
    assert_eq!(common::diags(&r), vec!["error gazette.yaml:5:19: templates.max_iterations must be at least 1"]);
}

/// Recursion through templates is found when they load, and named at the tag closing the circle.
#[test]
fn templates_including_or_extending_each_other_in_a_circle_are_located_errors() {
    let site = Site::new()
        .page("news/a.md", "title: A\ntemplate: a.html", "x")
        .file("templates/a.html", "<p>\n{% for i in [1, 2] %}{% include \"partials/b.html\" %}{% endfor %}")
        .file("templates/partials/b.html", "b {% include \"a.html\" %}");
    let r = site.build();
    assert_eq!(
        common::diags(&r),
        vec![
            "error templates/partials/b.html:1:3: templates include each other in a circle: a.html → partials/b.html → a.html"
        ]
    );
    let site = site.file("templates/partials/b.html", "b").file("templates/a.html", "\n {% extends \"a.html\" %}");
    assert_eq!(
        common::diags(&site.build()),
        vec!["error templates/a.html:2:2: templates extend each other in a circle: a.html → a.html"]
    );
}

/// Maps reach templates in the order they were written (`extra:` in gazette.yaml and front
/// matter): a loop over one, a list built from one and the map printed whole give the same
/// bytes at every build, and a serve rebuild after a page's keys were reordered shows the new order.
#[test]
fn maps_in_templates_keep_the_order_they_were_written_in() {
    let config =
        "title: 测试站\nbase_url: https://example.org/\nextra:\n  戊: 5\n  delta: 4\n  丙: 3\n  beta: 2\n  甲: 1\n";
    let template = "{% for k, v in site.extra %}{{ k }}={{ v }};{% endfor %}\n{{ [k for k, v in page.extra] | join(sep=\",\") }}\n{{ page.extra }}";
    let site = Site::new()
        .file("gazette.yaml", config)
        .page("news/a.md", "title: A\ntemplate: map.html\nextra:\n  z: 1\n  y: 2\n  x: 3\n  w: 4\n  v: 5", "x")
        .file("templates/map.html", template);
    let written = "戊=5;delta=4;丙=3;beta=2;甲=1;\nz,y,x,w,v\n{&quot;z&quot;: 1, &quot;y&quot;: 2, &quot;x&quot;: 3, &quot;w&quot;: 4, &quot;v&quot;: 5}";
    let mut request = site.request();
    request.cache = Some(std::sync::Arc::new(gazette::cache::BuildCache::default()));
    for _ in 0..3 {
        let r = gazette::build(&request);
        assert!(r.diagnostics.is_empty(), "{}", r.diagnostics.render());
        assert_eq!(site.read("news/a/index.html"), written);
    }
    let site =
        site.page("news/a.md", "title: A\ntemplate: map.html\nextra:\n  y: 2\n  x: 3\n  w: 4\n  v: 5\n  z: 1", "x");
    let r = gazette::build(&request);
    assert!(r.diagnostics.is_empty(), "{}", r.diagnostics.render());
    let reordered = written.replace("z,y,x,w,v", "y,x,w,v,z").replace("{&quot;z&quot;: 1, ", "{") + "";
    assert_eq!(site.read("news/a/index.html"), reordered.replace("5}", "5, &quot;z&quot;: 1}"));
}
