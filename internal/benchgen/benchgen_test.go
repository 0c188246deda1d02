package benchgen_test

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/internal/benchgen"
	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/streamctx"
)

// generate returns a capture and its Stats.
func generate(tb testing.TB, format string, size, seed int64) ([]byte, benchgen.Stats) {
	tb.Helper()
	var b bytes.Buffer
	st, err := benchgen.GenerateStats(&b, format, size, seed)
	require.NoError(tb, err)
	require.Equal(tb, int64(b.Len()), st.Bytes)
	return b.Bytes(), st
}

// replay summarizes a capture as sseinspect does, detecting its format.
func replay(tb testing.TB, r io.Reader, collect bool) (*streamctx.Context, streamctx.Snapshot) {
	tb.Helper()
	sc := streamctx.New(streamctx.Options{CollectText: collect})
	res, err := parser.Replay(r, sc, parser.Options{})
	require.NoError(tb, err)
	return sc, sc.Snapshot(res.Format.Name, res.Format.Vendor)
}

// TestSummarizedExactly replays a generated capture of each format through
// sseinspect's parsers, with format detection, and checks that the summary
// is exactly what the generator declares.
func TestSummarizedExactly(t *testing.T) {
	t.Parallel()
	const size = 200 << 10
	for _, format := range benchgen.Formats() {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			data, want := generate(t, format, size, 42)
			assert.GreaterOrEqual(t, want.Bytes, int64(size))
			assert.Positive(t, want.TextBytes)
			assert.Positive(t, want.ToolCalls, "200 KiB should hold a tool call")
			if format != benchgen.OpenAIChat {
				assert.Positive(t, want.ThinkingBytes)
			}

			_, got := replay(t, bytes.NewReader(data), true)
			assert.Equal(t, format, got.Format)
			assert.Equal(t, streamctx.StatusOK, got.Status)
			assert.True(t, got.Complete)
			assert.Empty(t, got.Warnings)
			assert.Nil(t, got.ErrorType)
			assert.Equal(t, "provider", got.UsageSource)
			assert.Equal(t, want.Events, got.Events)
			assert.Equal(t, want.Events, got.DataCount)
			if assert.NotNil(t, got.Model) {
				assert.Equal(t, want.Model, *got.Model)
			}
			if assert.NotNil(t, got.ResponseID) {
				assert.Equal(t, want.ResponseID, *got.ResponseID)
			}
			if assert.NotNil(t, got.StopReason) {
				assert.Equal(t, want.StopReason, *got.StopReason)
			}

			assert.Equal(t, want.InputTokens, got.InputTokens, "input_tokens")
			assert.Equal(t, want.OutputTokens, got.OutputTokens, "output_tokens")
			assert.Equal(t, want.CachedTokens, got.CachedTokens, "cached_tokens")
			assert.Equal(t, want.CacheCreationTokens, got.CacheCreationTokens, "cache_creation_tokens")
			assert.Equal(t, want.ReasoningTokens, got.ReasoningTokens, "reasoning_tokens")
			assert.Equal(t, want.TotalInputTokens, got.TotalInputTokens, "total_input_tokens")

			assert.Equal(t, want.TextBytes, int64(len(got.Text)), "text length")
			assert.Equal(t, want.TextChecksum, benchgen.Checksum(got.Text), "text checksum")
			assert.Equal(t, want.ThinkingBytes, int64(len(got.Thinking)), "thinking length")
			assert.Equal(t, want.ThinkingChecksum, benchgen.Checksum(got.Thinking), "thinking checksum")

			assert.Len(t, got.ToolCalls, want.ToolCalls)
			var n int64
			var crc uint32
			for i, tc := range got.ToolCalls {
				assert.NotEmpty(t, tc.Name, "tool call %d", i)
				if format != benchgen.Gemini { // Gemini calls carry no id
					assert.NotEmpty(t, tc.ID, "tool call %d", i)
				}
				n += int64(len(tc.Arguments))
				crc = benchgen.ChecksumUpdate(crc, tc.Arguments)
			}
			assert.Equal(t, want.ToolArgsBytes, n, "tool arguments length")
			assert.Equal(t, want.ToolArgsChecksum, crc, "tool arguments checksum")
		})
	}
}

