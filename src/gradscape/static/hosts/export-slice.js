// The host inside a one-file export of a slice (`gradscape export --slice QUERY`): a built-in
// network's slice, computed in the page (explorer/slicekit.js), no server, no network. The slice
// (sliceview.slice_meta with `browser`, the page's copy) is inlined as {"slice": meta} in
// #gradscape-data; the #hash keeps the window and the point (v=, p=) beside the slice's m=, d=,
// s=, span=, so "Copy link" works from file:// too.

import { render } from "../explorer/explorer.js";
import { sliceKit } from "../explorer/slicekit.js";
import { HashModel, queryToState } from "./model.js";

class SliceFileModel extends HashModel {
  /** @param {Record<string, any>} state */
  constructor(state) {
    super(state);
    this.sliceKit = sliceKit;
  }
}

function main() {
  const app = document.getElementById("app");
  const data = document.getElementById("gradscape-data");
  if (!app || !data) return;
  const { slice: meta } = JSON.parse(data.textContent || "{}");
  const wanted = queryToState(location.hash);
  const model = new SliceFileModel({ formula: "", compiled: null, slice: meta, view: wanted.view || meta.view, point: wanted.point, runs: [] });
  render({ model, el: app });
}

main();
