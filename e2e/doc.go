// Package e2e holds Tawla's browser tests: the real server over a real
// SQLite file filled with the demo table, driven through Debian's Chromium
// with chromedp, the way people use it (forms, links, cookies, right-to-left
// pages).
//
// The tests look for the browser at /usr/bin/chromium, or at the path in
// TAWLA_CHROMIUM. Without a browser they skip, unless TAWLA_E2E=1 says that
// they must run (as in CI), in which case they fail. Install the browser
// with `apt-get install chromium` (Debian).
//
// Each test gets its own database, server and browser; each session in a
// test is a browser context of its own, with its own cookies. The browser
// asks for French, then Arabic, as one set up in Mahdia would. A test gives
// up after a minute, and a step after fifteen seconds.
//
// Screenshots go to e2e/testoutput/<TestName>/, which each run empties
// first, so that CI can keep them as artifacts and people can look at the
// pages in French and Arabic, on a desktop and on a phone.
//
// Run them with:
//
//	go test -count=1 -tags sqlite_fts5 ./e2e/ -v
//
// The package has no code outside its tests.
package e2e