// TestSummarizedWithoutText is the two-line summary's case: no text is
// collected (and parsers may skip decoding it), yet everything else is what
// a replay that keeps the text says, and reads of any size give the same
// result.
func TestSummarizedWithoutText(t *testing.T) {
	t.Parallel()
	for _, format := range benchgen.Formats() {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			data, want := generate(t, format, 64<<10, 7)
			_, got := replay(t, iotest.HalfReader(bytes.NewReader(data)), false)
			assert.Equal(t, streamctx.StatusOK, got.Status)
			assert.Empty(t, got.Warnings)
			assert.Empty(t, got.Text)
			_, full := replay(t, bytes.NewReader(data), true)
			assert.Len(t, full.Text, int(want.TextBytes))
			full.Text, full.Thinking, full.ToolCalls, full.Tools = "", "", got.ToolCalls, got.Tools
			assert.Equal(t, full, got, "collecting the text changes nothing else")
			assert.Equal(t, want.InputTokens, got.InputTokens)
			assert.Equal(t, want.OutputTokens, got.OutputTokens)
			assert.Equal(t, want.Events, got.Events)
		})
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	for _, format := range benchgen.Formats() {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			a, sa := generate(t, format, 32<<10, 1)
			b, sb := generate(t, format, 32<<10, 1)
			assert.Equal(t, sa, sb)
			assert.True(t, bytes.Equal(a, b), "same seed, different bytes")
			expected, err := benchgen.Expect(format, 32<<10, 1)
			require.NoError(t, err)
			assert.Equal(t, expected, sa)
			c, _ := generate(t, format, 32<<10, 2)
			assert.False(t, bytes.Equal(a, c), "different seeds, same bytes")
		})
	}
}

// TestSize checks that a capture reaches its size without overshooting by
// more than the events that close it (one tool call at most, the usage and
// the terminator), and that even a zero size gives a whole stream.
func TestSize(t *testing.T) {
	t.Parallel()
	for _, format := range benchgen.Formats() {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			for _, size := range []int64{0, 1, 1000, 10 << 10, 1 << 20} {
				data, st := generate(t, format, size, 3)
				assert.GreaterOrEqual(t, st.Bytes, size)
				assert.Less(t, st.Bytes, size+64<<10, "size %d", size)
				_, got := replay(t, bytes.NewReader(data), false)
				assert.True(t, got.Complete, "size %d", size)
				assert.Equal(t, streamctx.StatusOK, got.Status, "size %d", size)
				assert.Empty(t, got.Warnings, "size %d", size)
			}
		})
	}
}

// TestRealistic checks that the text exercises what real streams carry:
// JSON escapes, non-ASCII text, and for OpenAI the \u003c escapes of HTML
// characters; and that line endings are the format's.
func TestRealistic(t *testing.T) {
	t.Parallel()
	for _, format := range benchgen.Formats() {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			data, _ := generate(t, format, 256<<10, 5)
			s := string(data)
			for _, want := range []string{`\n`, `\"`, "é", "😊", "日本語"} {
				assert.Contains(t, s, want)
			}
			if strings.HasPrefix(format, "openai") {
				assert.Contains(t, s, `\u003c`)
			}
			if format == benchgen.Gemini {
				assert.Equal(t, strings.Count(s, "\n"), strings.Count(s, "\r\n"), "Gemini lines end with CRLF")
			} else {
				assert.NotContains(t, s, "\r")
			}
		})
	}
}

// TestConstantMemory checks that generation streams: a capture 16 times
// larger allocates hardly more. It measures the whole process, so it does
// not run in parallel with other tests.
func TestConstantMemory(t *testing.T) {
	alloc := func(size int64) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		require.NoError(t, benchgen.Generate(io.Discard, benchgen.Anthropic, size, 9))
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	small := alloc(1 << 20)
	large := alloc(16 << 20)
	assert.Less(t, large, small+(256<<10), "allocated %d bytes for 1 MiB, %d for 16 MiB", small, large)
}

func TestUnknownFormat(t *testing.T) {
	t.Parallel()
	err := benchgen.Generate(io.Discard, "openai", 10, 1)
	require.ErrorIs(t, err, benchgen.ErrUnknownFormat)
	assert.Contains(t, err.Error(), "openai-chat, openai-responses, anthropic, gemini")
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestWriteError(t *testing.T) {
	t.Parallel()
	err := benchgen.Generate(failWriter{}, benchgen.Gemini, 1<<20, 1)
	require.ErrorIs(t, err, io.ErrClosedPipe)
}

func TestParseSize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"0", 0},
		{"4096", 4096},
		{"12B", 12},
		{"200KiB", 200 << 10},
		{"64M", 64 << 20},
		{"256MiB", 256 << 20},
		{"1GiB", 1 << 30},
		{"1g", 1 << 30},
		{"2KB", 2000},
		{"5MB", 5e6},
		{"1GB", 1e9},
		{" 3 MiB ", 3 << 20},
	} {
		got, err := benchgen.ParseSize(tc.in)
		if assert.NoError(t, err, tc.in) {
			assert.Equal(t, tc.want, got, tc.in)
		}
	}
	for _, in := range []string{"", "MiB", "1TiB", "-1", "1.5GiB", "99999999999999999999"} {
		_, err := benchgen.ParseSize(in)
		assert.Error(t, err, in)
	}
}

// BenchmarkGenerate measures the generator itself (it bounds how fast the
// benchmark corpus can be made).
func BenchmarkGenerate(b *testing.B) {
	const size = 8 << 20
	for _, format := range benchgen.Formats() {
		b.Run(format, func(b *testing.B) {
			st, err := benchgen.Expect(format, size, 1)
			require.NoError(b, err)
			b.SetBytes(st.Bytes)
			b.ReportAllocs()
			for b.Loop() {
				if err := benchgen.Generate(io.Discard, format, size, 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
