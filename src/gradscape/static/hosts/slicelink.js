// A slice in a link: the part of the page's query (or an exported file's #hash) that names a
// slice of a model's loss, beside the view's v= and p=.
//
//   m=<model>  d=<directions>  s=<seed>  span=<half-width>  [t=<training steps>]   a built-in
//   model's slice, rebuilt from these (sliceview.SliceSpec), or  id=<key>  for a slice the
//   server was started with (`gradscape slice --open`).

const KEYS = ["m", "d", "s", "span", "t"];

/**
 * The slice's part of a link, or "" (a formula, or nothing shown yet).
 * @param {any} meta sliceview.slice_meta
 */
export function sliceParts(meta) {
  if (!meta || typeof meta !== "object") return "";
  const spec = meta.spec;
  if (spec && typeof spec === "object" && spec.m) {
    return KEYS.filter((k) => spec[k] !== null && spec[k] !== undefined && spec[k] !== "")
      .map((k) => `${k}=${encodeURIComponent(String(spec[k]))}`).join("&");
  }
  return meta.id ? `id=${encodeURIComponent(meta.id)}` : "";
}

/**
 * The query for GET /api/slice that a page's query names, or null when it names no slice.
 * @param {string} query with or without "?" or "#"
 */
export function sliceRequest(query) {
  const q = new URLSearchParams(query.replace(/^[?#]/, ""));
  if (q.get("id")) return `id=${encodeURIComponent(/** @type {string} */ (q.get("id")))}`;
  if (!q.get("m")) return null;
  return KEYS.filter((k) => q.get(k) !== null).map((k) => `${k}=${encodeURIComponent(/** @type {string} */ (q.get(k)))}`).join("&");
}
