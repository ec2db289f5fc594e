/* Filings as text: the YAML the filing form writes (`lines`, as site_gen/yamltext.py writes it)
 * and in-place edits of a filing someone already wrote (`edit`). An edit rewrites only the
 * characters of the values that changed, so a two-field change is a two-line diff on any
 * file, and everything else stays as it was: comments, quotes, the sealed contacts, fields
 * the form does not show. Editing needs the vendored YAML parser (vendor/yaml/yaml.js, which
 * gives every node's place in the text); writing does not. */
(function () {
  "use strict";

  function scalar(value) { return typeof value === "string" ? JSON.stringify(value) : String(value); }
  function isObject(value) { return value !== null && typeof value === "object" && !Array.isArray(value); }

  // ``value`` (a mapping) as lines at ``indent``: every string quoted, block style, keys in
  // the order given. A string that ends in a line break (sealed contacts) is a literal block.
  function lines(value, indent, out) {
    out = out || [];
    Object.keys(value).forEach(function (key) {
      var v = value[key];
      if (Array.isArray(v)) {
        out.push(indent + key + ":" + (v.length ? "" : " []"));
        v.forEach(function (item) {
          if (!isObject(item)) { out.push(indent + "  - " + scalar(item)); return; }
          var sub = lines(item, indent + "    ");
          if (!sub.length) { out.push(indent + "  - {}"); return; }
          sub[0] = indent + "  - " + sub[0].slice(indent.length + 4);
          sub.forEach(function (l) { out.push(l); });
        });
      } else if (isObject(v)) {
        out.push(indent + key + ":" + (Object.keys(v).length ? "" : " {}"));
        lines(v, indent + "  ", out);
      } else if (typeof v === "string" && /\n$/.test(v)) {
        out.push(indent + key + ": |");
        v.replace(/\n$/, "").split("\n").forEach(function (l) { out.push(l ? indent + "  " + l : ""); });
      } else {
        out.push(indent + key + ": " + scalar(v));
      }
    });
    return out;
  }

  // Equal as filings: a number written plain in a hand-written file equals the same digits
  // as text (the loader reads "account_id: 123" as the text "123").
  function same(a, b) {
    if (typeof a === "number" && typeof b === "string") return String(a) === b;
    if (typeof a === "string" && typeof b === "number") return a === String(b);
    if (Array.isArray(a) || Array.isArray(b)) {
      return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
        a.every(function (x, i) { return same(x, b[i]); });
    }
    if (isObject(a) || isObject(b)) {
      if (!isObject(a) || !isObject(b)) return false;
      var keys = Object.keys(a).concat(Object.keys(b));
      return keys.every(function (k) { return same(a[k], b[k]); });
    }
    return a === b;
  }

  function lineStart(text, at) { return text.lastIndexOf("\n", at - 1) + 1; }
  function lineEnd(text, at) {  // just after the line break of the line holding ``at - 1``
    if (at > 0 && text[at - 1] === "\n") return at;
    var next = text.indexOf("\n", at);
    return next < 0 ? text.length : next + 1;
  }

  /* The edit: the changes from ``before`` to ``after`` (two readings of the form: as it was
   * filled from the file, and now), written into ``text``. ``order`` is the schema's order of
   * the top-level keys and ``internal`` those below the landmark line; a key is inserted
   * after the nearest earlier key of its part of the file. Returns null when the text is
   * not a mapping the parser can read (the caller asks for the file again). */
  function edit(text, before, after, order, internal) {
    var Y = window.siteGenYaml;
    var doc = Y.parseDocument(text);
    if (doc.errors.length || !Y.isMap(doc.contents)) return null;
    var edits = [];

    function pairOf(map, key) {
      return map.items.filter(function (p) { return Y.isScalar(p.key) && String(p.key.value) === key; })[0] || null;
    }
    function indentOf(map) {
      var first = map.items[0];
      return first ? first.key.range[0] - lineStart(text, first.key.range[0]) : 0;
    }
    function pad(n) { return new Array(n + 1).join(" "); }
    // Where a new key goes: after the nearest earlier key present (in ``keys``' order, and
    // at the top in the same part of the file), else before the first later one, else at
    // the end of the mapping.
    function insertAt(map, key, keys, top) {
      var part = function (k) { return !top || (internal.indexOf(k) >= 0) === (internal.indexOf(key) >= 0); };
      var at = keys.indexOf(key);
      for (var i = at - 1; i >= 0; i--) {
        var earlier = pairOf(map, keys[i]);
        if (earlier && part(keys[i])) return lineEnd(text, earlier.value ? earlier.value.range[2] : earlier.key.range[2]);
      }
      for (var j = at + 1; j < keys.length; j++) {
        var later = pairOf(map, keys[j]);
        if (later && part(keys[j])) return lineStart(text, later.key.range[0]);
      }
      var last = map.items[map.items.length - 1];
      return last ? lineEnd(text, last.value ? last.value.range[2] : last.key.range[2]) : text.length;
    }
    function rendered(key, value, indent) {
      var one = {};
      one[key] = value;
      return lines(one, pad(indent)).join("\n") + "\n";
    }
    function replaceValue(pair, value, indent) {
      var node = pair.value;
      var simple = node && Y.isScalar(node) && !(typeof node.value === "string" && /\n/.test(node.value)) &&
        text.slice(node.range[0], node.range[1]).indexOf("\n") < 0 && !(typeof value === "string" && /\n$/.test(value));
      if (simple && !isObject(value) && !Array.isArray(value)) {
        edits.push([node.range[0], node.range[1], scalar(value)]);
        return;
      }
      if (node && (Y.isMap(node) || Y.isSeq(node)) && node.flow && (isObject(value) || Array.isArray(value))) {
        edits.push([node.range[0], node.range[1], JSON.stringify(value)]);  // flow stays flow (JSON is YAML)
        return;
      }
      // The whole pair again, from the key's line to the end of its value.
      var start = lineStart(text, pair.key.range[0]);
      var end = lineEnd(text, node ? Math.max(node.range[1], node.range[0] + 1) : pair.key.range[2]);
      // The key as it was written (a quoted "2025" stays quoted).
      edits.push([start, end, rendered(text.slice(pair.key.range[0], pair.key.range[1]), value, indent)]);
    }
    function walk(map, was, now, keys, top) {
      var indent = indentOf(map);
      var names = keys.concat(Object.keys(now).filter(function (k) { return keys.indexOf(k) < 0; }))
        .concat(Object.keys(was).filter(function (k) { return keys.indexOf(k) < 0 && !(k in now); }));
      names.forEach(function (key) {
        var a = was[key], b = now[key];
        if (same(a, b)) return;
        var pair = pairOf(map, key);
        if (b === undefined) {
          if (pair) {
            var node = pair.value;
            edits.push([lineStart(text, pair.key.range[0]), lineEnd(text, node ? Math.max(node.range[1], node.range[0] + 1) : pair.key.range[2]), ""]);
          }
          return;
        }
        if (!pair) {
          edits.push([insertAt(map, key, names, top), null, rendered(key, b, top ? 0 : indent)]);
          return;
        }
        if (isObject(a) && isObject(b) && Object.keys(b).length && Y.isMap(pair.value) && !pair.value.flow &&
            pair.value.items.length) {
          walk(pair.value, a, b, Object.keys(b), false);
          return;
        }
        replaceValue(pair, b, indent);
      });
    }
    walk(doc.contents, before, after, order, true);

    // Apply from the end, so earlier places stay where they were; an insertion at the end
    // of a file without a final line break gets one first.
    // Two insertions at one place keep the order they were made in.
    edits.forEach(function (e, i) { e.push(i); });
    edits.sort(function (x, y) { return y[0] - x[0] || y[3] - x[3]; });
    var out = text;
    edits.forEach(function (e) {
      var end = e[1] === null ? e[0] : e[1];
      var piece = e[2];
      if (piece && e[0] > 0 && out[e[0] - 1] !== "\n" && e[1] === null) piece = "\n" + piece;
      out = out.slice(0, e[0]) + piece + out.slice(end);
    });
    return out;
  }

  // The file's data as the form reads it (JSON types), or why it cannot be edited here: YAML
  // the parser cannot read (with the line), or what the registry's loader refuses — anchors,
  // aliases and tags (site_gen/loader.py).
  function read(text) {
    var Y = window.siteGenYaml;
    var doc = Y.parseDocument(text);
    if (doc.errors.length) {
      var at = doc.errors[0].linePos && doc.errors[0].linePos[0];
      return { problem: "文件的格式有错误" + (at ? "（第 " + at.line + " 行附近）" : "") + "，页面读不出来" };
    }
    if (!Y.isMap(doc.contents)) return { problem: "这不是备案文件（第一层应是“字段: 值”）" };
    var refused = null;
    (function walk(node) {
      if (refused || !node) return;
      if (!Y.isMap(node) && !Y.isSeq(node) && !Y.isScalar(node)) { refused = "用了 YAML 的别名（*）"; return; }
      if (node.anchor) { refused = "用了 YAML 的锚点（&）"; return; }
      if (node.tag) { refused = "用了 YAML 的标签（!!）"; return; }
      if (Y.isMap(node) || Y.isSeq(node)) {
        node.items.forEach(function (item) {
          if (Y.isPair(item)) { walk(item.key); walk(item.value); } else walk(item);
        });
      }
    })(doc.contents);
    if (refused) return { problem: "文件" + refused + "，登记库不接受" };
    return { data: doc.toJS() };
  }

  window.siteGenEdit = { lines: lines, edit: edit, read: read, same: same, scalar: scalar };
})();
