// The live room of a meeting and its wall-screen page: follows the topic
// meeting:N over /ws (docs/protocol.md, "Meeting room"), shows each
// meeting.state snapshot, ticks the clocks every second against the
// server's time, and sends the room's messages. Every text from the
// server goes in with textContent; labels come from the page, in its
// language. Without this script the page keeps the state the server
// rendered, and its forms still work.

import { Channel } from "./channel.js";

const root = document.getElementById("meeting-room") || document.getElementById("meeting-projector");

// ---------- Showing the room ----------

const $ = (id) => document.getElementById(id);

// clock writes seconds as m:ss, or h:mm:ss from an hour on.
function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor(s / 60) % 60;
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? h + ":" + String(m).padStart(2, "0") + ":" + rest : m + ":" + rest;
}

function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}

function show(el, visible) {
  if (el) el.hidden = !visible;
}

const meetingID = root ? Number(root.dataset.meeting) : 0;
const accountID = root ? Number(root.dataset.account) : 0;
const isStaff = root ? root.dataset.staff === "true" : false;
const lang = root ? root.dataset.lang : "fr";

let state = null;
let offset = 0; // server clock minus this clock, in ms

function serverNow() {
  return Date.now() + offset;
}

// labelWith names control by the text of label followed by that of who
// (a person, an item), giving both ids made from key: "Go" becomes "Go
// Item 3" for a screen reader, where several such controls share a page.
function labelWith(control, label, who, key) {
  if (!control || !label || !who) return;
  label.id = key + "-label";
  who.id = key + "-name";
  control.setAttribute("aria-labelledby", label.id + " " + who.id);
}

// itemName names an agenda item in the page's language. The title goes in
// through a function, so that one holding "$&" or "$'" is taken as written.
function itemName(item) {
  if (item.kind === "minutes_approval") return root.dataset.labelMinutesApproval.replace("%s", () => item.sourceMeetingTitle);
  if (item.kind === "matters_arising") return root.dataset.labelMattersArising.replace("%s", () => item.sourceMeetingTitle);
  return item.title;
}

function orgName(org) {
  if (!org) return "";
  if (lang === "ar" && org.ar) return org.ar;
  return org.fr || org.ar || "";
}

// spentSeconds is the time spent on item now.
function spentSeconds(item) {
  let s = item.spentSeconds;
  if (state.status === "live" && state.currentItem === item.id && state.currentSince) {
    s += Math.max(0, (serverNow() - Date.parse(state.currentSince)) / 1000);
  }
  return s;
}

function currentItem() {
  if (!state || state.currentItem === null) return null;
  return state.items.find((it) => it.id === state.currentItem) || null;
}

// fromTemplate clones the first element of the <template> with id.
function fromTemplate(id) {
  const t = $(id);
  return t ? t.content.firstElementChild.cloneNode(true) : null;
}

// syncList makes list hold one element per entry, keyed by data-<key>,
// in order, reusing the elements that are there.
function syncList(list, entries, key, templateID, fill) {
  if (!list) return;
  const old = new Map();
  for (const el of list.children) old.set(el.dataset[key], el);
  let prev = null;
  for (const entry of entries) {
    const k = String(entry.id);
    let el = old.get(k);
    old.delete(k);
    if (!el) {
      el = fromTemplate(templateID);
      if (!el) continue;
      el.dataset[key] = k;
    }
    fill(el, entry);
    const want = prev ? prev.nextElementSibling : list.firstElementChild;
    if (want !== el) list.insertBefore(el, want);
    prev = el;
  }
  for (const el of old.values()) el.remove();
}

