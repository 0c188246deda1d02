// Package version says which build of sseinspect is running: its module
// version, the commit it was built from and that commit's date.
//
// The go command records them in the binary (debug.ReadBuildInfo): the
// module version for `go install module@version`, and the commit, its time
// and whether the work tree was modified for a build in a git checkout.
// Release builds set them with the linker instead, which takes precedence:
//
//	go build -ldflags "-X github.com/sseinspect/sseinspect/internal/version.version=v1.2.3
//	  -X github.com/sseinspect/sseinspect/internal/version.commit=<sha>
//	  -X github.com/sseinspect/sseinspect/internal/version.date=<RFC 3339>"
package version

import (
	"runtime/debug"
	"strings"
)

// Set by -ldflags -X in release builds (scripts/release.sh); empty otherwise.
var (
	version string
	commit  string
	date    string
)

// Info describes a build. Empty fields are unknown.
type Info struct {
	// Version is the module version (v1.2.3, or a pseudo-version such as
	// v0.0.0-20261202163331-22c6aea1b2c3+dirty), or "devel" when the build
	// recorded none.
	Version string
	// Commit is the VCS revision, with "+dirty" when the work tree had
	// uncommitted changes.
	Commit string
	// Date is the commit's time, RFC 3339 in UTC.
	Date string
	// GoVersion is the Go toolchain that built the binary.
	GoVersion string
}

// Get returns the running binary's build information.
func Get() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return fromBuild(bi, version, commit, date)
}

// fromBuild merges what the go command recorded (bi, nil when nothing was)
// with the linker's values, which win when set.
func fromBuild(bi *debug.BuildInfo, ldVersion, ldCommit, ldDate string) Info {
	var info Info
	if bi != nil {
		info.GoVersion = bi.GoVersion
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			info.Version = v
		}
		var modified bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Commit = s.Value
			case "vcs.time":
				info.Date = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if modified && info.Commit != "" {
			info.Commit += "+dirty"
		}
	}
	if ldVersion != "" {
		info.Version = ldVersion
	}
	if ldCommit != "" {
		info.Commit = ldCommit
	}
	if ldDate != "" {
		info.Date = ldDate
	}
	if info.Version == "" {
		info.Version = "devel"
	}
	return info
}

// String is the version as `sseinspect --version` prints it after
// "sseinspect version ": v1.2.3 (commit 22c6aea1b2c3, 2026-12-02T16:33:31Z, go1.26.8).
// The commit is shortened to 12 hex digits; what is unknown is left out.
func (i Info) String() string {
	var details []string
	if i.Commit != "" {
		c, dirty := strings.CutSuffix(i.Commit, "+dirty")
		if len(c) > 12 {
			c = c[:12]
		}
		if dirty {
			c += "+dirty"
		}
		details = append(details, "commit "+c)
	} else {
		details = append(details, "commit unknown")
	}
	if i.Date != "" {
		details = append(details, i.Date)
	}
	if i.GoVersion != "" {
		details = append(details, i.GoVersion)
	}
	return i.Version + " (" + strings.Join(details, ", ") + ")"
}
