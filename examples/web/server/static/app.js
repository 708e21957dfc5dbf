// The dashboard's only script. No framework, no network but this origin.
// Everything it inserts goes through textContent, never innerHTML; the one
// exception is the dashboard's live rows, the server's own escaped markup,
// parsed inert with DOMParser (no script runs from it; the CSP forbids
// inline script anyway).
//
// Every in-page request asks for JSON (Accept: application/json). The
// server answers {ok, to} or {ok: false, message, dokku}; a session that
// ended answers 401 and the person is sent to log in, then back here.
"use strict";

const csrf = () => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
};

const here = () => location.pathname + location.search + location.hash;

// The session ended (logout elsewhere, expiry, a server restart): log in
// again, then come back to this page.
const toLogin = () => {
  location.assign("/login?next=" + encodeURIComponent(here()));
};

const post = (form, accept) =>
  fetch(form.action, {
    method: "POST",
    body: new URLSearchParams(new FormData(form)),
    headers: { "x-csrf-token": csrf(), accept: accept || "application/json" },
    credentials: "same-origin",
  });

const isJson = (response) =>
  (response.headers.get("content-type") || "").startsWith("application/json");

// The server's refusal as {message, dokku}, whatever it sent.
const refusal = async (response) => {
  if (isJson(response)) {
    try {
      return await response.json();
    } catch (e) {
      /* fall through */
    }
  }
  return { message: "The dashboard answered " + response.status + ": try again." };
};

// Show a refusal next to the form (replacing an earlier one); the input
// stays as typed.
const showError = (form, problem) => {
  clearError(form);
  const box = document.createElement("div");
  box.className = "form-error";
  box.setAttribute("role", "alert");
  const p = document.createElement("p");
  p.textContent = problem.message || "That did not work.";
  box.append(p);
  if (problem.dokku) {
    const said = document.createElement("p");
    said.className = "dokku-said";
    said.textContent = "Dokku said:";
    const pre = document.createElement("pre");
    pre.className = "dokku";
    pre.textContent = problem.dokku;
    box.append(said, pre);
  }
  form.prepend(box);
  box.scrollIntoView({ block: "nearest" });
};

const clearError = (form) => {
  for (const old of form.querySelectorAll(":scope > .form-error")) old.remove();
};

// Go where the server said; the same page is reloaded (a changed hash
// alone would not reload it).
const go = (to) => {
  const url = new URL(to || location.href, location.href);
  if (url.pathname === location.pathname && url.search === location.search) {
    history.replaceState(null, "", url);
    location.reload();
  } else {
    location.assign(url);
  }
};

// Ask before an action that interrupts the app; resolves true to go on.
const confirmed = (form) =>
  new Promise((resolve) => {
    const dialog = document.getElementById("confirm");
    if (!form.dataset.confirm || !dialog || !dialog.showModal) {
      resolve(true);
      return;
    }
    document.getElementById("confirm-title").textContent = form.dataset.confirm;
    document.getElementById("confirm-consequence").textContent =
      form.dataset.consequence || "";
    document.getElementById("confirm-ok").textContent = form.dataset.ok || "Confirm";
    dialog.returnValue = "";
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), {
      once: true,
    });
    dialog.showModal();
    document.getElementById("confirm-cancel").focus();
  });

// Replace the parts of this page marked data-refresh with their current
// state (after a streamed action: processes, overview, history).
const refresh = async () => {
  const response = await fetch(location.pathname + location.search, {
    credentials: "same-origin",
  });
  if (response.redirected && new URL(response.url).pathname === "/login") {
    toLogin();
    return;
  }
  if (!response.ok) return;
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const fresh of doc.querySelectorAll("[data-refresh][id]")) {
    const old = document.getElementById(fresh.id);
    if (old) old.replaceWith(document.importNode(fresh, true));
  }
  checkDestroyForms();
};

// At most this many characters of a streamed output stay on the page,
// the newest: a command that prints without end must not take the tab
// with it (as the log view keeps its newest 2,000 lines).
const OUTPUT_KEPT = 2000000;

