/*
 * The case page: the complaint, why a person is needed, the photos and voice messages the
 * customer sent (thumbnails that open full size, playable audio), their earlier complaints and
 * the colleagues' notes (GET /agent/api/cases/<id>, every few seconds), and the live
 * conversation (…/transcript, every 2 seconds). The agent who claimed the case replies, resolves
 * it and hands it back to the assistant here; a supervisor gives it to a colleague. The audit
 * trail lists who did what and when. "机器人理解错了" beside a customer's message puts it into
 * the conversation designers' inbox. Customer text is shown as text only.
 */
"use strict";

(() => {
  const { api, el, notice, clockOffset, showSla } = window.AgentConsole;
  const CASE_POLL_MS = 5000;
  const TRANSCRIPT_POLL_MS = 2000;
  const caseId = document.body.dataset.caseId;
  const $ = (id) => document.getElementById(id);
  const SPEAKERS = { customer: "客户", bot: "机器人" };
  let data = null;
  let offset = 0;
  let shownCase = "";
  let shownTranscript = "";

  function facts(complaint) {
    const rows = [
      ["问题描述", complaint.description], ["问题类型", complaint.category_label],
      ["发生时间", complaint.incident], ["订单号", complaint.order_number], ["商品", complaint.product],
      ["金额", complaint.amount], ["客户希望", complaint.remedy_label], ["联系电话", complaint.contact_phone],
      ["投诉时间", complaint.created_at_text], ["处理期限", complaint.resolution_due_text],
      ["投诉状态", complaint.status_label], ["处理结果", complaint.resolution],
    ];
    return rows.filter(([, value]) => value).flatMap(([name, value]) => [
      el("dt", { text: name }), el("dd", { text: value })]);
  }

  function earlierItem(complaint) {
    return el("li", {},
      el("strong", { text: complaint.id }),
      ` · ${complaint.category_label} · ${complaint.status_label} · ${complaint.created_at_text}\n`,
      complaint.description,
      complaint.resolution ? `\n处理结果：${complaint.resolution}` : null);
  }

  function evidenceItem(item) {
    const when = el("span", { className: "muted", text: `${item.kind_label} · ${item.at_text}` });
    let shown = null;
    if (item.file_url && item.content_type.startsWith("image/")) {
      shown = el("a", { href: item.file_url, target: "_blank", rel: "noopener", className: "evidence__photo",
                        title: "点击查看原图" },
        el("img", { src: item.file_url, alt: `客户发来的${item.kind_label}`, loading: "lazy" }));
    } else if (item.file_url && item.content_type.startsWith("audio/")) {
      shown = el("audio", { src: item.file_url, controls: true, preload: "metadata" });
    } else if (item.url) {
      shown = el("a", { href: item.url, target: "_blank", rel: "noopener noreferrer", text: item.url });
    }
    return el("li", { className: "evidence__item" }, shown, when,
      item.caption ? el("span", { text: item.caption }) : null,
      item.state ? el("span", { className: "muted", text: item.state }) : null);
  }

  function lockedText(view) {
    if (view.status === "waiting") return "接手这个案件后，就可以在这里回复客户。";
    if (view.status === "released") return "这个案件已经交还机器人。";
    if (view.status === "resolved") return "这个案件已经解决，对话已交还机器人，客户的新消息由机器人回复。";
    return `这个案件由同事 ${view.agent_name} 处理，对话会实时显示在这里。`;
  }

  function renderCase() {
    const view = data.case;
    const complaint = data.complaint;
    document.title = `${view.title} · 投诉处理台`;
    $("badge").className = `badge badge--${view.priority}`;
    $("badge").textContent = `${view.priority} ${view.priority_label}`;
    $("reason").textContent = view.reason_label;
    $("case-title").textContent = complaint ? `投诉 ${complaint.id}` : view.title;
    $("case-status").textContent = `${view.status_label} · ${view.channel_label} · ${view.created_at_text} 转人工`;
    $("reasons").replaceChildren(...view.decisions.map((decision) => el("li", {},
      el("strong", { text: `${decision.priority} ${decision.reason_label}：` }), decision.explanation)));
    $("summary").replaceChildren(...(complaint ? facts(complaint)
      : [el("dt", { text: "投诉" }), el("dd", { text: data.no_complaint })]));
    $("evidence").replaceChildren(...data.evidence.map(evidenceItem));
    $("evidence-empty").hidden = data.evidence.length > 0;
    $("earlier").replaceChildren(...data.earlier.map(earlierItem));
    $("earlier-empty").hidden = data.earlier.length > 0;
    $("notes").replaceChildren(...data.notes.map((note) => el("li", {},
      el("span", { className: "muted", text: `${note.agent_name} · ${note.created_at_text}\n` }), note.text)));
    $("history").replaceChildren(...data.history.map((event) => el("li", {},
      el("span", { className: "muted", text: `${event.at_text} · ` }),
      el("strong", { text: event.agent_name }), ` ${event.action_label}`,
      event.text ? `（${event.text}）` : null)));
    $("history-empty").hidden = data.history.length > 0;
    $("reassign-form").hidden = !data.can.reassign || !data.colleagues.length;
    const chosen = $("reassign-to").value;
    $("reassign-to").replaceChildren(...data.colleagues.map((colleague) => el("option", {
      value: String(colleague.id), text: `${colleague.name}（${colleague.username}，${colleague.role_label}）`,
      selected: String(colleague.id) === chosen })));
    $("claim").hidden = !data.can.claim;
    $("reply-form").hidden = !data.can.reply;
    $("reply-locked").hidden = data.can.reply;
    $("reply-locked").textContent = lockedText(view);
    $("resolve-form").hidden = !data.can.resolve;
    $("refund-form").hidden = !data.can.refund;
    $("release-box").hidden = !data.can.release;
    if (!$("remedy").options.length) {
      $("remedy").replaceChildren(...data.remedies.map((remedy) => el("option", {
        value: remedy.code, text: remedy.label, selected: complaint !== null && remedy.code === complaint.remedy })));
    }
  }

  async function loadCase() {
    try {
      const fresh = await api("GET", `cases/${caseId}`);
      offset = clockOffset(fresh.now);
      data = fresh;
      const key = JSON.stringify({ ...fresh, now: null });
      if (key !== shownCase) {
        shownCase = key;
        renderCase();
      }
    } catch (error) {
      notice(error.message, "error");
    }
  }

  function entry(message) {
    const speaker = message.who === "agent" ? `专员 ${message.agent_name}` : SPEAKERS[message.who];
    const text = message.buttons.length
      ? `${message.text}\n［按钮］${message.buttons.join(" / ")}`.trim() : message.text;
    const meta = el("div", { className: "message__meta", text: `${speaker} · ${message.time}` });
    if (message.who === "customer" && message.id) {
      const button = el("button", { className: "button button--quiet button--small", type: "button",
                                    text: "机器人理解错了", title: "把这条消息交给对话设计师改进机器人" });
      button.addEventListener("click", () => flag(message, button));
      meta.append(" ", button);
    }
    return el("li", { className: `message message--${message.who}`, "data-message-id": message.id },
      meta, el("p", { className: "message__text", text }));
  }

  async function flag(message, button) {
    button.disabled = true;
    try {
      await api("POST", `cases/${caseId}/flag`, { message_id: message.id });
      notice("已记下，对话设计师会在“待标注消息”里看到这条消息，谢谢！");
    } catch (error) {
      notice(error.message, "error");
      button.disabled = false;
    }
  }

  async function loadTranscript() {
    try {
      const conversation = await api("GET", `cases/${caseId}/transcript`);
      $("transcript-error").hidden = true;
      $("paused").textContent = conversation.paused ? "（机器人已暂停，由专员回复）" : "（机器人正在自动回复）";
      const key = JSON.stringify(conversation.entries);
      if (key !== shownTranscript) {
        shownTranscript = key;
        const box = $("transcript");
        box.replaceChildren(...conversation.entries.map(entry));
        box.scrollTop = box.scrollHeight;
      }
    } catch (error) {
      $("transcript-error").textContent = error.message;
      $("transcript-error").hidden = false;
    }
  }

  /** Run one action of the agent's with its button disabled, then show the case as it is now. */
  async function act(button, request, done) {
    button.disabled = true;
    try {
      done(await request());
    } catch (error) {
      notice(error.message, error.status === 409 ? "warning" : "error");
    } finally {
      button.disabled = false;
      await loadCase();
    }
  }

  function submitter(form) {
    return form.querySelector('button[type="submit"]');
  }

  $("claim").addEventListener("click", () => act($("claim"),
    () => api("POST", `cases/${caseId}/claim`), () => notice("您已接手这个案件，可以回复客户了。")));

  $("reassign-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act(submitter($("reassign-form")),
      () => api("POST", `cases/${caseId}/reassign`, { agent_id: Number($("reassign-to").value) }),
      (result) => notice(`已转派给 ${result.case.agent_name}，对方可以接着回复客户了。`));
  });

  $("reply-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act(submitter($("reply-form")),
      () => api("POST", `cases/${caseId}/reply`, { text: $("reply-text").value }),
      (result) => {
        $("reply-text").value = "";
        $("tone-warning").hidden = true;
        if (result.forbidden.length) {
          notice(`已发送。提醒：回复里有忌语「${result.forbidden.join("」「")}」，下次请换个说法。`, "warning");
        } else {
          notice("已发送给客户。");
        }
        loadTranscript();
      });
  });

  $("reply-text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) $("reply-form").requestSubmit();
  });

  let toneTimer = null;
  $("reply-text").addEventListener("input", () => {
    clearTimeout(toneTimer);
    toneTimer = setTimeout(async () => {
      try {
        const { forbidden } = await api("POST", "tone", { text: $("reply-text").value });
        $("tone-warning").textContent = `回复里有忌语「${forbidden.join("」「")}」，建议换个说法（仍然可以发送）。`;
        $("tone-warning").hidden = forbidden.length === 0;
      } catch (error) {
        $("tone-warning").hidden = true;
      }
    }, 400);
  });

  $("note-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act(submitter($("note-form")),
      () => api("POST", `cases/${caseId}/notes`, { text: $("note-text").value }),
      () => { $("note-text").value = ""; notice("备注已保存。"); });
  });

  $("resolve-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act(submitter($("resolve-form")),
      () => api("POST", `cases/${caseId}/resolve`, { remedy: $("remedy").value, resolution: $("resolution").value }),
      (result) => notice(result.warning || "已标记为解决：客户已收到处理结果，对话已交还机器人。",
                         result.warning ? "warning" : "ok"));
  });

  $("refund-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act(submitter($("refund-form")),
      () => api("POST", `cases/${caseId}/refund`, { amount: $("refund-amount").value }),
      () => { $("refund-amount").value = ""; notice("已通知客户退款已发起，并记了一条备注。"); });
  });

  $("release").addEventListener("click", () => act($("release"),
    () => api("POST", `cases/${caseId}/release`),
    (result) => notice(result.warning || "已交还机器人，机器人会先和客户打个招呼。", result.warning ? "warning" : "ok")));

  setInterval(() => { if (data) showSla($("sla"), data.case, offset); }, 1000);

  async function poll(load, every) {
    await load();
    setTimeout(() => poll(load, every), every);
  }
  poll(loadCase, CASE_POLL_MS);
  poll(loadTranscript, TRANSCRIPT_POLL_MS);
})();
