package cmd

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/internal/version"
)

// newRootCmd returns a fresh command tree for one run: the commands, each
// an Options struct, a constructor that binds its flags and a run method.
func newRootCmd(env *Env) *cobra.Command { return newRootCmdFor(env, "") }

// subcommands are sseinspect's commands, in the order of the help, with
// the functions that make them.
var subcommands = []struct {
	name string
	make func(*Env) *cobra.Command
}{
	{"summarize", newSummarizeCmd}, {"body", newBodyCmd}, {"events", newEventsCmd}, {"text", newTextCmd},
	{"check", newCheckCmd}, {"golden", newGoldenCmd}, {"diff", newDiffCmd},
	{"record", newRecordCmd}, {"replay", newReplayCmd}, {"proxy", newProxyCmd}, {"report", newReportCmd},
}

// isSubcommand reports whether name is one of the subcommands.
func isSubcommand(name string) bool {
	for _, c := range subcommands {
		if c.name == name {
			return true
		}
	}
	return false
}

// newRootCmdFor returns the command tree; when only names a subcommand,
// the tree holds that one alone (with no completion command), which is
// all a run of it needs: making the eleven commands and their flags was
// the largest part of sseinspect's start-up after the runtime's own
// (issue 16). The help of a subcommand names no other.
func newRootCmdFor(env *Env, only string) *cobra.Command {
	root := &cobra.Command{
		Use:   "sseinspect",
		Short: "Inspect captured Server-Sent-Events streams of LLM APIs",
		Long: `sseinspect reads a captured SSE stream of an LLM API (a file, or curl -N output
piped into it), replays its events through the parser of its wire format and
tells the truth about it: latency, tokens, text, tool calls, completion, errors.

Without a command, sseinspect summarizes: "sseinspect FILE..." is
"sseinspect summarize FILE...", and "curl -N ... | sseinspect" summarizes
standard input (the help is printed when standard input is a terminal). A
first argument that names a command is that command, even when a file of
that name exists: "sseinspect ./events" summarizes the file.

Exit status: 0 the stream is complete and error-free; 1 a report was printed
but the stream failed, is incomplete, carried undecodable events or could not
be read to its end; 2 nothing to report (usage error, unreadable input,
unrecognizable format). SIGINT (Ctrl-C) or SIGTERM while reading ends the
reading: what arrived is reported, marked interrupted in the warnings, and
the status is 128+signal (130, 143); check, diff and summarize --golden
decide nothing on part of a stream (2); record ends its capture properly.
In a directory, an entry that cannot be read is reported and the other
captures are read; a file that is not a capture (a README.txt) is skipped
with a note.`,
		Example: `  sseinspect capture.sse
  curl -N https://api.example.com/v1/chat/completions ... | sseinspect
  sseinspect summarize --json testdata/captures/*/*.sse`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	if only == "" {
		// Only the root answers --version: a tree of one subcommand
		// does not read the build information (start-up, issue 16).
		root.Version = version.Get().String()
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usagef("%v", err) })
	for _, c := range subcommands {
		if only == "" || only == c.name {
			root.AddCommand(c.make(env))
		}
	}
	if only != "" {
		// Execute would make cobra's completion command, formatting
		// its help, for a tree that never runs it.
		root.CompletionOptions.DisableDefaultCmd = true
		return root
	}
	// cobra's completion command, made here rather than by Execute, so
	// that a shell it does not know (tcsh) is an error, not its help and
	// exit 0.
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Args = func(c *cobra.Command, args []string) error {
				if len(args) > 0 {
					var shells []string
					for _, s := range c.Commands() {
						shells = append(shells, s.Name())
					}
					return usagef("completion: unknown shell %q (valid: %s)", args[0], strings.Join(shells, ", "))
				}
				return nil
			}
			// Runnable, so that cobra checks Args instead of printing
			// the help for any argument.
			c.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
		}
	}
	return root
}

// NewRootCommand returns the command tree that Run executes, with cobra's
// completion command added, for tools that document it (the man pages and
// the command reference). It runs nothing; env is only kept for a later
// Execute.
func NewRootCommand(env Env) *cobra.Command {
	return newRootCmd(&env)
}
