// Command quartier runs the Quartier citizen-participation platform.
//
//	quartier [--config FILE] serve [--migrate]   serve the web site and API
//	quartier [--config FILE] migrate             apply pending database migrations
//	quartier [--config FILE] admin create --email E [--role admin] [--name N] [--password-stdin]
//	quartier [--config FILE] import areas|addresses FILE [FLAGS]
//	quartier [--config FILE] demo                load demo content (development only)
//	quartier version                             print the version
//
// This file only wires: it reads flags, the config file and the environment, and
// hands values to the packages that do the work.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=..."; otherwise the
// VCS revision Go recorded is used.
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "quartier:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `usage: quartier [--config FILE] COMMAND [FLAGS]

commands:
  serve [--migrate]    serve the web site and the API
  migrate              apply pending database migrations
  admin create         create a staff account (--email, --role, --name, --password-stdin)
  import areas FILE    import a GeoJSON layer of areas (--kind commune|quarter|custom)
  import addresses FILE  import an address register (BD-Adresses CSV, CACLR CSV or zip)
  sync status          connectors: last and next pull, published, imported, failed deliveries
  sync run CONNECTOR   pull a connector now and queue what it should publish
  bench SCENARIO       load a running server: supports, ideas or map (see docs/PERFORMANCE.md)
  demo                 load demo content (development only)
  version              print the version

environment: DATABASE_URL, QUARTIER_ENV, QUARTIER_ADDR, QUARTIER_PUBLIC_URL, QUARTIER_SMTP_PASSWORD, QUARTIER_HOPLR_PASSWORD,
QUARTIER_DEMO_APP=1 (development: connect to a built-in fake neighbourhood app)`

// run is the whole program; main adds only the process around it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	global := flag.NewFlagSet("quartier", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	configPath := global.String("config", "config.yaml", "configuration file")
	if err := global.Parse(args); err != nil {
		return usageError{err.Error() + "\n" + usage}
	}
	rest := global.Args()
	if len(rest) == 0 {
		return usageError{usage}
	}
	explicit := false
	global.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "config" })
	env := commandEnv{ctx: ctx, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr,
		configPath: *configPath, configExplicit: explicit}
	switch cmd, cmdArgs := rest[0], rest[1:]; cmd {
	case "serve":
		return env.serve(cmdArgs)
	case "migrate":
		return env.migrate(cmdArgs)
	case "admin":
		return env.admin(cmdArgs)
	case "demo":
		return env.demo(cmdArgs)
	case "import":
		return env.importCmd(cmdArgs)
	case "bench":
		return env.bench(cmdArgs)
	case "sync":
		return env.syncCmd(cmdArgs)
	case "version":
		fmt.Fprintln(stdout, "quartier", buildVersion())
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		return usageError{fmt.Sprintf("unknown command %q\n%s", cmd, usage)}
	}
}

// commandEnv is what every subcommand receives from run.
type commandEnv struct {
	ctx            context.Context
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
	configPath     string
	configExplicit bool
}

// flags returns a flag set for a subcommand that also accepts --config.
func (e *commandEnv) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("quartier "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Func("config", "configuration file", func(v string) error {
		e.configPath, e.configExplicit = v, true
		return nil
	})
	return fs
}

func (e *commandEnv) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))}
	}
	return nil
}

func (e *commandEnv) config() (Config, error) {
	return loadConfig(e.configPath, e.configExplicit, e.getenv)
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}
