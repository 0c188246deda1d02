package parser_test

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// notFieldsRE finds the count in the warning about lines that are not
// SSE fields.
var notFieldsRE = regexp.MustCompile(`^(\d+) lines? (is|are) not an SSE field`)

// notFieldLines returns the count the warning about lines that are not
// SSE fields gives for input, 0 without the warning.
func notFieldLines(tb testing.TB, input string) int {
	tb.Helper()
	for _, w := range mustSummarize(tb, input, "").Warnings {
		if m := notFieldsRE.FindStringSubmatch(w); m != nil {
			n, err := strconv.Atoi(m[1])
			require.NoError(tb, err)
			return n
		}
	}
	return 0
}

// lineKinds are lines put in the middle of a stream, each with whether it
// is one that is neither a known field nor a comment.
var lineKinds = []struct {
	line     string
	notField bool
}{
	{"hello world", true},     // no colon: a field named "hello world"
	{"foo", true},             // the same, one word
	{"foo: bar", true},        // an unknown field
	{"Data: x", true},         // names are case-sensitive
	{": a comment", false},    // a comment
	{"id", false},             // no colon, but a known field (empty id)
	{"event", false},          // no colon, but a known field (empty type)
	{"retry: 5", false},       // a known field
	{"id:no-space", false},    // a known field without the space
	{"event: message", false}, // a known field
}

// withLines returns chatStream with lines inserted before its last event.
func withLines(lines []string) string {
	i := strings.LastIndex(chatStream, "data: [DONE]")
	var b strings.Builder
	b.WriteString(chatStream[:i])
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	b.WriteString(chatStream[i:])
	return b.String()
}

// TestNotFieldLinesCountedOnce is issue 12's instance: one line without a
// colon was counted as two lines that are not SSE fields.
func TestNotFieldLinesCountedOnce(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 1, notFieldLines(t, withLines([]string{"hello world"})))
}

// TestNotFieldLinesCount checks the class: every mix of lines is counted
// line by line, each line once, and only the lines that are neither a
// field the spec knows nor a comment.
func TestNotFieldLinesCount(t *testing.T) {
	t.Parallel()
	for _, k := range lineKinds {
		want := 0
		if k.notField {
			want = 1
		}
		assert.Equal(t, want, notFieldLines(t, withLines([]string{k.line})), "%q", k.line)
	}
	rng := rand.New(rand.NewPCG(12, 5))
	for range 200 {
		var lines []string
		want := 0
		for range rng.IntN(8) + 1 {
			k := lineKinds[rng.IntN(len(lineKinds))]
			lines = append(lines, k.line)
			if k.notField {
				want++
			}
		}
		assert.Equal(t, want, notFieldLines(t, withLines(lines)), "%q", lines)
	}
}

// TestNotFieldWarningSaysOneLine: one line is one line, in the count and
// in the grammar.
func TestNotFieldWarningSaysOneLine(t *testing.T) {
	t.Parallel()
	ws := mustSummarize(t, withLines([]string{"foo"}), "").Warnings
	assert.Contains(t, ws, "1 line is not an SSE field (data, event, id, retry) nor a comment, and ignored")
	ws = mustSummarize(t, withLines([]string{"foo", "bar: x"}), "").Warnings
	assert.Contains(t, ws, "2 lines are not an SSE field (data, event, id, retry) nor a comment, and ignored")
}
