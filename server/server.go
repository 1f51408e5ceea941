// Package server is Tawla's HTTP side: routes and handlers, authentication
// and authorisation, and the rendering of templates. It wires in the live
// channel (package live) and the co-editing authority (package collab):
// it opens websockets and gives the hub the rules of its topics. It decodes
// requests, applies the rules of package workspace through the store, and
// publishes events after the store has committed.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"tawla/collab"
	"tawla/live"
	"tawla/meeting"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// Config is what the server needs to know about its deployment.
type Config struct {
	// BaseURL is the address people use to reach Tawla, such as
	// https://tawla.example.tn; invitation links are built from it. Cookies
	// are marked Secure when it is https.
	BaseURL string
	// Logger receives the server's logs; nil discards them.
	Logger *slog.Logger
	// MaxMessageBytes is the largest websocket message a client may send;
	// a bigger one closes its connection with 1009. Zero means 1 MiB.
	MaxMessageBytes int64
	// Live bounds websocket connections per session and per address and
	// the message rate of a connection; zero fields take live.DefaultLimits.
	// Its MaxMessageBytes is MaxMessageBytes above.
	Live live.Limits
	// Collab bounds co-editing; zero fields take collab.DefaultLimits.
	Collab collab.Limits
	// TimeZone is the IANA name of the table's time zone, such as
	// Africa/Tunis, in which pages show every date; empty means
	// DefaultTimeZone. New refuses a name it cannot load.
	TimeZone string
	// MaxPasswordChecks is how many password checks and hashes (argon2id,
	// about 19 MiB each) may run at once; more wait a little, then are
	// told to try again. Zero means one per processor, and at least two.
	MaxPasswordChecks int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For header
	// names the client (ParseTrustedProxies reads them from a setting).
	// Empty, the client is always the direct peer and the header is
	// ignored.
	TrustedProxies []netip.Prefix
}

// Route is one registered endpoint and the least access it needs.
type Route struct {
	Pattern string
	Access  workspace.Access
}

// Server serves Tawla over HTTP. Create it with New; it is safe for
// concurrent use.
type Server struct {
	db       *sqlite.DB
	hub      *live.Hub
	collab   *collab.Authority
	meetings *meeting.Room
	logger   *slog.Logger
	baseURL  *url.URL
	pages    *pageRenderer
	catalog  *catalog
	location *time.Location // the table's time zone, for every date shown
	throttle *loginThrottle
	// trustedProxies are Config.TrustedProxies (clientAddress).
	trustedProxies []netip.Prefix
	// passwords bounds the argon2id work of every handler that checks or
	// hashes a password.
	passwords *passwordGate
	mux       *http.ServeMux
	routes    []Route
	handler   http.Handler

	// stopPurgers is closed by Shutdown to stop the goroutines of
	// StartPurger, which purgers counts.
	stopPurgers chan struct{}
	stopOnce    sync.Once
	purgers     sync.WaitGroup

	// pollWake wakes the poll scheduler (pollsChanged); pollLocks order
	// the states of each poll (publishPoll).
	pollWake  chan struct{}
	pollLocks pollLocks

	// background runs the writes requests do not wait for (the audit of a
	// failed login); Shutdown waits for them.
	background backgroundWork
}

