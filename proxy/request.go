package proxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sseinspect/sseinspect/streamctx"
	"github.com/sseinspect/sseinspect/timing"
)

// RequestPrefix is how much of a request body the proxy keeps to learn
// the model asked for and whether usage was requested; the rest only
// passes through (and into the recorded request).
const RequestPrefix = 1 << 20

// Redacted replaces the value of a credential in a recorded request.
const Redacted = "REDACTED"

// secretHeaders are the headers that carry credentials: Authorization
// (OpenAI and most others, Bedrock's SigV4), x-api-key (Anthropic),
// api-key (Azure OpenAI), x-goog-api-key (Gemini),
// Ocp-Apim-Subscription-Key (Azure AI services and API Management),
// cf-aig-authorization (Cloudflare AI Gateway), X-Amz-Security-Token
// (AWS temporary credentials). Cookie and Set-Cookie are redacted too,
// keeping the cookies' names (redactHeader).
var secretHeaders = []string{
	"Authorization", "Proxy-Authorization", "X-Api-Key", "Api-Key", "X-Goog-Api-Key",
	"Ocp-Apim-Subscription-Key", "Cf-Aig-Authorization", "X-Amz-Security-Token",
}

// secretParams are the query parameters that carry credentials (Gemini's
// key=, API Management's subscription-key=, a presigned AWS request's);
// capture's redactURL redacts the same ones in a HAR file's notes.
var secretParams = []string{
	"key", "api_key", "apikey", "api-key", "subscription-key",
	"X-Amz-Credential", "X-Amz-Signature", "X-Amz-Security-Token",
}

// requestIDHeaders are the request headers a gateway puts its own request
// id in, in the order they are looked at.
var requestIDHeaders = []string{"X-Request-Id", "Request-Id", "X-Client-Request-Id", "X-Correlation-Id"}

// fileName is the base name of the files of the exchange number seq,
// begun at t: sortable by time.
func fileName(t time.Time, seq uint64) string {
	return t.UTC().Format("20060102T150405.000000Z") + fmt.Sprintf("-%06d", seq)
}

// createFile creates a new file for a capture or a request: it never
// replaces one, and only its owner may read it (it holds prompts).
func createFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}

// newRecording creates the capture file of an exchange.
func (p *Proxy) newRecording(ex *exchange) *recording {
	rc := &recording{path: filepath.Join(p.opts.RecordDir, ex.name+".sse"), t0: ex.t0}
	f, err := createFile(rc.path)
	if err != nil {
		rc.err = err
		return rc
	}
	rc.f = f
	rc.w = timing.NewWriter(f, ex.t0)
	rc.w.SetMaxLineSize(p.opts.MaxLineSize)
	return rc
}

// requestRecord is what the proxy keeps of a request: the start of its
// body, and its file when recording. Safe for concurrent use: the
// transport reads the body on its own goroutine.
type requestRecord struct {
	head requestSide // but for the body's fields

	mu     sync.Mutex
	prefix []byte
	f      io.WriteCloser
	path   string
	err    error
	closed bool
	log    func(format string, args ...any)
}

// newRequestRecord starts the record of r, and its file when recording.
func (p *Proxy) newRequestRecord(ex *exchange, r *http.Request) *requestRecord {
	rr := &requestRecord{log: p.logf}
	rr.head.format, rr.head.model = formatOfPath(r.URL.Path)
	for _, h := range requestIDHeaders {
		if v := r.Header.Get(h); v != "" {
			rr.head.id = v
			break
		}
	}
	rr.head.headers = make(map[string]string, len(r.Header))
	redacted := redactHeader(r.Header, !p.opts.NoRedact)
	for k, v := range redacted {
		rr.head.headers[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	if ex.name == "" {
		return rr
	}
	rr.path = filepath.Join(p.opts.RecordDir, ex.name+".request")
	f, err := createFile(rr.path)
	if err != nil {
		rr.err = err
		return rr
	}
	rr.f = f
	var head bytes.Buffer
	uri := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		q := r.URL.RawQuery
		if !p.opts.NoRedact {
			q = redactQuery(q)
		}
		uri += "?" + q
	}
	fmt.Fprintf(&head, "%s %s %s\r\nHost: %s\r\n", r.Method, uri, r.Proto, r.Host)
	_ = redacted.Write(&head)
	head.WriteString("\r\n")
	rr.write(head.Bytes())
	return rr
}

// write appends b to the request's file.
func (rr *requestRecord) write(b []byte) {
	if rr.f == nil || rr.err != nil || rr.closed {
		return
	}
	_, rr.err = rr.f.Write(b)
}

// body notes bytes of the request body as they go upstream.
func (rr *requestRecord) body(b []byte) {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	if k := min(len(b), RequestPrefix-len(rr.prefix)); k > 0 {
		rr.prefix = append(rr.prefix, b[:k]...)
	}
	rr.write(b)
}

// side returns the request side of the stream context, from what of the
// body has gone upstream so far.
func (rr *requestRecord) side() requestSide {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	s := rr.head
	s.body = bytes.Clone(rr.prefix)
	if model, usage := readRequestBody(s.body); model != "" || usage {
		if model != "" {
			s.model = model
		}
		s.usageRequested = usage
	}
	return s
}

// close closes the request's file, and logs what went wrong with it.
func (rr *requestRecord) close() {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	if rr.closed {
		return
	}
	rr.closed = true
	if rr.f != nil {
		if err := rr.f.Close(); err != nil && rr.err == nil {
			rr.err = err
		}
	}
	if rr.err != nil {
		rr.log("%s: %v", rr.path, rr.err)
	}
}

// requestBody is the request's body as the transport reads it.
type requestBody struct {
	rc io.ReadCloser
	ex *exchange
}

func (b *requestBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		b.ex.req.body(p[:n])
	}
	return n, err
}

