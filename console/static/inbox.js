/*
 * The designers' inbox: misunderstood customer messages from GET /agent/api/inbox, grouped by
 * what the assistant thought, newest first, each with the conversation around it. Picking the
 * right intent (and optionally an entity) and saving writes a training example (POST
 * …/inbox/<id>/label); a duplicate is refused with the existing example named. Customer text is
 * shown as text only.
 */
"use strict";

(() => {
  const { api, el, notice } = window.AgentConsole;
  const $ = (id) => document.getElementById(id);
  const SPEAKERS = { customer: "客户", bot: "机器人" };
  let choices = { intents: [], entities: [], not_a_complaint: "" };

  function intentSelect(view) {
    const select = el("select", { ariaLabel: "正确的意图", name: "intent" },
      el("option", { value: "", text: "请选择正确的意图…" }));
    for (const intent of choices.intents) {
      const text = intent === choices.not_a_complaint ? `不是投诉（${intent}）` : intent;
      select.append(el("option", { value: intent, text }));
    }
    if (view.guess && choices.intents.includes(view.guess)) select.value = view.guess;
    return select;
  }

  function entitySelect() {
    const select = el("select", { ariaLabel: "实体类型", name: "entity" },
      el("option", { value: "", text: "（不标实体）" }));
    for (const entity of choices.entities) select.append(el("option", { value: entity, text: entity }));
    return select;
  }

  function labelForm(view) {
    const text = el("input", { type: "text", name: "text", value: view.text, ariaLabel: "例句" });
    const intent = intentSelect(view);
    const entityText = el("input", { type: "text", name: "entity_text", placeholder: "实体原文（可不填）",
                                     ariaLabel: "实体原文" });
    const entity = entitySelect();
    const button = el("button", { type: "submit", className: "button", text: "保存为训练例句" });
    const form = el("form", { className: "inbox-item__form inline-form" },
      el("label", {}, "例句 ", text), el("label", {}, "意图 ", intent),
      el("label", {}, "实体 ", entityText, entity), button);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!intent.value) { notice("请先选择正确的意图。", "warning"); return; }
      const body = { intent: intent.value, text: text.value };
      if (entity.value && entityText.value) body.entities = [{ text: entityText.value, entity: entity.value }];
      button.disabled = true;
      try {
        const result = await api("POST", `inbox/${view.id}/label`, body);
        const done = el("p", { className: "notice notice--ok",
                               text: `已写入 ${result.example.file}：${result.example.text}` });
        form.replaceWith(done);
        notice("已保存为训练例句。改完一批后请运行 make check-nlu 验证效果。");
      } catch (error) {
        notice(error.message, error.status === 409 ? "warning" : "error");
        button.disabled = false;
      }
    });
    return form;
  }

  function item(view) {
    const context = el("ol", { className: "transcript inbox-item__context", ariaLabel: "前后对话" },
      ...view.context.map((m) => el("li", { className: `message message--${m.who}${m.this ? " message--this" : ""}` },
        el("div", { className: "message__meta", text: SPEAKERS[m.who] || m.who }),
        el("p", { className: "message__text", text: m.text }))));
    const facts = [view.said_at_text, view.reason_labels.join("、")];
    if (view.flagged_by) facts.push(`${view.flagged_by} 标记`);
    if (view.guess) facts.push(`最像 ${view.guess}`);
    else facts.push(`把握 ${Math.round(view.confidence * 100)}%`);
    return el("li", { className: "card inbox-item", "data-item-id": view.id },
      el("p", { className: "inbox-item__text", text: view.text }),
      el("p", { className: "muted", text: facts.join(" · ") }),
      context, labelForm(view));
  }

  function group(view) {
    return el("section", { className: "inbox-group", "data-intent": view.intent },
      el("h2", { text: `机器人以为是：${view.intent}（${view.count} 条）` }),
      el("ol", { className: "inbox-group__items" }, ...view.items.map(item)));
  }

  async function load() {
    try {
      const inbox = await api("GET", "inbox");
      choices = inbox;
      $("inbox-summary").textContent = `共 ${inbox.total} 条待标注`;
      $("inbox-groups").replaceChildren(...inbox.groups.map(group));
      $("inbox-empty").hidden = inbox.total > 0;
    } catch (error) {
      notice(error.message, "error");
    }
  }
  load();
})();
