package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"

	"tawla/collab"
	"tawla/live"
	"tawla/server"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// Config is what the serve command needs, from flags and environment.
type Config struct {
	Addr     string
	Data     string
	BaseURL  string
	LogLevel string
	// MaxMessage is the largest websocket message, in bytes.
	MaxMessage int64
	// MaxDocument is the largest co-edited document, in UTF-16 code units.
	MaxDocument int
	// TimeZone is the table's time zone, in which pages show dates.
	TimeZone string
	// SessionConnections and AddressConnections bound the websockets of
	// one session and of one client address; MessageRate bounds the
	// messages a second of one websocket.
	SessionConnections int
	AddressConnections int
	MessageRate        float64
	// PasswordChecks bounds the password checks running at once; zero
	// lets the server choose.
	PasswordChecks int
	// Synchronous is how commits are made durable: "full" (a sync of the
	// disk at every commit, the default) or "normal".
	Synchronous string
	// TrustedProxy is the -trusted-proxy setting as given: the reverse
	// proxies whose X-Forwarded-For names the client; TrustedProxies is
	// what it says, read by parseServeFlags.
	TrustedProxy   string
	TrustedProxies []netip.Prefix
	// SessionIdle is the -session-idle setting as given, a Go duration;
	// SessionIdleLimit is what it says, read by parseServeFlags: how long
	// a session may go unused before it ends.
	SessionIdle      string
	SessionIdleLimit time.Duration
}

// shutdownGrace bounds how long in-flight requests and live connections get
// to finish after SIGINT or SIGTERM.
const shutdownGrace = 15 * time.Second

// parseServeFlags returns the Config of tawla serve from its command-line
// arguments and, for each flag not given there, its environment variable
// (envName).
func parseServeFlags(args []string, stderr io.Writer) (Config, error) {
	var cfg Config
	if err := parseServeArgs(newServeFlags(&cfg, stderr), args); err != nil {
		return cfg, err
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + cfg.Addr
	}
	durability, err := sqlite.ParseSynchronous(cfg.Synchronous)
	if err != nil {
		return cfg, fmt.Errorf("-synchronous (%s): %w", envName("synchronous"), err)
	}
	cfg.Synchronous = string(durability)
	if cfg.SessionIdleLimit, err = parseSessionIdle(cfg.SessionIdle); err != nil {
		return cfg, fmt.Errorf("-session-idle (%s): %w", envName("session-idle"), err)
	}
	if cfg.TrustedProxies, err = server.ParseTrustedProxies(cfg.TrustedProxy); err != nil {
		return cfg, fmt.Errorf("-trusted-proxy (%s): %w", envName("trusted-proxy"), err)
	}
	return cfg, nil
}