function render() {
  if (!state) return;
  const isLive = state.status === "live";
  const status = $("room-status");
  if (status) {
    setText(status, status.dataset[state.status] || state.status);
    status.className = "tag room-status-" + state.status;
  }

  const cur = currentItem();
  setText($("room-current-name"), cur ? itemName(cur) : root.dataset.labelNoItem);
  setText($("room-current-planned"), clock(cur ? cur.plannedMinutes * 60 : 0));

  // The list of speakers, in request order.
  const speakers = $("room-speakers");
  syncList(speakers, state.speakers, "speaker", "room-speaker-template", (el, sp) => {
    el.dataset.status = sp.status;
    el.className = "room-speaker " + sp.status;
    setText(el.querySelector(".speaker-name"), sp.name);
    setText(el.querySelector(".speaker-org"), orgName(sp.organisation));
    setText(el.querySelector(".speaker-status"), speakers.dataset["label" + (sp.status === "speaking" ? "Speaking" : "Waiting")]);
    const give = el.querySelector(".speaker-give-form");
    show(give, isStaff && isLive && sp.status === "waiting");
    setField(give, "speaker", sp.id);
  });
  show($("room-speakers-empty"), state.speakers.length === 0);

  // Quorum and attendance.
  const q = state.quorum;
  const qs = $("room-quorum-state");
  if (qs) {
    setText(qs, q.reached ? qs.dataset.reached : qs.dataset.notReached);
    qs.classList.toggle("reached", q.reached);
  }
  setText($("room-quorum-present"), String(q.present));
  setText($("room-quorum-electorate"), String(q.electorate));
  setText($("room-quorum-required"), String(q.required));
  const attendance = $("room-attendance");
  syncList(attendance, state.attendance.map((a) => ({ ...a, id: a.account })), "account", "room-invitee-template", (el, a) => {
    el.dataset.attendance = a.attendance;
    setText(el.querySelector(".invitee-name"), a.name);
    setText(el.querySelector(".invitee-org"), orgName(a.organisation));
    setText(el.querySelector(".invitee-attendance"), attendance.dataset["label" + a.attendance[0].toUpperCase() + a.attendance.slice(1)]);
    const set = el.querySelector(".invitee-set");
    show(set, isStaff && state.status !== "closed");
    const select = el.querySelector(".attendance-select");
    if (select && document.activeElement !== select) select.value = a.attendance;
    // Each person's control is named with the person, for screen readers.
    labelWith(select, el.querySelector(".invitee-set span"), el.querySelector(".invitee-name"), "invitee-" + a.account);
  });

  // The agenda.
  syncList($("room-agenda"), state.items, "item", "room-item-template", (el, it) => {
    setText(el.querySelector(".item-name"), itemName(it));
    setText(el.querySelector(".item-planned"), clock(it.plannedMinutes * 60));
    if (it.id === state.currentItem) el.setAttribute("aria-current", "true");
    else el.removeAttribute("aria-current");
    const goForm = el.querySelector(".item-go-form");
    show(goForm, isStaff && isLive && it.id !== state.currentItem);
    setField(goForm, "item", it.id);
    const go = el.querySelector(".item-go");
    labelWith(go, go, el.querySelector(".item-name"), "item-" + it.id);
  });

  // The viewer's own part.
  const mine = state.attendance.find((a) => a.account === accountID);
  const request = state.speakers.find((sp) => sp.account === accountID);
  const canTakePart = isLive && (mine !== undefined || isStaff);
  show($("room-ask-form"), canTakePart && !request);
  show($("room-withdraw-form"), canTakePart && request !== undefined && request.status === "waiting");
  show($("room-you-speak"), request !== undefined && request.status === "speaking");
  show($("room-checkin-form"), isLive && mine !== undefined && mine.attendance !== "present");
  show($("room-checked-in"), mine !== undefined && mine.attendance === "present");
  show($("room-item-controls"), isStaff && isLive);
  show($("room-floor-controls"), isStaff && isLive);
  const index = cur ? state.items.indexOf(cur) : -1;
  const prev = $("room-item-previous");
  const next = $("room-item-next");
  if (prev) prev.disabled = index <= 0;
  if (next) next.disabled = index >= state.items.length - 1;
  // The forms post the same moves when the socket is down.
  setField($("room-item-previous-form"), "item", index > 0 ? state.items[index - 1].id : "");
  setField($("room-item-next-form"), "item", index + 1 < state.items.length ? state.items[index + 1].id : "");

  renderPoll(state.poll);
  tick();
}

