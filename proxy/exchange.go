package proxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/pricing"
	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/streamctx"
	"github.com/sseinspect/sseinspect/timing"
)

// Cut says who cut a response short.
type Cut string

// The ways a response ends.
const (
	// CutNone: the upstream's body was read to its end.
	CutNone Cut = ""
	// CutClient: the client went away before the end.
	CutClient Cut = "client"
	// CutUpstream: reading the upstream's body failed.
	CutUpstream Cut = "upstream"
	// CutProxy: the proxy stopped (the grace period of Serve ran out).
	CutProxy Cut = "proxy"
)

// An exchange is one request and its response going through the proxy.
// Its methods are called by the request's handler goroutine, but for the
// request body's reads (the transport's goroutine, see requestBody).
type exchange struct {
	p      *Proxy
	r      *http.Request
	method string
	t0     time.Time
	name   string // the base name of its files, "" when not recording
	req    *requestRecord

	started bool
	sumPipe *io.PipeWriter
	sumDone chan []byte // what to log, once the summary is done
	rec     *recording
	pending []byte    // bytes read but not yet teed (written to the client first)
	pendAt  time.Time // their arrival time
	eof     bool      // the upstream's body was read to its end
	readErr error     // the error that ended reading it, other than io.EOF
	cut     Cut       // set by finish before the summary is told the end
	endAt   time.Time
	once    sync.Once
}

func (p *Proxy) newExchange(r *http.Request) *exchange {
	ex := &exchange{p: p, r: r, method: r.Method, t0: p.opts.Now()}
	if p.opts.RecordDir != "" {
		ex.name = fileName(ex.t0, p.seq.Add(1))
	}
	ex.req = p.newRequestRecord(ex, r)
	return ex
}

// logPath is the request's path as the log shows it: without its query,
// which may hold a key.
func (ex *exchange) logPath() string {
	if ex == nil {
		return "?"
	}
	return ex.r.URL.EscapedPath()
}

// start begins the summary and the recording of resp, whose header has
// arrived.
func (ex *exchange) start(resp *http.Response) {
	ex.started = true
	at := ex.p.opts.Now()
	var head bytes.Buffer
	fmt.Fprintf(&head, "%s %s\r\n", resp.Proto, resp.Status)
	// The head goes into the recording: its cookies are redacted there
	// (the client gets the upstream's header as it came).
	_ = redactHeader(resp.Header, !ex.p.opts.NoRedact).Write(&head)
	head.WriteString("\r\n")

	side := ex.req.side()
	if ex.name != "" {
		ex.rec = ex.p.newRecording(ex)
	}
	pr, pw := io.Pipe()
	ex.sumPipe, ex.sumDone = pw, make(chan []byte, 1)
	go ex.summarize(pr, side)
	ex.tee(head.Bytes(), at)
}

// arrived notes bytes of the body read from the upstream at time at: they
// are teed to the summary and the recording at the next read, once the
// client has them (so that teeing adds no latency to the client's stream).
func (ex *exchange) arrived(b []byte, at time.Time) {
	ex.flushPending()
	ex.pending, ex.pendAt = b, at
}

// flushPending tees the bytes read before.
func (ex *exchange) flushPending() {
	if len(ex.pending) > 0 {
		ex.tee(ex.pending, ex.pendAt)
	}
	ex.pending = nil
}

// tee gives b, arrived at at, to the summary and the recording.
func (ex *exchange) tee(b []byte, at time.Time) {
	// The summary reads to the end of the pipe whatever it finds, so a
	// write returns once it has the bytes.
	_, _ = ex.sumPipe.Write(b)
	if ex.rec != nil {
		ex.rec.append(b, at)
	}
}

// finish ends the exchange once: the summary and the recording are told
// how the response ended, the summary is logged, the files are closed.
func (ex *exchange) finish() {
	ex.once.Do(func() {
		defer ex.p.running.Done()
		defer ex.req.close()
		if !ex.started {
			return
		}
		ex.flushPending()
		ex.endAt = ex.p.opts.Now()
		switch {
		case ex.eof:
		case ex.p.stopping.Load():
			ex.cut = CutProxy
		case ex.readErr != nil && ex.r.Context().Err() == nil:
			ex.cut = CutUpstream
		default:
			ex.cut = CutClient
		}
		_ = ex.sumPipe.Close()
		var capErr error
		if ex.rec != nil {
			capErr = ex.rec.close(ex.endAt, ex.cut)
		}
		out := <-ex.sumDone
		if capErr != nil {
			out = append(out, "sseinspect: proxy: "+escapeLine(capErr.Error())+"\n"...)
		}
		ex.p.logWrite(out)
	})
}

// source is the summary's "source": the capture file, or "".
func (ex *exchange) source() string {
	if ex.rec == nil {
		return ""
	}
	return ex.rec.path
}

