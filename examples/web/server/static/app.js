// The dashboard's only script. No framework, no network but this origin.
// Everything it inserts goes through textContent, never innerHTML.
"use strict";

const csrf = () => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
};

const post = (form) =>
  fetch(form.action, {
    method: "POST",
    body: new URLSearchParams(new FormData(form)),
    headers: { "x-csrf-token": csrf() },
    credentials: "same-origin",
  });

// Forms with data-stream: show Dokku's output live in the named <pre>.
for (const form of document.querySelectorAll("form[data-stream]")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const out = document.getElementById(form.dataset.stream);
    out.hidden = false;
    out.textContent = "";
    out.dataset.state = "running";
    const buttons = document.querySelectorAll("form[data-stream] button");
    buttons.forEach((b) => (b.disabled = true));
    try {
      const response = await post(form);
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        out.textContent += decoder.decode(value, { stream: true });
        out.scrollTop = out.scrollHeight;
      }
      out.dataset.state = response.ok ? "done" : "failed";
    } catch (e) {
      out.textContent += "\n[" + e + "]";
      out.dataset.state = "failed";
    }
    buttons.forEach((b) => (b.disabled = false));
    const again = document.createElement("a");
    again.href = location.pathname;
    again.textContent = "Reload to see the new state";
    again.className = "reload";
    out.after(again);
  });
}

// Reveal one config value (admins): swap the mask for the value.
for (const form of document.querySelectorAll("form[data-reveal]")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // The value's cell is in the form's row, or in the row it names.
    const row = form.dataset.row
      ? document.getElementById(form.dataset.row)
      : form.closest("tr");
    const cell = row.querySelector("code.value");
    const button = form.querySelector("button");
    if (form.dataset.shown) {
      cell.textContent = "\u2022".repeat(8);
      delete form.dataset.shown;
      button.textContent = form.dataset.label || "Reveal";
      return;
    }
    const response = await post(form);
    cell.textContent = await response.text();
    form.dataset.shown = "1";
    form.dataset.label = form.dataset.label || button.textContent;
    button.textContent = "Hide";
  });
}

// Certificate expiry countdowns, ticking from what the server rendered.
const countdowns = document.querySelectorAll(".countdown[data-seconds]");
if (countdowns.length) {
  const start = Date.now();
  const show = (secs) => {
    const s = Math.abs(secs);
    const d = Math.floor(s / 86400);
    const h = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60);
    const text = d + "d " + h + "h " + m + "m " + Math.floor(s % 60) + "s";
    return secs >= 0 ? "expires in " + text : "expired " + text + " ago";
  };
  const tick = () => {
    const elapsed = Math.floor((Date.now() - start) / 1000);
    for (const el of countdowns) {
      el.textContent = show(Number(el.dataset.seconds) - elapsed);
    }
  };
  tick();
  setInterval(tick, 1000);
}

// Destroy only once the name has been typed.
for (const form of document.querySelectorAll("form[data-name]")) {
  const input = form.querySelector('input[name="confirm"]');
  const button = form.querySelector('button[type="submit"]');
  const check = () => (button.disabled = input.value !== form.dataset.name);
  input.addEventListener("input", check);
  check();
}

// Live logs: follow over server-sent events; pause keeps what arrives.
const log = document.getElementById("log");
if (log) {
  const n = document.getElementById("log-n");
  const process = document.getElementById("log-process");
  const follow = document.getElementById("log-follow");
  const pause = document.getElementById("log-pause");
  let source = null;
  let paused = false;
  let held = [];

  const line = (data) => {
    const div = document.createElement("div");
    div.className = "l";
    for (const [cls, text] of [["t", data.t], ["p", data.p || ""], ["m", data.m]]) {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = text;
      div.append(span, " ");
    }
    return div;
  };
  const show = (nodes) => {
    const atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
    log.append(...nodes);
    while (log.childElementCount > 2000) log.firstElementChild.remove();
    if (atEnd) log.scrollTop = log.scrollHeight;
  };
  const stop = () => {
    if (source) source.close();
    source = null;
  };
  const start = () => {
    stop();
    const params = new URLSearchParams({ n: n.value || "100" });
    if (process.value) params.set("process", process.value);
    source = new EventSource(log.dataset.src + "?" + params);
    let first = true;
    source.addEventListener("line", (event) => {
      if (first) {
        // The stream starts with the same last N lines the page showed.
        log.textContent = "";
        first = false;
      }
      const node = line(JSON.parse(event.data));
      if (paused) held.push(node);
      else show([node]);
    });
    source.addEventListener("failure", (event) => {
      const node = line({ t: "", p: "error", m: JSON.parse(event.data) });
      show([node]);
      stop();
    });
  };
  follow.addEventListener("change", () => (follow.checked ? start() : stop()));
  process.addEventListener("change", () => follow.checked && start());
  n.addEventListener("change", () => follow.checked && start());
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.textContent = paused ? "Resume" : "Pause";
    log.dataset.paused = paused ? "1" : "";
    if (!paused) {
      show(held);
      held = [];
    }
  });
  if (follow.checked) start();
}
