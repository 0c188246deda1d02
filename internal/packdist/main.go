// Packdist packs a directory into a release archive that depends on the
// directory's contents alone: entries in name order, every modification
// time set to one given time, owner root, modes 0755 for directories and
// executables and 0644 for the rest. scripts/release.sh uses it, so that
// building a release twice gives archives with the same checksums.
//
// Usage:
//
//	go run ./internal/packdist -mtime SECONDS -o NAME.tar.gz DIR
//	go run ./internal/packdist -mtime SECONDS -o NAME.zip DIR
//
// The archive holds DIR's tree under DIR's base name. -mtime is seconds
// since 1970 (SOURCE_DATE_EPOCH).
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	mtime := flag.Int64("mtime", -1, "modification time of every entry, in seconds since 1970 (required)")
	out := flag.String("o", "", "archive to write: NAME.tar.gz or NAME.zip (required)")
	flag.Parse()
	if *mtime < 0 || *out == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: packdist -mtime SECONDS -o NAME.tar.gz|NAME.zip DIR")
		os.Exit(2)
	}
	if err := pack(*out, flag.Arg(0), time.Unix(*mtime, 0).UTC()); err != nil {
		fmt.Fprintln(os.Stderr, "packdist:", err)
		os.Exit(1)
	}
}
