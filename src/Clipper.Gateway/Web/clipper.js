// Shared helpers of Clipper's pages: fetch JSON, format times, escape text.
const clipper = {
  async json(url) {
    const r = await fetch(url, { cache: "no-store" });
    if (!r.ok) throw new Error(url + ": " + r.status + " " + (await r.text()));
    return r.json();
  },
  esc(s) {
    return String(s ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  },
  clock(sec) {
    sec = Math.round(sec || 0);
    const h = Math.floor(sec / 3600), m = Math.floor(sec / 60) % 60, s = sec % 60;
    return (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(s).padStart(2, "0");
  },
  when(ms) { return ms && ms !== "0" ? new Date(Number(ms)).toLocaleString() : ""; },
  bar(p) { return '<span class="bar"><span style="width:' + Math.max(0, Math.min(100, p)) + '%"></span></span>'; },
  terminal(state) { return state === "COMPLETED" || state === "FAILED" || state === "CANCELLED"; },
  stageName(stage) { return stage && stage !== "STAGE_UNSPECIFIED" ? stage.toLowerCase() : ""; },
};
