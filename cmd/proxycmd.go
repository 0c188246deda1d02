package cmd

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/pricing"
	"github.com/sseinspect/sseinspect/proxy"
	"github.com/sseinspect/sseinspect/sse"
)

// proxyOptions are the flags of proxy.
type proxyOptions struct {
	listen      string
	upstream    string
	record      string
	json        bool
	prices      string
	upstreamCA  string
	noRedact    bool
	grace       time.Duration
	color       string
	maxLineSize int
}

// newProxyCmd is the proxy command: a recording reverse proxy (package
// proxy).
func newProxyCmd(env *Env) *cobra.Command {
	o := &proxyOptions{}
	c := &cobra.Command{
		Use:   "proxy --upstream URL [--listen ADDR] [--record DIR] [--json]",
		Short: "Pass live traffic to an LLM API through, logging each response's summary and recording it",
		Long: `Listen on ADDR as a reverse proxy to the upstream URL, for an SDK, an agent
or a gateway to use as its base URL: every request is passed upstream and
every response back unchanged, streaming (each read is flushed to the client
as it arrives), Accept-Encoding as the client sent it (a compressed body
passes compressed). The Host header is the upstream's; the path is joined
to the upstream's path.

As each response completes, its two-line summary (as summarize prints it)
goes to standard error, followed by its warnings; with --json, one JSON
object per line instead: {"method":...,"path":...,"summary":{the JSON
summary}}. The request id shown is the request's own (X-Request-Id,
Request-Id, X-Client-Request-Id or X-Correlation-Id, when a gateway sets
one), else the response's. A response the client went away from, or the
upstream failed in, is summarized as cut off. An upstream that cannot be
reached, or fails before its response header, gives the client a 502 with
the reason in its body, and a line on standard error.
A 101 Switching Protocols response (a WebSocket) passes through both ways,
neither summarized nor recorded, with a line on standard error.

With --record DIR, each exchange is written into DIR (which must exist), in
files named by the time the request came (UTC) and a sequence number, so
that they sort by time: NAME.sse, the response (status line, header and
body) as a timed capture, exactly as record writes one, and NAME.request,
the request (request line, header and body) as it came. The credentials are
replaced by REDACTED: the Authorization, Proxy-Authorization, X-Api-Key,
Api-Key, X-Goog-Api-Key, Ocp-Apim-Subscription-Key, Cf-Aig-Authorization and
X-Amz-Security-Token headers (an authorization keeps its scheme), the values
of the cookies of the request's Cookie and the response's Set-Cookie (their
names and attributes kept), and the key, api_key, apikey, api-key,
subscription-key, X-Amz-Credential, X-Amz-Signature and X-Amz-Security-Token
query parameters; --no-redact keeps them. A capture of a response cut off ends with ":sseinspect-end <ms>
cut=client" (or cut=upstream, cut=proxy), which summarize reports.

Ctrl-C (SIGINT) or SIGTERM stops accepting connections, lets the running
exchanges finish for --grace, cuts those left, and exits once every capture
is written.

An SDK user points the SDK's base URL at the proxy:

  sseinspect proxy --upstream https://api.openai.com --record caps &
  OPENAI_BASE_URL=http://127.0.0.1:8080/v1 my-app
  sseinspect summarize caps`,
		Example: `  sseinspect replay --listen 127.0.0.1:8081 cap.sse &
  sseinspect proxy --listen 127.0.0.1:8080 --upstream http://127.0.0.1:8081 &
  curl -N http://127.0.0.1:8080/v1/chat/completions`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("proxy takes no argument (got %q); the upstream is --upstream URL", args[0])
			}
			return nil
		},
		RunE: func(*cobra.Command, []string) error { return o.run(env) },
	}
	f := c.Flags()
	f.StringVar(&o.listen, "listen", "127.0.0.1:8080", "listen on `ADDR` (host:port)")
	f.StringVar(&o.upstream, "upstream", "", "pass every request to `URL` (http:// or https://)")
	f.StringVar(&o.record, "record", "", "record each exchange into `DIR`: a timed capture of the response and the request beside it")
	f.StringVar(&o.prices, "prices", "", "with --json, estimate costs with the price table `FILE` (genai-prices' data.json shape) instead of the embedded snapshot")
	f.BoolVar(&o.json, "json", false, "log one JSON object per response (method, path, summary) instead of the two-line summary")
	f.StringVar(&o.upstreamCA, "upstream-ca", "", "trust the CA certificates of PEM `FILE` for an https upstream, besides the system's")
	f.BoolVar(&o.noRedact, "no-redact", false, "record the credentials (keys, tokens, cookies) as they came")
	f.DurationVar(&o.grace, "grace", 30*time.Second, "on SIGINT or SIGTERM, how long running exchanges may take to finish")
	f.StringVar(&o.color, "color", "auto", "colour of the summaries: auto|always|never")
	f.IntVar(&o.maxLineSize, "max-line-size", sse.DefaultMaxLineSize, "longest line recorded and parsed, in bytes")
	return c
}

func (o *proxyOptions) run(env *Env) error {
	if o.upstream == "" {
		return usagef("--upstream URL is required")
	}
	u, err := url.Parse(o.upstream)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("--upstream: want an http:// or https:// URL, got %q", o.upstream)
	}
	if o.grace < 0 {
		return usagef("--grace: must not be negative, got %v", o.grace)
	}
	if o.maxLineSize <= 0 {
		return usagef("--max-line-size: must be positive, got %d", o.maxLineSize)
	}
	o.color = strings.ToLower(o.color) // any case, as the other commands
	cc := commonOptions{color: o.color}
	switch o.color {
	case "auto", "always", "never":
	default:
		return usagef("--color: invalid value %q (valid: auto, always, never)", o.color)
	}
	if o.record != "" {
		fi, err := os.Stat(o.record)
		if err != nil {
			return fmt.Errorf("--record: %w", err)
		}
		if !fi.IsDir() {
			return fmt.Errorf("--record: %s is not a directory", o.record)
		}
	}
	var prices *pricing.Table
	if o.json {
		// The JSON summaries get a cost: --prices, else the snapshot.
		cc.prices = o.prices
		if err := cc.loadPrices(); err != nil {
			return err
		}
		prices = cc.priceTable()
	} else if o.prices != "" {
		return usagef("--prices needs --json (the two-line summary shows no cost)")
	}
	transport, err := proxy.NewTransport(o.upstreamCA)
	if err != nil {
		return err
	}
	stderrEnv := *env
	stderrEnv.StdoutIsTerminal = env.StderrIsTerminal // the summaries go to stderr
	p, err := proxy.New(proxy.Options{
		Upstream:    u,
		Transport:   transport,
		Log:         env.Stderr,
		JSON:        o.json,
		Prices:      prices,
		Color:       !o.json && cc.useColor(&stderrEnv),
		RecordDir:   o.record,
		NoRedact:    o.noRedact,
		Now:         env.Now,
		MaxLineSize: o.maxLineSize,
	})
	if err != nil {
		return err
	}
	ctx := env.Context
	if ctx == nil {
		ctx = context.Background()
	}
	// A signal cancels ctx (Run catches SIGINT and SIGTERM); a second
	// one ends the process.
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "sseinspect: proxy: http://%s/ -> %s (Ctrl-C to stop)\n", ln.Addr(), u.Redacted())
	return p.Serve(ctx, ln, o.grace)
}