func (b *requestBody) Close() error { return b.rc.Close() }

// requestSide is what the request tells the stream context (the request
// side of Aether's StreamContext).
type requestSide struct {
	format         string // the client's API format, from the path
	model          string // the model asked for
	usageRequested bool   // stream_options.include_usage
	id             string // the request's own id, from its headers
	headers        map[string]string
	body           []byte // its first RequestPrefix bytes
}

// fill sets the request side of sc.
func (s requestSide) fill(sc *streamctx.Context) {
	sc.ClientAPIFormat = s.format
	sc.SetModel(s.model)
	sc.RequestID = s.id
	sc.ProviderRequestHeaders = s.headers
	sc.ProviderRequestBody = s.body
	sc.UsageRequested = s.usageRequested
}

// formatOfPath returns the client's API format that a request path
// shows (the names of package parser's formats), and the model when the
// path names it (Gemini's models/NAME:streamGenerateContent).
func formatOfPath(path string) (format, model string) {
	switch {
	case strings.HasSuffix(path, "/chat/completions"):
		return "openai-chat", ""
	case strings.HasSuffix(path, "/responses"):
		return "openai-responses", ""
	case strings.HasSuffix(path, "/messages"):
		return "anthropic", ""
	}
	if i := strings.LastIndex(path, "/models/"); i >= 0 {
		rest := path[i+len("/models/"):]
		if name, method, ok := strings.Cut(rest, ":"); ok && strings.HasSuffix(method, "enerateContent") {
			return "gemini", name
		}
	}
	return "", ""
}

// readRequestBody reads the model and stream_options.include_usage of a
// JSON request body, or of its start: the keys before the cut are read.
func readRequestBody(b []byte) (model string, usage bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", false
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return model, usage
		}
		switch key, _ := t.(string); key {
		case "model":
			err = dec.Decode(&model)
		case "stream_options":
			var so struct {
				IncludeUsage bool `json:"include_usage"`
			}
			err = dec.Decode(&so)
			usage = so.IncludeUsage
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return model, usage
		}
	}
	return model, usage
}

// redactHeader returns a copy of h with the credentials replaced (when
// redact), keeping an authorization's scheme ("Bearer REDACTED"), and the
// names and attributes of cookies ("session=REDACTED; Path=/").
func redactHeader(h http.Header, redact bool) http.Header {
	c := h.Clone()
	if !redact {
		return c
	}
	for _, k := range secretHeaders {
		vs := c[k]
		for i, v := range vs {
			if scheme, _, ok := strings.Cut(v, " "); ok && scheme != "" && !strings.ContainsAny(scheme, "=,") {
				vs[i] = scheme + " " + Redacted
			} else {
				vs[i] = Redacted
			}
		}
	}
	for i, v := range c["Cookie"] {
		c["Cookie"][i] = redactCookies(v)
	}
	for i, v := range c["Set-Cookie"] {
		// The first pair is the cookie; the attributes after it
		// (Path, Expires, HttpOnly…) are no secret.
		first, attrs, semi := strings.Cut(v, ";")
		c["Set-Cookie"][i] = redactCookies(first)
		if semi {
			c["Set-Cookie"][i] += ";" + attrs
		}
	}
	return c
}

// redactCookies replaces the values of the name=value pairs of a Cookie
// header's value ("a=1; b=2" gives "a=REDACTED; b=REDACTED"); a pair
// without a name is replaced whole.
func redactCookies(v string) string {
	parts := strings.Split(v, ";")
	for i, part := range parts {
		lead := part[:len(part)-len(strings.TrimLeft(part, " "))]
		name, _, ok := strings.Cut(strings.TrimSpace(part), "=")
		switch {
		case ok && name != "":
			parts[i] = lead + name + "=" + Redacted
		case strings.TrimSpace(part) != "":
			parts[i] = lead + Redacted
		}
	}
	return strings.Join(parts, ";")
}

// redactQuery replaces the values of the credential parameters of a raw
// query, leaving the rest as it was.
func redactQuery(q string) string {
	parts := strings.Split(q, "&")
	for i, part := range parts {
		name, _, ok := strings.Cut(part, "=")
		for _, s := range secretParams {
			if ok && strings.EqualFold(name, s) {
				parts[i] = name + "=" + Redacted
			}
		}
	}
	return strings.Join(parts, "&")
}
