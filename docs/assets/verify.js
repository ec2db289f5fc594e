/* The verify page: the rules of site_gen/lookup.py, in the browser.
 * Both are checked against tests/cases/lookup.yaml: change them together.
 * No library, no third-party request: the index shards are fetched from this site. */
(function () {
  "use strict";

  var SCHEME = /^[a-z][a-z0-9+.-]*:\/\//;
  var HOSTLIKE = /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(\/|$)/;
  var PLATFORM_PATHS = [
    ["weibo.com", /^\/(?:u\/)?(\d{5,})$/],
    ["weibo.cn", /^\/(?:u|profile)\/(\d{5,})$/],
    ["space.bilibili.com", /^\/(\d+)$/],
    ["author.baidu.com", /^\/home\/(\d+)$/]
  ];
  var STRONG = ["id:", "url:", "host:"];
  var SHARE_LINKS = {"mp.weixin.qq.com": "微信文章链接", "v.douyin.com": "抖音分享短链接",
    "m.weibo.cn": "微博正文链接", "b23.tv": "哔哩哔哩分享短链接", "xhslink.com": "小红书分享短链接",
    "v.kuaishou.com": "快手分享短链接", "t.cn": "微博短链接", "url.cn": "腾讯短链接"};
  var SIMILAR_CAP = 10;

  function fold(text) { return text.normalize("NFKC").trim().toLowerCase(); }
  function nameKey(text) { return Array.from(fold(text)).filter(function (ch) { return /[\p{L}\p{N}]/u.test(ch); }).join(""); }
  function idKey(text) { return fold(text).replace(/^@+/, ""); }
  function stripTrailing(path) { return path.replace(/\/+$/, ""); }

  function urlParts(text) {
    var folded = fold(text);
    if (!(SCHEME.test(folded) || HOSTLIKE.test(folded))) return null;
    var rest = folded.replace(SCHEME, "").split("#")[0];
    var q = rest.indexOf("?");
    var query = q >= 0 ? rest.slice(q + 1) : "";
    if (q >= 0) rest = rest.slice(0, q);
    var slash = rest.indexOf("/");
    var host = (slash >= 0 ? rest.slice(0, slash) : rest).split(":")[0];
    var path = slash >= 0 ? rest.slice(slash + 1) : "";
    ["www.", "m."].forEach(function (prefix) { if (host.indexOf(prefix) === 0) host = host.slice(prefix.length); });
    if (host === "mp.weixin.qq.com") {
      var biz = null;
      query.split("&").forEach(function (pair) {
        var eq = pair.indexOf("=");
        if (biz === null && eq > 0 && pair.slice(0, eq) === "__biz" && pair.length > eq + 1) {
          try { biz = decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, " ")); } catch (e) { biz = pair.slice(eq + 1); }
        }
      });
      if (biz) return [host, host + "/?__biz=" + biz];
    }
    path = stripTrailing(path) ? "/" + stripTrailing(path) : "";
    return [host, host + path];
  }

  function unique(list) { return list.filter(function (x, i) { return list.indexOf(x) === i; }); }

  function queryKeys(query) {
    var keys = [];
    var parts = urlParts(query);
    if (parts) {
      var host = parts[0], url = parts[1];
      keys.push("url:" + url, "host:" + host);
      var path = url.slice(host.length);
      PLATFORM_PATHS.forEach(function (entry) {
        var m = host === entry[0] ? entry[1].exec(path) : null;
        if (m) keys.push("id:" + m[1]);
      });
    }
    var ident = idKey(query);
    if (ident && ident.indexOf(" ") < 0) keys.push("id:" + ident);
    var name = nameKey(query);
    if (name) keys.push("name:" + name);
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

  function decide(query, found) {
    var keys = queryKeys(query), matches = [];
    [true, false].some(function (strong) {
      keys.forEach(function (key) {
        var isStrong = STRONG.some(function (p) { return key.indexOf(p) === 0; });
        if (isStrong !== strong) return;
        (found[key] || []).forEach(function (r) {
          if (!matches.some(function (m) { return same(m, r); })) matches.push(r);
        });
      });
      return matches.length > 0;
    });
    var statuses = ["official", "deregistered", "counterfeit"];
    for (var s = 0; s < statuses.length; s++) {
      if (matches.some(function (m) { return m.s === statuses[s]; })) return { status: statuses[s], matches: matches, similar: [], hint: null };
    }
    return { status: "unknown", matches: [], similar: [], hint: shareLinkHint(query) };
  }

  function shareLinkHint(query) {
    var parts = urlParts(query);
    if (!parts || !Object.prototype.hasOwnProperty.call(SHARE_LINKS, parts[0]) ||
        parts[1].indexOf("mp.weixin.qq.com/?__biz=") === 0) return null;
    return "这是" + SHARE_LINKS[parts[0]] + "，从链接看不出它属于哪个账号。请打开它，点进发布者的账号主页，" +
      "复制账号名称、账号 ID 或主页链接再查。";
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
      if (answer.status !== "unknown") return answer;
      var grams = queryBigrams(nameKey(query)).map(function (g) { return "bg:" + g; });
      return fetchKeys(grams, base, shardCount, found).then(function () {
        answer.similar = similar(nameKey(query), found);
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

  var HEADINGS = {
    official: ["✅ 官方账号", "这是已备案的官方账号。"],
    deregistered: ["⚠️ 已注销", "这个账号已经注销，不再代表相关单位。现在以它的名义发布的内容都不是官方信息。"],
    counterfeit: ["⛔ 已举报的假冒账号", "这是已被举报的假冒账号，请勿相信、转发或向其付款。"],
    unknown: ["❓ 未收录", "登记库里没有找到这个账号。它可能不是官方账号，请谨慎对待。"]
  };

  function describe(r, root) {
    var lines = [];
    var head = [r.p + "：" + r.n];
    if (r.i) head.push("（ID：" + r.i + "）");
    lines.push(el("strong", {}, [head.join("")]));
    if (r.s === "official") {
      lines.push(el("span", {}, ["开设单位：", link(r.u, root + r.h), "；开通于 " + r.o]));
    } else if (r.s === "deregistered") {
      lines.push(el("span", {}, ["原开设单位：", link(r.u, root + r.h), "；已于 " + (r.d || "") + " 注销"]));
    } else if (r.s === "counterfeit") {
      lines.push(el("span", {}, ["由 ", link(r.rb, root + r.h), " 于 " + r.r + " 举报；" + (r.t || "")]));
    }
    var href = safeHref(r.url);
    if (href && r.s !== "counterfeit") lines.push(el("span", {}, [link("打开链接", href, true)]));
    var item = el("li", { "class": "verify-match verify-" + r.s }, []);
    lines.forEach(function (line, i) { if (i) item.appendChild(el("br")); item.appendChild(line); });
    return item;
  }

  function render(answer, out, root) {
    out.textContent = "";
    var h = HEADINGS[answer.status];
    out.setAttribute("data-status", answer.status);
    out.appendChild(el("p", { "class": "verify-status verify-" + answer.status }, [h[0]]));
    out.appendChild(el("p", {}, [h[1]]));
    if (answer.matches.length) {
      out.appendChild(el("ul", {}, answer.matches.map(function (r) { return describe(r, root); })));
    }
    if (answer.status === "unknown") {
      if (answer.hint) out.appendChild(el("p", { "class": "verify-hint" }, [answer.hint]));
      if (answer.similar.length) {
        out.appendChild(el("p", {}, ["名称相近的官方账号（注意辨别）："]));
        out.appendChild(el("ul", { "class": "verify-similar" }, answer.similar.map(function (s) {
          return el("li", {}, [s.n + "（", link(s.u, root + s.h), s.s === "deregistered" ? "，已注销）" : "）"]);
        })));
      }
      out.appendChild(el("p", {}, ["发现冒用学校或教育部门名义的账号？", link("如何举报假冒账号", root + "guide-report/")]));
    }
  }

  function start() {
    var form = document.getElementById("verify-form");
    var input = document.getElementById("verify-query");
    var out = document.getElementById("verify-result");
    if (!form || !input || !out) return;
    var root = form.getAttribute("data-root");
    var base = form.getAttribute("data-index");
    var shardCount = parseInt(form.getAttribute("data-shards"), 10);
    function run() {
      var query = input.value;
      if (!query.trim()) { out.textContent = "请输入账号名称、账号 ID 或链接。"; return; }
      out.textContent = "正在查询……";
      lookup(query, base, shardCount).then(function (answer) { render(answer, out, root); },
        function () { out.textContent = "查询失败，请检查网络后重试。"; });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", "?query=" + encodeURIComponent(input.value));
      }
      run();
    });
    // Not "q": the theme opens its own search box for ?q=.
    var q = new URLSearchParams(window.location.search).get("query");
    if (q) { input.value = q; run(); }
  }

  window.siteGenVerify = { queryKeys: queryKeys, decide: decide, lookup: lookup, fnv1a: fnv1a };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
