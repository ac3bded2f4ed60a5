// The web chat's one script (/chat; CSP script-src 'self', no framework). Sends messages to POST /api/chat — the
// same conversation engine as the official account — and draws the replies as bubbles. The server-issued session
// rides in its HttpOnly cookie (path /api/chat); the transcript shown is kept in sessionStorage, so a reload shows
// it again and the conversation (a half-filled application too) continues. All text goes in with textContent;
// only http(s) links and this site's paths become <a> elements.
(function () {
  "use strict";
  var log = document.getElementById("chat-log");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-input");
  if (!log || !form || !input) return;
  var STORE = "ogi-chat-transcript";
  var SESSION = "ogi-chat-session";
  var MAX_KEPT = 200;
  var busy = false;
  var transcript = [];

  function load() {
    try {
      var t = JSON.parse(window.sessionStorage.getItem(STORE) || "[]");
      return Array.isArray(t)
        ? t.filter(function (m) {
            return m && typeof m.text === "string" && typeof m.from === "string";
          })
        : [];
    } catch (e) {
      return [];
    }
  }
  function save() {
    try {
      window.sessionStorage.setItem(STORE, JSON.stringify(transcript.slice(-MAX_KEPT)));
    } catch (e) {
      /* storage full or off: the conversation itself is kept by the server */
    }
  }

  // http(s) URLs, and site paths such as /guide#application or /reports/2019 (a slash after a space, a bracket
  // or Chinese punctuation, followed by a letter).
  var LINK = /(https?:\/\/[^\s<>"'“”‘’（）()，。；！？、】]+)|(^|[\s（(：:，,“])(\/[A-Za-z][A-Za-z0-9_\-./?=&%#]*)/g;
  function safeHref(href) {
    if (/^\/(?![/\\])/.test(href)) return href;
    try {
      var u = new URL(href);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }
  function appendText(el, text) {
    var last = 0;
    var m;
    LINK.lastIndex = 0;
    while ((m = LINK.exec(text))) {
      var url = m[1] || m[3];
      var start = m[1] ? m.index : m.index + m[2].length;
      // Trailing punctuation belongs to the sentence, not the address.
      var trimmed = url.replace(/[.,;:!?]+$/, "");
      var href = safeHref(trimmed);
      if (!href) continue;
      el.appendChild(document.createTextNode(text.slice(last, start)));
      var a = document.createElement("a");
      a.href = href;
      a.textContent = trimmed;
      if (!/^\//.test(trimmed)) {
        a.target = "_blank";
        a.rel = "noopener noreferrer";
      }
      el.appendChild(a);
      last = start + trimmed.length;
      LINK.lastIndex = last;
    }
    el.appendChild(document.createTextNode(text.slice(last)));
  }

  // Quick replies: numbered lines ("1. 个人（自然人）", "您是想问：1.… 2.…"), else the replies a message names
  // (回复“确认”提交).
  function quickReplies(text) {
    var out = [];
    text.split("\n").forEach(function (line) {
      var m = /^\s*(\d{1,2})\s*[.．、]\s*(.{1,40})$/.exec(line);
      if (m) out.push({ send: m[1], label: m[1] + ". " + m[2].trim() });
    });
    if (out.length >= 2) return out;
    out = [];
    var re = /回复[“"]([^”"]{1,8})[”"]/g;
    var m2;
    while ((m2 = re.exec(text)) && out.length < 6) {
      var word = m2[1];
      if (/字段名|序号|\s/.test(word)) continue;
      if (
        !out.some(function (q) {
          return q.send === word;
        })
      )
        out.push({ send: word, label: word });
    }
    return out;
  }

  function clearQuick() {
    var old = log.querySelectorAll(".quick");
    for (var i = 0; i < old.length; i++) old[i].parentNode.removeChild(old[i]);
  }

  function bubble(from, text, opts) {
    var li = document.createElement("li");
    li.className = "msg " + from;
    if (from !== "system") {
      var av = document.createElement("span");
      av.className = "avatar";
      av.setAttribute("aria-hidden", "true");
      av.textContent = from === "me" ? "我" : "客服";
      li.appendChild(av);
    }
    var b = document.createElement("div");
    b.className = "bubble";
    var who = document.createElement("span");
    who.className = "sr-only";
    who.textContent = from === "me" ? "我：" : from === "system" ? "" : "客服：";
    b.appendChild(who);
    appendText(b, text);
    if (opts && opts.quick) {
      var q = quickReplies(text);
      if (q.length) {
        var group = document.createElement("div");
        group.className = "quick";
        group.setAttribute("role", "group");
        group.setAttribute("aria-label", "快捷回复");
        q.forEach(function (item) {
          var btn = document.createElement("button");
          btn.type = "button";
          btn.textContent = item.label;
          btn.setAttribute("data-say", item.send);
          group.appendChild(btn);
        });
        b.appendChild(group);
      }
    }
    li.appendChild(b);
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    return li;
  }

  function remember(from, text) {
    transcript.push({ from: from, text: text });
    save();
  }

  function send(text) {
    text = String(text || "").trim();
    if (!text || busy) return;
    busy = true;
    clearQuick();
    bubble("me", text);
    remember("me", text);
    var stored = null;
    try {
      stored = window.sessionStorage.getItem(SESSION);
    } catch (e) {
      stored = null;
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/chat");
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.onload = function () {
      busy = false;
      var data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch (e) {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && data && Array.isArray(data.replies)) {
        if (stored && data.session && data.session !== stored) {
          bubble("system", "上一次会话已过期，已开始新的会话。");
        }
        try {
          if (data.session) window.sessionStorage.setItem(SESSION, data.session);
        } catch (e) {
          /* ignore */
        }
        data.replies.forEach(function (r, i) {
          bubble("bot", String(r), { quick: i === data.replies.length - 1 });
          remember("bot", String(r));
        });
      } else {
        var msg = data && data.error && data.error.message ? data.error.message : "发送失败，请稍后再试。";
        bubble("error", msg);
      }
    };
    xhr.onerror = function () {
      busy = false;
      bubble("error", "网络连接失败，请检查网络后重试。");
    };
    // The session is the HttpOnly cookie; the body's copy only covers browsers that refuse the cookie.
    xhr.send(JSON.stringify(stored ? { text: text, session: stored } : { text: text }));
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
    input.focus();
  });
  document.addEventListener("click", function (e) {
    var el = e.target && e.target.closest ? e.target.closest("[data-say]") : null;
    if (!el) return;
    e.preventDefault();
    send(el.getAttribute("data-say"));
    input.focus();
  });

  // A reload shows the conversation so far; the quick replies of the last answer still work.
  transcript = load();
  // Restored bubbles are not news: the live region speaks only what arrives after the reload.
  log.setAttribute("aria-live", "off");
  transcript.forEach(function (m, i) {
    var lastBot = m.from === "bot" && i === transcript.length - 1;
    bubble(m.from === "me" ? "me" : "bot", m.text, { quick: lastBot });
  });
  window.setTimeout(function () {
    log.setAttribute("aria-live", "polite");
  }, 0);
})();