// Add `text` to a streamed output box; past OUTPUT_KEPT its oldest
// pieces go, and a first line says how much.
const showOutput = (out, text) => {
  out.append(text);
  out.kept = (out.kept || 0) + text.length;
  let note = out.querySelector(".dropped");
  while (out.kept > OUTPUT_KEPT && out.childNodes.length > (note ? 2 : 1)) {
    const oldest = note ? note.nextSibling : out.firstChild;
    out.kept -= oldest.length;
    out.dropped = (out.dropped || 0) + oldest.length;
    oldest.remove();
    if (!note) {
      note = document.createElement("em");
      note.className = "dropped";
      out.prepend(note);
    }
  }
  if (note) {
    note.textContent = "\u2026 " + out.dropped.toLocaleString() + " earlier characters not shown\n";
  }
  out.scrollTop = out.scrollHeight;
};

// A form whose answer is Dokku's output, streamed as JSON lines:
// {"out": text} … {"end": {ok, message}}; a deploy also says which phase
// it reached ({"phase": name}).
const streamForm = async (form) => {
  const out = document.getElementById(form.dataset.stream);
  const outcome = document.getElementById(form.dataset.outcome || "ps-outcome");
  const buttons = document.querySelectorAll("form[data-stream] button");
  clearError(form);
  out.hidden = false;
  out.replaceChildren();
  out.kept = 0;
  out.dropped = 0;
  out.dataset.state = "running";
  if (outcome) {
    outcome.hidden = false;
    outcome.className = "outcome running";
    outcome.textContent = "Running…";
  }
  buttons.forEach((b) => (b.disabled = true));
  let end = null;
  try {
    const response = await post(form, "application/x-ndjson, application/json");
    if (response.status === 401) return toLogin();
    const type = response.headers.get("content-type") || "";
    if (!response.ok || !type.startsWith("application/x-ndjson")) {
      const problem = await refusal(response);
      if (problem.login) return toLogin();
      out.hidden = true;
      showError(form, problem);
      end = { ok: false, message: problem.message, refused: true };
    } else {
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      const take = (line) => {
        if (!line.trim()) return;
        const event = JSON.parse(line);
        if (event.out !== undefined) showOutput(out, event.out);
        if (event.phase && outcome) outcome.textContent = "Running: " + event.phase + "…";
        if (event.end) end = event.end;
      };
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        const lines = buffer.split("\n");
        buffer = lines.pop();
        lines.forEach(take);
      }
      take(buffer);
    }
  } catch (e) {
    end = { ok: false, message: "The dashboard stopped answering: " + e.message };
  }
  end = end || { ok: false, message: "The output ended without saying how it went." };
  out.dataset.state = end.ok ? "done" : "failed";
  if (outcome) {
    outcome.className = "outcome " + (end.ok ? "ok" : "failed");
    outcome.textContent = end.message;
    if (end.refused) outcome.hidden = true;
  }
  buttons.forEach((b) => (b.disabled = false));
  if (!end.refused) await refresh().catch(() => {});
};

// Reveal one secret (a config value, a DSN): swap the mask for the value.
const revealForm = async (form) => {
  const row = form.dataset.row
    ? document.getElementById(form.dataset.row)
    : form.closest("tr");
  const cell = row.querySelector("code.value");
  const button = form.querySelector("button");
  if (form.dataset.shown) {
    cell.textContent = "\u2022".repeat(8);
    cell.classList.remove("shown");
    delete form.dataset.shown;
    button.textContent = form.dataset.label || "Reveal";
    return;
  }
  clearError(form);
  let response;
  try {
    response = await post(form, "text/plain, application/json");
  } catch (e) {
    showError(form, { message: "The dashboard did not answer: " + e.message });
    return;
  }
  if (response.status === 401) return toLogin();
  const type = response.headers.get("content-type") || "";
  if (!response.ok || !type.startsWith("text/plain")) {
    showError(form, await refusal(response));
    return;
  }
  cell.textContent = await response.text();
  cell.classList.add("shown");
  form.dataset.shown = "1";
  form.dataset.label = form.dataset.label || button.textContent;
  button.textContent = "Hide";
};

// A file chosen in the form (a dump to load) sent as the body, read as
// it goes; the token and the typed name travel in headers.
const upload = (form) =>
  fetch(form.action, {
    method: "POST",
    body: form.querySelector('input[type="file"]').files[0],
    headers: {
      "content-type": "application/octet-stream",
      "x-csrf-token": csrf(),
      "x-confirm": form.querySelector('input[name="confirm"]').value,
      accept: "application/json",
    },
    credentials: "same-origin",
  });

