// Package benchgen generates the benchmark corpus of sseinspect: captures of
// LLM streams of any size, in each wire format, that are deterministic (the
// same format, size and seed give the same bytes on every machine and Go
// version) and realistic (shaped like the real captures in
// testdata/captures, with non-ASCII text, JSON escapes, deltas of varied
// lengths, reasoning and tool-call fragments).
//
// A capture is one very long response, as a long agent session produces:
// however large, it is a single stream that starts with the format's opening
// events and ends at a stream boundary with its usage report and terminator.
// Generation streams: memory stays constant whatever the size.
//
// What a capture declares and carries (text, reasoning, tool calls, token
// counts) is returned as Stats, in sseinspect's semantics (DESIGN.md), so
// that tests can check that sseinspect summarizes a generated capture
// exactly.
//
// Nothing in this package is shared between calls; concurrent calls are
// safe.
package benchgen

import (
	"bufio"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"
	"strings"
)

// Stats is what a generated capture carries, as sseinspect's JSON summary
// reports it. Text, thinking and tool-call arguments are too large to keep:
// each is given by its length in bytes and its Checksum.
type Stats struct {
	// Format is the wire format's name.
	Format string
	// Bytes is the size of the capture.
	Bytes int64
	// Events is the number of SSE events, terminator and pings included;
	// each carries one data line, so it is also the data-line count.
	Events int
	// Model, ResponseID and StopReason are as the summary reports them.
	Model      string
	ResponseID string
	StopReason string

	// Token counts, as the summary's keys of the same names.
	InputTokens         int64
	OutputTokens        int64
	CachedTokens        int64
	CacheCreationTokens int64
	ReasoningTokens     int64
	TotalInputTokens    int64

	// TextBytes is the length of the visible answer text (UTF-8 bytes);
	// TextChecksum its Checksum.
	TextBytes    int64
	TextChecksum uint32
	// ThinkingBytes is the length of the reasoning text; ThinkingChecksum
	// its Checksum.
	ThinkingBytes    int64
	ThinkingChecksum uint32
	// ToolCalls is the number of client tool calls; ToolArgsBytes the total
	// length of their assembled arguments and ToolArgsChecksum the
	// Checksum of the arguments of all calls concatenated in call order.
	ToolCalls        int
	ToolArgsBytes    int64
	ToolArgsChecksum uint32
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Checksum returns the checksum that Stats gives of a text: the CRC-32C of
// its bytes.
func Checksum(s string) uint32 {
	return crc32.Update(0, castagnoli, []byte(s))
}

// ChecksumUpdate returns the checksum of the text whose checksum is crc
// followed by s, so that the checksum of several pieces (tool-call
// arguments in call order) can be computed piece by piece.
func ChecksumUpdate(crc uint32, s string) uint32 {
	return crc32.Update(crc, castagnoli, []byte(s))
}

// ErrUnknownFormat is wrapped by the generators for a format they do not
// write.
var ErrUnknownFormat = errors.New("unknown format")

// generators are the format writers, one per file, by the name of the
// format they write.
var generators = []struct {
	format string
	new    func() formatWriter
}{
	{OpenAIChat, func() formatWriter { return &chatWriter{} }},
	{OpenAIResponses, func() formatWriter { return &responsesWriter{} }},
	{Anthropic, func() formatWriter { return &anthropicWriter{} }},
	{Gemini, func() formatWriter { return &geminiWriter{} }},
}

// Formats returns the names of the formats the generators write.
func Formats() []string {
	names := make([]string, len(generators))
	for i, gw := range generators {
		names[i] = gw.format
	}
	return names
}

// Generate writes to w a capture in format of at least size bytes,
// determined by seed. It is GenerateStats without the Stats.
func Generate(w io.Writer, format string, size, seed int64) error {
	_, err := GenerateStats(w, format, size, seed)
	return err
}

// GenerateStats writes to w a capture in format of at least size bytes
// (slightly more: the stream ends with the event that reaches size, then
// closes its open blocks and sends its usage report and terminator) and
// returns what it carries. The capture depends only on format, size and
// seed. The error is that of the first failed write, or ErrUnknownFormat.
func GenerateStats(w io.Writer, format string, size, seed int64) (Stats, error) {
	var fw formatWriter
	for _, gw := range generators {
		if gw.format == format {
			fw = gw.new()
		}
	}
	if fw == nil {
		return Stats{}, fmt.Errorf("%w %q (valid: %s)", ErrUnknownFormat, format, strings.Join(Formats(), ", "))
	}
	g := newGen(w, size, seed)
	g.st.Format = format
	g.run(fw)
	if g.err == nil {
		g.err = g.bw.Flush()
	}
	g.st.Bytes = g.n
	g.st.TotalInputTokens = g.st.InputTokens
	if fw.inputExcludesCache() {
		g.st.TotalInputTokens += g.st.CachedTokens + g.st.CacheCreationTokens
	}
	return g.st, g.err
}

// Expect returns the Stats of the capture that Generate writes for the same
// arguments, without keeping it.
func Expect(format string, size, seed int64) (Stats, error) {
	return GenerateStats(io.Discard, format, size, seed)
}

// ParseSize parses a size such as "1GiB", "256MiB", "200KiB", "64M", "1GB"
// or "4096": binary units (KiB, MiB, GiB, and K, M, G as dd takes them) are
// powers of 1024, decimal ones (KB, MB, GB) powers of 1000; B or no unit
// means bytes.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9') {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("size %q: no number", s)
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("size %q: %w", s, err)
	}
	unit := strings.TrimSpace(t[i:])
	mult := int64(1)
	switch strings.ToLower(unit) {
	case "", "b":
	case "k", "kib":
		mult = 1 << 10
	case "m", "mib":
		mult = 1 << 20
	case "g", "gib":
		mult = 1 << 30
	case "kb":
		mult = 1e3
	case "mb":
		mult = 1e6
	case "gb":
		mult = 1e9
	default:
		return 0, fmt.Errorf("size %q: unknown unit %q (use B, KiB, MiB, GiB, KB, MB or GB)", s, unit)
	}
	if n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q: too large", s)
	}
	return n * mult, nil
}

// bufSize is the size of the write buffer.
const bufSize = 256 << 10

func newGen(w io.Writer, size, seed int64) *gen {
	g := &gen{
		bw:   bufio.NewWriterSize(w, bufSize),
		size: size,
		r:    newRNG(uint64(seed)),
	}
	g.text.init(&g.r)
	return g
}
