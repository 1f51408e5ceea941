package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"tawla/client"
	"tawla/collab"
	"tawla/demo"
	"tawla/server"
	"tawla/workspace"
	"tawla/workspace/change"
	"tawla/workspace/sqlite"
)

// The memory step: what an idle connection costs a real `tawla serve`
// (its resident memory), and what an open document costs the authority
// (the live heap of a server run inside the benchmark, before and after
// the document is opened).

func init() {
	register(Step{Name: "memory", Run: runMemory})
}

const (
	// idleConnections is how many idle websockets are opened,
	// idleQuickConnections in the quick run.
	idleConnections      = 1000
	idleQuickConnections = 300
)

func runMemory(ctx context.Context, env *Env, rep *Report) error {
	if err := measureIdleConnections(ctx, env, rep); err != nil {
		return err
	}
	return measureOpenDocuments(ctx, env, rep)
}

// measureIdleConnections opens websockets that do nothing on a fresh
// server and divides the growth of its resident memory by their number.
func measureIdleConnections(ctx context.Context, env *Env, rep *Report) error {
	n := idleConnections
	if env.Quick {
		n = idleQuickConnections
	}
	proc, err := StartTawla(ctx, env, "memory")
	if err != nil {
		return err
	}
	defer proc.Stop()
	sess, err := client.Login(ctx, "http://"+proc.Addr, demo.MemberEmail, demo.Password)
	if err != nil {
		return err
	}
	if err := proc.Restart(ctx, env); err != nil {
		return err
	}
	// A few connections first, so that what the first one sets up once
	// is not counted.
	warm, err := dialIdle(ctx, sess, 20)
	closeAll(warm)
	if err != nil {
		return err
	}
	time.Sleep(300 * time.Millisecond)
	before, err := proc.Usage()
	if err != nil {
		return err
	}
	conns, err := dialIdle(ctx, sess, n)
	defer closeAll(conns)
	if err != nil {
		return err
	}
	time.Sleep(500 * time.Millisecond)
	after, err := proc.Usage()
	if err != nil {
		return err
	}
	per := float64(after.RSS-before.RSS) / float64(n)
	rep.Set("memory.idle_connections", float64(n))
	rep.Set("memory.idle_connection_bytes", per)
	rep.Row("memory", fmt.Sprintf("idle websocket connection (server RSS growth / %d)", n), fmt.Sprintf("%.1f KiB", per/1024))
	return nil
}

func dialIdle(ctx context.Context, sess *client.Session, n int) ([]*client.Conn, error) {
	conns := make([]*client.Conn, 0, n)
	for i := 0; i < n; i++ {
		c, err := sess.Dial(ctx)
		if err != nil {
			return conns, fmt.Errorf("idle connection %d: %w", i, err)
		}
		conns = append(conns, c)
	}
	return conns, nil
}

func closeAll(conns []*client.Conn) {
	for _, c := range conns {
		c.Close()
	}
}

