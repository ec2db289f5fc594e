/* The verify page: the rules of site_gen/lookup.py, in the browser.
 * Both are checked against tests/cases/lookup.yaml: change them together.
 * No library, no third-party request: the index shards are fetched from this site. */
(function () {
  "use strict";

  var SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
  var HOSTLIKE = /^[a-z0-9-]+(\.[a-z0-9-]+)+(:[0-9]+)?(\/|$)/i;
  var SIMILAR_CAP = 10;

  // The platform table (site_gen/data/platforms.json), embedded in the page by the build.
  var RULES = null, LINKS = [], ITEM_LABELS = {}, ITEM_LABEL_RE = null, REFUSED = null, SPACES = null;
  function loadRules() {
    if (RULES) return RULES;
    var node = document.getElementById("verify-rules");
    RULES = JSON.parse(node ? node.textContent : '{"find": {}, "ids": {}, "labels": [], "links": [], "subpaths": [], "refused": "\\u0000", "spaces": " ", "sites": [], "wording": null}');
    LINKS = RULES.links.map(function (e) { return [e, e.path ? new RegExp(e.path) : null]; });
    REFUSED = new RegExp("[" + RULES.refused + "]", "gu");
    SPACES = new RegExp("[" + RULES.spaces + "]+", "gu");
    RULES.labels.forEach(function (l) { ITEM_LABELS[l[0].replace(/ /g, "")] = l[1]; });
    var labels = RULES.labels.map(function (l) { return l[0]; }).sort(function (a, b) { return b.length - a.length; });
    var escaped = labels.map(function (l) { return l.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    // site_gen/platforms.py _label_pattern: a space inside a label may be left out.
    ITEM_LABEL_RE = new RegExp("(?<![a-z0-9])(" + escaped.map(function (l) { return l.replace(/ /g, " ?"); }).join("|") +
      ") ?[:=]? ?@?([a-z0-9_.-]{2,120})", "g");
    return RULES;
  }

  function normal(text) { return text.normalize("NFKC").trim(); }
  function fold(text) { return normal(text).toLowerCase(); }
  function nameKey(text) { return Array.from(fold(text)).filter(function (ch) { return /[\p{L}\p{N}]/u.test(ch); }).join(""); }
  function idKey(text) { return fold(text).replace(/^@+/, ""); }
  // site_gen/identity.py account_key: which two filings are the same account.
  function accountKey(platform, id) {
    var key = idKey(id);
    return platform === "website" ? key.replace(/^www\./, "") : key;
  }
  function looksLikeLink(text) { return SCHEME.test(text) || HOSTLIKE.test(text); }
  function unique(list) { return list.filter(function (x, i) { return list.indexOf(x) === i; }); }

  function decode(text) {
    try { return decodeURIComponent(text.replace(/\+/g, " ")); } catch (e) { return text; }
  }

  // site_gen/platforms.py _query_value: the one value of a parameter (none when given twice).
  function queryValue(query, name) {
    var values = [];
    query.split(/[&;]/).forEach(function (pair) {
      var eq = pair.indexOf("=");
      if (eq < 0) return;
      var value = decode(pair.slice(eq + 1));
      if (decode(pair.slice(0, eq)).toLowerCase() === name && value && values.indexOf(value) < 0) values.push(value);
    });
    return values.length === 1 ? values[0] : null;
  }
  function otherSecUid(path, value) {
    return (path.match(/ms4wljabaaaa[0-9a-z_-]+/g) || []).some(function (found) { return found !== value.toLowerCase(); });
  }

  // site_gen/platforms.py labels_in: [match, platform] of each labelled ID in a lowered text.
  function labelsIn(low) {
    loadRules();
    var found = [], m;
    ITEM_LABEL_RE.lastIndex = 0;
    while ((m = ITEM_LABEL_RE.exec(low)) !== null) found.push([m, ITEM_LABELS[m[1].replace(/ /g, "")]]);
    return found;
  }

  // The ID of ``platform`` that a pasted link or share text names (site_gen/platforms.py
  // account_in_text), as written.
  function accountInText(text, platform) {
    var plain = queryText(text), compact = plain.replace(/ /g, "");
    var whole = urlCharsOnly(compact) && looksLikeLink(compact);
    var source = whole ? compact : plain, spans = whole ? [[0, compact.length]] : linkSpans(plain);
    for (var i = 0; i < spans.length; i++) {
      var parts = urlParts(source.slice(spans[i][0], spans[i][1]));
      var info = parts ? infoOf(parts) : null;
      if (info && info.platform === platform && info.id) return info.id;
    }
    var labelled = labelsIn(lowered(plain));
    for (var j = 0; j < labelled.length; j++) {
      var m = labelled[j][0], at = m.index + m[0].length - m[2].length;  // as written
      if (labelled[j][1] === platform || labelled[j][1] === "") return plain.slice(at, at + stripEnd(m[2], ITEM_TRAILING).length);
    }
    return null;
  }

  /* ---- site_gen/lookup.py parse_query and decide: every link and ID judged on its own ---- */
  var CODE = /^[0-9a-hjkmnp-tv-z]{12}$/;
  var ITEM_TRAILING = ".,;:!?)]}'";
  // A host label: letters and digits of any script, "-", and "%" (an encoded dot is a dot).
  var HOST_SRC = "(?:[\\p{L}\\p{N}]|[-%])+(?:[.\\u3002]+(?:[\\p{L}\\p{N}]|[-%])+)+";
  var LINK_RE = new RegExp("[A-Za-z][A-Za-z0-9+.-]*://(?:[^ /?#@]*@)?" + HOST_SRC +
    "(?::[0-9]{1,5})?(?:[/?#\\\\][A-Za-z0-9._~:/?#@!$&*+,;=%()\\[\\]\\\\-]*)?" +
    "|" + HOST_SRC + "(?::[0-9]{1,5})?[/?#][A-Za-z0-9._~:/?#@!$&*+,;=%()\\[\\]\\\\-]*", "gu");
  var TOKEN_RE = /[a-z0-9._~/?#@$&*+=%[\]\\-]+/g;
  var DECIMAL = /^[0-9]+\.[0-9]+$/;
  var WHOLE = 5;
  var URL_CHARS_ASCII = /^[a-z0-9._~:/?#@!$&'*+,;=%()[\]-]+$/i;

  function queryText(text) {
    loadRules();
    return text.replace(REFUSED, "").normalize("NFKC").replace(SPACES, " ").replace(/^ +| +$/g, "");
  }
  function lowered(text) {
    return Array.from(text).map(function (c) { var l = c.toLowerCase(); return Array.from(l).length === 1 ? l : c; }).join("");
  }
  function stripEnd(text, chars) { var end = text.length; while (end > 0 && chars.indexOf(text[end - 1]) >= 0) end--; return text.slice(0, end); }
  function stripBoth(text, chars) { var start = 0; while (start < text.length && chars.indexOf(text[start]) >= 0) start++; return stripEnd(text.slice(start), chars); }
  function urlCharsOnly(text) { return /^[\x21-\x7e]+$/.test(text) && URL_CHARS_ASCII.test(text); }
  function linkSpans(text) {
    var out = [], m;
    LINK_RE.lastIndex = 0;
    while ((m = LINK_RE.exec(text)) !== null) {
      var end = m.index + m[0].length;
      while (end > m.index && ITEM_TRAILING.indexOf(text[end - 1]) >= 0) end--;
      out.push([m.index, end]);
    }
    return out;
  }
  function urlParts(link) {
    var href = /^[a-z][a-z0-9+.-]*:\/\//i.test(link) ? link : "http://" + link, url;
    try { url = new URL(href); } catch (e) { return null; }
    var written = url.pathname.replace(/\/+$/, "");
    return { scheme: url.protocol.replace(/:$/, ""), host: url.hostname.replace(/\.+$/, "").toLowerCase(),
      path: written.toLowerCase(), query: url.search.replace(/^\?/, ""), written: written };
  }
  function platformHost(host) {
    ["www.", "m."].forEach(function (prefix) { if (host.indexOf(prefix) === 0) host = host.slice(prefix.length); });
    return host;
  }
  function rulesOf(host, path, written, query) {
    var url = host + path;
    for (var i = 0; i < LINKS.length; i++) {
      var entry = LINKS[i][0], pattern = LINKS[i][1];
      if (entry.host !== host) continue;
      var match = pattern ? pattern.exec(path) : null;
      if (pattern && !match) continue;
      var platform = entry.platform || null;
      if (entry.share) return { url: url, host: host, platform: platform, id: null, share: entry.share, how: entry.how || "" };
      if (entry.query) {
        var value = queryValue(query, entry.query);
        if (value === null || otherSecUid(path, value)) continue;
        if (entry.key === "url") return { url: (host + "/?" + entry.query + "=" + value).toLowerCase(), host: host, platform: platform, id: null, share: null };
        return { url: url, host: host, platform: platform, id: value, share: null };
      }
      // The ID as written (a Douyin sec_uid keeps its case); the rules match its lower case.
      var at = match.index + match[0].indexOf(match[1]);
      return { url: url, host: host, platform: platform, id: written.slice(at, at + match[1].length), share: null };
    }
    return null;
  }
  function infoOf(parts) {
    loadRules();
    var host = platformHost(parts.host), path = parts.path, written = parts.written || parts.path;
    var found = rulesOf(host, path, written, parts.query);
    while (found === null && RULES.subpaths.indexOf(path.slice(path.lastIndexOf("/") + 1)) >= 0) {
      path = path.slice(0, path.lastIndexOf("/"));
      written = written.slice(0, path.length);
      found = rulesOf(host, path, written, parts.query);
    }
    return found || { url: (host + path).toLowerCase(), host: host, platform: null, id: null, share: null };
  }
  // site_gen/lookup.py _host_keys: the filed host, or a subdomain of the host as filed.
  function hostKeys(host) {
    var labels = stripBoth(host, ".").split("."), out = [["host:" + platformHost(labels.join(".")), "website"]];
    for (var i = 1; i < labels.length - 1; i++) out.push(["sub:" + labels.slice(i).join("."), "website"]);
    return out;
  }
  // This portal's addresses (site_gen/lookup.py sites_of): the configured one and where the
  // page is served from; their a/<code>/ links name accounts.
  function sites() {
    loadRules();
    var form = document.getElementById("verify-form");
    var root = new URL(form ? form.getAttribute("data-root") || "./" : "./", window.location.href);
    return RULES.sites.concat([platformHost(root.hostname) + root.pathname.replace(/\/+$/, "")]);
  }
  function siteCode(parts, siteList) {
    var where = platformHost(parts.host) + parts.path;
    for (var i = 0; i < siteList.length; i++) {
      var prefix = siteList[i].replace(/\/+$/, "") + "/a/";
      if (where.indexOf(prefix) !== 0) continue;
      var code = where.slice(prefix.length).replace(/\/index\.html$/, "").replace(/\.json$/, "").replace(/\/+$/, "");
      if (CODE.test(code)) return code;
    }
    return null;
  }
  function linkItem(text, start, end, siteList) {
    var item = { text: text.slice(start, end), start: start, end: end, kind: "link", keys: [], share: null };
    var parts = urlParts(item.text);
    if (!parts || (parts.scheme !== "http" && parts.scheme !== "https")) return item;
    var code = siteCode(parts, siteList);
    if (code !== null) { item.kind = "code"; item.keys = [["code:" + code, null]]; return item; }
    var info = infoOf(parts);
    if (info.id) item.keys.push(["id:" + idKey(info.id), info.platform]);
    item.keys.push(["url:" + info.url, null]);
    if (info.platform === null && !info.share) item.keys = item.keys.concat(hostKeys(parts.host));
    if (info.share) item.share = [info.share, info.how || ""];
    return item;
  }
  function idKeys(value, platform) {
    var keys = [["id:" + idKey(value), platform]];
    if (platform === null && CODE.test(value)) keys.push(["code:" + value, null]);
    if ((platform === null || platform === "website") && stripBoth(value, ".").indexOf(".") >= 0) keys = keys.concat(hostKeys(value));
    return keys;
  }
  function blank(text, start, end) { return text.slice(0, start) + " ".repeat(end - start) + text.slice(end); }

  function parseItems(query, siteList) {
    loadRules();
    var text = queryText(query), low = lowered(text), compact = stripEnd(low.replace(/ /g, ""), ITEM_TRAILING);
    var spans = linkSpans(text);
    if (compact && urlCharsOnly(compact) && looksLikeLink(compact) && /:\/\/|[/?#]/.test(compact) &&
        spans.length <= 1 && compact.split("://").length <= 2) {
      // One link broken by stray spaces or line breaks (a screenshot's text, a chat).
      var whole = stripEnd(text.replace(/ /g, ""), ITEM_TRAILING);
      return { text: whole, items: [linkItem(whole, 0, whole.length, siteList)], name: "" };
    }
    var items = spans.map(function (span) { return linkItem(text, span[0], span[1], siteList); });
    var rest = low, m;
    items.forEach(function (item) { rest = blank(rest, item.start, item.end); });
    var labelled = labelsIn(rest).map(function (f) {
      var x = f[0];
      return [x.index, x[0].length, f[1], x[2], x.index + x[0].length - x[2].length];
    });
    labelled.forEach(function (found) {
      var platform = found[2], value = stripEnd(found[3], ITEM_TRAILING), keys;
      if (platform === "@code") {
        if (!CODE.test(value)) return;
        keys = [["code:" + value, null]];
      } else {
        var rule = RULES.ids[platform];
        if (rule && !new RegExp(rule[0], rule[1]).test(value)) return;
        keys = idKeys(value, platform || null);
      }
      items.push({ text: text.slice(found[4], found[4] + value.length), start: found[4], end: found[4] + value.length, kind: "id", keys: keys, share: null });
      rest = blank(rest, found[0], found[0] + found[1]);
    });
    // An ID broken by spaces is one ID; several whole IDs are several items (site_gen/lookup.py).
    var parts = low.split(" ").filter(function (p) { return p; });
    if (!items.length && compact && urlCharsOnly(compact) &&
        (parts.length === 1 || Math.max.apply(null, parts.map(function (p) { return p.length; })) < WHOLE)) {
      items.push({ text: text, start: 0, end: text.length, kind: "id", keys: idKeys(compact.replace(/^@+/, ""), null), share: null });
    } else {
      var alone = !items.length;
      TOKEN_RE.lastIndex = 0;
      while ((m = TOKEN_RE.exec(rest)) !== null) {
        var value = stripBoth(m[0], ITEM_TRAILING + "@/");
        if (!value || !urlCharsOnly(value) || !/[a-z0-9]/.test(value) || DECIMAL.test(value)) continue;
        if (!alone && value.length < WHOLE && stripBoth(value, ".").indexOf(".") < 0) continue;
        if (alone && value.length < 2) continue;
        var at = m.index + m[0].indexOf(value);
        items.push({ text: text.slice(at, at + value.length), start: at, end: at + value.length, kind: "id", keys: idKeys(value, null), share: null });
      }
    }
    items.sort(function (a, b) { return a.start - b.start; });
    return { text: text, items: items, name: items.length ? "" : nameKey(text) };
  }

  function judge(item, found) {
    var records = [];
    for (var i = 0; i < item.keys.length; i++) {
      var key = item.keys[i][0], platform = item.keys[i][1];
      records = (found[key] || []).filter(function (r) { return platform === null || r.c === platform; });
      if (records.length) break;
    }
    var verdict = ["counterfeit", "official", "deregistered"].filter(function (v) { return records.some(function (r) { return r.s === v; }); })[0] || "unknown";
    var account = records.filter(function (r) { return r.s === verdict; })[0] || null;
    return { text: item.text, kind: item.kind, verdict: verdict, account: account };
  }
  function sameAccount(a, b) { return (a.k !== undefined && a.k !== null && a.k === b.k) || same(a, b); }

  function queryKeys(query, siteList) {
    var parsed = parseItems(query, siteList || sites()), keys = [];
    parsed.items.forEach(function (item) { item.keys.forEach(function (k) { keys.push(k[0]); }); });
    if (parsed.name) keys.push("name:" + parsed.name);
    return unique(keys);
  }


  function bigrams(name) {
    var chars = Array.from(name), out = [];
    for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    return out.length ? out : (name ? [name] : []);
  }

  function queryBigrams(folded) {
    var grams = unique(bigrams(folded));
    if (grams.length <= 6) return grams;
    var step = (grams.length - 1) / 5, out = [];
    for (var i = 0; i < 6; i++) out.push(grams[pyRound(i * step)]);
    return unique(out);
  }

  // Python's round(): halves go to the even neighbour.
  function pyRound(x) {
    var f = Math.floor(x), d = x - f;
    if (d > 0.5) return f + 1;
    if (d < 0.5) return f;
    return f % 2 === 0 ? f : f + 1;
  }

  function withinOneEdit(a, b) {
    a = Array.from(a); b = Array.from(b);
    if (Math.abs(a.length - b.length) > 1) return false;
    if (a.length > b.length) { var t = a; a = b; b = t; }
    var i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    if (a.length === b.length) return a.slice(i + 1).join("") === b.slice(i + 1).join("");
    return a.slice(i).join("") === b.slice(i + 1).join("");
  }

  function fnv1a(text) {
    var bytes = new TextEncoder().encode(text), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function shareHint(share) {
    if (!share) return null;
    return wording().share_hint.replace("{what}", share[0]).replace("{how}", share[1]);
  }

  function idAdvice(matches) {
    var seen = {}, out = [];
    matches.forEach(function (m) {
      if (!seen[m.c]) { seen[m.c] = true; out.push({ p: m.p, t: loadRules().find[m.c] }); }
    });
    return out;
  }

  function decide(query, found, siteList) {
    var parsed = parseItems(query, siteList || sites());
    var items = parsed.items.map(function (item) { return judge(item, found); });
    var matches = [];
    items.forEach(function (j) { if (j.account !== null && !matches.some(function (m) { return same(m, j.account); })) matches.push(j.account); });
    var share = null;
    for (var i = 0; i < items.length; i++) { if (parsed.items[i].share && items[i].verdict === "unknown") { share = parsed.items[i].share; break; } }
    if (items.length) {
      var known = items.filter(function (j) { return j.account !== null; }), status;
      if (items.some(function (j) { return j.verdict === "counterfeit"; })) status = "counterfeit";
      else if (known.length && known.length === items.length && known.every(function (j) { return sameAccount(j.account, known[0].account); })) status = known[0].verdict;
      else status = known.length ? "mixed" : "unknown";
      var ordered = items.map(function (j, n) { return [j.verdict !== "unknown" ? 1 : 0, n, j]; });
      ordered.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1]; });
      return { status: status, items: ordered.map(function (x) { return x[2]; }), matches: matches, similar: [],
        hint: status === "unknown" || status === "mixed" ? shareHint(share) : null, advice: [] };
    }
    matches = parsed.name ? (found["name:" + parsed.name] || []).slice() : [];
    if (matches.length) return { status: "name_only", items: [], matches: matches, similar: [], hint: null, advice: idAdvice(matches) };
    return { status: "unknown", items: [], matches: [], similar: [], hint: null, advice: [] };
  }

  function similar(folded, found) {
    if (Array.from(folded).length < 2) return [];
    var seen = {}, order = [];
    queryBigrams(folded).forEach(function (gram) {
      (found["bg:" + gram] || []).forEach(function (c) {
        var name = c[0];
        var close = withinOneEdit(folded, name) || name.indexOf(folded) >= 0 || folded.indexOf(name) >= 0;
        if (close && name !== folded && !(name in seen)) { seen[name] = { n: c[1], u: c[2], h: c[3], s: c[4] }; order.push(name); }
      });
    });
    order.sort(function (x, y) {
      var ex = withinOneEdit(folded, x) ? 0 : 1, ey = withinOneEdit(folded, y) ? 0 : 1;
      if (ex !== ey) return ex - ey;
      var lx = Array.from(x).length, ly = Array.from(y).length;
      if (lx !== ly) return lx - ly;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    return order.slice(0, SIMILAR_CAP).map(function (n) { return seen[n]; });
  }

  // Exact keys first; the lookalike shards are fetched only when nothing matched, so an
  // official, deregistered or counterfeit answer costs one to three small downloads.
  function fetchKeys(keys, base, shardCount, found) {
    var files = unique(keys.map(function (k) { return fnv1a(k) % shardCount; }));
    return Promise.all(files.map(function (n) {
      return fetch(base + n + ".json").then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      });
    })).then(function (parts) {
      parts.forEach(function (part) { keys.forEach(function (k) { if (k in part) found[k] = part[k]; }); });
      return found;
    });
  }

  function lookup(query, base, shardCount, siteList) {
    var found = {};
    siteList = siteList || sites();
    return fetchKeys(queryKeys(query, siteList), base, shardCount, found).then(function () {
      var answer = decide(query, found, siteList);
      var name = parseItems(query, siteList).name;
      if (answer.status !== "unknown" || !name) return answer;
      var grams = queryBigrams(name).map(function (g) { return "bg:" + g; });
      return fetchKeys(grams, base, shardCount, found).then(function () {
        answer.similar = similar(name, found);
        return answer;
      });
    });
  }

  /* ---- rendering: text only, never innerHTML with data ---- */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function safeHref(url) { return /^https?:\/\//i.test(url || "") ? url : null; }
  function link(text, href, external) {
    var attrs = { href: href };
    if (external) { attrs.rel = "noopener nofollow"; attrs.target = "_blank"; }
    return el("a", attrs, [text]);
  }

  // What the answer says: site_gen/wording.py, embedded with the rules by the build.
  function wording() { return loadRules().wording; }

  function describe(r, root, withLink) {
    var lines = [];
    var head = [r.p + "：" + r.n];
    if (r.i) head.push("（ID：" + r.i + "）");
    lines.push(el("strong", {}, [head.join("")]));
    if (r.s === "official") {
      lines.push(el("span", {}, ["开设单位：", link(r.u, root + r.h), "；开通于 " + r.o +
        (r.ps ? "；" + suspendedText(r.ps) : "")]));
      // What the registry checked, said plainly either way (site_gen/wording.py UNCHECKED).
      lines.push(el("span", { "class": r.v ? "verify-checked" : "verify-unchecked" },
        [r.v || wording().unchecked, "；", link("核验页", root + "a/" + r.k + "/")]));
    } else if (r.s === "deregistered") {
      lines.push(el("span", {}, ["原开设单位：", link(r.u, root + r.h), "；已注销（自 " + (r.d || "") + " 起不再是官方账号）"]));
    } else if (r.s === "counterfeit") {
      lines.push(el("span", {}, ["已举报的假冒账号：由 ", link(r.rb, root + r.h), " 于 " + r.r + " 举报；" + (r.t || "")]));
    }
    var href = safeHref(r.url);
    if (href && r.s !== "counterfeit") lines.push(el("span", {}, [link(withLink ? "主页链接：" + href : "打开链接", href, true)]));
    var item = el("li", { "class": "verify-match verify-match-" + r.s }, []);
    lines.forEach(function (line, i) { if (i) item.appendChild(el("br")); item.appendChild(line); });
    return item;
  }

  // An official account suspended (暂停使用): site_gen/wording.py SUSPENDED.
  function suspendedText(since) { return wording().suspended.replace("{since}", since); }

  // Item by item, the unknown ones first (site_gen/lookup.py item_line).
  function itemList(answer) {
    return el("ol", { "class": "verify-items" }, answer.items.map(function (item, n) {
      var said = wording().verdicts[item.verdict], a = item.account;
      if (a && item.verdict !== "counterfeit") {
        said += "（" + a.p + "：" + a.n + "，" + a.u + (a.ps ? "，" + suspendedText(a.ps) : "") + "）";
      }
      var numbers = Array.from(wording().numbers);
      return el("li", { "class": "verify-item verify-item-" + item.verdict }, [
        (n < numbers.length ? numbers[n] : "(" + (n + 1) + ")") + " ", el("code", {}, [item.text]), "：" + said]);
    }));
  }

  function render(answer, out, root) {
    out.textContent = "";
    var h = wording().answers[answer.status];
    out.setAttribute("data-status", answer.status);
    var paused = answer.status === "official" && answer.matches.length && answer.matches[0].ps;
    out.appendChild(el("p", { "class": "verify-status verify-" + answer.status },
      [h[0] + " " + h[1] + (paused ? "，" + suspendedText(answer.matches[0].ps) : "")]));
    var named = answer.status === "name_only";
    if (named) {
      var fake = !answer.matches.some(function (m) { return m.s !== "counterfeit"; });
      out.appendChild(el("p", {}, [fake ? wording().name_only_fake : wording().name_only]));
    } else if (answer.status === "mixed") {
      out.appendChild(el("p", {}, [h[2].replace("{count}", String(answer.items.length))]));
      out.appendChild(itemList(answer));
    } else {
      out.appendChild(el("p", {}, [h[2]]));
      // A counterfeit beside an official link: each item says what it is, so the official
      // account listed below is not read as the counterfeit (site_gen/lookup.py format_answer).
      if (answer.status === "counterfeit" && answer.items.length > 1) out.appendChild(itemList(answer));
    }
    if (answer.matches.length) {
      out.appendChild(el("ul", {}, answer.matches.map(function (r) { return describe(r, root, named); })));
    }
    if (answer.advice.length) {
      out.appendChild(el("p", {}, ["如何找到账号 ID："]));
      out.appendChild(el("ul", { "class": "verify-advice" }, answer.advice.map(function (a) {
        return el("li", {}, [a.p + "：" + a.t]);
      })));
    }
    if (answer.status === "mixed" && answer.hint) out.appendChild(el("p", { "class": "verify-hint" }, [answer.hint]));
    if (answer.status === "unknown") {
      if (answer.hint) out.appendChild(el("p", { "class": "verify-hint" }, [answer.hint]));
      if (answer.similar.length) {
        out.appendChild(el("p", {}, [wording().similar]));
        out.appendChild(el("ul", { "class": "verify-similar" }, answer.similar.map(function (s) {
          return el("li", {}, [s.n + "（", link(s.u, root + s.h), s.s === "deregistered" ? "，已注销）" : "）"]);
        })));
      }
      out.appendChild(el("p", {}, ["发现冒用学校或教育部门名义的账号？", link("如何举报假冒账号", root + "guide-report/")]));
    }
  }

  /* ---- QR codes: decoded on the phone by the vendored jsQR, loaded only when needed ---- */
  var jsqrLoading = null;
  function loadJsQR(src) {
    if (window.jsQR) return Promise.resolve(window.jsQR);
    if (!jsqrLoading) {
      jsqrLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = function () { resolve(window.jsQR); };
        script.onerror = function () { jsqrLoading = null; reject(new Error("jsQR")); };
        document.head.appendChild(script);
      });
    }
    return jsqrLoading;
  }

  // A photo is tried at a few sizes: large photos are slow to scan whole, small codes vanish
  // when shrunk too far.
  function decodeCanvasSource(jsQR, source, width, height) {
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    var sizes = [1000, 1600, 600];
    for (var i = 0; i < sizes.length; i++) {
      var scale = Math.min(1, sizes[i] / Math.max(width, height));
      canvas.width = Math.max(1, Math.round(width * scale));
      canvas.height = Math.max(1, Math.round(height * scale));
      context.drawImage(source, 0, 0, canvas.width, canvas.height);
      var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: "attemptBoth" });
      if (code && code.data) return code.data;
      if (scale === 1) break;
    }
    return null;
  }

  function decodeImageFile(file, jsqrSrc) {
    return loadJsQR(jsqrSrc).then(function (jsQR) {
      return new Promise(function (resolve, reject) {
        var url = URL.createObjectURL(file);
        var image = new Image();
        image.onload = function () {
          URL.revokeObjectURL(url);
          resolve(decodeCanvasSource(jsQR, image, image.naturalWidth, image.naturalHeight));
        };
        image.onerror = function () { URL.revokeObjectURL(url); reject(new Error("image")); };
        image.src = url;
      });
    });
  }

  function startCamera(video, jsqrSrc, onCode, onError) {
    var stream = null, stopped = false;
    function stop() {
      stopped = true;
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      video.hidden = true;
    }
    loadJsQR(jsqrSrc).then(function (jsQR) {
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
        stream = s;
        if (stopped) { stop(); return; }
        video.srcObject = s;
        video.hidden = false;
        return video.play().then(function () {
          (function scan() {
            if (stopped) return;
            if (video.videoWidth) {
              var found = decodeCanvasSource(jsQR, video, video.videoWidth, video.videoHeight);
              if (found) { stop(); onCode(found); return; }
            }
            setTimeout(scan, 250);
          })();
        });
      });
    }).catch(function () { stop(); onError(); });
    return stop;
  }

  function start() {
    var form = document.getElementById("verify-form");
    var input = document.getElementById("verify-query");
    var out = document.getElementById("verify-result");
    if (!form || !input || !out) return;
    var root = form.getAttribute("data-root");
    var base = form.getAttribute("data-index");
    var jsqrSrc = form.getAttribute("data-jsqr");
    var shardCount = parseInt(form.getAttribute("data-shards"), 10);
    function run() {
      var query = input.value;
      if (!query.trim()) { out.textContent = "请输入账号名称、账号 ID 或链接，或选择一张二维码图片。"; return; }
      out.removeAttribute("data-status");
      out.textContent = "正在查询……";
      lookup(query, base, shardCount).then(function (answer) { render(answer, out, root); },
        function () { out.textContent = "查询失败，请检查网络后重试。"; });
    }
    function remember() {
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", "?query=" + encodeURIComponent(input.value));
      }
    }
    function fromCode(text) {
      // A 核验二维码 of this very portal (a poster's): open that account's page here.
      var own = new URL(root + "a/", window.location.href).href;
      if (text.indexOf(own) === 0 && /^[0-9a-z]{12}\/?$/.test(text.slice(own.length))) {
        window.location.href = text;
        return;
      }
      input.value = text; remember(); run();
    }
    function noCode(message) { out.removeAttribute("data-status"); out.textContent = message; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      remember();
      run();
    });
    var qr = document.getElementById("verify-qr");
    if (qr) {
      qr.addEventListener("change", function () {
        var file = qr.files && qr.files[0];
        if (!file) return;
        out.removeAttribute("data-status");
        out.textContent = "正在识别二维码……";
        decodeImageFile(file, jsqrSrc).then(function (text) {
          if (text) fromCode(text);
          else noCode("没有在这张图片里识别出二维码。请让二维码完整、清晰地占满画面后重新拍照或截图。");
        }, function () { noCode("无法读取这张图片，请换一张照片或截图。"); });
        qr.value = "";
      });
    }
    var camera = document.getElementById("verify-camera");
    var video = document.getElementById("verify-video");
    if (camera && video && navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.isSecureContext) {
      var stop = null;
      camera.hidden = false;
      camera.addEventListener("click", function () {
        if (stop) { stop(); stop = null; camera.textContent = "用摄像头扫码"; return; }
        camera.textContent = "停止扫码";
        out.removeAttribute("data-status");
        out.textContent = "请把二维码对准摄像头……";
        stop = startCamera(video, jsqrSrc, function (text) {
          stop = null; camera.textContent = "用摄像头扫码"; fromCode(text);
        }, function () {
          stop = null; camera.textContent = "用摄像头扫码";
          noCode("无法打开摄像头（可能没有授权）。可以改为拍照或选择二维码截图。");
        });
      });
    }
    // Not "q": the theme opens its own search box for ?q=.
    var q = new URLSearchParams(window.location.search).get("query");
    if (q) { input.value = q; run(); }
  }

  window.siteGenVerify = { queryKeys: queryKeys, parseItems: parseItems, sites: sites, decide: decide, lookup: lookup,
    fnv1a: fnv1a, fetchKeys: fetchKeys, accountInText: accountInText, looksLikeLink: looksLikeLink,
    fold: fold, idKey: idKey, accountKey: accountKey };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
