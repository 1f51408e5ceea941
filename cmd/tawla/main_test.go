package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tawla/demo"
	"tawla/workspace/sqlite"
)

func TestDemoRefusesExistingFile(t *testing.T) {
	data := filepath.Join(t.TempDir(), "tawla.db")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"demo", "-data", data}, nil, &out, &errOut); err != nil {
		t.Fatalf("demo: %v", err)
	}
	if !strings.Contains(out.String(), demo.SecretariatEmail) {
		t.Errorf("demo output does not list the logins: %q", out.String())
	}
	before, _ := os.Stat(data)
	if err := run(context.Background(), []string{"demo", "-data", data}, nil, &out, &errOut); err == nil {
		t.Fatal("second demo on the same file: got nil error, want a refusal")
	}
	after, _ := os.Stat(data)
	if before.Size() != after.Size() {
		t.Errorf("refused demo changed the file: %d → %d bytes", before.Size(), after.Size())
	}
}

func TestUserAddPrintsInvitation(t *testing.T) {
	data := filepath.Join(t.TempDir(), "tawla.db")
	var out, errOut bytes.Buffer
	args := []string{"user", "add", "-data", data, "-email", "Admin@Example.tn", "-name", "Première Admin",
		"-organisation", "Gouvernorat de Mahdia", "-base-url", "https://tawla.example.tn"}
	if err := run(context.Background(), args, nil, &out, &errOut); err != nil {
		t.Fatalf("user add: %v (%s)", err, errOut.String())
	}
	if !regexp.MustCompile(`https://tawla\.example\.tn/invitations/[A-Za-z0-9_-]{43}`).MatchString(out.String()) {
		t.Errorf("user add did not print an invitation link: %q", out.String())
	}
	db, err := sqlite.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	acc, err := db.FindAccountByEmail(context.Background(), "admin@example.tn")
	if err != nil {
		t.Fatalf("find created admin: %v", err)
	}
	if got, want := string(acc.Role), "admin"; got != want {
		t.Errorf("role = %q, want %q", got, want)
	}
	if acc.PasswordHash != "" {
		t.Error("account created with an invitation already has a password")
	}
}

func TestUserAddPasswordStdinAndBadInput(t *testing.T) {
	data := filepath.Join(t.TempDir(), "tawla.db")
	var out, errOut bytes.Buffer
	base := []string{"user", "add", "-data", data, "-name", "Amel", "-organisation", "Secrétariat", "-password-stdin"}
	if err := run(context.Background(), append(base, "-email", "amel@example.tn"), strings.NewReader("court\n"), &out, &errOut); err == nil {
		t.Error("a 5-character password was accepted")
	}
	if err := run(context.Background(), append(base, "-email", "amel@example.tn"), strings.NewReader("une phrase de passe assez longue\n"), &out, &errOut); err != nil {
		t.Fatalf("user add with password: %v", err)
	}
	if err := run(context.Background(), append(base, "-email", "amel@example.tn"), strings.NewReader("une phrase de passe assez longue\n"), &out, &errOut); err == nil {
		t.Error("a second account with the same email was accepted")
	}
	if err := run(context.Background(), append(base, "-email", "x@example.tn", "-role", "king"), strings.NewReader("une phrase de passe assez longue\n"), &out, &errOut); err == nil {
		t.Error("an unknown role was accepted")
	}
}

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	data, copyFile := filepath.Join(dir, "tawla.db"), filepath.Join(dir, "copy.db")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"demo", "-data", data}, nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"backup", "-data", data, "-out", copyFile}, nil, &out, &errOut); err != nil {
		t.Fatalf("backup: %v", err)
	}
	db, err := sqlite.Open(context.Background(), copyFile)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.FindAccountByEmail(context.Background(), demo.AdminEmail); err != nil {
		t.Errorf("the copy lacks the demo admin: %v", err)
	}
	if err := run(context.Background(), []string{"backup", "-data", data, "-out", copyFile}, nil, &out, &errOut); err == nil {
		t.Error("backup over an existing file was accepted")
	}
}

