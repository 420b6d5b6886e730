// The lesson a learner is in, and how far: a chip in the top bar. Every lesson turn ends with a
// lesson state payload (curriculum/tutoring.py); the chip leaves when it says the lesson is over
// (completed or quit) and comes back after a reload from the last state kept in store.js.
export function createLessonChip(chip) {
  const title = chip.querySelector(".lesson-title");
  const step = chip.querySelector(".lesson-step");
  const bar = chip.querySelector("progress");

  /** Show a lesson state payload ({lesson_id, title, step, steps, finished}). */
  function show(payload) {
    if (!payload || payload.finished) {
      chip.hidden = true;
      return;
    }
    const steps = Number(payload.steps) || 1;
    const at = Math.min(Math.max(Number(payload.step) || 1, 1), steps);
    const name = payload.title || payload.lesson_id || "Lesson";
    title.textContent = name;
    step.textContent = `step ${at} of ${steps}`;
    chip.title = `${name} · step ${at} of ${steps}`;
    bar.value = (at - 1) / steps;
    bar.setAttribute("aria-label", `${Math.round((100 * (at - 1)) / steps)}% of the lesson done`);
    chip.hidden = false;
  }

  return { show };
}