// New returns a server over db, with its templates and catalogues parsed.
func New(cfg Config, db *sqlite.DB) (*Server, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://127.0.0.1:8080"
	}
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("server: base URL %q must be an absolute http or https URL", cfg.BaseURL)
	}
	location, err := loadTimeZone(cfg.TimeZone)
	if err != nil {
		return nil, err
	}
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	pages, err := newPageRenderer(location)
	if err != nil {
		return nil, err
	}
	s := &Server{
		db:       db,
		hub:      live.NewHub(logger),
		logger:   logger,
		baseURL:  base,
		pages:    pages,
		catalog:  cat,
		location: location,
		throttle: newLoginThrottle(time.Now),

		trustedProxies: append([]netip.Prefix(nil), cfg.TrustedProxies...),
		mux:            http.NewServeMux(),

		stopPurgers: make(chan struct{}),
		pollWake:    make(chan struct{}, 1),
	}
	if cfg.MaxPasswordChecks <= 0 {
		cfg.MaxPasswordChecks = defaultPasswordSlots()
	}
	s.passwords = newPasswordGate(cfg.MaxPasswordChecks)
	liveLimits := cfg.Live
	liveLimits.MaxMessageBytes = cfg.MaxMessageBytes
	s.hub.SetLimits(liveLimits)
	s.collab = collab.New(db, logger, cfg.Collab)
	s.collab.OnReattached(s.publishReattached)
	s.meetings = meeting.New(db, s.hub, logger)
	s.registerTopics()
	s.registerRoutes()
	// Polls close at their deadline from now on, and those whose deadline
	// passed while the server was down close at once.
	s.startPollScheduler()
	// Pages and feeds are compressed on the fly (compress.go; issue 15).
	s.handler = s.withSecurityHeaders(s.withCompression(s.withRecovery(s.withCrossOriginProtection(s.withSession(s.withLanguage(s.mux))))))
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// Routes returns every registered route with the access it needs, for the
// authorisation matrix and for documentation.
func (s *Server) Routes() []Route {
	return append([]Route(nil), s.routes...)
}

// Hub returns the server's websocket hub.
func (s *Server) Hub() *live.Hub { return s.hub }

// Collab returns the server's co-editing authority, through which requests
// make their own updates to documents and place anchors.
func (s *Server) Collab() *collab.Authority { return s.collab }

