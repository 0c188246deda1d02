package frame_test

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/frame"
	"github.com/sseinspect/sseinspect/sse"
)

// countingReads is a TimedReader over r that counts the bytes it gave.
type countingReads struct {
	r io.Reader
	n int
}

func (c *countingReads) ReadTimed(p []byte) (int, time.Time, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, time.Time{}, err
}

// TestJSONMaxSize: one event of a JSON body (the object, or one array
// element) may be as long as the cap, and no longer; the body is read no
// further than the cap past the start of the event being read, so memory
// stays bounded whatever the body's size.
func TestJSONMaxSize(t *testing.T) {
	t.Parallel()
	const maxSize = 1000
	elem := func(n int) string { return `{"x":"` + strings.Repeat("a", n-8) + `"}` } // n bytes
	huge := strings.Repeat("b", 1<<20)
	cases := []struct {
		name, body string
		events     int    // events before the end
		tooLong    string // what the error names, "" for none
	}{
		{name: "object_at_cap", body: elem(maxSize) + "\n", events: 1},
		{name: "object_over_cap", body: elem(maxSize + 1), tooLong: "JSON body over 1000 bytes"},
		{name: "huge_object", body: `{"error":{"message":"` + huge + `"}}`, tooLong: "JSON body over"},
		{name: "array_elements_at_cap", body: "[" + elem(maxSize) + "," + elem(maxSize) + "," + elem(maxSize) + "]", events: 3},
		{name: "array_element_over_cap", body: "[" + elem(10) + "," + elem(maxSize+1) + "]", events: 1, tooLong: "element 2 of the JSON array over"},
		{name: "huge_array_element", body: "[" + elem(10) + ",\n" + `"` + huge + `"]`, events: 1, tooLong: "element 2 of the JSON array over"},
		{name: "huge_trailer", body: "[" + elem(10) + "]" + huge, events: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := &countingReads{r: strings.NewReader(tc.body)}
			body := frame.NewJSON(src, 1)
			body.SetMaxSize(maxSize)
			events := 0
			var err error
			for ev, e := range body.Events() {
				if e != nil {
					err = e
					break
				}
				assert.LessOrEqual(t, len(ev.Data), maxSize)
				events++
			}
			assert.Equal(t, tc.events, events)
			if tc.tooLong == "" {
				require.NoError(t, err)
				_, err = body.End()
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, sse.ErrLineTooLong)
			var le *sse.LineError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, 1, le.Line)
			assert.Contains(t, err.Error(), tc.tooLong)
			assert.LessOrEqual(t, src.n, (tc.events+1)*(maxSize+2)+64<<10, "read no further than the cap and one read past the event's start")
		})
	}
}
