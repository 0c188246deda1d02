package proxy_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/proxy"
)

// TestHeadersPassAsTheyCame: the upstream sees the client's headers (its
// Accept-Encoding, or none; its User-Agent; the forwarded headers a
// gateway set) but for the hop-by-hop ones, and no header the proxy
// adds; the client sees the upstream's headers but for the hop-by-hop
// ones.
func TestHeadersPassAsTheyCame(t *testing.T) {
	t.Parallel()
	seen := make(chan http.Header, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Header.Clone()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req_up")
		w.Header().Set("Connection", "X-Hop")
		w.Header().Set("X-Hop", "dropped")
		_, _ = io.WriteString(w, `{"id":"chatcmpl-1","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}`)
	}))
	defer srv.Close()
	up, err := url.Parse(srv.URL)
	require.NoError(t, err)
	var log syncBuffer
	pu, p := startProxy(t, proxy.Options{Upstream: up, Log: &log})

	req := chatRequest(t, pu)
	req.Header.Set("Accept-Encoding", "br")
	req.Header.Set("User-Agent", "OpenAI/Python 1.99.0")
	req.Header.Set("X-Forwarded-For", "10.0.0.7")
	req.Header.Set("Connection", "X-Conn-Only")
	req.Header.Set("X-Conn-Only", "hop")
	code, header, body := get(t, http.DefaultClient, req)
	p.Wait()
	h := <-seen
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "br", h.Get("Accept-Encoding"))
	assert.Equal(t, "OpenAI/Python 1.99.0", h.Get("User-Agent"))
	assert.Equal(t, []string{"10.0.0.7"}, h.Values("X-Forwarded-For"))
	assert.Empty(t, h.Get("X-Conn-Only"), "a hop-by-hop header")
	assert.Empty(t, h.Get("X-Forwarded-Host"))
	assert.Equal(t, "Bearer sk-secret", h.Get("Authorization"), "credentials pass")
	assert.Equal(t, "req_up", header.Get("X-Request-Id"))
	assert.Empty(t, header.Get("X-Hop"), "a hop-by-hop header")
	assert.Contains(t, string(body), `"content":"Hi"`)
	assert.Equal(t, "[OK] req_up | m | openai | TTFB: 0ms\n      Total: 0ms | in:3 out:1\n"+
		"sseinspect: POST /v1/chat/completions: warning: not SSE: the body is a single JSON object; it was read as one event\n", log.String(), "a JSON response is summarized too")

	// A client that sends no Accept-Encoding: the upstream sees none
	// (Go's transport would otherwise ask for gzip itself).
	req = chatRequest(t, pu)
	req.Header.Del("Accept-Encoding")
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	get(t, &http.Client{Transport: tr}, req)
	p.Wait()
	assert.Empty(t, (<-seen).Values("Accept-Encoding"))
}

// TestGzipResponse: a gzip-compressed stream reaches the client compressed,
// byte for byte; its capture keeps it as it came, with its
// Content-Encoding, and reads back decompressed; the summary reads it too.
func TestGzipResponse(t *testing.T) {
	t.Parallel()
	plain, err := os.ReadFile(includeUsage)
	require.NoError(t, err)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, err = zw.Write(plain)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "gzip", r.Header.Get("Accept-Encoding"))
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(gz.Bytes())
	}))
	defer srv.Close()
	up, err := url.Parse(srv.URL)
	require.NoError(t, err)
	dir := t.TempDir()
	var log syncBuffer
	pu, p := startProxy(t, proxy.Options{Upstream: up, Log: &log, RecordDir: dir})

	req := chatRequest(t, pu)
	req.Header.Set("Accept-Encoding", "gzip") // set by hand: Go's client leaves the body compressed
	_, header, body := get(t, http.DefaultClient, req)
	p.Wait()
	assert.Equal(t, "gzip", header.Get("Content-Encoding"))
	assert.Equal(t, gz.Bytes(), body, "the compressed bytes, unchanged")
	recorded, cp := readCapture(t, onlyFile(t, dir, ".sse"))
	assert.Equal(t, "gzip", cp.Header.Get("Content-Encoding"))
	assert.Equal(t, string(plain), recorded, "the capture reads back decompressed")
	assert.Contains(t, log.String(), "[OK] C2QD1kGW | gpt-4o-2024-08-06 | openai | TTFB: 0ms\n      Total: 0ms | in:364 out:40\n")
}