// Any other form: sent in the background (by `send`); on success the
// server says where to go, on refusal the reason shows next to the form.
const actionForm = async (form, send = post) => {
  clearError(form);
  const button = form.querySelector('button[type="submit"]');
  if (button) button.disabled = true;
  try {
    const response = await send(form);
    if (response.status === 401) return toLogin();
    if (response.ok && isJson(response)) {
      const answer = await response.json();
      go(answer.to);
      return;
    }
    const problem = await refusal(response);
    if (problem.login) return toLogin();
    showError(form, problem);
  } catch (e) {
    showError(form, { message: "The dashboard did not answer: " + e.message });
  } finally {
    if (button) button.disabled = false;
    checkDestroyForms();
  }
};

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.method.toLowerCase() !== "post" || "native" in form.dataset) return;
  event.preventDefault();
  if (!(await confirmed(form))) return;
  if (form.dataset.stream) return streamForm(form);
  if ("reveal" in form.dataset) return revealForm(form);
  if ("upload" in form.dataset) return actionForm(form, upload);
  return actionForm(form);
});

// Destroy only once the name has been typed.
const checkDestroyForms = () => {
  for (const form of document.querySelectorAll("form[data-name]")) {
    const input = form.querySelector('input[name="confirm"]');
    const button = form.querySelector('button[type="submit"]');
    button.disabled = input.value !== form.dataset.name;
  }
};
document.addEventListener("input", (event) => {
  if (event.target.closest && event.target.closest("form[data-name]")) checkDestroyForms();
});
checkDestroyForms();

// Certificate expiry: the server's words ("expires in 61 days"), kept up
// to date only as often as they can change (every minute).
const span = (secs) => {
  const s = Math.abs(secs);
  if (s >= 2 * 86400) return Math.floor(s / 86400) + " days";
  if (s >= 2 * 3600) return Math.floor(s / 3600) + " hours";
  if (s >= 120) return Math.floor(s / 60) + " minutes";
  return s + " seconds";
};
const countdowns = document.querySelectorAll(".countdown[data-seconds]");
if (countdowns.length) {
  const start = Date.now();
  const tick = () => {
    const elapsed = Math.floor((Date.now() - start) / 1000);
    for (const el of countdowns) {
      const secs = Number(el.dataset.seconds) - elapsed;
      el.textContent = secs >= 0 ? "expires in " + span(secs) : "expired " + span(secs) + " ago";
    }
  };
  setInterval(tick, 60000);
}

// Live logs: lines kept in time order (each carries a sortable key), so a
// restarted stream never jumps back; pause holds new lines; find, wrap,
// download.
const log = document.getElementById("log");
if (log) {
  const n = document.getElementById("log-n");
  const process = document.getElementById("log-process");
  const follow = document.getElementById("log-follow");
  const pause = document.getElementById("log-pause");
  const search = document.getElementById("log-search");
  const wrap = document.getElementById("log-wrap");
  const status = document.getElementById("log-status");
  const download = document.getElementById("log-download");
  let source = null;
  let paused = false;
  let held = [];

  const matches = (node) =>
    !search.value || node.textContent.toLowerCase().includes(search.value.toLowerCase());
  const line = (data) => {
    const div = document.createElement("div");
    div.className = "l";
    div.dataset.k = data.k || "";
    for (const [cls, text] of [["t", data.t], ["p", data.p || ""], ["m", data.m]]) {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = text;
      div.append(span, " ");
    }
    div.hidden = !matches(div);
    return div;
  };
  // Insert in key order; almost always at the end.
  const place = (node) => {
    let after = log.lastElementChild;
    while (after && node.dataset.k && after.dataset.k > node.dataset.k) {
      after = after.previousElementSibling;
    }
    if (after) after.after(node);
    else log.prepend(node);
  };
  const show = (nodes) => {
    const atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
    nodes.forEach(place);
    while (log.childElementCount > 2000) log.firstElementChild.remove();
    log.dataset.since = log.lastElementChild ? log.lastElementChild.dataset.k : "";
    if (atEnd) log.scrollTop = log.scrollHeight;
    const empty = document.getElementById("log-empty");
    if (empty && log.childElementCount) empty.remove();
  };
  const stop = () => {
    if (source) source.close();
    source = null;
  };
  const params = () => {
    const p = new URLSearchParams({ n: n.value || "100" });
    if (process.value) p.set("process", process.value);
    return p;
  };
  // A stream that stopped: is the session still there?
  const checkSession = async (why) => {
    stop();
    try {
      const response = await fetch("/session", { headers: { accept: "application/json" } });
      if (response.status === 401) return toLogin();
    } catch (e) {
      /* the server is gone: say so below */
    }
    status.textContent = why;
  };
  const start = (fresh) => {
    stop();
    status.textContent = "";
    const p = params();
    if (fresh) log.textContent = "";
    else if (log.dataset.since) p.set("since", log.dataset.since);
    source = new EventSource(log.dataset.src + "?" + p);
    source.addEventListener("line", (event) => {
      const node = line(JSON.parse(event.data));
      if (paused) {
        held.push(node);
        log.dataset.held = String(held.length);
      } else show([node]);
    });
    source.addEventListener("failure", (event) => {
      show([line({ t: "", p: "error", m: JSON.parse(event.data) })]);
      stop();
    });
    source.addEventListener("end", () => checkSession("The log stream ended."));
    source.addEventListener("error", () => {
      if (source && source.readyState === EventSource.CLOSED) {
        checkSession("The log stream stopped; reload the page to follow again.");
      }
    });
  };
  const changed = () => {
    download.href = log.dataset.src + "/download?" + params();
    if (follow.checked) start(true);
    else document.getElementById("log-show").click();
  };
  follow.addEventListener("change", () => (follow.checked ? start(false) : stop()));
  process.addEventListener("change", changed);
  n.addEventListener("change", changed);
  search.addEventListener("input", () => {
    for (const node of log.children) node.hidden = !matches(node);
  });
  wrap.addEventListener("change", () => log.classList.toggle("wrap", wrap.checked));
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.textContent = paused ? "Resume" : "Pause";
    log.dataset.paused = paused ? "1" : "";
    if (!paused) {
      show(held);
      held = [];
      log.dataset.held = "0";
    }
  });
  if (follow.checked) start(false);
}

