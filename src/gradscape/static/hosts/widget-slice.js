// A slice shown in a notebook: the kernel computes it (gradscape.Explorer(slice_)), asked with
// anywidget's custom messages (model.send; replies arrive as "msg:custom"). See widget.py.
//
//   kernelSliceSource(model) -> the remote slice source landscape.js takes:
//     at(p) -> Promise<answer>                     {"type": "at", seq, point}
//     field(view, n, onMessage, signal) -> Promise {"type": "field", seq, view, n}; the kernel
//                                                  answers with the header, each tile, field-end

/** How long a point's question may wait for the kernel. */
export const AT_MS = 60_000;

/**
 * @param {{send: (content: any) => void, on: (ev: string, cb: (...a: any[]) => void) => void,
 *          off: (ev?: string|null, cb?: ((...a: any[]) => void)|null) => void}} model anywidget's model
 */
export function kernelSliceSource(model) {
  let seq = 0;
  /** @type {Map<number, {resolve: (v: any) => void, timer: ReturnType<typeof setTimeout>}>} */
  const asked = new Map();
  /** @type {{seq: number, onMessage: (msg: any) => void, done: () => void}|null} */
  let field = null;
  /** @param {any} content */
  const onCustom = (content) => {
    if (!content || typeof content !== "object") return;
    if (content.type === "at") {
      const q = asked.get(content.seq);
      if (!q) return;
      asked.delete(content.seq);
      clearTimeout(q.timer);
      q.resolve(content.answer);
    } else if (field && content.seq === field.seq) {
      if (content.type === "field") field.onMessage(content.msg);
      else if (content.type === "field-end") field.done();
    }
  };
  model.on("msg:custom", onCustom);
  return {
    remote: true,
    /** @param {number[]} p */
    at(p) {
      const id = ++seq;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          asked.delete(id);
          resolve({ error: "Python did not answer: is this notebook's kernel running?" });
        }, AT_MS);
        asked.set(id, { resolve, timer });
        model.send({ type: "at", seq: id, point: [p[0], p[1]] });
      });
    },
    /**
     * @param {{x: number[], y: number[]}} view @param {number} n
     * @param {(msg: any) => void} onMessage @param {AbortSignal} signal
     */
    field(view, n, onMessage, signal) {
      const id = ++seq;
      return new Promise((resolve) => {
        const done = () => { if (field && field.seq === id) field = null; resolve(undefined); };
        field = { seq: id, onMessage, done };
        signal.addEventListener("abort", done, { once: true });
        model.send({ type: "field", seq: id, view: { x: [...view.x], y: [...view.y] }, n });
      });
    },
    destroy() {
      model.off("msg:custom", onCustom);
    },
  };
}
