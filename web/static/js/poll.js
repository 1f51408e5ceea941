// The page of a poll (/polls/{id}): follows the topic poll:N over /ws
// (docs/protocol.md, "Votes") and keeps the turnout, the counts of a named
// poll and the result up to date; the vote form may go over the live
// channel (poll.vote, answered poll.voted once the ballot is stored), and
// falls back to posting the form when the channel is not open or does not
// answer. The page (web/templates/common/poll.html) marks what the script
// reads and updates:
//
//   <section data-poll="N" data-status="open" id="poll-N">
//     <… data-turnout>3</…>                 the number of voters, alone
//     <… data-counts>                        counts of a named poll, open
//       <… data-option="ID"> … <… data-count>2</…> </…>
//     </…>
//     <… data-result>…</…>                   the result, once closed
//     <form data-vote-form method="post" action="/polls/N/vote">
//       <input type="hidden" name="submission" value="…">  this sending
//       <input name="choice" value="ID" type="radio|checkbox"> …
//       <… data-vote-error role="alert" hidden></…>
//     </form>
//   </section>
//
// The section gets data-live="on" once it follows the poll. Numbers go in
// with textContent. When the poll opens or closes, when the
// viewer's ballot is stored, or when the page has no place for a number
// that changed, the section is read again from the server, which writes
// the turnout and the result in words in the reader's language. Without
// this script the page shows the poll as loaded, and the form posts.

import { Channel } from "./channel.js";

// voteTimeout is how long a ballot sent over the channel may wait for its
// answer before the form is posted instead.
const voteTimeout = 8000;

const first = document.querySelector("section[data-poll]");
const pollID = first ? Number(first.dataset.poll) : 0;
const section = () => document.querySelector('section[data-poll="' + pollID + '"]');
const topic = "poll:" + pollID;

let live = null;
// pending is the ballot sent over the channel and not yet answered: its
// form and the timer that posts it instead.
let pending = null;

function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}

function send(msg) {
  return live !== null && live.send(msg);
}

// closed handles a drop of the channel: a ballot waiting for its answer is
// posted instead.
function closed() {
  if (pending) postInstead();
}

// statusOf reads the poll's status from its section: data-status, or the
// class poll-<status>.
function statusOf(root) {
  if (!root) return "";
  if (root.dataset.status) return root.dataset.status;
  for (const s of ["draft", "open", "closed"]) if (root.classList.contains("poll-" + s)) return s;
  return "";
}

// lastStatus is the poll's status as the page shows it; lastTurnout the
// turnout of the last state shown.
let lastStatus = statusOf(section());
let lastTurnout = -1;

function received(msg) {
  switch (msg.type) {
    case "event":
      if (msg.topic === topic && msg.data && msg.data.kind === "poll.state") {
        live.healthy();
        show(msg.data);
      }
      return;
    case "poll.voted":
      if (msg.poll === pollID && pending) {
        clearTimeout(pending.timer);
        pending = null;
        lastRefresh = Date.now();
        refresh();
      }
      return;
    case "error":
      if (msg.poll === pollID && pending) {
        clearTimeout(pending.timer);
        const form = pending.form;
        pending = null;
        enable(form, true);
        let err = form.querySelector("[data-vote-error]");
        if (!err) {
          err = document.createElement("p");
          err.className = "error-message";
          err.setAttribute("role", "alert");
          err.dataset.voteError = "";
          form.prepend(err);
        }
        err.textContent = msg.message || msg.code;
        err.hidden = false;
      }
      return;
  }
}

// show puts a poll.state on the page: the turnout and the counts in
// place; a change of status, or a number the page has no place for, reads
// the section again.
function show(st) {
  const root = section();
  if (!root) return;
  const first = lastTurnout < 0;
  const turnoutChanged = st.turnout !== lastTurnout;
  lastTurnout = st.turnout;
  if (lastStatus && st.status !== lastStatus) {
    lastStatus = st.status;
    refreshSoon();
    return;
  }
  lastStatus = st.status;
  root.dataset.live = "on";
  const turnouts = root.querySelectorAll("[data-turnout]");
  for (const el of turnouts) setText(el, String(st.turnout));
  const counts = root.querySelector("[data-counts]");
  let placed = true;
  if (st.counts) {
    for (const c of st.counts) {
      const row = counts && counts.querySelector('[data-option="' + c.option + '"]');
      const cell = row && row.querySelector("[data-count]");
      if (cell) setText(cell, String(c.count));
      else placed = false;
    }
  }
  if (!first && turnoutChanged && (turnouts.length === 0 || !placed)) refreshSoon();
}

// refreshSoon reads the section again, at most once a second however many
// states arrive.
let refreshTimer = null;
let lastRefresh = 0;
function refreshSoon() {
  if (refreshTimer) return;
  const wait = Math.max(0, lastRefresh + 1000 - Date.now());
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    lastRefresh = Date.now();
    refresh();
  }, wait);
}

// refresh reads the poll's section again from the server and puts it in
// place of the page's; the result is then written in words by the server.
async function refresh() {
  try {
    const res = await fetch(location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    const fresh = doc.querySelector('section[data-poll="' + pollID + '"]');
    const root = section();
    if (!fresh || !root) return;
    // The choices being made in the form are carried over.
    const checked = [...root.querySelectorAll('input[name="choice"]:checked')].map((i) => i.value);
    root.replaceWith(document.importNode(fresh, true));
    for (const input of section().querySelectorAll('input[name="choice"]')) {
      if (checked.includes(input.value)) input.checked = true;
    }
    lastStatus = statusOf(section()) || lastStatus;
    wire();
  } catch (e) {
    // The page stays as it is; the next state tries again.
  }
}

function enable(form, on) {
  for (const b of form.querySelectorAll("button, input[type=submit]")) b.disabled = !on;
}

// postInstead posts the ballot the channel did not answer, under the same
// submission: if the channel had stored it before dropping, the server
// answers that the vote is recorded rather than refusing a second ballot.
// When the section was read again meanwhile, its new form is posted, with
// the choices carried over and the sending of the ballot sent; a section
// with no form left shows the ballot as cast already.
function postInstead() {
  let form = pending.form;
  const submission = pending.submission;
  clearTimeout(pending.timer);
  pending = null;
  if (!form.isConnected) {
    const root = section();
    form = root && root.querySelector("form[data-vote-form], form.poll-vote-form");
    if (!form) return;
    const input = form.querySelector('input[name="submission"]');
    if (input) input.value = submission;
  }
  enable(form, true);
  form.submit();
}

// wire sends the vote form over the channel when it is open.
function wire() {
  const root = section();
  if (!root) return;
  const form = root.querySelector("form[data-vote-form], form.poll-vote-form");
  if (!form || form.dataset.wired) return;
  form.dataset.wired = "true";
  form.addEventListener("submit", (event) => {
    if (pending) {
      event.preventDefault();
      return;
    }
    const choices = [...form.querySelectorAll('input[name="choice"]:checked')].map((i) => Number(i.value));
    const input = form.querySelector('input[name="submission"]');
    const submission = input ? input.value : "";
    if (!send({ type: "poll.vote", poll: pollID, choices, submission })) return; // the form posts
    event.preventDefault();
    const err = form.querySelector("[data-vote-error]");
    if (err) err.hidden = true;
    enable(form, false);
    pending = { form, submission, timer: setTimeout(postInstead, voteTimeout) };
  });
}

if (pollID) {
  wire();
  live = new Channel({
    open: () => send({ type: "subscribe", topic }),
    message: received,
    close: closed,
  });
  live.start();
}
