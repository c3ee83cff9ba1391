//! Render budgets: no template keeps a build, or the preview server, busy for ever.
//!
//! Templates can run away: loops nested over `range(end=100000)` or over long lists, a list
//! comprehension inside another, a component that calls itself three times at each of its 20
//! allowed levels. Tera 2 gives its host no hook inside the VM (no per-instruction callback,
//! no loop counter, no limit but the components' depth), and `{% for x in list %}` over a
//! list already in the context runs none of our code, so a counting `range()` would not see
//! it. A watchdog thread is no answer either: a Rust thread cannot be stopped from outside,
//! and `gazette serve` cannot exit the process.
//!
//! So each template is rewritten before Tera parses it ([`super::instrument`]): the body of every
//! `{% for %}` loop and every `{% component %}` definition starts with
//! `{% if N is __gazette_tick %}{% endif %}`, and every list comprehension's condition runs
//! the same test; N is the byte offset of the loop in the file as written. (A test, not a
//! function: it needs no keyword map and writes nothing, the cheapest call Tera has.) It
//! counts one iteration against the page's budget (`templates.max_iterations`) and looks at
//! the clock (`templates.max_render_ms`); once either is spent it fails, Tera turns that into
//! a rendering error that unwinds the render, and the caller reports the loop's file, line
//! and column and the page being rendered ([`run`], [`Trip`]). The thread is then free: the
//! next save in `gazette serve` rebuilds as usual. Between two ticks a template runs only
//! straight-line code, bounded by its length and its data. The price is one test call per
//! iteration, small beside rendering anything in the loop; the alternatives (a subprocess
//! per render, or exiting the process from a watchdog) would cost far more or leave `serve`
//! unprotected.
//!
//! The rewrite is [`super::instrument`]. Not covered: memory. A string doubled forty times in
//! a loop outgrows memory long before either budget is spent.

use crate::diagnostics::{Diagnostic, Location};
use crate::theme::TemplateSource;
use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What one page render may spend.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Loop iterations, comprehension elements and component calls, all together.
    pub iterations: u64,
    /// Wall time.
    pub time: Duration,
    /// Bytes of output.
    pub bytes: usize,
}

/// True once a render sharing `stop` has run out of budget.
pub(super) fn stopped(stop: &AtomicBool) -> bool {
    stop.load(Ordering::Relaxed)
}

/// Why a render was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trip {
    /// The iteration budget ran out in the loop at this byte offset of the template.
    Iterations(usize),
    /// The time budget ran out in the loop at this byte offset.
    Time(usize),
    /// Another render of the same build ran out: this one stopped early so the error comes
    /// sooner (its own pages are reported by the next build).
    Stopped,
}

/// The budget of the render running on this thread.
struct Running {
    limits: Limits,
    /// `None` when the time budget reaches past what the clock can count.
    deadline: Option<Instant>,
    count: u64,
    stop: Arc<AtomicBool>,
    trip: Option<Trip>,
}

thread_local! {
    static RUNNING: RefCell<Option<Running>> = const { RefCell::new(None) };
}

/// One tick of the loop at byte `at` of its template: `Err` ends the render. A render not
/// started by [`run`] has no budget.
pub(super) fn tick(at: usize) -> Result<(), &'static str> {
    RUNNING.with(|r| {
        let mut r = r.borrow_mut();
        let Some(run) = r.as_mut() else { return Ok(()) };
        run.count += 1;
        let trip = if run.count > run.limits.iterations {
            Trip::Iterations(at)
        } else if run.stop.load(Ordering::Relaxed) {
            Trip::Stopped
        // Every time: one iteration may be slow (a sort of a long list), and reading the
        // monotonic clock costs little beside a call through Tera.
        } else if run.deadline.is_some_and(|d| Instant::now() >= d) {
            Trip::Time(at)
        } else {
            return Ok(());
        };
        if trip != Trip::Stopped {
            run.stop.store(true, Ordering::Relaxed);
        }
        run.trip.get_or_insert(trip);
        Err("the render budget is spent")
    })
}

/// Runs `render` on this thread under `limits`; sets `stop` when it runs out, and stops
/// early when another render sets it. Returns its result and why it was stopped, if it was.
/// (A render not yet started when `stop` is set need not start: see [`stopped`].)
pub(super) fn run<T>(limits: Limits, stop: &Arc<AtomicBool>, render: impl FnOnce() -> T) -> (T, Option<Trip>) {
    /// Clears the budget however the render ends.
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            RUNNING.with(|r| r.borrow_mut().take());
        }
    }
    RUNNING.with(|r| {
        *r.borrow_mut() = Some(Running {
            limits,
            deadline: Instant::now().checked_add(limits.time),
            count: 0,
            stop: stop.clone(),
            trip: None,
        })
    });
    let clear = Clear;
    let out = render();
    let trip = RUNNING.with(|r| r.borrow().as_ref().and_then(|run| run.trip));
    drop(clear);
    (out, trip)
}

/// 1-based line and column (in characters, as Tera counts them) of byte `at` in `text`.
pub(super) fn line_col(text: &str, at: usize) -> Option<(usize, usize)> {
    let before = text.get(..at)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Some((before.matches('\n').count() + 1, before[line_start..].chars().count() + 1))
}

