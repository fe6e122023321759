// gridbot web chat: the same conversation as the Telegram bot, for browsers (WeChat's included).
// No framework and no external resources: servers here have no internet access.
"use strict";
(function () {
  const log = document.getElementById("log");
  const actions = document.getElementById("actions");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const photo = document.getElementById("photo");
  let csrf = "";

  function scroll() { log.parentElement.scrollTop = log.parentElement.scrollHeight; }

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

  function chips(list) {
    actions.replaceChildren();
    for (const [label, onClick] of list) {
      const b = document.createElement("button");
      b.type = "button"; b.className = "chip"; b.textContent = label;
      b.addEventListener("click", () => { actions.replaceChildren(); onClick(); });
      actions.appendChild(b);
    }
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
    const response = await fetch(path, options);
    const data = await response.json().catch(() => ({ ok: false, error: "网络异常，请稍后再试。" }));
    if (!data.ok) { show(escapeText(data.error || "出错了，请稍后再试。"), "alert"); }
    return data;
  }

  function newRequestId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function escapeText(text) { const d = document.createElement("div"); d.textContent = text; return d.innerHTML; }

  function handle(reply) {
    if (!reply.ok) { return; }
    if (reply.notice) { show(reply.notice); }
    if (reply.emergency) { emergency(reply.emergency); }
    if (reply.answer) { show(reply.answer); }
    if (reply.question) { show(reply.question); }
    if (reply.kind === "ask_category") {
      chips(reply.options.map((o) => [o.name, async () => { say(o.name, "me"); handle(await api("/api/category", { code: o.code })); }]));
    } else if (["ask_location", "location_not_found", "out_of_area"].includes(reply.kind)) {
      chips([
        ["发送位置", sendPosition],
        ["不清楚位置，直接提交", async () => { say("不清楚位置", "me"); handle(await api("/api/location", { skip: true })); }],
      ]);
      input.placeholder = "或输入地址，如：西正路8号";
    } else {
      actions.replaceChildren();
      input.placeholder = "描述您遇到的问题……";
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

  function sendPosition() {
    if (!navigator.geolocation) { show("此浏览器无法获取位置，请输入地址。"); return; }
    navigator.geolocation.getCurrentPosition(async (p) => {
      say("📍 已发送位置", "me");
      handle(await api("/api/location", { lat: p.coords.latitude, lon: p.coords.longitude }));
    }, () => { show("没能获取位置，请输入地址。"); handle({ ok: true, kind: "ask_location" }); }, { timeout: 10000 });
  }

  function notification(event) {
    const data = JSON.parse(event.data);
    const div = show(data.html);
    for (const row of data.buttons || []) {
      const box = document.createElement("div");
      box.className = "buttons";
      for (const b of row) {
        const btn = document.createElement("button");
        btn.type = "button"; btn.className = "chip"; btn.textContent = b.text;
        btn.setAttribute("aria-label", b.action === "rate" ? "评分 " + b.text + " 分" : b.text);
        btn.addEventListener("click", async () => {
          if (b.action !== "rate") { return; }
          const r = await api("/api/tickets/" + encodeURIComponent(b.number) + "/rate", { stars: Number(b.arg) });
          if (r.ok) { box.remove(); show(r.message); }  // server HTML, user text already escaped
        });
        box.appendChild(btn);
      }
      div.appendChild(box);
    }
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

  document.getElementById("mine").addEventListener("click", async () => {
    const data = await api("/api/tickets");
    if (!data.ok) { return; }
    if (!data.tickets.length) { show("您还没有工单。"); return; }
    const div = show("");
    for (const t of data.tickets) {
      const line = document.createElement("div");
      line.textContent = t.number + "　" + t.status_label + "　" + t.text.slice(0, 20);
      if (t.own && ["pending", "assigned", "accepted"].includes(t.status)) {
        const b = document.createElement("button");
        b.type = "button"; b.className = "chip"; b.textContent = "撤回";
        b.setAttribute("aria-label", "撤回 " + t.number);
        b.addEventListener("click", async () => { const r = await api("/api/tickets/" + t.number + "/cancel", {}); if (r.ok) { show(r.message); } });
        line.appendChild(b);
      }
      div.appendChild(line);
    }
  });

  api("/api/session").then((data) => {
    csrf = data.csrf;
    const events = new EventSource("/api/events");   // reconnects by itself, resuming from Last-Event-ID
    events.addEventListener("notification", notification);
  });
})();
