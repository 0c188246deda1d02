package htmlreport_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/htmlreport"
)

// browser returns the path of Chromium: $SSEINSPECT_CHROMIUM, else the
// first of Debian's and others' names on PATH. Without one the browser
// tests are skipped, except in CI (CI set), where .ci/run installs it.
func browser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SSEINSPECT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium on PATH: .ci/run installs Debian's chromium package")
	}
	t.Skip("no Chromium on PATH (install Debian's chromium package, or set SSEINSPECT_CHROMIUM)")
	return ""
}

// page is what a report showed in the browser.
type page struct {
	problems []string // console messages, exceptions, log entries
	requests []string // network requests other than the page itself
}

// openReport opens the report in headless Chromium, runs check on the
// loaded page, saves a screenshot in the test's artifact directory
// (go test -artifacts keeps it), and returns what the page did.
func openReport(t *testing.T, html []byte, check func(ctx context.Context)) page {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	require.NoError(t, os.WriteFile(file, html, 0o644))
	url := "file://" + file

	alloc, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser(t)), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1100, 900))...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	var mu sync.Mutex
	var p page
	require.NoError(t, chromedp.Do(ctx)) // start the browser before listening
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var args []string
			for _, a := range e.Args {
				args = append(args, string(a.Value))
			}
			p.problems = append(p.problems, fmt.Sprintf("console.%s: %s", e.Type, strings.Join(args, " ")))
		case *runtime.EventExceptionThrown:
			p.problems = append(p.problems, "exception: "+e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			p.problems = append(p.problems, fmt.Sprintf("log %s: %s", e.Entry.Level, e.Entry.Text))
		case *network.EventRequestWillBeSent:
			if e.Request.URL != url {
				p.requests = append(p.requests, e.Request.URL)
			}
		}
	}))
	// A bound on a hung browser, not a measure of speed.
	tctx, tcancel := context.WithTimeout(ctx, 2*time.Minute)
	defer tcancel()
	require.NoError(t, chromedp.Do(tctx, chromedp.Navigate(url), chromedp.WaitReady("body")))
	check(tctx)
	// The whole page, unless it is very tall (a long event table): then
	// what a person sees first.
	shoot := chromedp.FullScreenshot(100) // PNG
	if eval[int](t, tctx, `document.documentElement.scrollHeight`) > 20000 {
		shoot = chromedp.CaptureScreenshot()
	}
	shot, err := chromedp.Run(tctx, shoot)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(t.ArtifactDir(), strings.ReplaceAll(t.Name(), "/", "_")+".png"), shot, 0o644))
	mu.Lock()
	defer mu.Unlock()
	return p
}

// eval runs a script on the page and returns its result.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	require.NoError(t, err, js)
	return v
}

func render(t *testing.T, captures ...*htmlreport.Capture) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, htmlreport.Write(&b, captures))
	return b.Bytes()
}