// newServeFlags returns the flags of tawla serve, which fill cfg. Each
// flag can also be set by its environment variable, named by envName;
// README.md's configuration table lists them all, and a test holds it to
// this list.
func newServeFlags(cfg *Config, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "address to listen on (TAWLA_ADDR)")
	fs.StringVar(&cfg.Data, "data", "data/tawla.db", "SQLite database file (TAWLA_DATA)")
	fs.StringVar(&cfg.BaseURL, "base-url", "", "public address, for links (TAWLA_BASE_URL; default http://ADDR)")
	fs.StringVar(&cfg.LogLevel, "log-level", "info", "debug, info, warn or error (TAWLA_LOG_LEVEL)")
	fs.Int64Var(&cfg.MaxMessage, "max-message", 1<<20, "largest websocket message a client may send, in bytes (TAWLA_MAX_MESSAGE)")
	fs.StringVar(&cfg.TimeZone, "timezone", server.DefaultTimeZone, "IANA time zone in which dates are shown (TAWLA_TIMEZONE)")
	fs.IntVar(&cfg.MaxDocument, "max-document", collab.DefaultLimits.MaxDocumentUnits, "largest co-edited document, in UTF-16 code units (TAWLA_MAX_DOCUMENT)")
	fs.IntVar(&cfg.SessionConnections, "max-session-connections", live.DefaultLimits.ConnectionsPerSession, "most websockets one session may hold open (TAWLA_MAX_SESSION_CONNECTIONS)")
	fs.IntVar(&cfg.AddressConnections, "max-address-connections", live.DefaultLimits.ConnectionsPerAddress, "most websockets one client address may hold open; behind a proxy not named by -trusted-proxy, all clients share its address (TAWLA_MAX_ADDRESS_CONNECTIONS)")
	fs.Float64Var(&cfg.MessageRate, "max-message-rate", live.DefaultLimits.MessagesPerSecond, "messages a second one websocket may send on average; faster ones are read more slowly (TAWLA_MAX_MESSAGE_RATE)")
	fs.StringVar(&cfg.Synchronous, "synchronous", string(sqlite.SynchronousFull), "full: every commit synced to the disk before its acknowledgement, survives a power cut; normal: survives a crash of the process, a power cut may lose the last moments (TAWLA_SYNCHRONOUS)")
	fs.IntVar(&cfg.PasswordChecks, "max-password-checks", 0, "password checks (argon2id, about 19 MiB each) that may run at once; 0: one per processor, at least two (TAWLA_MAX_PASSWORD_CHECKS)")
	fs.StringVar(&cfg.SessionIdle, "session-idle", "8h", "how long a session may go unused before it ends, such as 8h or 30m; at least 5m (TAWLA_SESSION_IDLE)")
	fs.StringVar(&cfg.TrustedProxy, "trusted-proxy", "", "comma-separated IP addresses or networks (10.0.0.0/8) of reverse proxies whose X-Forwarded-For names the client; none by default (TAWLA_TRUSTED_PROXY)")
	return fs
}

// parseServeArgs parses args into fs, then sets each flag that args did
// not give from its environment variable, when that is set and not empty:
// a flag wins over the environment, and a bad value in the environment is
// refused as a bad flag would be.
func parseServeArgs(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		v, ok := os.LookupEnv(envName(f.Name))
		if given[f.Name] || !ok || v == "" {
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", envName(f.Name), v, err))
		}
	})
	return errors.Join(errs...)
}

// parseSessionIdle reads the -session-idle setting: a Go duration (8h,
// 90m), no shorter than workspace.MinSessionIdle.
func parseSessionIdle(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration, such as 8h or 30m", v)
	}
	if d < workspace.MinSessionIdle {
		return 0, fmt.Errorf("%q is shorter than the least, %v", v, workspace.MinSessionIdle)
	}
	return d, nil
}

