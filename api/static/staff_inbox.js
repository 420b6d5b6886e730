// The staff page's Unanswered and Handoffs sections (issue 18), over /staff/inbox
// (api/routes/inbox.py). staff.js mounts each once and passes `api` (staff_api.js). DOM is built
// with textContent only: learners' words never become markup next to the staff token.

const POLL_MS = 20000; // the handoff list is polled: it is also how Tutor knows staff are here

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function button(label, onClick) {
  const b = el("button", "inbox-button", label);
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

// root -> its load(): staff.js mounts a section each time it is shown, and a second mount (a
// click on the section, Refresh) reloads the list instead of building it again.
const mountedRoots = new WeakMap();

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "";
}

/** Grouped unanswered questions: dismiss, point at an entry, or write a new answer. */
export function mountUnanswered(root, api) {
  if (mountedRoots.has(root)) return mountedRoots.get(root)();
  root.classList.remove("loading");
  const note = el("p", "inbox-note");
  const list = el("div", "inbox-groups");
  root.replaceChildren(note, list);

  async function act(path, body, done) {
    try {
      const outcome = await api.post(path, body);
      const told = outcome.notified ? `, ${outcome.notified} learner(s) told` : "";
      note.textContent = `${done}: ${outcome.resolved} question(s)${told}.`;
    } catch (err) {
      note.textContent = err.message;
    }
    await load();
  }

  function groupCard(group) {
    const card = el("section", "inbox-group");
    card.appendChild(el("h3", null, `${group.count} asked by ${group.learners} learner(s), last ${when(group.latest_at)}`));
    const wordings = el("ul", "inbox-examples");
    for (const text of group.examples) wordings.appendChild(el("li", null, text));
    card.appendChild(wordings);
    if (group.best_guess) card.appendChild(el("p", "inbox-guess", `Closest entry: ${group.best_guess}`));
    const ids = group.question_ids;

    const entry = el("input", "inbox-entry");
    entry.placeholder = "entry id, e.g. dropout";
    entry.value = group.best_guess || "";
    const topic = el("input", "inbox-topic");
    topic.placeholder = "topic (at most 60 characters)";
    topic.maxLength = 60;
    const answer = el("textarea", "inbox-answer");
    answer.placeholder = "the answer learners will read";
    answer.rows = 4;

    const actions = el("div", "inbox-actions");
    actions.append(
      button("Dismiss as off-topic", () => act("staff/inbox/groups/dismiss", { question_ids: ids }, "Dismissed")),
      entry,
      button("Point at this entry", () => act("staff/inbox/groups/point",
                                              { question_ids: ids, entry_id: entry.value.trim() }, "Added as phrasings")),
    );
    const write = el("div", "inbox-write");
    write.append(topic, answer, button("Publish the answer", () => act("staff/inbox/groups/answer",
      { question_ids: ids, topic: topic.value, answer: answer.value }, "Answered")));
    card.append(actions, write);
    return card;
  }

  async function load() {
    try {
      const groups = await api.get("staff/inbox/groups");
      list.replaceChildren(...(groups.length ? groups.map(groupCard) : [el("p", null, "Nothing unanswered.")]));
    } catch (err) {
      note.textContent = err.message;
    }
  }
  mountedRoots.set(root, load);
  return load();
}

/** Open handoffs with their transcript and thread; `onBadge(count)` shows how many wait. */
export function mountHandoffs(root, api, onBadge) {
  if (mountedRoots.has(root)) return mountedRoots.get(root)();
  root.classList.remove("loading");
  const note = el("p", "inbox-note");
  const list = el("div", "inbox-handoffs");
  root.replaceChildren(note, list);
  const drafts = new Map(); // handoff id -> text being typed, kept across polls

  function lines(title, rows) {
    const box = el("div", "inbox-lines");
    box.appendChild(el("h4", null, title));
    for (const row of rows) {
      const who = row.who === "staff" ? `staff (${row.author})` : row.who;
      box.appendChild(el("p", `inbox-line ${row.who}`, `${who}: ${row.text}`));
    }
    return box;
  }

  function card(handoff) {
    const section = el("section", "inbox-handoff");
    section.appendChild(el("h3", null, `${handoff.channel || "chat"} learner, asked ${when(handoff.created_at)}`
      + (handoff.staff_available ? "" : " (told nobody was around)")));
    section.append(lines("Before the request", handoff.transcript), lines("Thread", handoff.thread));
    const reply = el("textarea", "inbox-reply");
    reply.rows = 3;
    reply.placeholder = "Your reply appears in the learner's chat as from course staff";
    reply.value = drafts.get(handoff.id) || "";
    reply.addEventListener("input", () => drafts.set(handoff.id, reply.value));
    const send = button("Send reply", async () => {
      try {
        await api.post(`staff/inbox/handoffs/${handoff.id}/reply`, { text: reply.value });
        drafts.delete(handoff.id);
        note.textContent = "Sent.";
      } catch (err) {
        note.textContent = err.message;
      }
      await load();
    });
    const close = button("Close", async () => {
      try {
        await api.post(`staff/inbox/handoffs/${handoff.id}/close`, {});
        note.textContent = "Closed.";
      } catch (err) {
        note.textContent = err.message;
      }
      await load();
    });
    const actions = el("div", "inbox-actions");
    actions.append(send, close);
    section.append(reply, actions);
    return section;
  }

  async function load() {
    try {
      const body = await api.get("staff/inbox/handoffs");
      onBadge(body.open);
      // Never redraw under someone typing a reply. Only a focused reply box counts: a clicked
      // button keeps the focus too, and the list must show the reply just sent.
      const focused = document.activeElement;
      if (focused && focused.tagName === "TEXTAREA" && list.contains(focused)) return;
      list.replaceChildren(...(body.handoffs.length ? body.handoffs.map(card)
                                                    : [el("p", null, "No learner is waiting for a person.")]));
    } catch (err) {
      note.textContent = err.message;
    }
  }
  setInterval(load, POLL_MS);
  mountedRoots.set(root, load);
  return load();
}
