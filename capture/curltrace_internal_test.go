package capture

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

// traceHeadRE is what isCurlTrace matches, as the regular expression it
// was before it was written out (start-up, issue 16).
var traceHeadRE = regexp.MustCompile(`^(?:\d\d:\d\d:\d\d\.\d{6} )?(?:==|=>|<=) `)

func TestIsCurlTrace(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		head string
		want bool
	}{
		{"== Info: Trying 127.0.0.1:8080...\n", true},
		{"=> Send header, 83 bytes (0x53)\n", true},
		{"<= Recv data, 5 bytes (0x5)\n", true},
		{"12:34:56.789012 == Info: x", true},
		{"12:34:56.789012 <= Recv header", true},
		{"12:34:56.789012 =>", false},
		{"12:34:56.78901 == x", false},
		{"12:34:5a.789012 == x", false},
		{"12:34:56.789012 ", false},
		{"<< x", false},
		{">= x", false},
		{"==x", false},
		{"==", false},
		{"", false},
		{"data: {}\n\n", false},
		{"event: message_start\n", false},
	} {
		assert.Equal(t, tc.want, isCurlTrace([]byte(tc.head)), "%q", tc.head)
		assert.Equal(t, traceHeadRE.MatchString(tc.head), isCurlTrace([]byte(tc.head)), "%q: as the expression", tc.head)
	}
}

// FuzzIsCurlTrace: isCurlTrace says what the regular expression says.
func FuzzIsCurlTrace(f *testing.F) {
	for _, s := range []string{"== Info", "12:34:56.789012 => Send", "12:34:56.789012 ==", "<= ", "=>", "99:99:99.999999 <= x"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, head []byte) {
		if got, want := isCurlTrace(head), traceHeadRE.Match(head); got != want {
			t.Fatalf("isCurlTrace(%q) = %v, the expression says %v", head, got, want)
		}
	})
}
