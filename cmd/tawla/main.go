// Command tawla runs the workspace of a regional coordination table.
//
//	tawla serve  -addr HOST:PORT -data FILE   start the web server
//	tawla demo   -data FILE                   fill a new database with the demo table
//	tawla user add -data FILE -email … -name … -organisation …
//	                                          create an account (the first admin)
//	tawla backup -data FILE -out FILE         write a consistent copy of the database
//
// Every flag of serve can also come from the environment, as TAWLA_ and
// its name in capitals: TAWLA_ADDR, TAWLA_DATA, TAWLA_BASE_URL,
// TAWLA_LOG_LEVEL, TAWLA_TIMEZONE (the table's time zone, Africa/Tunis by
// default), TAWLA_MAX_MESSAGE, TAWLA_MAX_DOCUMENT; README.md's table lists
// them with their defaults. The other commands read TAWLA_DATA (and user add
// TAWLA_BASE_URL). This is the only place where the parts of Tawla are
// wired together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "tawla:", err)
		os.Exit(1)
	}
}

const usage = `Usage: tawla <command> [flags]

Commands:
  serve      start the web server
  demo       fill a new database with the demo table
  user add   create an account (for the first administrator)
  backup     write a consistent copy of the database

Run "tawla <command> -h" for a command's flags.
`

// run dispatches to a subcommand. It returns when the command is done or,
// for serve, when ctx is cancelled and the server has shut down.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "demo":
		return runDemo(ctx, args[1:], stdout, stderr)
	case "user":
		if len(args) < 2 || args[1] != "add" {
			fmt.Fprint(stderr, "Usage: tawla user add [flags]\n")
			return flag.ErrHelp
		}
		return runUserAdd(ctx, args[2:], stdin, stdout, stderr)
	case "backup":
		return runBackup(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "tawla: unknown command %q\n\n%s", args[0], usage)
	return flag.ErrHelp
}

// envOr returns the environment variable name, or def when it is unset.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}
