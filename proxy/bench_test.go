package proxy_test

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/proxy"
)

// benchEvent is one chat completion chunk, as OpenAI sends them.
const benchEvent = `data: {"id":"chatcmpl-C2QD1kGWsTW5OWiqAtOSFEAOfPfQH","object":"chat.completion.chunk","created":1754693439,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_07871e2ad8","usage":null,"choices":[{"index":0,"delta":{"content":" word"},"logprobs":null,"finish_reason":null}],"obfuscation":"3Y6yaTIPlXV"}` + "\n\n"

// benchTarget is what a benchmark measures: the upstream directly, the
// proxy, or the proxy recording (into a temporary directory).
type benchTarget struct {
	name string
	url  *url.URL
}

// benchTargets starts an upstream serving with h, and the proxies in front
// of it, for the benchmark; they stop when it ends.
func benchTargets(b *testing.B, h http.HandlerFunc) []benchTarget {
	b.Helper()
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	up, err := url.Parse(srv.URL)
	require.NoError(b, err)
	return []benchTarget{
		{"direct", up},
		{"proxy", benchProxy(b, proxy.Options{Upstream: up})},
		{"proxy-record", benchProxy(b, proxy.Options{Upstream: up, RecordDir: b.TempDir()})},
	}
}

func benchProxy(b *testing.B, opts proxy.Options) *url.URL {
	b.Helper()
	opts.Now = time.Now
	u, _ := startProxy(b, opts)
	return u
}

// BenchmarkEventLatency measures, per event, the time from the upstream
// being told to send it to the client having read it, directly and
// through the proxy (the difference is what the proxy adds), and reports
// its p50 and p99 in microseconds. Each op is one event of one long
// stream.
//
//	go test ./proxy -run '^$' -bench EventLatency -benchtime 20000x
func BenchmarkEventLatency(b *testing.B) {
	// Each stream gets its own channel: a stream that a run left may
	// still be ending.
	streams := make(chan chan struct{})
	targets := benchTargets(b, func(w http.ResponseWriter, r *http.Request) {
		next := <-streams
		w.Header().Set("Content-Type", "text/event-stream")
		rc := http.NewResponseController(w)
		_ = rc.Flush() // the header, at once
		for {
			select {
			case _, ok := <-next:
				if !ok {
					return
				}
			case <-r.Context().Done():
				return
			}
			_, _ = io.WriteString(w, benchEvent)
			_ = rc.Flush()
		}
	})
	for _, target := range targets {
		b.Run(target.name, func(b *testing.B) {
			next := make(chan struct{})
			go func() { streams <- next }()
			resp, err := http.Post(target.url.String()+"/v1/chat/completions", "application/json", strings.NewReader(`{"model":"gpt-4o","stream":true}`))
			require.NoError(b, err)
			br := bufio.NewReader(resp.Body)
			lat := make([]time.Duration, 0, b.N)
			b.SetBytes(int64(len(benchEvent)))
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				next <- struct{}{}
				if _, err := br.ReadSlice('\n'); err != nil {
					b.Fatal(err)
				}
				if _, err := br.ReadSlice('\n'); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			close(next)
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}

// BenchmarkThroughput measures the bytes per second of one stream of
// 8 MiB of chat chunks, sent as fast as the connection takes them,
// directly and through the proxy (which summarizes it, and records it).
//
//	go test ./proxy -run '^$' -bench Throughput
func BenchmarkThroughput(b *testing.B) {
	body := bytes.Repeat([]byte(benchEvent), 8<<20/len(benchEvent))
	body = append(body, "data: [DONE]\n\n"...)
	targets := benchTargets(b, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write(body)
	})
	for _, target := range targets {
		b.Run(target.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for range b.N {
				resp, err := http.Post(target.url.String()+"/v1/chat/completions", "application/json", strings.NewReader(`{}`))
				require.NoError(b, err)
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				require.NoError(b, err)
				require.Equal(b, int64(len(body)), n)
			}
		})
	}
}
