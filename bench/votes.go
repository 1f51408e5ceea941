package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"tawla/demo"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// The vote: a room of voting members on their phones. Every member has a
// live connection following the poll (poll:N); they vote within one
// second, evenly spread, each over its own connection (poll.vote); then
// the secretariat closes the poll through its page's form. Figures in
// results.json, documented in docs/benchmarks.md:
//
//	votes.voters              members voting, one connection each
//	votes.ack_p50_ms, ack_p95_ms, ack_max_ms
//	                          poll.vote sent → poll.voted received (the
//	                          ballot committed)
//	votes.all_acked_ms        first ballot sent → last ballot acknowledged
//	votes.close_http_ms       the close form posted → its 303
//	votes.result_p50_ms, result_max_ms
//	                          the close posted → the closed poll.state,
//	                          with the result, received on a connection
//	                          (max: on every one)
//	votes.server_cpu_seconds  the server's CPU time over the whole vote

func init() { register(Step{Name: "votes", Run: runVotes}) }

const (
	// voteMembers is how many members vote, each from its own connection.
	voteMembers = 100
	// voteSpread is the time over which their ballots are sent.
	voteSpread = time.Second
	// voteTimeout bounds the wait for every answer.
	voteTimeout = 30 * time.Second
)

// voteConn is one member's connection and what it received.
type voteConn struct {
	ws      *websocket.Conn
	sent    time.Time
	acked   chan time.Time // poll.voted
	refused chan string    // an error
	closed  chan time.Time // the closed poll.state
	cast    int            // ballots counted in the result it received
}

func runVotes(ctx context.Context, env *Env, rep *Report) error {
	proc, err := StartTawla(ctx, env, "votes")
	if err != nil {
		return err
	}
	defer proc.Stop()
	tokens, staffToken, pollID, yes, err := setUpVote(ctx, proc, voteMembers)
	if err != nil {
		return err
	}
	base := "http://" + proc.Addr

	// Every member follows the poll before it starts.
	conns := make([]*voteConn, voteMembers)
	for i, token := range tokens {
		c, err := dialVoter(ctx, proc.Addr, token, pollID)
		if err != nil {
			return fmt.Errorf("member %d: %w", i, err)
		}
		defer c.ws.Close()
		conns[i] = c
	}
	before, err := proc.Usage()
	if err != nil {
		return err
	}

	// The ballots, spread evenly over one second.
	start := time.Now()
	var wg sync.WaitGroup
	var sendErr error
	var mu sync.Mutex
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Until(start.Add(voteSpread * time.Duration(i) / voteMembers)))
			msg, _ := json.Marshal(map[string]any{"type": "poll.vote", "poll": pollID, "choices": []int64{yes}})
			c.sent = time.Now()
			if err := c.ws.WriteMessage(websocket.TextMessage, msg); err != nil {
				mu.Lock()
				sendErr = err
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if sendErr != nil {
		return sendErr
	}
	var acks []time.Duration
	var lastAck time.Time
	timeout := time.After(voteTimeout)
	for i, c := range conns {
		select {
		case at := <-c.acked:
			acks = append(acks, at.Sub(c.sent))
			if at.After(lastAck) {
				lastAck = at
			}
		case msg := <-c.refused:
			return fmt.Errorf("member %d's ballot refused: %s", i, msg)
		case <-timeout:
			return fmt.Errorf("%d of %d ballots acknowledged after %v", len(acks), voteMembers, voteTimeout)
		}
	}

	// The secretariat closes the poll; the result reaches every screen.
	closeStart := time.Now()
	status, err := postForm(ctx, base, staffToken, "/polls/"+strconv.FormatInt(pollID, 10)+"/close")
	closeHTTP := time.Since(closeStart)
	if err != nil {
		return err
	}
	if status != http.StatusSeeOther {
		return fmt.Errorf("closing the poll: status %d", status)
	}
	var results []time.Duration
	for i, c := range conns {
		select {
		case at := <-c.closed:
			results = append(results, at.Sub(closeStart))
			if c.cast != voteMembers {
				return fmt.Errorf("member %d received a result of %d ballots, want %d", i, c.cast, voteMembers)
			}
		case <-timeout:
			return fmt.Errorf("the result reached %d of %d connections after %v", len(results), voteMembers, voteTimeout)
		}
	}
	after, err := proc.Usage()
	if err != nil {
		return err
	}

	p := percentiles(acks, 0.5, 0.95, 1)
	r := percentiles(results, 0.5, 1)
	rep.Set("votes.voters", voteMembers)
	rep.Set("votes.ack_p50_ms", ms(p[0]))
	rep.Set("votes.ack_p95_ms", ms(p[1]))
	rep.Set("votes.ack_max_ms", ms(p[2]))
	rep.Set("votes.all_acked_ms", ms(lastAck.Sub(start)))
	rep.Set("votes.close_http_ms", ms(closeHTTP))
	rep.Set("votes.result_p50_ms", ms(r[0]))
	rep.Set("votes.result_max_ms", ms(r[1]))
	rep.Set("votes.server_cpu_seconds", (after.CPU - before.CPU).Seconds())
	rep.Row("votes", fmt.Sprintf("%d members vote over %v, one connection each: ballot acknowledged p50 / p95 / max", voteMembers, voteSpread),
		fmt.Sprintf("%.1f / %.1f / %.1f ms", ms(p[0]), ms(p[1]), ms(p[2])))
	rep.Row("votes", "first ballot sent → every ballot acknowledged", fmt.Sprintf("%.0f ms", ms(lastAck.Sub(start))))
	rep.Row("votes", "poll closed → result on every connection, p50 / max (the close's own answer)",
		fmt.Sprintf("%.1f / %.1f ms (%.1f ms)", ms(r[0]), ms(r[1]), ms(closeHTTP)))
	rep.Row("votes", "server CPU over the vote", fmt.Sprintf("%.2f s", (after.CPU-before.CPU).Seconds()))
	return nil
}

