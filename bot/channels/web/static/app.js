// gridbot web chat: the same conversation as the Telegram bot, for browsers (WeChat's included).
// No framework and no external resources: servers here have no internet access. The words the page
// writes itself come from bot/texts/residents.py (web_page), loaded just before this file as /page-texts.js.
"use strict";
(function () {
  const T = window.GRIDBOT_TEXTS;
  const log = document.getElementById("log");
  const main = log.parentElement;
  const actions = document.getElementById("actions");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const photo = document.getElementById("photo");
  const panel = document.getElementById("tickets");
  const ticketList = document.getElementById("ticket-list");
  let csrf = "";
  let restoredUpTo = "";                          // the newest notification the restored conversation showed
  let openTickets = new Set();                    // list items the resident opened (kept when the list refreshes)
  let confirming = "";                            // the ticket whose withdrawal waits for a yes or no

  function fill(template, values) { return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name])); }

  function scroll() { main.scrollTop = main.scrollHeight; }

  function say(text, who) {                       // the resident's own words: always as text
    const div = document.createElement("div");
    div.className = "msg " + who;
    div.textContent = text;
    log.appendChild(div);
    scroll();
    return div;
  }

  function show(html, cls) {                      // server texts: HTML with user input escaped server-side
    const div = document.createElement("div");
    div.className = "msg bot" + (cls ? " " + cls : "");
    div.innerHTML = html;
    log.appendChild(div);
    scroll();
    return div;
  }

  function element(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function button(label, onClick, ariaLabel) {
    const b = element("button", "chip", label);
    b.type = "button";
    if (ariaLabel) { b.setAttribute("aria-label", ariaLabel); }
    b.addEventListener("click", onClick);
    return b;
  }

  function chips(list) {
    actions.replaceChildren(...list.map(([label, onClick]) => button(label, () => { actions.replaceChildren(); onClick(); })));
    scroll();                                     // the buttons end the conversation: in view, not below the fold
  }

  async function api(path, body, isForm) {
    const options = { method: body === undefined ? "GET" : "POST", credentials: "same-origin", headers: {} };
    if (body !== undefined) {
      options.headers["X-CSRF-Token"] = csrf;
      options.headers["X-Request-Id"] = newRequestId();  // a resent post opens its ticket once
      if (isForm) { options.body = body; } else {
        options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body);
      }
    }
    const response = await fetch(path, options).catch(() => null);
    const data = response ? await response.json().catch(() => null) : null;
    const reply = data || { ok: false, error: T.networkError };
    if (!reply.ok) { show(escapeText(reply.error || T.somethingWrong), "alert"); }
    return reply;
  }

  function newRequestId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function escapeText(text) { const d = document.createElement("div"); d.textContent = text; return d.innerHTML; }

  function handle(reply) {                        // what the bot answered (the server keeps the same, bot/channels/web/chat.py SHOWN)
    if (!reply.ok) { return; }
    if (reply.notice) { show(reply.notice); }
    if (reply.emergency) { emergency(reply.emergency); }
    if (reply.answer) { show(reply.answer); }
    if (reply.question) { show(reply.question); }
    offer(reply);
  }

  function offer(reply) {                         // the buttons of the question that waits (also after a reload)
    if (reply.kind === "ask_category") {
      chips(reply.options.map((o) => [o.name, () => answer(o.name, "/api/category", { code: o.code })]));
    } else if (reply.kind === "faq_answer") {   // 已解决 / 转人工办理 under an answer from the knowledge base
      chips(reply.choices.map((c) => [c.name, () => answer(c.name, "/api/faq", { choice: c.choice })]));
    } else if (["ask_location", "location_not_found", "out_of_area"].includes(reply.kind)) {
      chips([[T.sendLocation, sendPosition], [T.skipLocation, () => answer(T.skipLocation, "/api/location", { skip: true })]]);
      input.placeholder = T.addressPlaceholder;
    } else {
      actions.replaceChildren();
      input.placeholder = T.textPlaceholder;
    }
  }

  function emergency(e) {                         // the numbers as tel: links, built from data, not HTML
    const div = show("", "alert emergency");
    const call = document.createElement("b");
    call.textContent = e.title;
    for (const [i, n] of e.numbers.entries()) {
      const a = document.createElement("a");
      a.href = "tel:" + String(n.number).replace(/[^0-9]/g, ""); a.className = "call"; a.textContent = n.label;
      if (i) { call.appendChild(document.createTextNode("、")); }
      call.appendChild(a);
    }
    const details = document.createElement("div");
    details.innerHTML = e.text;                   // server HTML, user text already escaped
    div.append(call, details);
  }

  async function answer(said, path, body) { say(said, "me"); handle(await api(path, body)); }

  function sendPosition() {
    const failed = (text) => { show(escapeText(text)); offer({ kind: "ask_location" }); };
    if (!navigator.geolocation) { failed(T.noGeolocation); return; }
    navigator.geolocation.getCurrentPosition(
      (p) => answer(T.locationShared, "/api/location", { lat: p.coords.latitude, lon: p.coords.longitude }),
      () => failed(T.geolocationFailed), { timeout: 10000 });
  }

  function notify(data) {                         // a notification: its text, and its buttons (rating)
    const div = show(data.html);
    for (const row of data.buttons || []) {
      const box = element("div", "buttons");
      for (const b of row) {
        box.appendChild(button(b.text, async () => {
          if (b.action !== "rate") { return; }
          const r = await api("/api/tickets/" + encodeURIComponent(b.number) + "/rate", { stars: Number(b.arg) });
          if (r.ok) { box.remove(); }             // the notification of the new state says it
        }, b.action === "rate" ? fill(T.rateLabel, { stars: b.text }) : b.text));
      }
      div.appendChild(box);
    }
  }

  function isAfter(id, than) {                    // event-stream ids: "milliseconds-sequence"
    const [ms, seq] = id.split("-").map(Number), [thanMs, thanSeq] = than.split("-").map(Number);
    return ms > thanMs || (ms === thanMs && seq > thanSeq);
  }

  function onNotification(event) {
    if (restoredUpTo && !isAfter(event.lastEventId, restoredUpTo)) { return; }  // shown with the conversation
    notify(JSON.parse(event.data));
    if (!panel.hidden) { loadTickets(); }         // a ticket's state changed: the list follows
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    say(text, "me");
    handle(await api("/api/messages", { text }));
  });
  input.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); } });

  // Phones take photos over 5 MB: such a photo (or one longer than 2560 px, which the server would
  // shrink anyway) is redrawn on a canvas, longest edge at most 2560 px, as a JPEG of quality 0.85,
  // then lower, then smaller, until it is under the limit. Returns the file to send, or null.
  async function shrinkPhoto(file, limit, edge) {
    const url = URL.createObjectURL(file);
    try {
      const image = new Image();
      image.src = url;
      try { await image.decode(); } catch (e) { return file.size <= limit ? file : null; }  // the server decides
      const width = image.naturalWidth, height = image.naturalHeight;
      if (file.size <= limit && Math.max(width, height) <= edge) { return file; }
      let scale = Math.min(1, edge / Math.max(width, height));
      for (let round = 0; round < 6; round++, scale *= 0.75) {
        const canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(width * scale));
        canvas.height = Math.max(1, Math.round(height * scale));
        const context = canvas.getContext("2d");
        context.fillStyle = "#fff";                  // transparent parts on white, as the server does
        context.fillRect(0, 0, canvas.width, canvas.height);
        context.drawImage(image, 0, 0, canvas.width, canvas.height);  // upright: browsers apply EXIF
        for (let quality = 0.85; quality > 0.5; quality -= 0.1) {
          const blob = await new Promise((done) => canvas.toBlob(done, "image/jpeg", quality));
          if (blob && blob.size <= limit) { return new File([blob], "photo.jpg", { type: "image/jpeg" }); }
        }
      }
      return null;
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  photo.addEventListener("change", async () => {
    const file = photo.files[0];
    photo.value = "";
    if (!file) { return; }
    const caption = input.value.trim() || window.prompt("请写一句说明：发生了什么、在哪里？") || "";
    if (!caption.trim()) { show("发照片时请附上文字说明。"); return; }
    input.value = "";
    say("🖼️ " + caption, "me");
    const upload = await shrinkPhoto(file, 5 * 1024 * 1024, 2560);
    if (!upload) { input.value = caption; show("这张照片太大，无法压缩到 5 MB 以内，请换一张。"); return; }
    const body = new FormData();
    body.append("photo", upload); body.append("caption", caption);
    handle(await api("/api/photo", body, true));
  });

  function showTickets(open) {
    panel.hidden = !open;
    document.body.classList.toggle("tickets-open", open);
    if (open) { panel.focus(); } else { document.getElementById("mine").focus(); }
  }

  async function loadTickets() {
    const data = await api("/api/tickets");
    if (!data.ok) { return; }
    openTickets = new Set([...ticketList.querySelectorAll("details[open]")].map((d) => d.dataset.number));
    ticketList.replaceChildren(...(data.tickets.length ? data.tickets.map(ticketItem) : [element("li", "empty", T.noTickets)]));
  }

  function ticketItem(t) {                        // one line (date, category, grid, state); the rest on tap
    const details = element("details");
    details.dataset.number = t.number;
    details.open = openTickets.has(t.number);
    const summary = element("summary");
    summary.append(element("span", "date", t.date), element("span", "category", t.category_name),
      element("span", "grid", t.grid), element("span", "state " + t.status, t.status_label));
    details.append(summary, element("p", "number", fill(T.ticketNumber, { number: t.number })), element("p", "text", t.text));
    if (t.can_cancel) { details.appendChild(withdrawal(t.number)); }
    const item = element("li", "ticket");
    item.appendChild(details);
    return item;
  }

  function withdrawal(number) {                   // 撤回, and then an in-page "are you sure?"
    const box = element("div", "withdraw");
    const offerWithdrawal = () => box.replaceChildren(button(T.withdraw, askToConfirm, fill(T.withdrawLabel, { number })));
    function askToConfirm() {
      confirming = number;
      const dialog = element("div", "confirm");
      const question = element("p", "", fill(T.confirmWithdraw, { number }));
      question.id = "confirm-" + number;
      dialog.setAttribute("role", "alertdialog");
      dialog.setAttribute("aria-labelledby", question.id);
      const no = button(T.confirmNo, () => { confirming = ""; offerWithdrawal(); });
      const yes = button(T.confirmYes, async () => {
        confirming = "";
        const r = await api("/api/tickets/" + encodeURIComponent(number) + "/cancel", {});
        if (r.ok) { loadTickets(); } else { offerWithdrawal(); }  // the notification of the new state says it
      });
      dialog.append(question, yes, no);
      box.replaceChildren(dialog);
      no.focus();
    }
    if (confirming === number) { askToConfirm(); } else { offerWithdrawal(); }
    return box;
  }

  document.getElementById("mine").addEventListener("click", async () => { showTickets(true); await loadTickets(); });
  document.getElementById("tickets-close").addEventListener("click", () => showTickets(false));

  async function restore() {                      // after a reload: the conversation so far, from the server
    const data = await api("/api/conversation");
    if (!data.ok) { return; }
    for (const entry of data.entries) {
      if (entry.who === "me") { say(entry.text, "me"); } else if (entry.who === "bot") { show(entry.html, entry.cls); } else { notify(entry); }
    }
    restoredUpTo = data.last_event_id || "";
    if (data.pending) { offer(data.pending); }    // its question is the last thing the bot said
  }

  api("/api/session").then(async (data) => {
    csrf = data.csrf;
    await restore();
    const events = new EventSource("/api/events");   // reconnects by itself, resuming from Last-Event-ID
    events.addEventListener("notification", onNotification);
  });
})();