// ---------- The meeting's poll: turnout while open, the result once closed ----------

// el makes an element with a class and a text.
function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

// fill puts the numbers of args in place of the %d and %s of a label, in
// order.
function fill(label, ...args) {
  let i = 0;
  return (label || "").replace(/%[ds]/g, () => String(args[i++] ?? ""));
}

// optionLabel names a poll's option: a yes/no poll's in the page's
// language, the others by their label.
function optionLabel(slot, option) {
  if (option.key) {
    const key = "label" + option.key[0].toUpperCase() + option.key.slice(1);
    return slot.dataset[key] || option.key;
  }
  return option.label;
}

// camel turns a key of the protocol (two_thirds, civil_society) into the
// name of its data attribute (TwoThirds, CivilSociety).
function camel(key) {
  return key.split("_").map((w) => w[0].toUpperCase() + w.slice(1)).join("");
}

// named puts values in place of the {name}s of a label, by name.
function named(label, values) {
  return (label || "").replace(/\{(\w+)\}/g, (_, k) => String(values[k] ?? ""));
}

// capitalized starts a reason, written to follow the outcome on the poll's
// page, as a line of its own.
function capitalized(text) {
  return text ? text[0].toLocaleUpperCase(lang) + text.slice(1) : text;
}

// outcomeReasons says in words why a closed yes/no poll ended as it did,
// as its page does (server/poll_result.go): the majority rule by name,
// reached or not, with the yes it had and needed; and the colleges' rule,
// naming the colleges that failed it — unless a secret poll withholds its
// figures by college, when colleges_failed is empty and the reason names
// none.
function outcomeReasons(d, r) {
  const reasons = [];
  const rule = d["rule" + camel(r.majority)] || r.majority;
  const majority = r.majority_reached ? d.reasonMajorityReached : d.reasonMajorityMissed;
  reasons.push(named(majority, { rule, yes: r.yes, required: r.majority_required }));
  const names = (r.colleges_failed || []).map((c) => d["college" + camel(c)] || c).join(d.listSeparator || ", ");
  const unnamed = r.colleges_withheld ? "Unnamed" : "";
  if (r.college_rule === "every_college") {
    if (r.colleges_reached) reasons.push(d.reasonEveryCollegeReached);
    else if (!names && !r.colleges_withheld) reasons.push(d.reasonEveryCollegeNone);
    else reasons.push(named(d["reasonEveryCollegeMissed" + unnamed], { names }));
  } else if (r.college_rule === "no_objection") {
    if (r.colleges_reached) reasons.push(d.reasonNoObjectionReached);
    else reasons.push(named(d["reasonNoObjectionMissed" + unnamed], { names }));
  }
  return reasons.filter(Boolean).map(capitalized);
}

// pollKey is the last poll drawn and its figures, so that the slot is
// only rebuilt when something changed.
let pollKey = "";

