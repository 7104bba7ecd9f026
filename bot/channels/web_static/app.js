// The web chat's own script: no libraries, no third parties. The conversation is kept in this
// tab only (sessionStorage); the server keeps what the coach keeps for Telegram, nothing more.
"use strict";
(function () {
  var base = document.body.dataset.base || "/";
  var log = document.getElementById("log");
  var form = document.getElementById("send");
  var input = document.getElementById("text");
  var KEY = "coach-gesprek";
  var csrf = "";
  var busy = Promise.resolve();
  var transcript = [];
  try { transcript = JSON.parse(sessionStorage.getItem(KEY) || "[]"); } catch (e) { transcript = []; }

  function save() {
    try { sessionStorage.setItem(KEY, JSON.stringify(transcript.slice(-200))); } catch (e) { /* full */ }
  }

  function download(doc) {
    var bytes = atob(doc.content_b64);
    var buf = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) buf[i] = bytes.charCodeAt(i);
    return URL.createObjectURL(new Blob([buf], { type: doc.mime }));
  }

  function show(item, live) {
    var li = document.createElement("li");
    li.className = item.who + (item.waiting ? " waiting" : "");
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = item.who === "me" ? "Jij" : "Coach";
    li.appendChild(who);
    var body = document.createElement("span");
    if (item.who === "me") body.textContent = item.text;
    else body.innerHTML = item.html; // escaped by the server; only <b> is markup
    li.appendChild(body);
    if (item.document) {
      var p = document.createElement("div");
      p.className = "choices";
      if (live && item.document.content_b64) {
        var a = document.createElement("a");
        a.className = "download";
        a.href = download(item.document);
        a.download = item.document.filename;
        a.textContent = "Download " + item.document.filename;
        p.appendChild(a);
      } else {
        p.textContent = item.document.filename + " (vraag opnieuw met /export om te downloaden)";
      }
      li.appendChild(p);
    }
    (item.buttons || []).forEach(function (row) {
      var div = document.createElement("div");
      div.className = "choices";
      row.forEach(function (b) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.label;
        btn.disabled = !!item.used;
        btn.addEventListener("click", function () {
          item.used = true;
          save();
          li.querySelectorAll(".choices button").forEach(function (x) { x.disabled = true; });
          send({ action: b.action }, b.label);
        });
        div.appendChild(btn);
      });
      li.appendChild(div);
    });
    log.appendChild(li);
    li.scrollIntoView({ block: "end" });
  }

  function add(item) {
    show(item, true);
    var kept = Object.assign({}, item);
    if (kept.document) kept.document = { filename: kept.document.filename };
    transcript.push(kept);
    save();
  }

  function replies(list, waiting) {
    (list || []).forEach(function (r) {
      add({ who: "bot", html: r.html, buttons: r.buttons, document: r.document, waiting: waiting });
    });
  }

  function ended() {
    transcript = [];
    try { sessionStorage.removeItem(KEY); } catch (e) { /* ignore */ }
    input.disabled = true;
    document.getElementById("submit").disabled = true;
  }

  function post(path, body) {
    return fetch(base + path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {})
    }).then(function (res) { return res.json(); });
  }

  function send(message, label) {
    add({ who: "me", text: label });
    busy = busy.then(function () {
      return post("api/message", message).then(function (data) {
        replies(data.replies);
        if (data.ended) ended();
      }).catch(function () {
        add({ who: "bot", html: "Er ging iets mis met de verbinding. Probeer het zo nog eens." });
      }).then(function () { input.focus(); });
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    input.value = "";
    send({ text: text }, text);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  document.querySelectorAll("[data-command]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      btn.closest("details").open = false;
      send({ text: btn.dataset.command }, btn.textContent);
    });
  });
  document.getElementById("logout").addEventListener("click", function () {
    post("api/logout").then(function (data) { replies(data.replies); ended(); });
  });

  transcript.forEach(function (item) { show(item, false); });
  fetch(base + "api/session", { credentials: "same-origin" })
    .then(function (res) { return res.json().then(function (d) { return [res.status, d]; }); })
    .then(function (pair) {
      var data = pair[1];
      if (pair[0] !== 200) { replies(data.replies); ended(); return; }
      csrf = data.csrf;
      replies(data.pending, true);
      if (!transcript.length) send({ text: "/start" }, "Start");
    })
    .catch(function () {
      add({ who: "bot", html: "De coach is nu niet bereikbaar. Probeer het zo nog eens." });
    });
  input.focus();
})();
