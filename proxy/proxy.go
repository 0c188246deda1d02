// Package proxy is sseinspect's recording reverse proxy: it passes every
// request to one upstream and every response back, unchanged and
// streaming (each read of the upstream's body is flushed to the client as
// it arrives), and for each response, as it completes, logs the two-line
// summary that summarize prints (or a JSON summary), computed by teeing
// the body into the same capture, parser and stream-context machinery,
// incrementally. With a record directory, each exchange is also written
// as a timed capture (the format of package timing, as record writes it)
// with the request beside it, credentials redacted.
//
// Memory: a body is never held whole. Per exchange the proxy keeps the
// line being recorded (timing.Writer), the parser's state, and the first
// RequestPrefix bytes of the request body (to learn the model asked for
// and whether usage was requested).
package proxy

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sseinspect/sseinspect/pricing"
)

// Options configure a Proxy.
type Options struct {
	// Upstream is where every request goes: its scheme and host, and a
	// path prefix that is joined in front of the request's path.
	Upstream *url.URL
	// Transport carries the requests upstream; nil means NewTransport("").
	Transport http.RoundTripper
	// Log receives a summary for each response as it completes, and a
	// line for each failure. Writes to it are serialized.
	Log io.Writer
	// JSON logs one JSON object per response (method, path, summary)
	// instead of the two-line summary and its warnings.
	JSON bool
	// Prices, when not nil, prices the JSON summary of a response whose
	// stream reported no cost (pricing.Table.SummaryCost), at the prices
	// in force when the request arrived.
	Prices *pricing.Table
	// Color colours the two-line summary's status tag.
	Color bool
	// RecordDir, when not empty, is the directory each exchange is
	// recorded into: NAME.sse, the response as a timed capture, and
	// NAME.request, the request. It must exist.
	RecordDir string
	// NoRedact keeps the credentials in recorded requests.
	NoRedact bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// After is the timer of the grace period of Serve; nil means
	// time.After (tests close the channel themselves).
	After func(d time.Duration) <-chan time.Time
	// OnShutdown, when not nil, is called once Serve has stopped
	// accepting connections (tests wait for it).
	OnShutdown func()
	// MaxLineSize caps one line of a recorded capture and of the parser
	// (memory stays within a few times this); 0 means 64 MiB.
	MaxLineSize int
}

// A Proxy is an http.Handler that passes requests to Options.Upstream.
// It is safe for concurrent use.
type Proxy struct {
	opts  Options
	rp    *httputil.ReverseProxy
	logMu sync.Mutex
	seq   atomic.Uint64
	// running counts the exchanges whose capture and summary are not
	// finished; Wait waits for them.
	running sync.WaitGroup
	// stopping says that the server is closing the connections left after
	// the grace period: a stream cut then was cut by the proxy.
	stopping atomic.Bool
	// summaryInput, when not nil, wraps what the summary of each response
	// reads: a seam for tests only (export_test.go), which make it panic.
	summaryInput func(io.Reader) io.Reader
}

// New returns a Proxy. The upstream must be an http or https URL.
func New(opts Options) (*Proxy, error) {
	u := opts.Upstream
	if u == nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("upstream: want an http:// or https:// URL with a host, got %q", u)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.After == nil {
		opts.After = time.After
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.MaxLineSize <= 0 {
		opts.MaxLineSize = 64 << 20
	}
	if opts.Transport == nil {
		t, err := NewTransport("")
		if err != nil {
			return nil, err
		}
		opts.Transport = t
	}
	p := &Proxy{opts: opts}
	p.rp = &httputil.ReverseProxy{
		Rewrite:        p.rewrite,
		Transport:      opts.Transport,
		FlushInterval:  -1, // every read is flushed as it arrives
		ErrorLog:       log.New(io.Discard, "", 0),
		ErrorHandler:   p.upstreamError,
		ModifyResponse: p.response,
	}
	return p, nil
}

// NewTransport returns the transport to the upstream: Go's default
// settings, with the system's roots and, when caFile is not empty, the
// certificates of that PEM file added (a private CA). It never asks for
// compression itself, so that Accept-Encoding stays as the client sent it
// and the body comes back as the upstream encoded it.
func NewTransport(caFile string) (*http.Transport, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DisableCompression = true
	t.MaxIdleConnsPerHost = 256
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("upstream CA: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("upstream CA: %s holds no PEM certificate", caFile)
		}
		t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return t, nil
}

// exchangeKey is the request context key of an exchange.
type exchangeKey struct{}

// ServeHTTP passes r upstream and the response back.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// An upstream may answer before it has read the whole request body:
	// the client's body must stay readable once the response header has
	// gone to the client (HTTP/1.x closes it then otherwise, and the
	// transport, still sending it upstream, fails the exchange).
	_ = http.NewResponseController(w).EnableFullDuplex()
	ex := p.newExchange(r)
	p.running.Add(1)
	defer ex.finish() // no response (an upstream error), or a panic
	r = r.WithContext(context.WithValue(r.Context(), exchangeKey{}, ex))
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = &requestBody{rc: r.Body, ex: ex}
	}
	p.rp.ServeHTTP(w, r)
}