// renderPoll shows the meeting's poll in #poll-slot (the room and the
// projector): its question; while open, how many have voted and, for a
// named poll only, the counts; once closed, the outcome, why (for a
// yes/no poll: outcomeReasons) and its figures in large type. The poll
// carries no voter, and only textContent is used.
function renderPoll(poll) {
  const slot = $("poll-slot");
  if (!slot) return;
  const key = poll ? JSON.stringify(poll) : "";
  if (key === pollKey) return;
  pollKey = key;
  slot.replaceChildren();
  if (!poll || (poll.status !== "open" && poll.status !== "closed")) return;
  const d = slot.dataset;
  const closed = poll.status === "closed" && poll.result;
  slot.dataset.status = poll.status;
  const head = el("h2", "poll-slot-heading", d.labelHeading);
  slot.append(head);
  const question = el("p", "poll-slot-question", poll.question);
  question.dir = "auto";
  slot.append(question);
  slot.append(el("p", "poll-slot-status tag", closed ? d.labelClosed : d.labelOpen));
  const names = new Map(poll.options.map((o) => [o.id, optionLabel(slot, o)]));
  const counts = (list) => {
    const dl = el("dl", "facts poll-slot-counts");
    for (const c of list) {
      const row = el("div", "");
      row.append(el("dt", "", names.get(c.option) || ""), el("dd", "", String(c.count)));
      dl.append(row);
    }
    return dl;
  };
  if (!closed) {
    slot.append(el("p", "poll-slot-turnout", fill(d.labelTurnout, poll.turnout)));
    if (poll.counts) slot.append(counts(poll.counts));
    else if (poll.mode === "secret") slot.append(el("p", "meta", d.labelSecret));
    if (root.id === "meeting-room") {
      const link = el("a", "button primary poll-slot-link", d.labelLink);
      link.href = "/polls/" + poll.poll;
      slot.append(link);
    }
    return;
  }
  const r = poll.result;
  let outcome = d["outcome" + r.outcome.split("_").map((w) => w[0].toUpperCase() + w.slice(1)).join("")] || r.outcome;
  if (r.outcome === "chosen") outcome = fill(outcome, r.winners.map((id) => names.get(id) || "").join(", "));
  slot.append(el("p", "poll-slot-outcome outcome-" + r.outcome, outcome));
  if (poll.poll_kind === "yes_no") {
    for (const reason of outcomeReasons(d, r)) slot.append(el("p", "poll-slot-reason", reason));
  }
  slot.append(counts(r.counts));
  slot.append(el("p", "poll-slot-cast", fill(d.labelCast, r.cast, r.electorate)));
  if (r.quorum_percent > 0) {
    slot.append(el("p", "poll-slot-quorum", fill(r.quorum_reached ? d.labelQuorumReached : d.labelQuorumMissed, r.quorum_required)));
  }
}

// tick moves the clocks: the current item's time, each item's, the
// speaker's.
function tick() {
  if (!state) return;
  const cur = currentItem();
  const spentEl = $("room-current-spent");
  if (spentEl) {
    const spent = cur ? spentSeconds(cur) : 0;
    setText(spentEl, clock(spent));
    spentEl.classList.toggle("over", cur !== null && cur.plannedMinutes > 0 && spent > cur.plannedMinutes * 60);
  }
  const agenda = $("room-agenda");
  if (agenda) {
    for (const el of agenda.children) {
      const it = state.items.find((i) => String(i.id) === el.dataset.item);
      if (!it) continue;
      const spent = spentSeconds(it);
      const s = el.querySelector(".item-spent");
      setText(s, clock(spent));
      if (s) s.classList.toggle("over", it.plannedMinutes > 0 && spent > it.plannedMinutes * 60);
    }
  }
  const speakers = $("room-speakers");
  if (speakers) {
    for (const el of speakers.children) {
      const sp = state.speakers.find((s) => String(s.id) === el.dataset.speaker);
      const t = el.querySelector(".speaker-timer");
      if (!sp || !t) continue;
      setText(t, sp.status === "speaking" && sp.startedAt ? clock((serverNow() - Date.parse(sp.startedAt)) / 1000) : "");
    }
  }
}

// ---------- Sending ----------

let live = null;

function showError(text) {
  const el = $("room-error");
  if (!el) return;
  el.textContent = text;
  el.hidden = !text;
}

// send sends a message of the room; it reports false when the socket is
// not open, so that a form falls back to posting.
function send(type, fields) {
  if (!live) return false;
  showError("");
  return live.send({ type, meeting: meetingID, ...fields });
}

