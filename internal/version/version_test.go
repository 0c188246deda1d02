package version

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFromBuild(t *testing.T) {
	t.Parallel()
	vcs := func(mainVersion string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/sseinspect/sseinspect", Version: mainVersion}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	const sha = "22c6aea1b2c3d4e5f60718293a4b5c6d7e8f9012"
	tests := []struct {
		name                string
		bi                  *debug.BuildInfo
		ldVer, ldSHA, ldDay string
		want                string
	}{
		{
			name: "go build in a clean checkout",
			bi:   vcs("v0.0.0-20261202163331-22c6aea1b2c3", "vcs", "git", "vcs.revision", sha, "vcs.time", "2026-12-02T16:33:31Z", "vcs.modified", "false"),
			want: "v0.0.0-20261202163331-22c6aea1b2c3 (commit 22c6aea1b2c3, 2026-12-02T16:33:31Z, go1.26.8)",
		},
		{
			name: "go build in a modified checkout, without a stamped version",
			bi:   vcs("(devel)", "vcs.revision", sha, "vcs.time", "2026-12-02T16:33:31Z", "vcs.modified", "true"),
			want: "devel (commit 22c6aea1b2c3+dirty, 2026-12-02T16:33:31Z, go1.26.8)",
		},
		{
			name: "go install module@version: no VCS information",
			bi:   vcs("v1.2.3"),
			want: "v1.2.3 (commit unknown, go1.26.8)",
		},
		{
			name: "-buildvcs=false outside a module version",
			bi:   vcs("(devel)"),
			want: "devel (commit unknown, go1.26.8)",
		},
		{
			name:  "release build: the linker's values win",
			bi:    vcs("(devel)", "vcs.revision", "0000000000000000000000000000000000000000", "vcs.modified", "true"),
			ldVer: "v1.2.3", ldSHA: sha, ldDay: "2026-12-02T16:33:31Z",
			want: "v1.2.3 (commit 22c6aea1b2c3, 2026-12-02T16:33:31Z, go1.26.8)",
		},
		{
			name: "no build information at all",
			want: "devel (commit unknown)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, fromBuild(tt.bi, tt.ldVer, tt.ldSHA, tt.ldDay).String())
		})
	}
}

// TestGet checks that the test binary's own build information is read: Go
// records its toolchain in every binary.
func TestGet(t *testing.T) {
	t.Parallel()
	info := Get()
	assert.NotEmpty(t, info.Version)
	assert.NotEmpty(t, info.GoVersion)
}
