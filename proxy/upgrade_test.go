package proxy_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/proxy"
)

// TestUpgradePassesThrough: a 101 Switching Protocols response (a
// WebSocket, as OpenAI's Realtime API uses) passes through, and so do the
// bytes both ways after it. The proxy wrapped the upstream's body, which
// the reverse proxy then could not write to: the client got a 502.
// Hand-made upstream: it switches, then echoes one line.
func TestUpgradePassesThrough(t *testing.T) {
	t.Parallel()
	upstream := serveOn(t, func(ctx context.Context, ln net.Listener) error {
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Upgrade") != "websocket" {
				http.Error(w, "want an upgrade", http.StatusBadRequest)
				return
			}
			conn, brw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			_, _ = io.WriteString(conn, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
			line, err := brw.ReadString('\n')
			if err == nil {
				_, _ = io.WriteString(conn, "echo "+line)
			}
		})}
		go func() { <-ctx.Done(); _ = srv.Close() }()
		if err := srv.Serve(ln); err != http.ErrServerClosed {
			return err
		}
		return nil
	})
	log := &syncBuffer{}
	base, _ := startProxy(t, proxy.Options{Upstream: upstream, Log: log})
	conn, br := upgradeThrough(t, base.Host, "log: %s", log)
	_, err := io.WriteString(conn, "hello\n")
	require.NoError(t, err)
	line, err := br.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "echo hello\n", line)
	assert.NotContains(t, log.String(), "502")
	assert.Contains(t, log.String(), `GET /v1/realtime: 101 Switching Protocols to "websocket": passed through, not recorded`)
}

// TestUpgradeCutWhenGraceRunsOut: a WebSocket still open when the grace
// period runs out is closed, and Serve returns (the server's Shutdown and
// Close leave a hijacked connection alone). Hand-made upstream: it
// switches, then echoes until the connection closes.
func TestUpgradeCutWhenGraceRunsOut(t *testing.T) {
	t.Parallel()
	upstream := serveOn(t, func(ctx context.Context, ln net.Listener) error {
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			_, _ = io.WriteString(conn, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
			_, _ = io.Copy(conn, conn)
		})}
		go func() { <-ctx.Done(); _ = srv.Close() }()
		if err := srv.Serve(ln); err != http.ErrServerClosed {
			return err
		}
		return nil
	})
	grace := make(chan time.Time)
	pu, cancel, served := serveProxy(t, proxy.Options{Upstream: upstream,
		After: func(time.Duration) <-chan time.Time { return grace }})
	_, br := upgradeThrough(t, pu.Host)
	cancel()     // SIGINT
	close(grace) // the grace period runs out
	require.NoError(t, <-served, "Serve returns")
	_, err := io.ReadAll(br)
	require.NoError(t, err, "the client's connection is closed")
}

// upgradeThrough dials the proxy at host and asks it for the upgrade of a
// Realtime request to a WebSocket; it fails unless the proxy switches
// protocols (msgAndArgs say more), and returns the connection, closed at
// the end of the test, and its reader.
func upgradeThrough(t *testing.T, host string, msgAndArgs ...any) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", host)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	_, err = io.WriteString(conn, "GET /v1/realtime HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
	require.NoError(t, err)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode, msgAndArgs...)
	return conn, br
}
