/* The web chat page of the `webchat` Rasa channel (channels/webchat.py). No libraries, no build.
 *
 * It speaks the small part of Socket.IO v5 (on Engine.IO v4) the channel uses, over a plain
 * WebSocket to <socket path>/?EIO=4&transport=websocket. Every WebSocket frame is one Engine.IO
 * packet: a type digit, then data. Socket.IO packets ride inside Engine.IO "message" packets (4):
 *
 *   server -> page  0{"sid":…,"pingInterval":25000,"pingTimeout":20000}  Engine.IO open
 *   page -> server  40                                   Socket.IO: connect to namespace "/"
 *   server -> page  40{"sid":…}                          connected (44{…}: refused)
 *   page -> server  42["session_request",{"session_id":"…"}]   the token it was given, if any
 *   server -> page  42["session_confirm","web:….…"]      joined the conversation's room
 *   page -> server  42["user_uttered",{"message":"…"}]   to the confirmed session
 *
 * A photo goes by HTTP: POST /webchat/upload with the photo as the body and the session token in
 * X-Webchat-Session (channels/webchat_upload.py); the assistant answers it in the chat.
 *
 * Sessions come from the server: a signed token, kept in localStorage and sent back on every
 * connection. One the server did not sign is answered with a new session (channels/webchat.py).
 *   server -> page  42["bot_uttered",{"text":"…","quick_replies":[{"title":"…","payload":"…"}]}]
 *   server -> page  42["bot_uttered",{"text":"…","agent":"客服 王芳"}]   a person's reply
 *   server -> page  42["turn_done",{"complaint_id":"TS-…"}]   the assistant has finished with a
 *                   message (answered, paused for an agent, or failed): "对方正在输入" goes
 *   server -> page  42["conversation_state",{"complaint_id":"TS-…"}]  after session_confirm
 *   (complaint_id: the session's newest complaint, pinned at the top; null: none; absent: unknown)
 *   server -> page  2   (ping)            page -> server  3   (pong)
 *   server -> page  41  (namespace closed) or 1 (transport closed)
 *
 * Not implemented, because the channel never uses them: HTTP long-polling, binary packets,
 * acknowledgements, namespaces other than "/".
 *
 * Message content goes into the page only as text (textContent), never as HTML.
 */
