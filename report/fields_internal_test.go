package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLineDiff(t *testing.T) {
	t.Parallel()
	lines := func(n int, change map[int]string) string {
		var b []string
		for i := 1; i <= n; i++ {
			if c, ok := change[i]; ok {
				if c != "" {
					b = append(b, c)
				}
				continue
			}
			b = append(b, "l"+string(rune('0'+i/10))+string(rune('0'+i%10)))
		}
		return strings.Join(b, "\n")
	}
	cases := map[string]struct {
		a, b, want string
	}{
		"equal":            {"a\nb", "a\nb", ""},
		"one_line_changed": {"Hello", "Hello!", "@@ -1 +1 @@\n-Hello\n+Hello!\n"},
		"removals_before_additions_with_context": {
			a:    lines(10, nil),
			b:    lines(10, map[int]string{5: "five"}),
			want: "@@ -2,7 +2,7 @@\n l02\n l03\n l04\n-l05\n+five\n l06\n l07\n l08\n",
		},
		"added_line": {
			a:    "a\nb",
			b:    "a\nx\nb",
			want: "@@ -1,2 +1,3 @@\n a\n+x\n b\n",
		},
		"from_empty": {
			a:    "",
			b:    "x",
			want: "@@ -1 +1 @@\n-\n+x\n",
		},
		"trailing_newline_added": {
			a:    "a",
			b:    "a\n",
			want: "@@ -1 +1,2 @@\n a\n+\n",
		},
		"changes_close_together_share_a_hunk": {
			a:    lines(20, nil),
			b:    lines(20, map[int]string{3: "", 8: "eight"}),
			want: "@@ -1,11 +1,10 @@\n l01\n l02\n-l03\n l04\n l05\n l06\n l07\n-l08\n+eight\n l09\n l10\n l11\n",
		},
		// go-internal/diff splits at six equal lines where diff -u
		// (and the LCS diff before it) made one hunk.
		"six_equal_lines_apart_get_two_hunks": {
			a:    lines(20, nil),
			b:    lines(20, map[int]string{2: "two", 9: "nine"}),
			want: "@@ -1,5 +1,5 @@\n l01\n-l02\n+two\n l03\n l04\n l05\n@@ -6,7 +6,7 @@\n l06\n l07\n l08\n-l09\n+nine\n l10\n l11\n l12\n",
		},
		"changes_far_apart_get_two_hunks": {
			a:    lines(20, nil),
			b:    lines(20, map[int]string{2: "two", 19: "nineteen"}),
			want: "@@ -1,5 +1,5 @@\n l01\n-l02\n+two\n l03\n l04\n l05\n@@ -16,5 +16,5 @@\n l16\n l17\n l18\n-l19\n+nineteen\n l20\n",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, c.want, lineDiff(c.a, c.b))
		})
	}
}

func TestLineDiffOfLargeTexts(t *testing.T) {
	t.Parallel()
	var a, b strings.Builder
	for i := range 5000 {
		a.WriteString("a" + strings.Repeat("x", i%7) + "\n")
		b.WriteString("b" + strings.Repeat("x", i%7) + "\n")
	}
	d := lineDiff(a.String(), b.String())
	assert.True(t, strings.HasPrefix(d, "@@ -1,5001 +1,5001 @@\n-a\n"), d[:40])
	assert.Equal(t, 5000, strings.Count(d, "\n-"))
}