// envName returns the environment variable of the serve flag name:
// TAWLA_ and the name in capitals, "-" becoming "_" (-base-url is
// TAWLA_BASE_URL).
func envName(flagName string) string {
	return "TAWLA_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func newLogger(level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: use debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

// Main is a running Tawla server: the lock on its data file, the store,
// the HTTP server and the listener, taken by Run and released by Close.
type Main struct {
	Config Config
	Logger *slog.Logger

	lock   *dataLock
	db     *sqlite.DB
	app    *server.Server
	http   *http.Server
	ln     net.Listener
	served chan error
}

// Run locks the data file, opens the database, builds the server and
// starts listening. It returns once the server accepts connections. When
// another process holds the data file, Run fails at once, before it opens
// the database (whose migrations would write) or listens. When Run fails,
// it has released what it took.
func (m *Main) Run(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			m.release()
		}
	}()
	if m.lock, err = lockData(m.Config.Data); err != nil {
		return err
	}
	db, err := sqlite.OpenWith(ctx, m.Config.Data, sqlite.Options{
		Synchronous: sqlite.Synchronous(m.Config.Synchronous),
		SessionIdle: m.Config.SessionIdleLimit,
	})
	if err != nil {
		return err
	}
	m.db = db
	app, err := server.New(server.Config{
		BaseURL:         m.Config.BaseURL,
		Logger:          m.Logger,
		MaxMessageBytes: m.Config.MaxMessage,
		Collab:          collab.Limits{MaxDocumentUnits: m.Config.MaxDocument},
		Live: live.Limits{
			ConnectionsPerSession: m.Config.SessionConnections,
			ConnectionsPerAddress: m.Config.AddressConnections,
			MessagesPerSecond:     m.Config.MessageRate,
		},
		TimeZone:          m.Config.TimeZone,
		MaxPasswordChecks: m.Config.PasswordChecks,
		TrustedProxies:    m.Config.TrustedProxies,
	}, db)
	if err != nil {
		return err
	}
	m.app = app
	// Dead sessions and used invitations are deleted now and then.
	app.StartPurger(ctx, server.DefaultPurgeInterval)
	// Connections of sessions that ended (idle, expired) are closed.
	app.StartSessionSweeper(ctx, server.DefaultSessionSweepInterval)
	// Ended editing sessions of drafts go to the audit log.
	app.StartSessionRecorder(ctx, server.DefaultSessionRecordInterval)
	m.http = &http.Server{
		Handler:           app,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	if m.ln, err = net.Listen("tcp", m.Config.Addr); err != nil {
		return err
	}
	m.served = make(chan error, 1)
	go func() { m.served <- m.http.Serve(m.ln) }()
	return nil
}

// URL returns the address the server listens on.
func (m *Main) URL() string {
	return "http://" + m.ln.Addr().String()
}

// Close shuts the server down gracefully: it stops accepting, lets
// in-flight requests finish, closes websockets with "going away", then
// closes the database and releases the data file's lock. ctx bounds the
// wait.
func (m *Main) Close(ctx context.Context) error {
	var errs []error
	// served is nil when Run failed before serving: it released all then.
	if m.http != nil && m.served != nil {
		// Websockets are hijacked connections that Shutdown does not track:
		// close them alongside.
		done := make(chan struct{})
		go func() { m.app.Shutdown(ctx); close(done) }()
		if err := m.http.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
		<-done
		if err := <-m.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	errs = append(errs, m.release())
	return errors.Join(errs...)
}

// release closes the listener if the server never started, the database,
// then releases the lock, which only goes once nothing can write any more.
func (m *Main) release() error {
	var errs []error
	if m.ln != nil && m.served == nil {
		errs = append(errs, m.ln.Close())
	}
	if m.db != nil {
		errs = append(errs, m.db.Close())
		m.db = nil
	}
	errs = append(errs, m.lock.Release())
	m.lock = nil
	return errors.Join(errs...)
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseServeFlags(args, stderr)
	if err != nil {
		return err
	}
	logger, err := newLogger(cfg.LogLevel, stderr)
	if err != nil {
		return err
	}
	m := &Main{Config: cfg, Logger: logger}
	if err := m.Run(ctx); err != nil {
		return err
	}
	// A database an older Tawla created is readable by every user of the
	// machine; say so, rather than change a mode its owner may have chosen.
	if fi, err := os.Stat(cfg.Data); err == nil && fi.Mode().Perm()&0o077 != 0 {
		logger.Warn("the data file, which holds password hashes, is readable by other users: chmod 600 it",
			"data", cfg.Data, "mode", fi.Mode().Perm().String())
	}
	// The address to open is said once, on stdout, once the server
	// listens; the log names the file and the process that holds its lock.
	logger.Info("tawla is serving", "data", cfg.Data, "pid", os.Getpid(), "synchronous", cfg.Synchronous)
	fmt.Fprintf(stdout, "Tawla is running: open %s (Ctrl-C stops it)\n", strings.TrimRight(cfg.BaseURL, "/"))

	select {
	case <-ctx.Done():
	case err := <-m.served:
		m.served <- err // let Close read it
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	return m.Close(sctx)
}