// forwarded are the headers that Rewrite drops and that a client (a
// gateway) may have set itself: passed on as they came.
var forwarded = []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"}

func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	pr.SetURL(p.opts.Upstream)
	for _, h := range forwarded {
		if v, ok := pr.In.Header[h]; ok {
			pr.Out.Header[h] = v
		}
	}
}

// response starts the summary and the recording of a response.
func (p *Proxy) response(resp *http.Response) error {
	ex, _ := resp.Request.Context().Value(exchangeKey{}).(*exchange)
	if ex == nil {
		return nil
	}
	if resp.StatusCode == http.StatusSwitchingProtocols {
		// A WebSocket (or another protocol): the reverse proxy needs the
		// upstream's body as it is (writable) to pass the bytes both
		// ways. It is neither recorded nor summarized.
		p.logf("%s %s: 101 Switching Protocols to %q: passed through, not recorded", ex.method, ex.logPath(), resp.Header.Get("Upgrade"))
		return nil
	}
	ex.start(resp)
	resp.Body = &responseBody{rc: resp.Body, ex: ex}
	return nil
}

// upstreamError answers 502 when the upstream could not be reached or
// failed before its response header, and logs it.
func (p *Proxy) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	ex, _ := r.Context().Value(exchangeKey{}).(*exchange)
	if r.Context().Err() != nil {
		p.logf("%s %s: the client went away before the response: %v", r.Method, ex.logPath(), err)
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	p.logf("%s %s: upstream %s: %v (502 sent to the client)", r.Method, ex.logPath(), p.opts.Upstream.Redacted(), err)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusBadGateway)
	fmt.Fprintf(w, "sseinspect proxy: 502 Bad Gateway: the upstream %s failed: %v\n", p.opts.Upstream.Redacted(), err)
}

// logf writes one line to the log.
func (p *Proxy) logf(format string, args ...any) {
	p.logWrite([]byte("sseinspect: proxy: " + escapeLine(fmt.Sprintf(format, args...)) + "\n"))
}

// logWrite writes b to the log in one piece.
func (p *Proxy) logWrite(b []byte) {
	p.logMu.Lock()
	defer p.logMu.Unlock()
	_, _ = p.opts.Log.Write(b)
}

// Wait waits until every exchange begun has its capture written and its
// summary logged.
func (p *Proxy) Wait() { p.running.Wait() }

// Serve serves the proxy on ln until ctx is done; then it stops accepting,
// lets the exchanges running finish for at most grace, cuts those left,
// waits until every capture is written and returns nil. It closes ln.
func (p *Proxy) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	// Cancelled when the grace period runs out: it ends the exchanges
	// that Shutdown and Close do not, the upgraded ones (a WebSocket's
	// connection is hijacked, so the server no longer tracks it).
	base, cutAll := context.WithCancel(context.Background())
	defer cutAll()
	srv := &http.Server{
		Handler:           p,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	if p.opts.OnShutdown != nil {
		srv.RegisterOnShutdown(p.opts.OnShutdown)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		p.Wait()
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithCancel(context.Background())
	defer cancel()
	timer := p.opts.After(grace)
	go func() {
		select {
		case <-timer:
			p.stopping.Store(true)
			cancel()
			cutAll()
		case <-shutdown.Done():
		}
	}()
	if err := srv.Shutdown(shutdown); err != nil {
		p.stopping.Store(true)
		_ = srv.Close() // the streams left are cut: their captures end
	}
	err := <-errc
	p.Wait()
	// Connections to the upstream left idle (or dialed for a request
	// that got another) would hold its server's shutdown.
	if t, ok := p.opts.Transport.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
	if !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