// TestServeGracefulShutdown starts the server on a demo database, opens a
// websocket as the secretariat, and checks that Close answers the health
// check until then and closes the websocket with 1001 "going away".
func TestServeGracefulShutdown(t *testing.T) {
	data := filepath.Join(t.TempDir(), "tawla.db")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"demo", "-data", data}, nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Addr: "127.0.0.1:0", Data: data, BaseURL: "http://127.0.0.1", LogLevel: "error"}
	logger, _ := newLogger("error", &errOut)
	m := &Main{Config: cfg, Logger: logger}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			m.Close(context.Background())
		}
	}()

	resp, err := http.Get(m.URL() + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	form := url.Values{"email": {demo.SecretariatEmail}, "password": {demo.Password}}
	resp, err = client.PostForm(m.URL()+"/login", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	u, _ := url.Parse(m.URL())
	if len(jar.Cookies(u)) == 0 {
		t.Fatal("login set no cookie")
	}
	header := http.Header{"Origin": {m.URL()}}
	for _, c := range jar.Cookies(u) {
		header.Add("Cookie", c.Name+"="+c.Value)
	}
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(m.URL(), "http")+"/ws", header)
	if err != nil {
		t.Fatalf("dial websocket: %v", err)
	}
	defer ws.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	closed = true
	if err := m.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := ws.ReadMessage(); err != nil {
			if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
				t.Fatalf("websocket ended with %v, want close 1001 going away", err)
			}
			break
		}
	}
	if _, err := http.Get(m.URL() + "/healthz"); err == nil {
		t.Error("server still answers after Close")
	}
}

func TestServeTimeZoneFlag(t *testing.T) {
	t.Run("Default", func(t *testing.T) {
		t.Setenv("TAWLA_TIMEZONE", "")
		cfg, err := parseServeFlags(nil, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := cfg.TimeZone, "Africa/Tunis"; got != want {
			t.Errorf("TimeZone = %q, want %q", got, want)
		}
	})
	t.Run("Environment", func(t *testing.T) {
		t.Setenv("TAWLA_TIMEZONE", "Europe/Paris")
		cfg, err := parseServeFlags(nil, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := cfg.TimeZone, "Europe/Paris"; got != want {
			t.Errorf("TimeZone = %q, want %q", got, want)
		}
	})
	t.Run("FlagOverEnvironment", func(t *testing.T) {
		t.Setenv("TAWLA_TIMEZONE", "Europe/Paris")
		cfg, err := parseServeFlags([]string{"-timezone", "UTC"}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := cfg.TimeZone, "UTC"; got != want {
			t.Errorf("TimeZone = %q, want %q", got, want)
		}
	})
}

// TestServeRefusesUnknownTimeZone checks that serve stops at start, with a
// message that names the zone, instead of serving dates in a wrong zone.
func TestServeRefusesUnknownTimeZone(t *testing.T) {
	data := filepath.Join(t.TempDir(), "tawla.db")
	var out, errOut bytes.Buffer
	args := []string{"serve", "-addr", "127.0.0.1:0", "-data", data, "-timezone", "Africa/Mahdia"}
	err := run(context.Background(), args, nil, &out, &errOut)
	if err == nil {
		t.Fatal("serve with an unknown time zone: got nil error, want a refusal")
	}
	if !strings.Contains(err.Error(), `time zone "Africa/Mahdia" is unknown`) {
		t.Errorf("error %q does not name the unknown time zone", err)
	}
	if strings.Contains(out.String(), "running") {
		t.Errorf("serve said it was running: %q", out.String())
	}
}

// TestSecondServerRefused starts a server on a file, then a second one on
// the same file: the second must stop at once with a message naming the
// file and the process that serves it, before it opens the database or
// listens, while the first keeps serving; once the first has closed, the
// file may be served again.
func TestSecondServerRefused(t *testing.T) {
	data := filepath.Join(t.TempDir(), "tawla.db")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"demo", "-data", data}, nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	logger, _ := newLogger("error", &errOut)
	cfg := Config{Addr: "127.0.0.1:0", Data: data, BaseURL: "http://127.0.0.1", LogLevel: "error"}
	first := &Main{Config: cfg, Logger: logger}
	if err := first.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	firstClosed := false
	defer func() {
		if !firstClosed {
			first.Close(context.Background())
		}
	}()

	second := &Main{Config: cfg, Logger: logger}
	start := time.Now()
	err := second.Run(context.Background())
	if err == nil {
		second.Close(context.Background())
		t.Fatal("second server on the same file: got nil error, want a refusal")
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("the refusal took %v; it should not wait for the lock", elapsed)
	}
	for _, want := range []string{data, "pid " + strconv.Itoa(os.Getpid())} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not name %q", err, want)
		}
	}
	if second.ln != nil {
		t.Error("the refused server listens")
	}

	// The whole command says the same, and says nothing is running.
	out.Reset()
	err = run(context.Background(), []string{"serve", "-addr", "127.0.0.1:0", "-data", data}, nil, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), data) {
		t.Errorf("tawla serve on a served file: err = %v, want a refusal naming %s", err, data)
	}
	if strings.Contains(out.String(), "running") {
		t.Errorf("the refused serve said it was running: %q", out.String())
	}

	for _, path := range []string{"/healthz", "/readyz", "/login"} {
		resp, err := http.Get(first.URL() + path)
		if err != nil {
			t.Fatalf("first server after the refusal: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("first server after the refusal: GET %s = %d, want 200", path, resp.StatusCode)
		}
	}

	// backup and user add take no lock: they work beside the server.
	copyFile := filepath.Join(filepath.Dir(data), "copy.db")
	if err := run(context.Background(), []string{"backup", "-data", data, "-out", copyFile}, nil, &out, &errOut); err != nil {
		t.Errorf("backup while serving: %v", err)
	}
	add := []string{"user", "add", "-data", data, "-email", "nouvelle@example.tn", "-name", "Nouvelle",
		"-organisation", "Gouvernorat de Mahdia"}
	if err := run(context.Background(), add, nil, &out, &errOut); err != nil {
		t.Errorf("user add while serving: %v", err)
	}

	firstClosed = true
	if err := first.Close(context.Background()); err != nil {
		t.Fatalf("close the first server: %v", err)
	}
	third := &Main{Config: cfg, Logger: logger}
	if err := third.Run(context.Background()); err != nil {
		t.Fatalf("serve the file again after the first server closed: %v", err)
	}
	if err := third.Close(context.Background()); err != nil {
		t.Errorf("close the third server: %v", err)
	}
}

