// RelationGraph's dashboard page: every section comes from /dashboard/relationgraph/api/sections/{id} in one shape
// (tables, charts, actions), so a new section needs no code here. Refreshes every 1.5 s without reloading.
"use strict";
const api = "/dashboard/relationgraph/api";
const refreshMs = 1500;
const colors = ["#2f6fde", "#d9480f", "#2b8a3e", "#862e9c"];

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child ?? ""));
  return node;
}

function cell(value) {
  const td = el("td", typeof value === "number" ? { class: "num" } : {}, value === null || value === undefined ? "–" : String(value));
  if (typeof value === "string" && /^(Active|Dead|ShuttingDown|Joining|Stopping)$/.test(value)) td.classList.add("status-" + value);
  if (typeof value === "string" && value.startsWith("DOWN")) td.classList.add("down");
  return td;
}

function renderTable(table, sectionId) {
  const head = el("tr", {}, ...table.columns.map(c => el("th", {}, c)));
  const rows = table.rows.map(r => el("tr", {}, ...r.map(cell)));
  return el("table", { "data-testid": `${sectionId}-${table.name.replace(/\s+/g, "-")}` },
    el("thead", {}, head), el("tbody", {}, ...(rows.length ? rows : [el("tr", {}, el("td", { colspan: table.columns.length }, "none"))])));
}

function renderChart(chart, sectionId, index) {
  const ns = "http://www.w3.org/2000/svg";
  const width = 720, height = 160, pad = 30;
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "chart");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("data-testid", `${sectionId}-chart-${index}`);
  const all = Object.values(chart.series).flat();
  const legend = el("div", { class: "legend" });
  if (all.length) {
    const t0 = Math.min(...all.map(p => p[0])), t1 = Math.max(...all.map(p => p[0]), t0 + 1);
    const max = Math.max(...all.map(p => p[1]), 1);
    const axis = document.createElementNS(ns, "text");
    axis.setAttribute("x", 2); axis.setAttribute("y", 12); axis.setAttribute("font-size", 10);
    axis.textContent = `${max.toFixed(1)} ${chart.unit}`;
    svg.append(axis);
    Object.entries(chart.series).forEach(([name, points], i) => {
      const line = document.createElementNS(ns, "polyline");
      line.setAttribute("fill", "none");
      line.setAttribute("stroke", colors[i % colors.length]);
      line.setAttribute("stroke-width", 1.5);
      line.setAttribute("points", points.map(p => `${pad + (p[0] - t0) / (t1 - t0) * (width - pad - 5)},${height - 15 - p[1] / max * (height - 30)}`).join(" "));
      line.setAttribute("data-series", name);
      svg.append(line);
      const last = points.length ? points[points.length - 1][1] : null;
      legend.append(el("span", { style: `color:${colors[i % colors.length]}`, "data-testid": `${sectionId}-chart-${index}-${name}` },
        `${name}: ${last === null ? "–" : last.toFixed(1)} ${chart.unit}`));
    });
  }
  return el("div", {}, el("div", {}, chart.name), svg, legend);
}

function renderAction(action, sectionId) {
  const result = el("span", { "data-testid": `${sectionId}-action-result` });
  const button = el("button", { "data-testid": `${sectionId}-action` }, action.label);
  button.addEventListener("click", async () => {
    const response = await fetch(`${api}/${action.path}`, { method: "POST" });
    result.textContent = response.ok ? ` ${JSON.stringify(await response.json())}` : ` failed: ${response.status}`;
  });
  return el("div", {}, button, result);
}

async function refreshSection(id) {
  const container = document.getElementById(`section-${id}`);
  try {
    const response = await fetch(`${api}/sections/${id}`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const view = await response.json();
    const keep = container.querySelector("[data-keep]");
    container.replaceChildren(
      el("h2", {}, view.title),
      ...(view.note ? [el("p", { class: "note", "data-testid": `${id}-note` }, view.note)] : []),
      ...view.tables.map(t => renderTable(t, id)),
      ...view.charts.map((c, i) => renderChart(c, id, i)),
      ...(keep ? [keep] : view.actions.map(a => { const node = renderAction(a, id); node.setAttribute("data-keep", ""); return node; })));
  } catch (error) {
    container.querySelector(".error")?.remove();
    container.append(el("p", { class: "error" }, `${id}: ${error.message}`));
  }
}

async function lookUp(event) {
  event.preventDefault();
  const id = document.getElementById("lookup-id").value;
  const target = document.getElementById("lookup-result");
  const response = await fetch(`${api}/users/${encodeURIComponent(id)}`);
  if (!response.ok) {
    target.replaceChildren(el("p", { class: "error" }, `Lookup failed: HTTP ${response.status}`));
    return;
  }
  const user = await response.json();
  const edges = list => list.length ? list.map(e => `${e.userId} (${e.since})`).join(", ") : "none";
  target.replaceChildren(renderTable({
    name: "user",
    columns: ["", "following grain", "fan grain"],
    rows: [
      ["silo (before lookup)", user.followingGrainSilo ?? "not active", user.fanGrainSilo ?? "not active"],
      ["count", user.following, user.fans],
      ["latest", edges(user.latestFollowing), edges(user.latestFans)],
      ["fan buckets", "", user.fanBuckets ?? "none"],
    ],
  }, "lookup"));
}

async function start() {
  document.getElementById("lookup-form").addEventListener("submit", lookUp);
  const ids = await (await fetch(`${api}/sections`)).json();
  const sections = document.getElementById("sections");
  for (const id of ids) sections.append(el("section", { class: "card", id: `section-${id}`, "data-testid": `section-${id}` }, el("h2", {}, id)));
  const tick = async () => {
    await Promise.all(ids.map(refreshSection));
    document.getElementById("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
    setTimeout(tick, refreshMs);
  };
  tick();
}

start();
