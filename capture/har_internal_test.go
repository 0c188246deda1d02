package capture

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
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