// What a person checks on the page: it loads with no console message and
// no network request; its numbers and marks are the capture's; a hostile
// capture renders as text; a long one stays bounded.
func TestReportInBrowser(t *testing.T) {
	browser(t)
	realCapture := func(name string) *htmlreport.Capture {
		in, err := os.ReadFile("../testdata/captures/" + name + ".sse")
		require.NoError(t, err)
		return replay(t, name+".sse", in, htmlreport.OneCapture)
	}
	t.Run("real_anthropic_tool_use", func(t *testing.T) {
		c := realCapture("anthropic/tool-use-input-json-delta")
		p := openReport(t, render(t, c), func(ctx context.Context) {
			assert.Equal(t, c.Events, eval[int](t, ctx, `+document.querySelector("section.capture").dataset.events`))
			assert.Equal(t, c.Events, eval[int](t, ctx, `document.querySelectorAll("table.events tbody tr").length`))
			assert.Equal(t, 1, eval[int](t, ctx, `document.querySelectorAll('.timeline [data-kind="tool call"]').length`))
			assert.Equal(t, "claude-sonnet-4-20250514", eval[string](t, ctx, `[...document.querySelectorAll("dt")].find(e => e.textContent == "model").nextElementSibling.textContent`))
			assert.Equal(t, "OK", eval[string](t, ctx, `document.querySelector("[data-status]").dataset.status`))
			// The type filter hides the other events.
			n := eval[int](t, ctx, `(() => { const s = document.querySelector("select.type-filter"); s.value = "content_block_delta"; s.dispatchEvent(new Event("change")); return [...document.querySelectorAll("table.events tbody tr")].filter(r => !r.hidden).length })()`)
			assert.Equal(t, 7, n)
		})
		assert.Empty(t, p.problems)
		assert.Empty(t, p.requests)
	})
	// Real captures of other formats: the page's event count and marks
	// are the capture's.
	for _, name := range []string{
		"gemini/thoughts.sse",
		"openai/responses-reasoning-summary.sse",
		"bedrock/converse-stream-nova-code-interpreter-and-tool-use.eventstream",
	} {
		t.Run("real_"+strings.NewReplacer("/", "_", ".", "_").Replace(name), func(t *testing.T) {
			in, err := os.ReadFile("../testdata/captures/" + name)
			require.NoError(t, err)
			c := replay(t, name, in, htmlreport.OneCapture)
			p := openReport(t, render(t, c), func(ctx context.Context) {
				assert.Equal(t, c.Events, eval[int](t, ctx, `+document.querySelector("section.capture").dataset.events`))
				assert.Equal(t, min(c.Events, htmlreport.OneCapture.Rows), eval[int](t, ctx, `document.querySelectorAll("table.events tbody tr").length`))
				assert.Equal(t, len(c.ToolCalls), eval[int](t, ctx, `document.querySelectorAll('.timeline [data-kind="tool call"]').length`))
				assert.Equal(t, len(c.Snap.ServerToolCalls), eval[int](t, ctx, `document.querySelectorAll('.timeline [data-kind="server tool call"]').length`))
				assert.Equal(t, c.Thinking[0] >= 0, eval[bool](t, ctx, `!!document.querySelector('.timeline .phase[data-kind="reasoning"]')`))
			})
			assert.Empty(t, p.problems)
			assert.Empty(t, p.requests)
		})
	}
	t.Run("timed_marks_and_milestones", func(t *testing.T) {
		evs, ms := reasoningAnswerTool()
		c := replay(t, "hand-made timed stream", timed(t, evs, ms, 3400), htmlreport.OneCapture)
		p := openReport(t, render(t, c), func(ctx context.Context) {
			assert.Equal(t, 1, eval[int](t, ctx, `document.querySelectorAll('.timeline [data-kind="tool call"]').length`))
			assert.Equal(t, 1, eval[int](t, ctx, `document.querySelectorAll('.timeline [data-kind="stall"]').length`))
			assert.InDelta(t, 160.0, eval[float64](t, ctx, `+document.querySelector('.timeline [data-kind="stall"]').dataset.at`), 0)
			assert.InDelta(t, 150.0, eval[float64](t, ctx, `+document.querySelector('[data-milestone="ttft"]').dataset.ms`), 0)
			assert.InDelta(t, 3300.0, eval[float64](t, ctx, `+document.querySelector('[data-milestone="ttf_output"]').dataset.ms`), 0)
			assert.Equal(t, []string{"reasoning", "answer"}, eval[[]string](t, ctx, `[...document.querySelectorAll(".timeline .phase")].map(e => e.dataset.kind)`))
			assert.Equal(t, 5, eval[int](t, ctx, `+document.querySelector("svg.histogram").dataset.total`), "five gaps between six content events")
		})
		assert.Empty(t, p.problems)
		assert.Empty(t, p.requests)
	})
	t.Run("hostile_strings_are_text", func(t *testing.T) {
		c := replay(t, `<script>window.pwned=5</script>.sse`, []byte(hostile), htmlreport.OneCapture)
		p := openReport(t, render(t, c), func(ctx context.Context) {
			assert.Equal(t, "undefined", eval[string](t, ctx, `typeof window.pwned`))
			assert.Contains(t, eval[string](t, ctx, `[...document.querySelectorAll("dt")].find(e => e.textContent == "model").nextElementSibling.textContent`), "</title><script>window.pwned=2</script>")
			assert.Equal(t, 0, eval[int](t, ctx, `document.querySelectorAll("img, b, i, iframe, section svg[onload]").length`))
		})
		assert.Empty(t, p.problems)
		assert.Empty(t, p.requests)
	})
	t.Run("many_captures_sortable", func(t *testing.T) {
		evs, ms := reasoningAnswerTool()
		caps := []*htmlreport.Capture{
			realCapture("anthropic/text"),
			realCapture("errors/anthropic-http-529-overloaded"),
			replay(t, "hand-made timed stream", timed(t, evs, ms, 3400), htmlreport.ManyCaptures),
		}
		p := openReport(t, render(t, caps...), func(ctx context.Context) {
			names := `[...document.querySelectorAll("#capture-table tbody td:first-child")].map(e => e.textContent)`
			assert.Equal(t, "errors/anthropic-http-529-overloaded.sse", eval[[]string](t, ctx, names)[0], "failures first")
			_, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#capture-table th")[0].click()`))
			require.NoError(t, err)
			assert.Equal(t, []string{"anthropic/text.sse", "errors/anthropic-http-529-overloaded.sse", "hand-made timed stream"}, eval[[]string](t, ctx, names), "sorted by name")
			assert.Equal(t, 3, eval[int](t, ctx, `document.querySelectorAll("section.capture").length`))
			assert.Equal(t, 3, eval[int](t, ctx, `document.querySelectorAll("svg.histogram[aria-label^='time to'], svg.histogram[aria-label^='output tokens']").length`))
		})
		assert.Empty(t, p.problems)
		assert.Empty(t, p.requests)
	})
	t.Run("long_capture_bounded", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(`data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}` + "\n\n")
		for range 30_000 {
			b.WriteString(`data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"tok "}}]}` + "\n\n")
		}
		b.WriteString("data: [DONE]\n\n")
		c := replay(t, "hand-made long stream", []byte(b.String()), htmlreport.OneCapture)
		html := render(t, c)
		assert.Less(t, len(html), 2<<20)
		p := openReport(t, html, func(ctx context.Context) {
			assert.Equal(t, htmlreport.OneCapture.Rows, eval[int](t, ctx, `document.querySelectorAll("table.events tbody tr").length`))
			assert.LessOrEqual(t, eval[int](t, ctx, `+document.querySelector("svg.timeline").dataset.points`), htmlreport.OneCapture.Points+1)
		})
		assert.Empty(t, p.problems)
		assert.Empty(t, p.requests)
	})
}