/// The error for a render stopped by `trip`: at the loop in `template` (where the budget ran
/// out), naming the page being rendered.
pub(super) fn diagnostic(trip: Trip, template: Option<&TemplateSource>, limits: Limits, rendering: &str) -> Diagnostic {
    let (at, spent) = match trip {
        Trip::Iterations(at) => (at, format!("{} iterations (templates.max_iterations)", limits.iterations)),
        Trip::Time(at) => (at, format!("{} ms (templates.max_render_ms)", limits.time.as_millis())),
        Trip::Stopped => return stopped_diagnostic(),
    };
    let d =
        Diagnostic::error(format!("template loop ran past the render budget of {spent} while rendering {rendering}"))
            .hint(
                "loops nested over long lists multiply (two nested `range(end=100000)` run ten billion times), and so \
does a component calling itself more than once; loop over less, or raise the budget under `templates:` in \
gazette.yaml if this page really needs it",
            );
    match template {
        Some(t) => match line_col(&t.text, at) {
            Some((line, col)) => d.at_source(Location::at(&t.display, line, col), &t.text),
            None => d.at(Location::file(&t.display)),
        },
        None => d.at(Location::file("templates")),
    }
}

/// Includes or extends that go round in a circle (which Tera finds when loading, so they
/// never loop), and a missing parent, as errors at the tag that names the next template.
pub(super) fn chain_error(kind: &tera::ErrorKind, theme: &crate::theme::Theme) -> Option<Diagnostic> {
    use tera::ErrorKind as K;
    let (from, keyword, to, message, hint) = match kind {
        K::CircularInclude { include_chain: chain, .. } if chain.len() >= 2 => (
            &chain[chain.len() - 2],
            "include",
            &chain[chain.len() - 1],
            format!("templates include each other in a circle: {}", chain.join(" → ")),
            "an include of a template that (through others) includes it again never ends; move the shared \
part into a template that includes neither",
        ),
        K::CircularExtend { tpl, inheritance_chain: chain } => (
            chain.len().checked_sub(2).map_or(tpl, |i| &chain[i]),
            "extends",
            chain.last()?,
            format!("templates extend each other in a circle: {tpl} → {}", chain.join(" → ")),
            "a template extends one that (through others) extends it again; one of them must be the base",
        ),
        K::MissingParent { current, parent } => (
            current,
            "extends",
            parent,
            format!("template `{current}` extends `{parent}`, which does not exist"),
            "templates live in templates/ or themes/<name>/templates/",
        ),
        _ => return None,
    };
    let d = Diagnostic::error(message).hint(hint);
    let Some(source) = theme.templates.get(from) else { return Some(d.at(Location::file("templates"))) };
    Some(match tag_naming(&source.text, keyword, to).and_then(|at| line_col(&source.text, at)) {
        Some((line, col)) => d.at_source(Location::at(&source.display, line, col), &source.text),
        None => d.at(Location::file(&source.display)),
    })
}

/// The offset of the first `{% keyword "target" %}` tag in `text`.
fn tag_naming(text: &str, keyword: &str, target: &str) -> Option<usize> {
    ['"', '\'', '`'].iter().find_map(|q| {
        text.match_indices(&format!("{q}{target}{q}")).find_map(|(i, _)| {
            let before = text[..i].trim_end();
            before.strip_suffix(keyword)?;
            before.rfind("{%")
        })
    })
}

/// What a render stopped early reports; the build drops it (see [`Trip::Stopped`]).
pub(super) fn stopped_diagnostic() -> Diagnostic {
    Diagnostic::error("rendering stopped: another page ran past the render budget")
}

/// A page's output, refused past a size: Tera writes into it as it renders, so a loop that
/// writes a long string at every turn ends when the page passes `templates.max_page_mb`
/// instead of filling memory before the time budget runs out.
pub(super) struct Capped {
    bytes: Vec<u8>,
    limit: usize,
    overflowed: bool,
}

impl Capped {
    pub(super) fn new(limit: usize) -> Capped {
        Capped { bytes: Vec::new(), limit, overflowed: false }
    }

    /// True once a write was refused.
    pub(super) fn overflowed(&self) -> bool {
        self.overflowed
    }

    pub(super) fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len().saturating_add(buf.len()) > self.limit {
            self.overflowed = true;
            return Err(std::io::Error::other("page output past templates.max_page_mb"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The error for a page whose output passed the size budget, at its template `file`.
pub(super) fn too_large(limits: Limits, rendering: &str, file: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "template output passed the size budget of {} MiB (templates.max_page_mb) while rendering {rendering}",
        limits.bytes >> 20
    ))
    .at(Location::file(file))
    .hint("a loop writes more than a page should hold; check what it repeats, or raise templates.max_page_mb")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spent_budget_fails_the_tick_and_stops_the_others() {
        let stop = Arc::new(AtomicBool::new(false));
        let limits = Limits { iterations: 3, time: Duration::from_secs(3600), bytes: usize::MAX };
        let ((), trip) = run(limits, &stop, || {
            assert_eq!((tick(5), tick(5), tick(5)), (Ok(()), Ok(()), Ok(())));
            assert!(tick(9).is_err());
        });
        assert_eq!(trip, Some(Trip::Iterations(9)));
        assert!(stopped(&stop));
        let ((), trip) = run(limits, &stop, || assert!(tick(1).is_err()));
        assert_eq!(trip, Some(Trip::Stopped));
        // Outside a budgeted render, nothing is counted.
        assert_eq!(tick(1), Ok(()));
        let ((), trip) = run(Limits { time: Duration::ZERO, ..limits }, &Arc::default(), || assert!(tick(2).is_err()));
        assert_eq!(trip, Some(Trip::Time(2)));
        // A time budget past what the clock counts is no budget (and no overflow).
        let forever = Limits { iterations: u64::MAX, time: Duration::from_millis(u64::MAX), bytes: usize::MAX };
        let ((), trip) = run(forever, &Arc::default(), || assert_eq!(tick(3), Ok(())));
        assert_eq!(trip, None);
    }
}