// The live dashboard: each app's row is swapped in place as the server
// reads it again, and the counter and the host time follow.
const apps = document.getElementById("apps");
const progress = document.getElementById("refresh-progress");
if (progress) {
  const spent = document.getElementById("refresh-spent");
  const parser = new DOMParser();
  const source = new EventSource(progress.dataset.live || "/live");
  source.addEventListener("row", (event) => {
    const data = JSON.parse(event.data);
    if (!apps) return;
    const old = apps.querySelector('tr[data-app="' + CSS.escape(data.app) + '"]');
    if (!old) return;
    const doc = parser.parseFromString("<table><tbody>" + data.html + "</tbody></table>", "text/html");
    const row = doc.querySelector("tr");
    if (row) old.replaceWith(document.importNode(row, true));
  });
  source.addEventListener("progress", (event) => {
    const data = JSON.parse(event.data);
    progress.textContent = data.text;
    progress.dataset.fresh = String(data.fresh);
    progress.dataset.total = String(data.total);
    if (spent) spent.textContent = data.spent;
    // The state counts follow the rows.
    const all = document.getElementById("count-all");
    if (all) all.textContent = String(data.total);
    for (const [state, n] of Object.entries(data.counts || {})) {
      const count = document.getElementById("count-" + state);
      if (!count) continue;
      count.textContent = String(n);
      // A mark's chip shows while some app has the mark (or it is the
      // filter in use).
      const chip = count.closest("li[data-mark]");
      if (chip && !chip.querySelector("[aria-current]")) chip.hidden = n === 0;
    }
  });
  // Dokku's event logger switched: its notice shows while it is off.
  source.addEventListener("event-log", (event) => {
    const notice = document.getElementById("event-log-off");
    if (notice) notice.hidden = JSON.parse(event.data).on !== false;
  });
  source.addEventListener("end", () => source.close());
}

// The fleet page follows the kept fleet status: it reloads once its
// reading is due again (sooner while the first one is on its way).
const reloading = document.querySelector("[data-reload]");
if (reloading) {
  const seconds = Number(reloading.dataset.reload) || 30;
  setTimeout(() => location.reload(), seconds * 1000);
}

// A running build's page follows its output as Dokku writes it, then
// reloads to show how the build ended (its record and whole log).
const followed = document.querySelector("pre[data-follow]");
if (followed) {
  const status = document.getElementById("build-follow");
  const source = new EventSource(followed.dataset.follow);
  source.addEventListener("line", (event) => {
    showOutput(followed, JSON.parse(event.data) + "\n");
  });
  source.addEventListener("failure", (event) => {
    source.close();
    if (status) status.textContent = "Following stopped: " + JSON.parse(event.data);
  });
  source.addEventListener("end", () => {
    source.close();
    location.reload();
  });
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED && status) {
      status.textContent = "Following stopped; reload the page to follow again.";
    }
  });
}
