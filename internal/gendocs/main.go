// Gendocs writes sseinspect's command reference from its cobra command tree:
// one markdown page per command (committed in docs/cli, where a test keeps
// it in sync with the code) and, with -man, one man page per command (made
// by scripts/release.sh for the release archives).
//
// Usage, from the repository's root:
//
//	go run ./internal/gendocs                    # rewrite docs/cli
//	go run ./internal/gendocs -md '' -man DIR    # the man pages only, in DIR
//
// The man pages' date is SOURCE_DATE_EPOCH (seconds since 1970) when it is
// set, as for any reproducible build, else today.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	md := flag.String("md", "docs/cli", `directory of the markdown reference ("": none)`)
	man := flag.String("man", "", `directory of the man pages ("": none)`)
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "gendocs: no arguments expected")
		os.Exit(2)
	}
	if err := generate(*md, *man); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func generate(mdDir, manDir string) error {
	if mdDir != "" {
		if err := writeMarkdown(mdDir); err != nil {
			return err
		}
	}
	if manDir != "" {
		if err := writeMan(manDir); err != nil {
			return err
		}
	}
	return nil
}
