// A planned meeting's page follows the topic meeting:N over /ws
// (docs/protocol.md, "Meeting room") for one thing only: to say at once
// that the meeting was cancelled, and why (a meeting.cancelled event).
// The text from the server goes in with textContent. Without this script
// the page says it on the next load.

import { Channel } from "./channel.js";

const page = document.getElementById("meeting-page");
const banner = document.getElementById("meeting-cancelled-live");

function start() {
  if (!page || !banner) return;
  const topic = "meeting:" + Number(page.dataset.meeting);
  const live = new Channel({
    open: () => live.send({ type: "subscribe", topic }),
    message: (msg) => {
      if (msg.type !== "event" || msg.topic !== topic || !msg.data) return;
      live.healthy();
      if (msg.data.kind === "meeting.cancelled") {
        banner.textContent = (banner.dataset.label || "%s").replace("%s", () => msg.data.reason || "");
        banner.hidden = false;
        page.dataset.status = "cancelled";
      }
    },
  });
  live.start();
}

start();