// summarize replays what arrives on pr through a capture, a parser and a
// stream context, as summarize does, and sends what to log on sumDone.
func (ex *exchange) summarize(pr *io.PipeReader, side requestSide) {
	o := &ex.p.opts
	var out bytes.Buffer
	name := ex.method + " " + ex.logPath()
	defer func() {
		// A bug in the parser (a panic) loses this response's summary,
		// not the proxy: the client's stream and the recording go on
		// without the summary, which only reads what they are given.
		if v := recover(); v != nil {
			out.Reset()
			fmt.Fprintf(&out, "sseinspect: proxy: %s: internal error summarizing: %s", escapeLine(name), escapeLine(fmt.Sprint(v)))
			if ex.rec != nil {
				fmt.Fprintf(&out, " (the response is recorded in %s)", escapeLine(ex.rec.path))
			}
			out.WriteByte('\n')
		}
		_, _ = io.Copy(io.Discard, pr) // the tee never blocks on a summary that stopped
		ex.sumDone <- out.Bytes()
	}()
	var in io.Reader = pr
	if f := ex.p.summaryInput; f != nil {
		in = f(in)
	}
	cp, err := capture.Open(in, capture.Options{Clock: o.Now, Start: ex.t0})
	if err != nil {
		fmt.Fprintf(&out, "sseinspect: proxy: %s: %s\n", escapeLine(name), escapeLine(err.Error()))
		return
	}
	sc := streamctx.New(streamctx.Options{Start: ex.t0, CollectText: o.JSON, TextParts: o.JSON})
	side.fill(sc)
	res, err := parser.ReplayCapture(cp, sc, parser.Options{Format: "auto", MaxLineSize: o.MaxLineSize})
	// Read to the end of the pipe: finish set cut and endAt before it
	// closed it.
	_, _ = io.Copy(io.Discard, pr)
	var partial *parser.PartialError
	switch {
	case errors.As(err, &partial):
		sc.BadEvent(0, "the response could not be read to its end", partial.Err)
	case err != nil:
		fmt.Fprintf(&out, "sseinspect: proxy: %s: %d response: %s\n", escapeLine(name), cp.StatusCode, escapeLine(err.Error()))
		return
	}
	for _, n := range cp.Notes {
		sc.Warn("%s", n)
	}
	if ex.cut != CutNone {
		sc.Warn("%s", capture.CutNote(string(ex.cut)))
		if ex.cut == CutUpstream {
			sc.Warn("the upstream's body: %v", ex.readErr)
		}
	}
	snap := sc.Snapshot(res.Format.Name, res.Format.Vendor)
	snap.DetectedFormat = res.Detected
	snap.Source = ex.source()
	if o.JSON {
		if o.Prices != nil && snap.Cost.Source == nil {
			snap.Cost = o.Prices.SummaryCost(pricing.Stream{
				Summary: &snap, InputExcludesCache: sc.InputExcludesCache, At: ex.t0, ProviderIsVendor: true,
			})
		}
		writeJSONLine(&out, ex.method, ex.logPath(), &snap)
		return
	}
	_ = report.Summary(&out, &snap, o.Color)
	if ex.rec != nil {
		name = ex.rec.path
	}
	_ = report.Warnings(&out, name, &snap)
}

// writeJSONLine writes the JSON log line of one response:
// {"method":...,"path":...,"summary":{the JSON summary}}.
func writeJSONLine(out *bytes.Buffer, method, path string, snap *streamctx.Snapshot) {
	var sum bytes.Buffer
	if err := report.JSON(&sum, snap); err != nil {
		fmt.Fprintf(out, "sseinspect: proxy: %s %s: %s\n", escapeLine(method), escapeLine(path), escapeLine(err.Error()))
		return
	}
	out.WriteString(`{"method":`)
	writeJSONString(out, method)
	out.WriteString(`,"path":`)
	writeJSONString(out, path)
	out.WriteString(`,"summary":`)
	out.Write(bytes.TrimSuffix(sum.Bytes(), []byte("\n")))
	out.WriteString("}\n")
}

func writeJSONString(out *bytes.Buffer, s string) {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	out.Truncate(out.Len() - 1) // the Encoder's newline
}

// escapeLine escapes the control characters of s, so that nothing a client
// or an upstream sends can forge a log line.
func escapeLine(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isControl(r) {
			fmt.Fprintf(&b, "\\x%02x", r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// responseBody is the upstream's body as the reverse proxy reads it: each
// read is timed and teed.
type responseBody struct {
	rc io.ReadCloser
	ex *exchange
}

func (b *responseBody) Read(p []byte) (int, error) {
	b.ex.flushPending() // the previous read has reached the client
	n, err := b.rc.Read(p)
	if n > 0 {
		b.ex.arrived(p[:n], b.ex.p.opts.Now())
	}
	switch {
	case errors.Is(err, io.EOF):
		b.ex.eof = true
	case err != nil:
		b.ex.readErr = err
	}
	return n, err
}

// Close closes the upstream's body and finishes the exchange: the reverse
// proxy calls it at the end of the response, and when the copy to the
// client failed.
func (b *responseBody) Close() error {
	err := b.rc.Close()
	b.ex.finish()
	return err
}

// recording is the timed capture of one response.
type recording struct {
	path string
	f    io.WriteCloser
	w    *timing.Writer
	t0   time.Time
	err  error
}

// append records b, arrived at at.
func (rc *recording) append(b []byte, at time.Time) {
	if rc.err == nil {
		rc.err = rc.w.Append(b, at.Sub(rc.t0))
	}
}

// close ends the capture at end (cut says how) and closes its file.
func (rc *recording) close(end time.Time, cut Cut) error {
	if rc.f == nil {
		return rc.err
	}
	if rc.err == nil {
		rc.err = closeCapture(rc.w, end.Sub(rc.t0), cut)
	}
	if err := rc.f.Close(); err != nil && rc.err == nil {
		rc.err = err
	}
	if rc.err != nil {
		return fmt.Errorf("%s: %w", rc.path, rc.err)
	}
	return nil
}

// closeCapture ends a timed capture, saying who cut it off, if anyone.
func closeCapture(w *timing.Writer, at time.Duration, cut Cut) error {
	return w.CloseCut(at, string(cut))
}
