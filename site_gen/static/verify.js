/* The verify page: the rules of site_gen/lookup.py, in the browser.
 * Both are checked against tests/cases/lookup.yaml: change them together.
 * No library, no third-party request: the index shards are fetched from this site. */
(function () {
  "use strict";

  var SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
  var HOSTLIKE = /^[a-z0-9-]+(\.[a-z0-9-]+)+(:[0-9]+)?(\/|$)/i;
  var URLCHARS = "[a-z0-9._~:/?#@!$&'*+,;=%()\\[\\]-]";
  var LINK_IN_TEXT = new RegExp("[a-z][a-z0-9+.-]*://" + URLCHARS + "+|[a-z0-9-]+(\\.[a-z0-9-]+)+/" + URLCHARS + "*", "gi");
  var URL_CHARS_ONLY = new RegExp("^" + URLCHARS + "+$", "i");
  var TRAILING = /[.,;:!?)\]}']+$/;
  var STRONG = ["id:", "url:", "host:"];
  var SIMILAR_CAP = 10;

  // The platform table (site_gen/data/platforms.json), embedded in the page by the build.
  var RULES = null, LINKS = [], LABEL_RE = null, LABELS = {};
  function loadRules() {
    if (RULES) return RULES;
    var node = document.getElementById("verify-rules");
    RULES = JSON.parse(node ? node.textContent : '{"find": {}, "labels": [], "links": [], "wording": null}');
    LINKS = RULES.links.map(function (e) { return [e, e.path ? new RegExp(e.path, "i") : null]; });
    RULES.labels.forEach(function (l) { LABELS[l[0]] = l[1]; });
    var labels = RULES.labels.map(function (l) { return l[0]; }).sort(function (a, b) { return b.length - a.length; });
    var escaped = labels.map(function (l) { return l.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    LABEL_RE = new RegExp("(" + escaped.join("|") + ")\\s*[:=]?\\s*@?([a-z0-9_.-]{2,120})", "gi");
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

  function linksIn(text) {
    var found = [], m;
    LINK_IN_TEXT.lastIndex = 0;
    while ((m = LINK_IN_TEXT.exec(text)) !== null) {
      var link = m[0].replace(TRAILING, "");
      if (link && found.indexOf(link) < 0) found.push(link);
    }
    return found;
  }

  function linksOf(text) {
    var compact = text.replace(/\s+/g, "");
    if (URL_CHARS_ONLY.test(compact) && looksLikeLink(compact)) return [compact];
    return linksIn(text);
  }

  function decode(text) {
    try { return decodeURIComponent(text.replace(/\+/g, " ")); } catch (e) { return text; }
  }

  function queryValue(query, name) {
    var pairs = query.split("&");
    for (var i = 0; i < pairs.length; i++) {
      var eq = pairs[i].indexOf("=");
      if (eq < 0) continue;
      var value = decode(pairs[i].slice(eq + 1));
      if (decode(pairs[i].slice(0, eq)).toLowerCase() === name && value) return value;
    }
    return null;
  }

  function linkInfo(link) {
    if (!looksLikeLink(link)) return null;
    var rest = link.replace(SCHEME, "").split("#")[0];
    var q = rest.indexOf("?");
    var query = q >= 0 ? rest.slice(q + 1) : "";
    if (q >= 0) rest = rest.slice(0, q);
    var slash = rest.indexOf("/");
    var host = (slash >= 0 ? rest.slice(0, slash) : rest).split(":")[0].toLowerCase();
    var path = slash >= 0 ? rest.slice(slash + 1) : "";
    ["www.", "m."].forEach(function (prefix) { if (host.indexOf(prefix) === 0) host = host.slice(prefix.length); });
    path = path.replace(/\/+$/, "") ? "/" + path.replace(/\/+$/, "") : "";
    var url = (host + path).toLowerCase();
    loadRules();
    for (var i = 0; i < LINKS.length; i++) {
      var entry = LINKS[i][0], pattern = LINKS[i][1];
      if (entry.host !== host) continue;
      var match = pattern ? pattern.exec(path) : null;
      if (pattern && !match) continue;
      var platform = entry.platform || null;
      if (entry.share) return { url: url, host: host, platform: platform, id: null, share: entry.share, how: entry.how || "" };
      if (entry.query) {
        var value = queryValue(query, entry.query);
        if (value === null) continue;
        if (entry.key === "url") return { url: (host + "/?" + entry.query + "=" + value).toLowerCase(), host: host, platform: platform, id: null, share: null };
        return { url: url, host: host, platform: platform, id: value, share: null };
      }
      return { url: url, host: host, platform: platform, id: match[1], share: null };
    }
    return { url: url, host: host, platform: null, id: null, share: null };
  }

  function labelledIds(text) {
    loadRules();
    var found = [], m;
    LABEL_RE.lastIndex = 0;
    while ((m = LABEL_RE.exec(text)) !== null) {
      found.push([LABELS[m[1].toLowerCase()] || null, m[2].replace(TRAILING, "")]);
    }
    return found;
  }

  // [key, platform or null] pairs, strongest first; see site_gen/lookup.py parse_query.
  function parseQuery(query) {
    var plain = normal(query);
    var compact = plain.replace(/\s+/g, "");
    var keys = [], share = null;
    var links = linksOf(plain);
    links.forEach(function (link) {
      var info = linkInfo(link);
      if (!info) return;
      keys.push(["url:" + info.url, null], ["host:" + info.host, null]);
      if (info.id) keys.push(["id:" + idKey(info.id), info.platform]);
      if (info.share && share === null) share = [info.share, info.how];
    });
    labelledIds(plain).forEach(function (pair) { keys.push(["id:" + idKey(pair[1]), pair[0]]); });
    if (compact && (URL_CHARS_ONLY.test(compact.toLowerCase()) || !/\s/.test(plain))) keys.push(["id:" + idKey(compact), null]);
    var name = links.length ? "" : nameKey(query);
    if (name) keys.push(["name:" + name, null]);
    var seen = {}, out = [];
    keys.forEach(function (k) { var id = k[0] + "\u0000" + k[1]; if (!seen[id]) { seen[id] = true; out.push(k); } });
    return { keys: out, name: name, share: share };
  }

  // The ID of ``platform`` that a pasted link or share text names (site_gen/platforms.py).
  function accountInText(text, platform) {
    var plain = normal(text), links = linksOf(plain);
    for (var i = 0; i < links.length; i++) {
      var info = linkInfo(links[i]);
      if (info && info.platform === platform && info.id) return info.id;
    }
    var labelled = labelledIds(plain);
    for (var j = 0; j < labelled.length; j++) {
      if (labelled[j][0] === platform || labelled[j][0] === null) return labelled[j][1];
    }
    return null;
  }

  function queryKeys(query) { return unique(parseQuery(query).keys.map(function (k) { return k[0]; })); }

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
  function isStrong(key) { return STRONG.some(function (p) { return key.indexOf(p) === 0; }); }
  function addAll(matches, records, platform) {
    (records || []).forEach(function (r) {
      if ((platform === null || r.c === platform) && !matches.some(function (m) { return same(m, r); })) matches.push(r);
    });
  }

  function shareHint(share) {
    if (!share) return null;
    return "这是" + share[0] + "，登记库里没有与它对应的账号，从链接本身也看不出它属于哪个账号。" + share[1];
  }

  function idAdvice(matches) {
    var seen = {}, out = [];
    matches.forEach(function (m) {
      if (!seen[m.c]) { seen[m.c] = true; out.push({ p: m.p, t: loadRules().find[m.c] }); }
    });
    return out;
  }

  function decide(query, found) {
    var parsed = parseQuery(query), matches = [];
    parsed.keys.forEach(function (k) { if (isStrong(k[0])) addAll(matches, found[k[0]], k[1]); });
    var statuses = ["official", "deregistered", "counterfeit"];
    for (var s = 0; s < statuses.length; s++) {
      if (matches.some(function (m) { return m.s === statuses[s]; })) return { status: statuses[s], matches: matches, similar: [], hint: null, advice: [] };
    }
    parsed.keys.forEach(function (k) { if (!isStrong(k[0])) addAll(matches, found[k[0]], null); });
    if (matches.length) return { status: "name_only", matches: matches, similar: [], hint: null, advice: idAdvice(matches) };
    return { status: "unknown", matches: [], similar: [], hint: shareHint(parsed.share), advice: [] };
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

  function lookup(query, base, shardCount) {
    var found = {};
    return fetchKeys(queryKeys(query), base, shardCount, found).then(function () {
      var answer = decide(query, found);
      var name = parseQuery(query).name;
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
      lines.push(el("span", {}, ["开设单位：", link(r.u, root + r.h), "；开通于 " + r.o]));
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

  function render(answer, out, root) {
    out.textContent = "";
    var h = wording().answers[answer.status];
    out.setAttribute("data-status", answer.status);
    out.appendChild(el("p", { "class": "verify-status verify-" + answer.status }, [h[0] + " " + h[1]]));
    var named = answer.status === "name_only";
    if (named) {
      var fake = !answer.matches.some(function (m) { return m.s !== "counterfeit"; });
      out.appendChild(el("p", {}, [fake ? wording().name_only_fake : wording().name_only]));
    } else {
      out.appendChild(el("p", {}, [h[2]]));
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
    if (answer.status === "unknown") {
      if (answer.hint) out.appendChild(el("p", { "class": "verify-hint" }, [answer.hint]));
      if (answer.similar.length) {
        out.appendChild(el("p", {}, ["名称相近的官方账号（注意辨别，名称相近不代表是同一个账号）："]));
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

  window.siteGenVerify = { queryKeys: queryKeys, parseQuery: parseQuery, decide: decide, lookup: lookup,
    fnv1a: fnv1a, fetchKeys: fetchKeys, accountInText: accountInText, looksLikeLink: looksLikeLink,
    fold: fold, idKey: idKey, accountKey: accountKey };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