// measureOpenDocuments opens documents on a server running in this
// process and measures the live heap (and goroutine stacks) it holds for
// each: an empty one (the fixed cost), one of 100 KB without history, and
// the automerge-paper document after its whole history was stored, which
// the authority opens with the latest snapshot and the last
// collab.DefaultLimits.HistoryKeep updates kept for rebasing.
func measureOpenDocuments(ctx context.Context, env *Env, rep *Report) error {
	data := filepath.Join(env.Work, "memory-docs.db")
	if out, err := exec.CommandContext(ctx, env.TawlaBin, "demo", "-data", data).CombinedOutput(); err != nil {
		return fmt.Errorf("tawla demo: %v: %s", err, out)
	}
	db, err := sqlite.Open(ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	acc, err := db.FindAccountByEmail(ctx, demo.MemberEmail)
	if err != nil {
		return err
	}

	text100k, err := stormText(env)
	if err != nil {
		return err
	}
	tr, err := LoadTrace(env, "automerge-paper")
	if err != nil {
		return err
	}
	limit := 0
	if env.Quick {
		limit = durableQuickEdits
	}
	w, err := buildWire(tr, limit)
	if err != nil {
		return err
	}
	versions := len(w.sets)
	docs := []struct {
		name string
		id   int64
		text string
	}{{name: "warm-up"}, {name: "empty"}, {name: "100k", text: text100k}, {name: "history", text: w.want}}
	for i := range docs {
		d := &docs[i]
		if d.name == "history" {
			d.id, err = storeHistory(ctx, db, acc, w)
		} else {
			d.id, err = createDraft(ctx, db, acc, "Benchmark: memory, "+d.name, d.text)
		}
		if err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	app, err := server.New(server.Config{BaseURL: base}, db)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer func() {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		app.Shutdown(shutdownCtx)
		srv.Shutdown(shutdownCtx)
	}()
	sess, err := client.Login(ctx, base, demo.MemberEmail, demo.Password)
	if err != nil {
		return err
	}

	sizes := map[string]float64{}
	for _, d := range docs {
		size, err := openDocumentCost(ctx, sess, d.id)
		if err != nil {
			return fmt.Errorf("document %s: %w", d.name, err)
		}
		sizes[d.name] = size
	}
	fixed := sizes["empty"]
	perText := (sizes["100k"] - fixed) / float64(len(text100k))
	kept := min(collab.DefaultLimits.HistoryKeep, versions)
	historyText := float64(len(docs[3].text))
	perUpdate := (sizes["history"] - fixed - perText*historyText) / float64(kept)
	rep.Set("memory.doc_empty_bytes", fixed)
	rep.Set("memory.doc_100k_bytes", sizes["100k"])
	rep.Set("memory.doc_100k_text_bytes", float64(len(text100k)))
	rep.Set("memory.doc_per_text_byte", perText)
	rep.Set("memory.doc_history_bytes", sizes["history"])
	rep.Set("memory.doc_history_text_bytes", historyText)
	rep.Set("memory.doc_history_updates_kept", float64(kept))
	rep.Set("memory.doc_history_per_update_bytes", perUpdate)
	rep.Row("memory", "open document: fixed cost (an empty one)", sizeString(uint64(fixed)))
	rep.Row("memory", fmt.Sprintf("open document of %d KB, no history: total; per byte of text above the fixed cost", len(text100k)/1000),
		fmt.Sprintf("%s; %.2f B", sizeString(uint64(sizes["100k"])), perText))
	rep.Row("memory", fmt.Sprintf("automerge-paper after its %d updates (%d KB, the last %d kept for rebasing): total; per update kept", versions, int(historyText)/1000, kept),
		fmt.Sprintf("%s; %.0f B", sizeString(uint64(sizes["history"])), perUpdate))
	return nil
}

// createDraft stores a procedure whose draft is text and returns the
// draft's document ID.
func createDraft(ctx context.Context, db *sqlite.DB, acc *workspace.Account, title, text string) (int64, error) {
	p := &workspace.Procedure{Title: title, Language: "fr", Category: workspace.CategoryOther,
		Summary: "Document created by the benchmark (bench/)."}
	if err := db.CreateProcedure(ctx, workspace.ActorFor(acc), p, text); err != nil {
		return 0, err
	}
	return p.DocumentID, nil
}

// storeHistory stores a document as the durable step leaves it: the
// trace's updates in batches of 1,000 from one client, with the snapshot
// the authority writes every collab.DefaultLimits.SnapshotEvery updates.
func storeHistory(ctx context.Context, db *sqlite.DB, acc *workspace.Account, w *wireTrace) (int64, error) {
	id, err := createDraft(ctx, db, acc, "Benchmark: memory, history", w.start)
	if err != nil {
		return 0, err
	}
	every := collab.DefaultLimits.SnapshotEvery
	text := change.NewText(w.start)
	var batch []*workspace.DocumentUpdate
	from := 0
	for i, set := range w.sets {
		if err := set.Apply(&text); err != nil {
			return 0, fmt.Errorf("update %d: %w", i+1, err)
		}
		accountID := acc.ID
		batch = append(batch, &workspace.DocumentUpdate{ClientID: "durable-replay", ClientSeq: int64(i + 1), Changes: string(w.messages[i]), AccountID: &accountID})
		if (i+1)%every != 0 && i+1 < len(w.sets) {
			continue
		}
		if (i+1)%every == 0 {
			err = db.AppendDocumentUpdatesAndSnapshot(ctx, id, from, batch, text.String())
		} else {
			err = db.AppendDocumentUpdates(ctx, id, from, batch)
		}
		if err != nil {
			return 0, err
		}
		from, batch = i+1, nil
	}
	return id, nil
}

// openDocumentCost joins a document nobody has open over a fresh
// connection and returns how much the live heap and the goroutine stacks
// grew: the room and what it holds. The connection's own cost is paid
// before the first measure. It leaves the document open until the
// connection closes, on return.
func openDocumentCost(ctx context.Context, sess *client.Session, docID int64) (float64, error) {
	conn, err := sess.Dial(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	// The room of the document measured before closes on its own.
	time.Sleep(200 * time.Millisecond)
	before := liveMemory()
	if err := conn.Send(ctx, []byte(`{"type":"doc.join","doc":`+strconv.FormatInt(docID, 10)+`}`)); err != nil {
		return 0, err
	}
	if err := receiveUntil(ctx, conn, "doc.state"); err != nil {
		return 0, err
	}
	// The connection's writer goroutine may still hold the doc.state it
	// wrote (in the slot its select received it into) until it writes the
	// next message: a pong moves it on, so that only the room is counted.
	if err := conn.Send(ctx, []byte(`{"type":"ping","id":1}`)); err != nil {
		return 0, err
	}
	if err := receiveUntil(ctx, conn, "pong"); err != nil {
		return 0, err
	}
	time.Sleep(50 * time.Millisecond)
	return float64(liveMemory()) - float64(before), nil
}

// receiveUntil reads messages until one of type typ; an error message
// is an error.
func receiveUntil(ctx context.Context, conn *client.Conn, typ string) error {
	for {
		data, err := conn.Receive(ctx)
		if err != nil {
			return err
		}
		var m struct{ Type, Message string }
		if err := json.Unmarshal(data, &m); err != nil {
			return err
		}
		switch m.Type {
		case "error":
			return errors.New(m.Message)
		case typ:
			return nil
		}
	}
}

// liveMemory returns the bytes of live heap objects and goroutine stacks,
// after two full collections: the first only moves what sync.Pools hold
// (such as encoding/json's buffer, as big as the last message it wrote)
// aside, the second frees it.
func liveMemory() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse
}