// TestTLSUpstreamWithPrivateCA: an https upstream whose certificate a
// private CA signed is reached with that CA's file, and refused without.
func TestTLSUpstreamWithPrivateCA(t *testing.T) {
	t.Parallel()
	plain, err := os.ReadFile(includeUsage)
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write(plain)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below
	srv.StartTLS()
	defer srv.Close()
	up, err := url.Parse(srv.URL)
	require.NoError(t, err)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))

	tr, err := proxy.NewTransport(ca)
	require.NoError(t, err)
	var log1 syncBuffer
	pu, p := startProxy(t, proxy.Options{Upstream: up, Transport: tr, Log: &log1})
	code, _, body := get(t, http.DefaultClient, chatRequest(t, pu))
	p.Wait()
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, string(plain), string(body))
	assert.Contains(t, log1.String(), "[OK] C2QD1kGW")

	var log2 syncBuffer
	pu, p = startProxy(t, proxy.Options{Upstream: up, Log: &log2}) // the system's roots only
	code, _, body = get(t, http.DefaultClient, chatRequest(t, pu))
	p.Wait()
	assert.Equal(t, http.StatusBadGateway, code)
	assert.Contains(t, string(body), "certificate")
	assert.Contains(t, log2.String(), "(502 sent to the client)")

	_, err = proxy.NewTransport(filepath.Join(t.TempDir(), "none.pem"))
	require.Error(t, err)
	empty := filepath.Join(t.TempDir(), "empty.pem")
	require.NoError(t, os.WriteFile(empty, []byte("not a certificate"), 0o600))
	_, err = proxy.NewTransport(empty)
	require.ErrorContains(t, err, "holds no PEM certificate")
}

// TestFullDuplex: an upstream that sends its response header before it
// has read the request body still gets the whole body, and the client the
// whole response, as without the proxy (an HTTP/1.x server otherwise
// closes the request body once the response header has gone).
func TestFullDuplex(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		assert.NoError(t, rc.EnableFullDuplex())
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusOK)
		assert.NoError(t, rc.Flush())
		_, _ = io.Copy(w, r.Body) // the body, echoed, read after the header went
	}))
	defer srv.Close()
	up, err := url.Parse(srv.URL)
	require.NoError(t, err)
	pu, p := startProxy(t, proxy.Options{Upstream: up})

	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, pu.String()+"/v1/chat/completions", pr)
	require.NoError(t, err)
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		_, _ = io.WriteString(pw, "first half, ")
	}()
	resp, err := http.DefaultClient.Do(req) // returns with the header
	require.NoError(t, err)
	defer resp.Body.Close()
	<-wrote
	_, _ = io.WriteString(pw, "second half")
	require.NoError(t, pw.Close())
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	p.Wait()
	assert.Equal(t, "first half, second half", string(body))
}

// TestLargeBodies: a 16 MiB request body and a 32 MiB response pass
// through intact, the response being summarized as it passes.
func TestLargeBodies(t *testing.T) {
	t.Parallel()
	event := []byte(benchEvent)
	resp := append(bytes.Repeat(event, 32<<20/len(event)), "data: [DONE]\n\n"...)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		assert.NoError(t, err)
		w.Header().Set("X-Body-Sha256", hex.EncodeToString(h.Sum(nil)))
		w.Header().Set("X-Body-Bytes", strconv.FormatInt(n, 10))
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write(resp)
	}))
	defer srv.Close()
	up, err := url.Parse(srv.URL)
	require.NoError(t, err)
	var log syncBuffer
	pu, p := startProxy(t, proxy.Options{Upstream: up, Log: &log})

	reqBody := bytes.Repeat([]byte(`{"role":"user","content":"0123456789abcdef"},`), 16<<20/46)
	req, err := http.NewRequest(http.MethodPost, pu.String()+"/v1/chat/completions", bytes.NewReader(reqBody))
	require.NoError(t, err)
	code, header, body := get(t, http.DefaultClient, req)
	p.Wait()
	sum := sha256.Sum256(reqBody)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, strconv.Itoa(len(reqBody)), header.Get("X-Body-Bytes"))
	assert.Equal(t, hex.EncodeToString(sum[:]), header.Get("X-Body-Sha256"))
	assert.True(t, bytes.Equal(resp, body), "the response, byte for byte")
	assert.Contains(t, log.String(), "[OK] C2QD1kGW | gpt-4o-2024-08-06 | openai | TTFB: 0ms\n")
}
