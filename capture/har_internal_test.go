package capture

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/sse"
)

// TestHARSniffIsLinear: a head that stays undecided (a JSON object whose
// first member is long) grown a byte at a time costs harPrefix a bounded
// multiple of its length, not the sum of all its lengths: FuzzHAR hung on
// such an input read with iotest.OneByteReader (64 KiB: half a minute).
func TestHARSniffIsLinear(t *testing.T) {
	t.Parallel()
	head := `{"x":"` + strings.Repeat("a", 20000) + `"}`
	var s harSniff
	for n := 1; n <= len(head); n++ {
		is, _ := s.look([]byte(head[:n]), false)
		assert.False(t, is)
	}
	assert.LessOrEqual(t, s.read, 8*len(head), "bytes read by harPrefix")
	is, may := s.look([]byte(head), true)
	assert.False(t, is)
	assert.False(t, may)

	// A head that comes whole is told at once, and so is its end.
	for _, tc := range []struct {
		head    string
		is, may bool
	}{
		{`{"model":"llama3","done":false}` + "\n", false, false},
		{`{"log":{"entries":[`, true, true},
		{`{"comment":"x",`, false, true},
		{`{ [5 bytes data]`, false, false},
		{"\xef\xbb", false, true}, // a byte order mark may be coming
	} {
		var s harSniff
		is, may := s.look([]byte(tc.head), false)
		assert.Equal(t, tc.is, is, tc.head)
		assert.Equal(t, tc.may, may, tc.head)
	}
}

// FuzzHARMessages: the body rebuilt from an entry's _eventSourceMessages
// is an SSE stream that dispatches those messages, with their type, id
// and data (an EventSource joins the lines of data with LF, whatever
// ended them), one event each, so that their times are used.
func FuzzHARMessages(f *testing.F) {
	f.Add("message", "", `{"a":1}`, "done", "7", "[DONE]")
	f.Add("", "", "a\nb", "x y", "", "")
	f.Add("e\r", "i\n", "a\rb", "message", "", "\r\n\r\n")
	f.Add("", "", "a\r\rdata: b", "", "", "")
	f.Fuzz(func(t *testing.T, type1, id1, data1, type2, id2, data2 string) {
		for _, s := range []string{type1, id1, data1, type2, id2, data2} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				return // the scanner replaces invalid UTF-8; an id with NUL is ignored
			}
		}
		var e harEntry
		e.EventSourceMessages = append(e.EventSourceMessages,
			struct {
				Time      float64 `json:"time"`
				EventName string  `json:"eventName"`
				EventID   string  `json:"eventId"`
				Data      string  `json:"data"`
			}{1, type1, id1, data1},
			struct {
				Time      float64 `json:"time"`
				EventName string  `json:"eventName"`
				EventID   string  `json:"eventId"`
				Data      string  `json:"data"`
			}{2, type2, id2, data2})
		body := e.sseFromMessages()
		assert.Len(t, dataBlocks(body), 2, "%q", body)
		sc := sse.NewScanner(strings.NewReader(body))
		lf := strings.NewReplacer("\r\n", "\n", "\r", "\n")
		id := ""
		for i, m := range e.EventSourceMessages {
			require.True(t, sc.Scan(), "event %d of %q", i+1, body)
			ev := sc.Event()
			typ := oneLine(m.EventName)
			if typ == "message" {
				typ = ""
			}
			if m.EventID != "" {
				id = oneLine(m.EventID)
			}
			assert.Equal(t, typ, string(ev.Type), "type of %q", body)
			assert.Equal(t, id, ev.ID, "id of %q", body)
			assert.Equal(t, lf.Replace(m.Data), string(ev.Data), "data of %q", body)
		}
		assert.False(t, sc.Scan(), "%q", body)
	})
}