// setUpVote adds n voting members to the table of the tawla server p, a
// session for each and one for the secretariat, and an open secret yes/no
// poll on the adoption of a new version; it returns the sessions, the
// poll and its "yes" option. The server may be running (see
// CreateTawlaDocument).
func setUpVote(ctx context.Context, p *Proc, n int) (tokens []string, staffToken string, pollID, yes int64, err error) {
	db, err := sqlite.Open(ctx, p.Data)
	if err != nil {
		return nil, "", 0, 0, err
	}
	defer db.Close()
	admin, err := db.FindAccountByEmail(ctx, demo.AdminEmail)
	if err != nil {
		return nil, "", 0, 0, err
	}
	secretariat, err := db.FindAccountByEmail(ctx, demo.SecretariatEmail)
	if err != nil {
		return nil, "", 0, 0, err
	}
	member, err := db.FindAccountByEmail(ctx, demo.MemberEmail)
	if err != nil {
		return nil, "", 0, 0, err
	}
	for i := range n {
		acc := &workspace.Account{Name: fmt.Sprintf("Votant %03d", i+1), Email: fmt.Sprintf("votant%03d@bench.tn", i+1),
			OrganisationID: member.OrganisationID, Language: "fr", Role: workspace.RoleMember, CanVote: true}
		if err := db.CreateAccount(ctx, workspace.ActorFor(admin), acc); err != nil {
			return nil, "", 0, 0, fmt.Errorf("account %d: %w", i, err)
		}
		token, err := db.CreateSession(ctx, acc.ID, "")
		if err != nil {
			return nil, "", 0, 0, err
		}
		tokens = append(tokens, token)
	}
	if staffToken, err = db.CreateSession(ctx, secretariat.ID, ""); err != nil {
		return nil, "", 0, 0, err
	}
	staff := workspace.ActorFor(secretariat)
	proc := &workspace.Procedure{Title: "Benchmark: vote", Language: "fr", Category: workspace.CategoryOther,
		Summary: "Procedure created by the benchmark (bench/)."}
	if err := db.CreateProcedure(ctx, staff, proc, "# Vote\n"); err != nil {
		return nil, "", 0, 0, err
	}
	v := &workspace.Version{Message: "Version put to the vote by the benchmark"}
	if err := db.CreateVersion(ctx, staff, proc.ID, 0, "# Vote\n", v); err != nil {
		return nil, "", 0, 0, err
	}
	poll := &workspace.Poll{Question: "Adopt the version?", Kind: workspace.PollYesNo, Mode: workspace.BallotSecret,
		Unit: workspace.VotePerPerson, Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone,
		ProcedureID: &proc.ID, VersionNumber: v.Number}
	if err := db.CreatePoll(ctx, staff, poll); err != nil {
		return nil, "", 0, 0, err
	}
	if _, err := db.OpenPoll(ctx, staff, poll.ID); err != nil {
		return nil, "", 0, 0, err
	}
	for _, o := range poll.Options {
		if o.Key == workspace.OptionYes {
			yes = o.ID
		}
	}
	return tokens, staffToken, poll.ID, yes, nil
}

// dialVoter opens a member's connection, follows the poll, and reads its
// messages into the connection's channels until it closes.
func dialVoter(ctx context.Context, addr, token string, pollID int64) (*voteConn, error) {
	h := http.Header{}
	h.Set("Origin", "http://"+addr)
	h.Set("Cookie", "tawla_session="+token)
	d := websocket.Dialer{HandshakeTimeout: 30 * time.Second}
	ws, resp, err := d.DialContext(ctx, "ws://"+addr+"/ws", h)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return nil, err
	}
	c := &voteConn{ws: ws, acked: make(chan time.Time, 1), refused: make(chan string, 1), closed: make(chan time.Time, 1)}
	topic := "poll:" + strconv.FormatInt(pollID, 10)
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"subscribe","topic":"`+topic+`"}`)); err != nil {
		ws.Close()
		return nil, err
	}
	subscribed := make(chan error, 1)
	go func() {
		once := sync.Once{}
		for {
			_, data, err := ws.ReadMessage()
			if err != nil {
				once.Do(func() { subscribed <- err })
				return
			}
			at := time.Now()
			var m struct {
				Type    string `json:"type"`
				Message string `json:"message"`
				Data    struct {
					Kind   string `json:"kind"`
					Status string `json:"status"`
					Result *struct {
						Cast int `json:"cast"`
					} `json:"result"`
				} `json:"data"`
			}
			if json.Unmarshal(data, &m) != nil {
				continue
			}
			switch {
			case m.Type == "subscribed":
				once.Do(func() { subscribed <- nil })
			case m.Type == "poll.voted":
				c.acked <- at
			case m.Type == "error":
				once.Do(func() { subscribed <- fmt.Errorf("%s", data) })
				select {
				case c.refused <- string(data):
				default:
				}
			case m.Type == "event" && m.Data.Kind == "poll.state" && m.Data.Status == "closed" && m.Data.Result != nil:
				c.cast = m.Data.Result.Cast
				select {
				case c.closed <- at:
				default:
				}
			}
		}
	}()
	if err := <-subscribed; err != nil {
		ws.Close()
		return nil, fmt.Errorf("subscribe to %s: %w", topic, err)
	}
	return c, nil
}

// postForm posts an empty form to path as the session token's account,
// as a browser on the site does, and returns the status.
func postForm(ctx context.Context, base, token, path string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+path, strings.NewReader(url.Values{}.Encode()))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.AddCookie(&http.Cookie{Name: "tawla_session", Value: token})
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
