/*
 * Shared by the console pages: the JSON API client, element building, notices and time texts.
 * Everything that comes from customers or colleagues goes into the page as text (textContent),
 * never as HTML.
 */
"use strict";

window.AgentConsole = (() => {
  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  const noticeBox = document.getElementById("notice");

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  /** Call /agent/api/<path>; resolves with the JSON answer, rejects with an ApiError. */
  async function api(method, path, body) {
    let response;
    try {
      response = await fetch(`/agent/api/${path}`, {
        method,
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        cache: "no-store",
      });
    } catch (error) {
      throw new ApiError(0, "网络连接好像断了，请检查网络，稍后会自动重试。");
    }
    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = {};
    }
    if (response.status === 401) {
      window.location.assign(`/agent/login?next=${encodeURIComponent(window.location.pathname)}`);
    }
    if (!response.ok) {
      throw new ApiError(response.status, data.error || "操作没有成功，请稍后再试。");
    }
    return data;
  }

  /** A new element: `props` sets className, text (as textContent), hidden, title, data-*. */
  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null) continue;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else if (key.startsWith("data-")) node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  let noticeTimer = null;
  /** Show `text` at the top of the page; kind: "ok" (fades), "warning" or "error". */
  function notice(text, kind = "ok") {
    noticeBox.textContent = text;
    noticeBox.className = `notice notice--${kind}`;
    noticeBox.hidden = false;
    clearTimeout(noticeTimer);
    if (kind === "ok") noticeTimer = setTimeout(() => { noticeBox.hidden = true; }, 5000);
  }

  /** Milliseconds the server's clock is ahead of this browser's (from an API `now`). */
  function clockOffset(serverNow) {
    return serverNow ? Date.parse(serverNow) - Date.now() : 0;
  }

  function minutesText(ms) {
    const minutes = Math.floor(Math.abs(ms) / 60000);
    if (minutes < 1) return "不到 1 分钟";
    if (minutes < 60) return `${minutes} 分钟`;
    return `${Math.floor(minutes / 60)} 小时 ${minutes % 60} 分钟`;
  }

  /** A countdown such as "04:59", or "12:04:59" once it is an hour or more. */
  function countdownText(ms) {
    const seconds = Math.max(0, Math.floor(ms / 1000));
    const hours = Math.floor(seconds / 3600);
    const mm = String(Math.floor(seconds / 60) % 60).padStart(2, "0");
    const ss = String(seconds % 60).padStart(2, "0");
    return hours > 0 ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
  }

  /** How long the case has waited, e.g. "已等待 12 分钟". */
  function waitingText(view, offset) {
    return `已等待 ${minutesText(Date.now() + offset - Date.parse(view.created_at))}`;
  }

  /** The claim deadline of a case: {text, overdue}. */
  function slaState(view, offset) {
    if (view.status !== "waiting") {
      return { text: `${view.agent_name || "同事"} 已接手（${view.status_label}）`, overdue: false };
    }
    const left = Date.parse(view.claim_due) - (Date.now() + offset);
    if (left > 0 && !view.overdue) {
      return { text: `请在 ${countdownText(left)} 内接手（${view.claim_due_text} 前）`, overdue: false };
    }
    let text = left < 0 ? `已超过接手时限 ${minutesText(left)}` : "已超过接手时限";
    if (view.callback_due_text) text += `，已向客户承诺 ${view.callback_due_text} 前回电`;
    return { text, overdue: true };
  }

  /** Put the SLA state of `view` into `node` (red when overdue). */
  function showSla(node, view, offset) {
    const state = slaState(view, offset);
    node.textContent = state.text;
    node.classList.toggle("sla--overdue", state.overdue);
  }

  /** The priority badge, e.g. "P1 紧急". */
  function badge(view) {
    return el("span", { className: `badge badge--${view.priority}`, text: `${view.priority} ${view.priority_label}` });
  }

  return { api, ApiError, el, notice, clockOffset, waitingText, showSla, badge };
})();