(function () {
  "use strict";

  var SESSION_KEY = "webchat.session_id";
  var TRANSCRIPT_KEY = "webchat.transcript";
  var TRANSCRIPT_LIMIT = 100;
  var TYPING_TIMEOUT_MS = 60000; // only if `turn_done` never comes (a server that died mid-turn)
  var RECONNECT_DELAYS_MS = [500, 1000, 2000, 4000, 8000];

  var el = {
    status: document.getElementById("status"),
    notice: document.getElementById("notice"),
    messages: document.getElementById("messages"),
    typing: document.getElementById("typing"),
    form: document.getElementById("composer"),
    input: document.getElementById("input"),
    newChat: document.getElementById("new-chat"),
    complaint: document.getElementById("complaint"),
    complaintId: document.getElementById("complaint-id"),
    human: document.getElementById("human"),
    photo: document.getElementById("photo"),
    photoFile: document.getElementById("photo-file"),
  };

  // ---- storage: the session token and what the page has shown survive a reload -------------

  function storageGet(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function storageSet(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch (e) { /* private mode or full: the page still works, without memory */ }
  }

  /** The session token the server confirmed last (null before the first visit's confirmation). */
  var sessionId = storageGet(SESSION_KEY);

  /** Remember the token the server confirmed; the page's element shows the conversation's id. */
  function setSession(token) {
    sessionId = token;
    storageSet(SESSION_KEY, token);
    var conversation = token ? token.slice(0, token.lastIndexOf(".")) : "";
    document.documentElement.setAttribute("data-session-id", conversation);
  }

  /** What this session's page showed: {entries: [{from, text, at, …}], complaintId}. */
  function loadSaved() {
    try {
      var saved = JSON.parse(storageGet(TRANSCRIPT_KEY) || "null");
      return saved && saved.sessionId === sessionId && Array.isArray(saved.entries) ? saved : {};
    } catch (e) { return {}; }
  }
  var saved = loadSaved();
  var transcript = saved.entries || [];
  var complaintId = typeof saved.complaintId === "string" ? saved.complaintId : null;
  function saveTranscript() {
    transcript = transcript.slice(-TRANSCRIPT_LIMIT);
    storageSet(TRANSCRIPT_KEY, JSON.stringify({ sessionId: sessionId, entries: transcript,
                                                complaintId: complaintId }));
  }

  // ---- Socket.IO over a WebSocket ---------------------------------------------------------

  /** A Socket.IO connection to namespace "/" that reconnects by itself until closed for good.
   *  handlers: onReady() once connected, onEvent(name, data), onDown() when the link drops. */
  function SocketIo(path, handlers) {
    var ws = null;
    var connected = false;   // Socket.IO namespace connected
    var attempts = 0;
    var watchdog = null;     // fires when the server's pings stop coming
    var retry = null;
    var stopped = false;

    function url() {
      var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
      return scheme + "//" + window.location.host + path.replace(/\/$/, "") + "/?EIO=4&transport=websocket";
    }

    function open() {
      clearTimeout(retry);
      if (stopped) return;
      ws = new WebSocket(url());
      ws.onmessage = function (frame) { if (typeof frame.data === "string") onPacket(frame.data); };
      ws.onclose = onClose;
    }

    function send(packet) {
      if (ws && ws.readyState === WebSocket.OPEN) { ws.send(packet); return true; }
      return false;
    }

    // The server pings every pingInterval ms; silence for pingInterval + pingTimeout = dead link
    // (a sleeping laptop or a lost mobile network never tells the socket it closed).
    function armWatchdog(timeoutMs) {
      clearTimeout(watchdog);
      watchdog = setTimeout(function () { if (ws) ws.close(); }, timeoutMs);
    }
    var deadAfterMs = 45000;

    function onPacket(packet) {
      try {
        onEngineIoPacket(packet);
      } catch (e) { // a packet this small client does not understand: drop it, keep the link
        if (window.console) console.warn("webchat: ignored packet", packet, e);
      }
    }

    function onEngineIoPacket(packet) {
      switch (packet.charAt(0)) {
        case "0": // open: handshake data, then connect to the default namespace
          var handshake = JSON.parse(packet.slice(1));
          deadAfterMs = (handshake.pingInterval || 25000) + (handshake.pingTimeout || 20000);
          armWatchdog(deadAfterMs);
          send("40");
          break;
        case "2": // ping -> pong
          armWatchdog(deadAfterMs);
          send("3");
          break;
        case "1": // the server closes the transport
          ws.close();
          break;
        case "4": // a Socket.IO packet
          onSocketIoPacket(packet.slice(1));
          break;
        // "6" (noop) and anything else: nothing to do
      }
    }

    function onSocketIoPacket(packet) {
      var type = packet.charAt(0);
      if (type === "0") { // CONNECT acknowledged
        connected = true;
        attempts = 0;
        handlers.onReady();
      } else if (type === "2") { // EVENT: optional ack id digits, then ["name", data]
        var args = JSON.parse(packet.slice(1).replace(/^\d+/, ""));
        handlers.onEvent(args[0], args[1]);
      } else if (type === "1" || type === "4") { // DISCONNECT, or CONNECT_ERROR (refused)
        ws.close();
      }
    }

    function onClose() {
      clearTimeout(watchdog);
      ws = null;
      connected = false;
      handlers.onDown(attempts);
      if (stopped) return;
      var delay = RECONNECT_DELAYS_MS[Math.min(attempts, RECONNECT_DELAYS_MS.length - 1)];
      attempts += 1;
      retry = setTimeout(open, delay * (0.75 + Math.random() / 2));
    }

    /** Send a Socket.IO event; false when there is no connection right now. */
    this.emit = function (name, data) {
      return connected && send("42" + JSON.stringify([name, data]));
    };
    /** Drop the connection and make a fresh one (after a new session id, or back online). */
    this.restart = function () {
      attempts = 0;
      if (ws) { ws.close(); return true; } // onDown follows
      open();
      return false;
    };
    open();
  }

  // ---- conversation state -------------------------------------------------------------------

  var ready = false;       // session confirmed: messages can go out
  var everReady = false;
  var switching = false;   // "新对话": the socket is closed on purpose, no "connection lost" notice
  var outbox = [];         // customer messages typed while offline, sent on reconnect
  var typingTimer = null;
  var awaiting = 0;        // messages this page sent that the assistant has not finished with

  var socketPath = (document.querySelector('meta[name="webchat-socket-path"]') || {}).content;
  if (!socketPath || socketPath.indexOf("{{") === 0) socketPath = "/socket.io";

  var socket = new SocketIo(socketPath, {
    onReady: function () {
      socket.emit("session_request", sessionId ? { session_id: sessionId } : {});
    },
    onEvent: function (name, data) {
      if (name === "session_confirm") {
        onSessionConfirmed(data);
      } else if (name === "bot_uttered") {
        if (data && typeof data === "object") showBotMessage(data, true);
        if (awaiting) setTyping(true); // more may come until turn_done: back below the message
      } else if (name === "turn_done") {
        awaiting = Math.max(0, awaiting - 1);
        if (!awaiting) setTyping(false);
        showComplaint(data);
      } else if (name === "conversation_state") {
        showComplaint(data);
      }
    },
    onDown: function (attempts) {
      ready = false;
      awaiting = 0; // a turn_done sent while the link was down never comes
      setTyping(false);
      if (switching) { switching = false; setStatus("connecting", "正在连接…"); return; }
      setStatus("offline", everReady ? "重新连接中…" : "正在连接…");
      if (everReady) showNotice("网络连接已断开，正在尝试重新连接…", "warning");
      else if (attempts >= 2) showNotice("暂时无法连接到客服服务，正在重试…", "warning");
    },
  });

  function onSessionConfirmed(confirmed) {
    if (typeof confirmed === "string" && confirmed) {
      var renewed = confirmed !== sessionId; // a first visit, or the server replaced the token
      setSession(confirmed);
      if (renewed) saveTranscript();
    }
    var wasDown = !el.notice.hidden;
    ready = true;
    everReady = true;
    setStatus("online", "在线");
    if (wasDown) showNotice("已重新连接", "ok", 4000); else hideNotice();
    while (outbox.length && socket.emit("user_uttered", { message: outbox[0] })) {
      outbox.shift();
      awaiting += 1;
      setTyping(true);
    }
  }

  // ---- rendering: text only -----------------------------------------------------------------

  function setStatus(state, text) {
    el.status.setAttribute("data-state", state);
    el.status.textContent = text;
  }

  var noticeTimer = null;
  function showNotice(text, kind, hideAfterMs) {
    clearTimeout(noticeTimer);
    el.notice.textContent = text;
    el.notice.setAttribute("data-kind", kind);
    el.notice.hidden = false;
    if (hideAfterMs) noticeTimer = setTimeout(hideNotice, hideAfterMs);
  }
  function hideNotice() {
    clearTimeout(noticeTimer);
    el.notice.hidden = true;
  }

  /** "对方正在输入…" below the last message, from a message sent until the assistant is done. */
  function setTyping(on) {
    clearTimeout(typingTimer);
    el.typing.hidden = !on;
    if (on) {
      el.messages.appendChild(el.typing);
      typingTimer = setTimeout(function () { awaiting = 0; el.typing.hidden = true; }, TYPING_TIMEOUT_MS);
      scrollToEnd();
    }
  }

  /** Pin the conversation's complaint ID ({complaint_id} from the server) at the top. */
  function showComplaint(state) {
    if (!state || typeof state !== "object" || !("complaint_id" in state)) return; // unknown: keep
    var id = typeof state.complaint_id === "string" && state.complaint_id ? state.complaint_id : null;
    if (id !== complaintId) {
      complaintId = id;
      saveTranscript();
    }
    renderComplaint();
  }
  function renderComplaint() {
    el.complaint.hidden = !complaintId;
    el.complaintId.textContent = complaintId || "";
  }

  /** 14:05 today; 11月23日 14:05 another day; "" for entries kept before times were. */
  function timeText(at) {
    if (typeof at !== "number") return "";
    var when = new Date(at), now = new Date();
    var clock = pad(when.getHours()) + ":" + pad(when.getMinutes());
    if (when.toDateString() === now.toDateString()) return clock;
    var day = (when.getMonth() + 1) + "月" + when.getDate() + "日 ";
    return (when.getFullYear() === now.getFullYear() ? "" : when.getFullYear() + "年") + day + clock;
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function scrollToEnd() {
    el.messages.scrollTop = el.messages.scrollHeight;
  }

  function bubble(from, text, at) {
    var row = document.createElement("div");
    row.className = "message message--" + from;
    var body = document.createElement("div");
    body.className = "message__bubble";
    body.textContent = text; // newlines kept by CSS white-space: pre-wrap
    row.appendChild(body);
    var shown = timeText(at);
    if (shown) {
      var time = document.createElement("time");
      time.className = "message__time";
      time.dateTime = new Date(at).toISOString();
      time.textContent = shown;
      row.appendChild(time);
    }
    el.messages.insertBefore(row, el.typing);
    scrollToEnd();
    return row;
  }

  function showUserMessage(text, remember) {
    var entry = { from: "user", text: text, at: Date.now() };
    bubble("user", text, entry.at);
    if (remember) { transcript.push(entry); saveTranscript(); }
  }

  /** A bot message as SocketIOOutput sends it: text, quick_replies / buttons, image attachment. */
  function showBotMessage(message, remember) {
    var entry = { from: "bot", text: typeof message.text === "string" ? message.text : "", at: Date.now() };
    if (typeof message.agent === "string" && message.agent) entry.agent = message.agent;
    var buttons = message.quick_replies || message.buttons;
    if (Array.isArray(buttons)) {
      entry.buttons = buttons.filter(function (b) { return b && typeof b.title === "string"; })
        .map(function (b) { return { title: b.title, payload: typeof b.payload === "string" ? b.payload : b.title }; });
    }
    var attachment = message.attachment;
    if (attachment && attachment.type === "image" && attachment.payload &&
        /^https?:\/\//i.test(String(attachment.payload.src))) {
      entry.image = String(attachment.payload.src);
    }
    if (!entry.text && !entry.image && !(entry.buttons && entry.buttons.length)) return;
    if (remember) { transcript.push(entry); saveTranscript(); }
    renderBotEntry(entry);
  }

  function renderBotEntry(entry) {
    var row = bubble("bot", entry.text, entry.at);
    var body = row.firstChild;
    if (entry.agent) { // a person's reply: their name above a bubble of its own
      row.classList.add("message--agent");
      var sender = document.createElement("div");
      sender.className = "message__sender";
      sender.textContent = entry.agent;
      row.insertBefore(sender, body);
    }
    if (!entry.text) body.classList.add("message__bubble--empty");
    if (entry.image) {
      var img = document.createElement("img");
      img.className = "message__image";
      img.alt = "图片";
      img.src = entry.image;
      body.appendChild(img);
    }
    if (entry.buttons && entry.buttons.length) {
      var group = document.createElement("div");
      group.className = "message__buttons";
      entry.buttons.forEach(function (button) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "reply-button";
        b.textContent = button.title;
        b.disabled = !!entry.answered;
        b.addEventListener("click", function () {
          entry.answered = true;
          saveTranscript();
          Array.prototype.forEach.call(group.children, function (other) { other.disabled = true; });
          b.classList.add("reply-button--chosen");
          sendMessage(button.payload, button.title);
        });
        group.appendChild(b);
      });
      row.insertBefore(group, row.querySelector(".message__time"));
    }
    scrollToEnd();
  }

  // ---- sending -------------------------------------------------------------------------------

  /** Show `shown` (default: `text`) as the customer's message and send `text` to the assistant. */
  function sendMessage(text, shown) {
    showUserMessage(shown || text, true);
    if (ready && socket.emit("user_uttered", { message: text })) {
      awaiting += 1;
      setTyping(true);
    } else {
      outbox.push(text);
      showNotice("当前未连接，消息将在恢复连接后发送。", "warning");
    }
  }

  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = el.input.value.trim();
    if (!text) return;
    el.input.value = "";
    autoGrow();
    sendMessage(text);
    el.input.focus();
  });

  // ---- photos -----------------------------------------------------------------------------

  /** Show the photo in the customer's bubble and send it; the assistant answers in the chat
   *  (also when the photo is refused). The page speaks only when nobody answered. */
  function sendPhoto(file) {
    if (!sessionId) {
      showNotice("还没有连接上客服，请稍等几秒再发照片。", "warning", 5000);
      return;
    }
    var entry = { from: "user", text: "[照片]", at: Date.now() };
    var row = bubble("user", "", entry.at);
    var photo = document.createElement("img");
    photo.className = "message__photo";
    photo.alt = "您发送的照片";
    photo.src = URL.createObjectURL(file);
    row.querySelector(".message__bubble").appendChild(photo);
    transcript.push(entry);
    saveTranscript();
    function failed() {
      row.classList.add("message--failed");
      showNotice("照片没有发送成功，请检查网络后再试一次。", "warning", 6000);
    }
    fetch("/webchat/upload", { method: "POST", body: file, headers: { "X-Webchat-Session": sessionId } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (!response.ok) row.classList.add("message--failed");
          if (!answer.said) failed();
        });
      }, failed);
  }

  el.photo.addEventListener("click", function () { el.photoFile.click(); });
  el.photoFile.addEventListener("change", function () {
    var file = el.photoFile.files && el.photoFile.files[0];
    el.photoFile.value = "";
    if (file) sendPhoto(file);
  });

  // 转人工: what a customer would type to ask for a person (config/channels.yml, webchat.human_request).
  el.human.addEventListener("click", function () {
    sendMessage(el.human.getAttribute("data-text") || "转人工");
    el.input.focus();
  });

  el.input.addEventListener("keydown", function (event) {
    // Enter sends, Shift+Enter starts a new line. While a Chinese input method is composing,
    // Enter picks the candidate and must not send (isComposing; keyCode 229 for older Safari).
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.dispatchEvent(new Event("submit"));
    }
  });

  function autoGrow() {
    el.input.style.height = "auto";
    el.input.style.height = Math.min(el.input.scrollHeight, 140) + "px";
  }
  el.input.addEventListener("input", autoGrow);

  el.newChat.addEventListener("click", function () {
    setSession(null); // the server issues a new session on the next connection
    transcript = [];
    complaintId = null;
    renderComplaint();
    saveTranscript();
    outbox = [];
    awaiting = 0;
    Array.prototype.slice.call(el.messages.querySelectorAll(".message")).forEach(function (m) { m.remove(); });
    setTyping(false);
    ready = false;
    hideNotice();
    switching = socket.restart(); // a fresh socket, a new session
    el.input.focus();
  });

  window.addEventListener("online", function () { if (!ready) socket.restart(); });

  transcript.forEach(function (entry) {
    if (entry.from === "bot") renderBotEntry(entry);
    else bubble("user", entry.text, entry.at);
  });
  renderComplaint();
})();
