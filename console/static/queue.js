/*
 * The queue page: open cases from GET /agent/api/queue every few seconds, most urgent first,
 * with a countdown to each claim deadline updated every second. "接手" claims a case and opens
 * it; when a colleague was quicker, the row says who.
 */
"use strict";

(() => {
  const { api, el, notice, clockOffset, waitingText, showSla, badge } = window.AgentConsole;
  const POLL_MS = 4000;
  const list = document.getElementById("queue");
  const empty = document.getElementById("queue-empty");
  const summary = document.getElementById("queue-summary");
  const lostClaims = new Map(); // case id -> what the agent was told
  let cases = [];
  let offset = 0;
  let shown = "";

  function item(view) {
    const side = el("div", { className: "queue-item__side" },
      el("p", { className: "sla", "data-role": "sla" }));
    if (view.status === "waiting") {
      const button = el("button", { className: "button", type: "button", text: "接手" });
      button.addEventListener("click", () => claim(view, button));
      side.append(button);
    } else {
      side.append(el("span", { className: "muted", text: `由 ${view.agent_name} 处理` }));
    }
    if (lostClaims.has(view.id)) {
      side.append(el("p", { className: "notice notice--warning", text: lostClaims.get(view.id) }));
    }
    return el("li", { className: `card queue-item queue-item--${view.priority}`, "data-case-id": view.id },
      el("p", {}, badge(view), " ", el("span", { className: "reason", text: view.reason_label }), " · ",
        el("a", { href: `/agent/cases/${view.id}`, text: view.title })),
      el("p", { className: "queue-item__explanation", text: view.explanation }),
      el("p", { className: "queue-item__facts" }, `${view.category_label} · ${view.channel_label} · `,
        el("span", { "data-role": "waiting" })),
      side);
  }

  function tick() {
    for (const view of cases) {
      const row = list.querySelector(`[data-case-id="${view.id}"]`);
      if (!row) continue;
      showSla(row.querySelector('[data-role="sla"]'), view, offset);
      row.querySelector('[data-role="waiting"]').textContent = waitingText(view, offset);
    }
  }

  function render() {
    const key = JSON.stringify([cases, [...lostClaims]]);
    if (key === shown) return;
    shown = key;
    list.replaceChildren(...cases.map(item));
    empty.hidden = cases.length > 0;
    const waiting = cases.filter((view) => view.status === "waiting").length;
    summary.textContent = `共 ${cases.length} 个进行中的案件，其中 ${waiting} 个等待接手`;
    tick();
  }

  async function refresh() {
    try {
      const data = await api("GET", "queue");
      offset = clockOffset(data.now);
      cases = data.cases;
      render();
    } catch (error) {
      notice(error.message, "error");
    }
  }

  async function claim(view, button) {
    button.disabled = true;
    try {
      await api("POST", `cases/${view.id}/claim`);
      window.location.assign(`/agent/cases/${view.id}`);
    } catch (error) {
      if (error.status === 409) lostClaims.set(view.id, error.message);
      notice(error.message, error.status === 409 ? "warning" : "error");
      button.disabled = false;
      await refresh();
    }
  }

  async function poll() {
    await refresh();
    setTimeout(poll, POLL_MS);
  }

  setInterval(tick, 1000);
  poll();
})();
