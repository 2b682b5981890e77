// berichten serve: the page. Every verdict comes from the server (/api/analyse); this script only
// sends files and shows the answers. DOM is built with textContent only, never from HTML strings.
"use strict";

(function () {
  const config = JSON.parse(document.body.dataset.config || "{}");
  const NIVEAUS = [1, 2, 3, 4, "regionaal"];
  const ERNST = { error: "FOUT", warning: "WAARSCHUWING", info: "INFO" };
  const uitslagen = document.getElementById("uitslagen");
  const status = document.getElementById("status");
  let volgnummer = 0;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  // "niveau 1-2, 4 gecontroleerd; niet gecontroleerd: niveau 3, contracten", as the CLI words it.
  function bereiken(levels) {
    const parts = [];
    for (const n of levels) {
      const last = parts[parts.length - 1];
      if (last && last[last.length - 1] === n - 1) last.push(n); else parts.push([n]);
    }
    return parts.map(p => p.length > 1 ? p[0] + "-" + p[p.length - 1] : String(p[0])).join(", ");
  }
  function niveauTekst(niveaus, nietGecontroleerd) {
    const ran = [...niveaus].sort();
    let text = ran.length ? "niveau " + bereiken(ran) + " gecontroleerd" : "niets gecontroleerd";
    const niet = ran.length < 4 ? ["niveau " + bereiken([1, 2, 3, 4].filter(n => !ran.includes(n)))] : [];
    niet.push(...(nietGecontroleerd || []));
    if (niet.length) text += "; niet gecontroleerd: " + niet.join(", ");
    return text;
  }

  async function send(url, bytes, name, headers) {
    return fetch(url + "?file=" + encodeURIComponent(name), {
      method: "POST", body: bytes, credentials: "same-origin",
      headers: Object.assign({ "Content-Type": "application/xml" }, headers || {}),
    });
  }

  async function foutVan(response) {
    try {
      const data = await response.json();
      return (data.fouten || []).map(f => f.melding + " (" + f.code + ")").join(" ");
    } catch (e) {
      return "De server gaf status " + response.status + ".";
    }
  }

  async function controleer(name, bytes) {
    const id = "u" + (++volgnummer);
    const kaart = el("article", { class: "uitslag", id: id, "aria-labelledby": id + "-kop" },
      el("h3", { id: id + "-kop" }, name), el("p", {}, "Bezig met controleren…"));
    uitslagen.prepend(kaart);
    if (config.max_bytes && bytes.byteLength > config.max_bytes) {
      // The server refuses it too (413); saying so here saves sending 20 MB for nothing.
      toonGeweigerd(kaart, name, "Bestand is " + bytes.byteLength + " bytes, meer dan de grens van " +
        config.max_bytes + " bytes; niet gelezen. (XML003)");
      return;
    }
    let response;
    try {
      response = await send("/api/analyse", bytes, name);
    } catch (e) {
      toonGeweigerd(kaart, name, "De server is niet bereikbaar.");
      return;
    }
    if (!response.ok) {
      toonGeweigerd(kaart, name, await foutVan(response));
      return;
    }
    toonUitslag(kaart, id, name, bytes, await response.json());
  }

  function toonGeweigerd(kaart, name, melding) {
    kaart.replaceChildren(
      el("h3", { id: kaart.id + "-kop" }, name),
      el("p", {}, el("span", { class: "oordeel geweigerd" }, "GEWEIGERD"),
        el("span", { class: "fout-melding", role: "alert" }, "Dit bestand is niet gecontroleerd: " + melding)));
    status.textContent = name + ": geweigerd";
  }

  function toonUitslag(kaart, id, name, bytes, data) {
    const r = data.resultaat;
    const soort = data.soort ? data.soort.standaard + " " + data.soort.release + " bericht " + data.soort.bericht : "onbekend bericht";
    const xsd = r.xsd_valid === null ? "XSD niet gecontroleerd" : (r.xsd_valid ? "XSD geldig" : "XSD ongeldig");
    const fouten = r.findings.filter(f => f.severity === "error").length;
    const oordeel = data.geldig ? "GELDIG" : "ONGELDIG";
    const boomDeel = data.boom ? bouwBoom(data.boom, r.findings, id) : null;
    kaart.replaceChildren(
      el("h3", { id: id + "-kop" }, name),
      el("p", {},
        el("span", { class: "oordeel " + (data.geldig ? "geldig" : "ongeldig"), "data-oordeel": oordeel }, oordeel),
        el("span", { class: "niveaus" }, "(" + niveauTekst(r.niveaus, data.niet_gecontroleerd) + ")")),
      el("p", {}, soort + " · " + xsd + " · " + fouten + " fout(en), " + (r.findings.length - fouten) + " waarschuwing(en)/info"),
      acties(name, bytes, data),
      el("div", { class: "kolommen" },
        el("div", {}, bevindingen(r.findings, boomDeel, id), regionaal(data.regionaal)),
        boomDeel ? boomDeel.section : el("p", {}, "Geen boom: het bestand is geen leesbare XML.")));
    status.textContent = name + ": " + oordeel;
  }

  function acties(name, bytes, data) {
    const div = el("div", { class: "acties" });
    if (data.retour) {
      div.append(el("button", { type: "button", class: "retour", onclick: () => downloadRetour(name, bytes) },
        "Download retourbericht (" + data.retour + ")"));
    } else {
      div.append(el("span", {}, "Geen retourbericht voor dit bestand."));
    }
    if (data.opslaan && config.opslaan) {
      const uitkomst = el("span", { role: "status" });
      div.append(el("button", { type: "button", class: "opslaan", onclick: () => opslaan(name, bytes, uitkomst) }, "Opslaan"), uitkomst);
    }
    return div;
  }

  async function downloadRetour(name, bytes) {
    const response = await send("/api/retour", bytes, name);
    if (!response.ok) { status.textContent = await foutVan(response); return; }
    const disposition = response.headers.get("content-disposition") || "";
    const match = /filename="([^"]+)"/.exec(disposition);
    const blob = await response.blob();
    const a = el("a", { href: URL.createObjectURL(blob), download: match ? match[1] : "retour.xml" });
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    status.textContent = "Retourbericht " + (match ? match[1] : "") + " gedownload";
  }

  async function opslaan(name, bytes, uitkomst) {
    const response = await send("/api/opslaan", bytes, name, { "X-CSRF-Token": config.csrf });
    if (!response.ok) { uitkomst.textContent = await foutVan(response); uitkomst.className = "fout-melding"; return; }
    const data = await response.json();
    uitkomst.textContent = data.status === "al aanwezig" ? "Al eerder opgeslagen." : "Opgeslagen (" + data.status + ", id " + data.id + ").";
    uitkomst.className = "melding-ok";
  }

  function bevindingen(findings, boom, id) {
    const section = el("section", { class: "bevindingen", "aria-label": "Bevindingen" });
    if (!findings.length) { section.append(el("p", {}, "Geen bevindingen.")); return section; }
    for (const niveau of NIVEAUS) {
      const groep = findings.filter(f => f.niveau === niveau);
      if (!groep.length) continue;
      const kop = niveau === "regionaal" ? "Regionaal" : "Niveau " + niveau;
      const list = el("ul");
      groep.forEach((f, i) => list.append(bevinding(f, boom, id + "-n" + niveau + "-" + i)));
      section.append(el("h4", {}, kop + " (" + groep.length + ")"), list);
    }
    return section;
  }

  function bevinding(f, boom, id) {
    const uitleg = el("div", { class: "uitleg", id: id + "-uitleg", hidden: true });
    const knopUitleg = el("button", { type: "button", "aria-expanded": "false", "aria-controls": uitleg.id,
      "aria-label": "Uitleg bij " + f.code, onclick: () => toggleUitleg(f.code, knopUitleg, uitleg) }, "Uitleg");
    const li = el("li", { class: "bevinding " + f.severity, "data-code": f.code },
      el("div", {}, el("span", { class: "code" }, f.code), " ",
        ERNST[f.severity] || f.severity, f.retourcode ? " · retourcode " + f.retourcode : ""),
      el("div", {}, f.melding),
      f.locatie ? el("div", { class: "locatie" }, f.locatie) : null,
      el("div", {},
        f.locatie && boom ? el("button", { type: "button", class: "toon-element",
          "aria-label": "Toon " + f.locatie + " in het bericht", onclick: () => boom.markeer(f.locatie) }, "Toon in bericht") : null,
        knopUitleg),
      uitleg);
    return li;
  }

  async function toggleUitleg(code, knop, uitleg) {
    const open = knop.getAttribute("aria-expanded") === "true";
    knop.setAttribute("aria-expanded", open ? "false" : "true");
    uitleg.hidden = open;
    if (open || uitleg.dataset.geladen) return;
    uitleg.textContent = "Laden…";
    const response = await fetch("/api/explain/" + encodeURIComponent(code), { credentials: "same-origin" });
    if (!response.ok) { uitleg.textContent = await foutVan(response); return; }
    const info = await response.json();
    uitleg.dataset.geladen = "1";
    uitleg.replaceChildren(
      el("p", {}, el("strong", {}, info.code + " — "), info.melding),
      el("p", {}, "Controleniveau " + info.niveau + " · retourcode " + (info.retourcode || "geen") +
        " · berichten " + info.berichten.join(", ")),
      info.elementen.length ? el("p", {}, "Elementen: " + info.elementen.join(", ")) : null,
      info.uitleg ? el("p", {}, info.uitleg) : null);
  }

  // The message as an indented tree; paths are the ones findings use, so lookup is exact.
  function bouwBoom(root, findings, id) {
    const byPath = new Map();
    const metBevinding = new Set(findings.map(f => f.locatie).filter(Boolean));
    function node(n) {
      const regel = el("span", { class: "regel", tabindex: "-1" }, el("span", { class: "naam" }, n.n));
      const li = el("li", { "data-path": n.p }, regel);
      byPath.set(n.p, li);
      if (metBevinding.has(n.p)) li.classList.add("heeft-bevinding");
      if (n.bsn) {
        const waarde = el("span", { class: "waarde bsn" }, n.t);
        const knop = el("button", { type: "button", class: "toon", "aria-pressed": "false", "aria-label": "Toon het volledige BSN" }, "toon");
        knop.addEventListener("click", () => {
          const shown = knop.getAttribute("aria-pressed") === "true";
          waarde.textContent = shown ? n.t : n.bsn;
          knop.textContent = shown ? "toon" : "verberg";
          knop.setAttribute("aria-pressed", shown ? "false" : "true");
          knop.setAttribute("aria-label", shown ? "Toon het volledige BSN" : "Verberg het BSN");
        });
        regel.append(waarde, knop);
      } else if (n.t !== undefined) {
        regel.append(el("span", { class: "waarde" }, n.t));
      }
      if (n.c) {
        const ul = el("ul");
        n.c.forEach(c => ul.append(node(c)));
        if (n.meer) ul.append(el("li", {}, "… en nog " + n.meer + " elementen"));
        li.append(ul);
      }
      return li;
    }
    const section = el("section", { class: "boom", "aria-label": "Het bericht", id: id + "-boom" },
      el("h4", {}, "Het bericht"), el("ul", {}, node(root)));
    let current = null;
    function markeer(path) {
      let target = byPath.get(path);
      // A location below the deepest element shown (or with a position we do not list): nearest ancestor.
      let p = path;
      while (!target && p.lastIndexOf("/") > 0) { p = p.slice(0, p.lastIndexOf("/")); target = byPath.get(p); }
      if (!target) return;
      if (current) current.classList.remove("markeer");
      target.classList.add("markeer");
      current = target;
      const regel = target.querySelector(".regel");
      regel.scrollIntoView({ block: "center" });
      regel.focus({ preventScroll: true });
    }
    return { section, markeer };
  }

  function regionaal(regios) {
    if (!regios || !regios.length) return null;
    const section = el("section", { class: "regionaal", "aria-label": "Regionaal oordeel" });
    for (const regio of regios) {
      const body = el("tbody");
      for (const o of regio.oordelen) {
        const redenen = o.findings.map(f => f.code + ": " + f.melding);
        if (o.reden) redenen.unshift(o.reden);
        body.append(el("tr", {}, el("td", {}, o.toewijzingnummer ?? "–"), el("td", {}, o.product || "–"),
          el("td", { class: "regio-oordeel" }, o.verdict), el("td", {}, redenen.join(" · ") || "–")));
      }
      section.append(el("h4", {}, "Regionaal oordeel " + regio.regio.toUpperCase() + " (" + regio.config + ")"),
        el("table", {}, el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "ToewijzingNummer"),
          el("th", { scope: "col" }, "Product"), el("th", { scope: "col" }, "Oordeel"), el("th", { scope: "col" }, "Reden"))), body));
    }
    return section;
  }

  async function bestanden(files) {
    for (const file of files) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      await controleer(file.name, bytes);
    }
  }

  const input = document.getElementById("bestanden");
  input.addEventListener("change", () => { bestanden([...input.files]); input.value = ""; });
  const zone = document.getElementById("dropzone");
  zone.addEventListener("dragover", e => { e.preventDefault(); zone.classList.add("sleep"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("sleep"));
  zone.addEventListener("drop", e => {
    e.preventDefault();
    zone.classList.remove("sleep");
    bestanden([...e.dataTransfer.files]);
  });
  // Dropping beside the zone should not make the browser open the file instead.
  document.addEventListener("dragover", e => e.preventDefault());
  document.addEventListener("drop", e => { e.preventDefault(); if (e.target !== zone && !zone.contains(e.target)) bestanden([...e.dataTransfer.files]); });
  document.getElementById("controleer-geplakt").addEventListener("click", () => {
    const text = document.getElementById("geplakt").value;
    if (!text.trim()) { status.textContent = "Er is geen XML geplakt."; return; }
    controleer("geplakt.xml", new TextEncoder().encode(text));
  });
})();