// Shutdown closes every websocket connection (close code 1001) and waits for
// them, bounded by ctx. Call it when the HTTP server shuts down: hijacked
// websocket connections are not tracked by http.Server. It also stops the
// purger (StartPurger) and the poll scheduler, and waits for a purge or a
// closing under way and for background writes (a failed login's audit),
// so that the store may be closed next.
func (s *Server) Shutdown(ctx context.Context) {
	s.stopOnce.Do(func() { close(s.stopPurgers) })
	s.hub.Shutdown(ctx)
	s.background.Stop(ctx)
	done := make(chan struct{})
	go func() { s.purgers.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// handle registers h for pattern behind an access check, and records the
// route for Routes.
func (s *Server) handle(pattern string, access workspace.Access, h http.HandlerFunc) {
	s.routes = append(s.routes, Route{Pattern: pattern, Access: access})
	s.mux.Handle(pattern, s.requireAccess(access, h))
}

func (s *Server) registerRoutes() {
	s.handle("GET /healthz", workspace.AccessPublic, s.handleHealth)
	s.handle("GET /readyz", workspace.AccessPublic, s.handleReady)
	s.handle("GET /static/", workspace.AccessPublic, s.handleStatic)
	s.handle("GET /favicon.ico", workspace.AccessPublic, s.handleFavicon)

	s.handle("GET /{$}", workspace.AccessAccount, s.handleHome)

	s.handle("GET /login", workspace.AccessPublic, s.handleLoginForm)
	s.handle("POST /login", workspace.AccessPublic, s.handleLogin)
	s.handle("POST /logout", workspace.AccessAccount, s.handleLogout)
	s.handle("GET /invitations/{token}", workspace.AccessPublic, s.handleInvitationForm)
	s.handle("POST /invitations/{token}", workspace.AccessPublic, s.handleInvitationAccept)
	s.handle("GET /account/password", workspace.AccessAccount, s.handlePasswordForm)
	s.handle("POST /account/password", workspace.AccessAccount, s.handlePasswordChange)
	s.handle("POST /account/language", workspace.AccessAccount, s.handleLanguageChoice)

	s.handle("GET /admin/organisations", workspace.AccessStaff, s.handleOrganisationList)
	s.handle("GET /admin/organisations/new", workspace.AccessStaff, s.handleOrganisationNew)
	s.handle("POST /admin/organisations", workspace.AccessStaff, s.handleOrganisationCreate)
	s.handle("GET /admin/organisations/{id}/edit", workspace.AccessStaff, s.handleOrganisationEdit)
	s.handle("POST /admin/organisations/{id}", workspace.AccessStaff, s.handleOrganisationUpdate)

	s.handle("GET /admin/accounts", workspace.AccessStaff, s.handleAccountList)
	s.handle("GET /admin/accounts/new", workspace.AccessStaff, s.handleAccountNew)
	s.handle("POST /admin/accounts", workspace.AccessStaff, s.handleAccountCreate)
	s.handle("GET /admin/accounts/{id}/edit", workspace.AccessStaff, s.handleAccountEdit)
	s.handle("POST /admin/accounts/{id}", workspace.AccessStaff, s.handleAccountUpdate)
	s.handle("POST /admin/accounts/{id}/invitation", workspace.AccessStaff, s.handleAccountInvite)

	s.handle("GET /admin/audit", workspace.AccessStaff, s.handleAuditLog)

	s.handle("GET /procedures", workspace.AccessAccount, s.handleProcedureList)
	s.handle("GET /procedures/new", workspace.AccessMember, s.handleProcedureNew)
	s.handle("POST /procedures", workspace.AccessMember, s.handleProcedureCreate)
	s.handle("GET /procedures/{id}", workspace.AccessAccount, s.handleProcedureView)
	s.handle("GET /procedures/{id}/edit", workspace.AccessMember, s.handleProcedureEdit)
	s.handle("POST /procedures/{id}", workspace.AccessMember, s.handleProcedureUpdate)
	s.handle("GET /procedures/{id}/preview", workspace.AccessAccount, s.handleProcedurePreview)

	// Versions, diffs and the draft's history: everyone with an account
	// reads them; freezing and restoring are for those who write drafts.
	s.handle("GET /procedures/{id}/versions", workspace.AccessAccount, s.handleVersionList)
	s.handle("POST /procedures/{id}/versions", workspace.AccessMember, s.handleVersionFreeze)
	s.handle("GET /procedures/{id}/versions/{number}", workspace.AccessAccount, s.handleVersionView)
	s.handle("POST /procedures/{id}/versions/{number}/restore", workspace.AccessMember, s.handleVersionRestore)
	s.handle("POST /procedures/{id}/restore/undo", workspace.AccessMember, s.handleRestoreUndo)
	s.handle("GET /procedures/{id}/diff", workspace.AccessAccount, s.handleVersionDiff)
	s.handle("GET /procedures/{id}/history", workspace.AccessAccount, s.handleDraftHistory)
	// Comments, suggested changes, the table of observations and
	// consultations (handle_comment.go, handle_observation.go,
	// handle_consultation.go). Every
	// account may reach the comment routes: CanComment decides in the
	// store, so that a stakeholder comments during a consultation only.
	s.handle("GET /procedures/{id}/comments", workspace.AccessAccount, s.handleCommentList)
	s.handle("POST /procedures/{id}/comments", workspace.AccessAccount, s.handleCommentCreate)
	s.handle("POST /procedures/{id}/comments/{cid}/replies", workspace.AccessAccount, s.handleCommentReply)
	s.handle("POST /procedures/{id}/comments/{cid}/resolve", workspace.AccessAccount, s.handleCommentResolve)
	s.handle("POST /procedures/{id}/comments/{cid}/reopen", workspace.AccessAccount, s.handleCommentReopen)
	s.handle("POST /procedures/{id}/comments/{cid}/answer", workspace.AccessStaff, s.handleCommentAnswer)
	s.handle("POST /procedures/{id}/comments/{cid}/accept", workspace.AccessMember, s.handleSuggestionAccept)
	s.handle("POST /procedures/{id}/comments/{cid}/reject", workspace.AccessMember, s.handleSuggestionReject)
	s.handle("GET /procedures/{id}/observations", workspace.AccessAccount, s.handleObservations)
	s.handle("GET /procedures/{id}/observations.csv", workspace.AccessAccount, s.handleObservationsExport)
	s.handle("POST /procedures/{id}/consultation", workspace.AccessStaff, s.handleConsultationOpen)
	s.handle("POST /procedures/{id}/consultation/close", workspace.AccessStaff, s.handleConsultationClose)

	// Meetings (handle_meeting.go): members read them, the secretariat
	// plans and runs them.
	s.handle("GET /meetings", workspace.AccessMember, s.handleMeetingList)
	s.handle("GET /meetings/new", workspace.AccessStaff, s.handleMeetingNew)
	s.handle("POST /meetings", workspace.AccessStaff, s.handleMeetingCreate)
	s.handle("GET /meetings/{id}", workspace.AccessMember, s.handleMeetingView)
	s.handle("GET /meetings/{id}/edit", workspace.AccessStaff, s.handleMeetingEdit)
	s.handle("POST /meetings/{id}", workspace.AccessStaff, s.handleMeetingUpdate)
	s.handle("POST /meetings/{id}/invitees", workspace.AccessStaff, s.handleMeetingInvitees)
	s.handle("POST /meetings/{id}/attendance", workspace.AccessStaff, s.handleMeetingAttendance)
	s.handle("POST /meetings/{id}/start", workspace.AccessStaff, s.handleMeetingStart)
	s.handle("POST /meetings/{id}/close", workspace.AccessStaff, s.handleMeetingClose)
	s.handle("POST /meetings/{id}/cancel", workspace.AccessStaff, s.handleMeetingCancel)
	s.handle("GET /meetings/{id}/agenda/print", workspace.AccessMember, s.handleMeetingAgendaPrint)
	s.handle("GET /meetings/{id}/minutes", workspace.AccessMember, s.handleMeetingMinutes)

	// A meeting's agenda, its decisions (written into its minutes), the
	// actions they call for, and its printed minutes (handle_agenda.go,
	// handle_decision.go, handle_action.go). Members read; the secretariat
	// changes; an organisation's members report on their own actions.
	s.handle("POST /meetings/{id}/items", workspace.AccessStaff, s.handleAgendaItemAdd)
	s.handle("GET /meetings/{id}/items/{item}/edit", workspace.AccessStaff, s.handleAgendaItemEdit)
	s.handle("POST /meetings/{id}/items/{item}", workspace.AccessStaff, s.handleAgendaItemUpdate)
	s.handle("POST /meetings/{id}/items/{item}/delete", workspace.AccessStaff, s.handleAgendaItemDelete)
	s.handle("POST /meetings/{id}/items/{item}/move", workspace.AccessStaff, s.handleAgendaItemMove)
	s.handle("POST /meetings/{id}/items/{item}/decision", workspace.AccessStaff, s.handleDecisionRecord)
	s.handle("POST /meetings/{id}/items/{item}/actions", workspace.AccessStaff, s.handleActionAdd)
	s.handle("GET /meetings/{id}/minutes/print", workspace.AccessMember, s.handleMinutesPrint)
	s.handle("GET /actions", workspace.AccessMember, s.handleActionList)
	s.handle("POST /actions/{id}", workspace.AccessMember, s.handleActionUpdate)

	// The live room of a meeting (handle_meeting_room.go): the page, the
	// wall screen, and the forms that work without script.
	s.handle("GET /meetings/{id}/room", workspace.AccessMember, s.handleMeetingRoom)
	s.handle("GET /meetings/{id}/projector", workspace.AccessMember, s.handleMeetingProjector)
	s.handle("POST /meetings/{id}/checkin", workspace.AccessMember, s.handleMeetingCheckIn)
	s.handle("POST /meetings/{id}/floor", workspace.AccessMember, s.handleMeetingFloor)
	// The secretariat's controls of the room as forms, for pages without
	// script (handle_meeting_room_run.go); the script sends the same
	// changes as live messages.
	s.handle("POST /meetings/{id}/current-item", workspace.AccessStaff, s.handleRoomItem)
	s.handle("POST /meetings/{id}/floor/give", workspace.AccessStaff, s.handleRoomFloorGive)
	s.handle("POST /meetings/{id}/floor/next", workspace.AccessStaff, s.handleRoomFloorNext)
	s.handle("POST /meetings/{id}/floor/end", workspace.AccessStaff, s.handleRoomFloorEnd)

	// The calendar (handle_calendar.go): a meeting's ICS file, one's
	// personal feed page and its reset, and the feed itself, public since
	// its secret token is what authenticates a calendar application.
	s.handle("GET /meetings/{id}/calendar.ics", workspace.AccessMember, s.handleMeetingCalendar)
	s.handle("GET /calendar", workspace.AccessMember, s.handleCalendarPage)
	s.handle("POST /calendar/reset", workspace.AccessMember, s.handleCalendarReset)
	s.handle("GET /calendar/{token}/meetings.ics", workspace.AccessPublic, s.handleCalendarFeed)

	// The issue board (handle_issue_dashboard.go, handle_issue_category.go,
	// handle_issue_passage.go): the dashboard, the categories and the
	// passages of procedures linked to issues.
	s.handle("GET /issues/dashboard", workspace.AccessAccount, s.handleIssueDashboard)
	s.handle("GET /issues/categories", workspace.AccessStaff, s.handleIssueCategories)
	s.handle("POST /issues/categories", workspace.AccessStaff, s.handleIssueCategoryCreate)
	s.handle("POST /issues/categories/{id}/edit", workspace.AccessStaff, s.handleIssueCategoryUpdate)
	s.handle("POST /issues/{id}/passages", workspace.AccessMember, s.handleIssuePassageLink)
	s.handle("GET /procedures/{id}/link-issue", workspace.AccessMember, s.handleLinkIssueForm)
	// Notifications of issues (handle_notification.go): one's own list,
	// and marking it read.
	s.handle("GET /notifications", workspace.AccessAccount, s.handleNotifications)
	s.handle("POST /notifications/read", workspace.AccessAccount, s.handleNotificationsRead)
	// Issues (handle_issue*.go): every account reads them, comments and
	// follows; members, the secretariat and admins report and change
	// them; their private fields are shown, on request and recorded, to
	// the secretariat, admins and the members in charge of the issue
	// (workspace.CanSeeIssuePrivate, decided by the store).
	s.handle("GET /issues", workspace.AccessAccount, s.handleIssueList)
	s.handle("GET /issues.csv", workspace.AccessMember, s.handleIssueExport)
	s.handle("GET /issues/new", workspace.AccessMember, s.handleIssueNew)
	s.handle("POST /issues", workspace.AccessMember, s.handleIssueCreate)
	s.handle("GET /issues/{id}", workspace.AccessAccount, s.handleIssueView)
	s.handle("GET /issues/{id}/edit", workspace.AccessMember, s.handleIssueEdit)
	s.handle("POST /issues/{id}", workspace.AccessMember, s.handleIssueUpdate)
	s.handle("POST /issues/{id}/status", workspace.AccessMember, s.handleIssueStatus)
	s.handle("POST /issues/{id}/assign", workspace.AccessMember, s.handleIssueAssign)
	s.handle("POST /issues/{id}/comments", workspace.AccessAccount, s.handleIssueComment)
	s.handle("POST /issues/{id}/follow", workspace.AccessAccount, s.handleIssueFollow)
	s.handle("POST /issues/{id}/links", workspace.AccessMember, s.handleIssueLink)
	s.handle("POST /issues/{id}/links/{link}/delete", workspace.AccessMember, s.handleIssueUnlink)
	s.handle("POST /issues/{id}/private", workspace.AccessMember, s.handleIssuePrivateReveal)

	// Votes (handle_poll.go, handle_poll_form.go): the secretariat
	// prepares, opens and closes polls; members see them; members with a
	// voting right vote (CanCastVote decides in the handler).
	s.handle("GET /polls/new", workspace.AccessStaff, s.handlePollNew)
	s.handle("POST /polls", workspace.AccessStaff, s.handlePollCreate)
	s.handle("GET /polls/{id}", workspace.AccessMember, s.handlePollView)
	s.handle("GET /polls/{id}/edit", workspace.AccessStaff, s.handlePollEdit)
	s.handle("POST /polls/{id}", workspace.AccessStaff, s.handlePollUpdate)
	s.handle("POST /polls/{id}/open", workspace.AccessStaff, s.handlePollOpen)
	s.handle("POST /polls/{id}/close", workspace.AccessStaff, s.handlePollClose)
	s.handle("POST /polls/{id}/vote", workspace.AccessMember, s.handlePollVote)
	s.handle("GET /polls/{id}/ballots.csv", workspace.AccessMember, s.handlePollBallotsExport)

	// The register, the secretariat's side (handle_register*.go,
	// handle_publish.go): every account reads it; the secretariat
	// publishes adopted versions into it and withdraws entries.
	s.handle("GET /register", workspace.AccessAccount, s.handleRegister)
	s.handle("GET /procedures/{id}/versions/{number}/publish", workspace.AccessStaff, s.handlePublishForm)
	s.handle("POST /procedures/{id}/versions/{number}/publish", workspace.AccessStaff, s.handlePublish)
	s.handle("GET /register/{id}/withdraw", workspace.AccessStaff, s.handleRegisterWithdrawForm)
	s.handle("POST /register/{id}/withdraw", workspace.AccessStaff, s.handleRegisterWithdraw)

	// The public site (handle_public*.go, atom.go, sitemap.go): the
	// register of published procedures, for anyone, without the account.
	s.handle("GET /public", workspace.AccessPublic, s.handlePublicHome)
	s.handle("GET /public/procedures", workspace.AccessPublic, s.handlePublicList)
	s.handle("GET /public/procedures/{ident}", workspace.AccessPublic, s.handlePublicEntry)
	s.handle("GET /public/procedures/{ident}/{lang}", workspace.AccessPublic, s.handlePublicProcedure)
	s.handle("GET /public/procedures/{ident}/{lang}/history", workspace.AccessPublic, s.handlePublicHistory)
	s.handle("GET /public/procedures/{ident}/{lang}/editions/{edition}", workspace.AccessPublic, s.handlePublicEditionView)
	s.handle("GET /public/procedures/{ident}/{lang}/editions/{edition}/changes", workspace.AccessPublic, s.handlePublicEditionChanges)
	s.handle("GET /public/procedures/{ident}/{lang}/editions/{edition}/markdown", workspace.AccessPublic, s.handlePublicMarkdown)
	s.handle("GET /public/procedures/{ident}/{lang}/editions/{edition}/html", workspace.AccessPublic, s.handlePublicStandalone)
	s.handle("GET /public/search", workspace.AccessPublic, s.handlePublicSearch)
	s.handle("GET /public/check", workspace.AccessPublic, s.handlePublicCheck)
	s.handle("GET /public/feed.atom", workspace.AccessPublic, s.handlePublicFeed)
	s.handle("GET /sitemap.xml", workspace.AccessPublic, s.handleSitemap)
	s.handle("GET /robots.txt", workspace.AccessPublic, s.handleRobots)

	s.handle("GET /ws", workspace.AccessAccount, s.handleWebsocket)

	// Anything else is a plain 404 page, in the visitor's language.
	s.mux.HandleFunc("/", s.handleNotFound)
}