// A form that the socket can do instead of a page load.
function viaSocket(formID, type) {
  const form = $(formID);
  if (!form) return;
  form.addEventListener("submit", (event) => {
    if (send(type, {})) event.preventDefault();
  });
}

// A form whose message the socket sends instead of a page load, with
// fields() the message's fields; when fields() has none (no room state
// yet), the form posts.
function formViaSocket(form, type, fields) {
  if (!form) return;
  form.addEventListener("submit", (event) => {
    const f = fields();
    if (f && send(type, f)) event.preventDefault();
  });
}

// A form inside container (found by its class) whose message the socket
// sends instead of a page load: one listener for every row.
function rowFormsViaSocket(container, formClass, type, field) {
  if (!container) return;
  container.addEventListener("submit", (event) => {
    const form = event.target.closest("." + formClass);
    if (!form) return;
    const value = Number(form.elements[field].value);
    if (send(type, { [field]: value })) event.preventDefault();
  });
}

// setField sets a hidden field of a form that posts without script.
function setField(form, name, value) {
  if (form && form.elements[name]) form.elements[name].value = String(value);
}

function moveBy(step) {
  const cur = currentItem();
  if (!state || state.items.length === 0) return null;
  const index = cur ? state.items.indexOf(cur) + step : 0;
  const target = state.items[Math.max(0, Math.min(state.items.length - 1, index))];
  return { item: target.id };
}

function wire() {
  viaSocket("room-checkin-form", "meeting.checkin");
  viaSocket("room-ask-form", "meeting.floor.ask");
  viaSocket("room-withdraw-form", "meeting.floor.withdraw");
  formViaSocket($("room-item-previous-form"), "meeting.item", () => moveBy(-1));
  formViaSocket($("room-item-next-form"), "meeting.item", () => moveBy(1));
  viaSocket("room-floor-next-form", "meeting.floor.next");
  viaSocket("room-floor-end-form", "meeting.floor.end");
  rowFormsViaSocket($("room-speakers"), "speaker-give-form", "meeting.floor.give", "speaker");
  rowFormsViaSocket($("room-agenda"), "item-go-form", "meeting.item", "item");
  const attendance = $("room-attendance");
  if (attendance) {
    attendance.addEventListener("change", (event) => {
      const select = event.target.closest(".attendance-select");
      if (!select) return;
      const row = select.closest("[data-account]");
      if (row) send("meeting.attendance", { account: Number(row.dataset.account), attendance: select.value });
    });
  }
}

function setConnection(name) {
  const el = $("room-connection");
  if (!el) return;
  const key = "status" + name[0].toUpperCase() + name.slice(1);
  el.textContent = root.dataset[key] || "";
  // Shown only when something is wrong: being connected is the rule.
  el.hidden = name === "connected";
  el.dataset.state = name;
  root.dataset.connection = name;
}

// showCancelled says, as soon as the server announces it, that the meeting
// was cancelled and why. The reason goes in through a function, so that
// one holding "$&" is shown as written.
function showCancelled(data) {
  const el = $("room-cancelled");
  if (!el) return;
  el.textContent = (el.dataset.label || "%s").replace("%s", () => data.reason || "");
  el.hidden = false;
}

function start() {
  if (!root || !meetingID) return;
  const topic = "meeting:" + meetingID;
  live = new Channel({
    state: setConnection,
    open: () => live.send({ type: "subscribe", topic }),
    message: (msg) => {
      if (msg.type === "event" && msg.topic === topic && msg.data && msg.data.kind === "meeting.cancelled") {
        showCancelled(msg.data);
      } else if (msg.type === "event" && msg.topic === topic && msg.data && msg.data.kind === "meeting.state") {
        live.healthy();
        state = msg.data;
        offset = Date.parse(state.now) - Date.now();
        render();
      } else if (msg.type === "error") {
        showError(msg.message || msg.code);
      }
    },
  });
  wire();
  live.start();
  setInterval(tick, 1000);
}

start();