// syncBuffer is a bytes.Buffer that a running command writes to while the
// test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serveUntilRunning runs tawla serve with args until it says it is
// running, then stops it, and returns what it wrote.
func serveUntilRunning(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"serve"}, args...), nil, &out, &errOut) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "running") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	return out.String(), errOut.String()
}

// TestServePrintsAddressOnce runs tawla serve as make run does and checks
// that the address to open appears once in all it writes, on the line
// that says it is running.
func TestServePrintsAddressOnce(t *testing.T) {
	data := filepath.Join(t.TempDir(), "tawla.db")
	const public = "http://tawla.test:8080"
	stdout, stderr := serveUntilRunning(t, "-addr", "127.0.0.1:0", "-data", data, "-base-url", public)
	if got := strings.Count(stdout+stderr, public); got != 1 {
		t.Errorf("the address appears %d times, want once:\n%s%s", got, stdout, stderr)
	}
	if want := "Tawla is running: open " + public + " "; !strings.Contains(stdout, want) {
		t.Errorf("stdout %q lacks %q", stdout, want)
	}
}

// TestServeWarnsReadableData checks that serve warns about a data file
// that other users may read (one an older Tawla created 0644), and is
// silent about one it created itself.
func TestServeWarnsReadableData(t *testing.T) {
	data := filepath.Join(t.TempDir(), "tawla.db")
	args := []string{"-addr", "127.0.0.1:0", "-data", data}
	if _, stderr := serveUntilRunning(t, args...); strings.Contains(stderr, "chmod") {
		t.Errorf("warned about a file created 0600: %s", stderr)
	}
	if err := os.Chmod(data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr := serveUntilRunning(t, args...); !strings.Contains(stderr, "chmod 600") {
		t.Errorf("no warning about a file readable by others: %s", stderr)
	}
}

// TestServeSynchronousFlag checks that -synchronous (and
// TAWLA_SYNCHRONOUS) sets the writer's synchronous pragma of the served
// database, that full is the default, and that another value stops serve
// with the variable's name.
func TestServeSynchronousFlag(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		env  string
		want sqlite.Synchronous
	}{
		{"Default", nil, "", sqlite.SynchronousFull},
		{"FlagNormal", []string{"-synchronous", "normal"}, "", sqlite.SynchronousNormal},
		{"EnvironmentNormal", nil, "NORMAL", sqlite.SynchronousNormal},
		{"FlagOverEnvironment", []string{"-synchronous", "full"}, "normal", sqlite.SynchronousFull},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("TAWLA_SYNCHRONOUS", tt.env)
			args := append([]string{"-addr", "127.0.0.1:0", "-data", filepath.Join(t.TempDir(), "tawla.db"), "-log-level", "error"}, tt.args...)
			cfg, err := parseServeFlags(args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Synchronous != string(tt.want) {
				t.Errorf("Synchronous = %q, want %q", cfg.Synchronous, tt.want)
			}
			logger, err := newLogger(cfg.LogLevel, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			m := &Main{Config: cfg, Logger: logger}
			if err := m.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			got, err := m.db.WriterSynchronous(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("writer PRAGMA synchronous = %q, want %q", got, tt.want)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := m.Close(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("Refused", func(t *testing.T) {
		t.Setenv("TAWLA_SYNCHRONOUS", "off")
		_, err := parseServeFlags(nil, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "TAWLA_SYNCHRONOUS") {
			t.Errorf("TAWLA_SYNCHRONOUS=off: err = %v, want a refusal naming the variable", err)
		}
	})
}
