/* The filing form (/file/): generated from the account JSON Schema, checked with the same
 * rules and Chinese messages as `site-gen validate`, producing the YAML file and the
 * forge's new-file or edit-file address. Nothing is sent anywhere by this page.
 * The messages come from site_gen/catalogue.py and the ID rules from
 * site_gen/data/platforms.json, both embedded in the page by the build. */
(function () {
  "use strict";

  var CONFIG = null, SCHEMA = null, MSG = null;
  var DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
  var HEADER = "# 新媒体账号（网站）备案。contacts 只用于内部报表，不会公开。字段说明见 docs/fields.md。";
  var EXPECTED_TYPE = {
    "boolean": "只能填 true（是）或 false（否）", "integer": "要填一个整数，例如 320",
    "string": "要填一段文字", "object": "要写成下一层缩进的“字段: 值”", "array": "要写成以“- ”开头的列表"
  };
  var MODES = {
    "new": ["备案一个账号", "填写新开设账号的信息。"],
    change: ["变更备案", "修改需要变更的项目；其余项目已按登记库中的备案填好。"],
    deregister: ["注销账号", "账号停用后请注销：填写注销日期和原因。备案文件会保留，账号在门户上显示为已注销。"],
    review: ["年审", "确认备案信息仍然准确，并更新粉丝量、发布数量和最近发布日期；年审日期会设为今天。"]
  };
  var state = { mode: "new", keep: false };
  var units = [];

  /* ---- small helpers ---- */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) node.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function format(template, values) {
    return template.replace(/\{([a-z_]+)\}/g, function (_, key) { return String(values[key]); });
  }
  function chars(text) { return Array.from(text).length; }
  function displayPath(path) {
    var text = "";
    path.forEach(function (key) {
      text += typeof key === "number" ? "[" + (key + 1) + "]" : (text ? "." + key : key);
    });
    return text || "文件";
  }
  function todayInBeijing() {
    var now = new Date(Date.now() + 8 * 3600 * 1000);
    return now.toISOString().slice(0, 10);
  }
  // site_gen/schemas.py PRIVATE_VALUE: a problem in the contacts never quotes them.
  function shownAt(path, value) {
    return path[0] === "contacts" ? CONFIG.private_value : shownValue(value);
  }
  function shownValue(value) {
    if (typeof value === "boolean") return value ? "true" : "false";
    if (Array.isArray(value)) return "一个列表（[…] 或以“- ”开头的几行）";
    if (value !== null && typeof value === "object") return "下一层的“字段: 值”";
    var text = String(value);
    return chars(text) <= 40 ? text : Array.from(text).slice(0, 40).join("") + "…";
  }

  /* ---- the schema ---- */
  function childSchema(node, key) {
    if (typeof key === "number") return node.items || null;
    if (node.properties && node.properties[key]) return node.properties[key];
    if (node.additionalProperties && typeof node.additionalProperties === "object") return node.additionalProperties;
    return null;
  }
  function chain(path) {
    var node = SCHEMA, out = [];
    for (var i = 0; i < path.length; i++) {
      node = childSchema(node, path[i]);
      if (!node) return [];
      out.push(node);
    }
    return out;
  }
  // site_gen/schemas.py _title: the last two titles along the path, arrays left out.
  function title(path) {
    var titles = chain(path).filter(function (s) { return s.title && s.type !== "array"; }).map(function (s) { return s.title; });
    return titles.length ? titles.slice(-2).join(" · ") : displayPath(path);
  }
  function isDate(node) { return node.pattern === DATE_PATTERN; }

  // The allOf branches that apply to ``data`` (if/then/else on one top-level value).
  function branches(data) {
    return (SCHEMA.allOf || []).map(function (cond) {
      var props = cond["if"].properties, hold = true;
      Object.keys(props).forEach(function (k) {
        if (!(k in data) || data[k] !== props[k]["const"]) hold = false;
      });
      return hold ? cond.then : cond["else"];
    }).filter(Boolean);
  }
  function forbidden(name, data) {
    return branches(data).some(function (b) { return b.properties && b.properties[name] && "not" in b.properties[name]; });
  }
  function requiredTop(data) {
    var names = (SCHEMA.required || []).slice();
    branches(data).forEach(function (b) { (b.required || []).forEach(function (n) { if (names.indexOf(n) < 0) names.push(n); }); });
    return names;
  }

  /* ---- building the form ---- */
  function control(node, path) {
    var name = displayPath(path), id = "f-" + name.replace(/[^a-z0-9_-]/gi, "-");
    var input;
    if (node["enum"]) {
      input = el("select", { id: id, name: name }, [el("option", { value: "" }, ["请选择"])].concat(node["enum"].map(function (v) {
        return el("option", { value: v }, [CONFIG.labels[v] ? CONFIG.labels[v] + "（" + v + "）" : String(v)]);
      })));
    } else if (node.type === "boolean") {
      input = el("select", { id: id, name: name, "data-type": "boolean" }, [
        el("option", { value: "" }, ["请选择"]), el("option", { value: "true" }, ["是"]), el("option", { value: "false" }, ["否"])]);
    } else if (node.type === "integer" && node.minimum !== undefined && node.maximum !== undefined &&
               node.maximum - node.minimum <= 10) {  // a level: a choice
      var levels = [el("option", { value: "" }, ["请选择"])];
      for (var level = node.minimum; level <= node.maximum; level++) levels.push(el("option", { value: String(level) }, [String(level)]));
      input = el("select", { id: id, name: name, "data-type": "integer" }, levels);
    } else if (node.type === "integer") {
      input = el("input", { id: id, name: name, type: "number", inputmode: "numeric", step: "1", min: node.minimum, "data-type": "integer" });
    } else if (isDate(node)) {
      input = el("input", { id: id, name: name, type: "date", max: todayInBeijing() });
    } else if ((node.maxLength || 0) >= 200) {
      input = el("textarea", { id: id, name: name, rows: "3", maxlength: node.maxLength });
    } else {
      input = el("input", { id: id, name: name, type: name.slice(-5) === "phone" ? "tel" : "text", maxlength: node.maxLength });
    }
    var label = el("label", { "for": id }, [node.title || name]);
    var help = node.description ? el("small", { "class": "sg-help" }, [node.description]) : null;
    var error = el("span", { "class": "sg-field-error", "data-for": name, role: "alert" }, []);
    return el("div", { "class": "sg-field", "data-path": name }, [label, input].concat(help ? [help] : []).concat([error]));
  }

  function fieldset(node, path, legend) {
    var box = el("fieldset", { "class": "sg-group", "data-path": displayPath(path) }, [el("legend", {}, [legend])]);
    if (node.description) box.appendChild(el("small", { "class": "sg-help" }, [node.description]));
    Object.keys(node.properties || {}).forEach(function (key) { box.appendChild(build(node.properties[key], path.concat([key]))); });
    return box;
  }

  function build(node, path) {
    var key = path[path.length - 1];
    if (node.type === "object" && node.properties) return fieldset(node, path, node.title || String(key));
    if (node.type === "object" && node.additionalProperties) return postsBox(node, path);
    if (node.type === "array") return listBox(node, path);
    return control(node, path);
  }

  // posts: {year: count}. One row per year, the last two years to begin with.
  function postsBox(node, path) {
    var box = el("fieldset", { "class": "sg-group", "data-path": displayPath(path) }, [el("legend", {}, [node.title])]);
    if (node.description) box.appendChild(el("small", { "class": "sg-help" }, [node.description]));
    var year = parseInt(todayInBeijing().slice(0, 4), 10);
    [year - 1, year].forEach(function (y) {
      box.appendChild(control({ type: "integer", minimum: 0, title: y + " 年发布数量（条）" }, path.concat([String(y)])));
    });
    return box;
  }

  // staff: a list of people, added one at a time up to maxItems.
  function listBox(node, path) {
    var box = el("fieldset", { "class": "sg-group", "data-path": displayPath(path) }, [el("legend", {}, [node.title])]);
    if (node.description) box.appendChild(el("small", { "class": "sg-help" }, [node.description]));
    var items = el("div", { "class": "sg-items" }, []);
    var add = el("button", { type: "button", "class": "sg-add" }, ["添加一人"]);
    add.addEventListener("click", function () {
      var n = items.children.length;
      if (n >= (node.maxItems || 10)) return;
      var item = fieldset(node.items, path.concat([n]), "第 " + (n + 1) + " 人");
      var remove = el("button", { type: "button", "class": "sg-remove" }, ["删去这一人"]);
      remove.addEventListener("click", function () { item.remove(); renumber(items, path); update(); });
      item.appendChild(remove);
      items.appendChild(item);
      add.hidden = items.children.length >= (node.maxItems || 10);
      update();
    });
    box.appendChild(items);
    box.appendChild(add);
    return box;
  }
  function renumber(items, path) {
    Array.prototype.forEach.call(items.children, function (item, i) {
      var old = item.getAttribute("data-path"), now = displayPath(path.concat([i]));
      item.querySelector("legend").textContent = "第 " + (i + 1) + " 人";
      item.setAttribute("data-path", now);
      item.querySelectorAll("[name]").forEach(function (c) { c.name = now + c.name.slice(old.length); });
      item.querySelectorAll("[data-for]").forEach(function (c) { c.setAttribute("data-for", now + c.getAttribute("data-for").slice(old.length)); });
    });
  }

  /* ---- reading the form into data (schema order) ---- */
  function readControl(name, node) {
    var input = document.querySelector('#filing-fields [name="' + name + '"]');
    if (!input) return undefined;
    var raw = input.value.trim();
    if (raw === "") return undefined;
    if (input.getAttribute("data-type") === "boolean") return raw === "true";
    if (input.getAttribute("data-type") === "integer") return /^-?(0|[1-9][0-9]{0,17})$/.test(raw) ? parseInt(raw, 10) : raw;
    return input.value.replace(/^\s+|\s+$/g, "");
  }
  function read(node, path) {
    if (node.type === "object" && node.properties) {
      var out = {};
      Object.keys(node.properties).forEach(function (key) {
        var value = read(node.properties[key], path.concat([key]));
        if (value !== undefined) out[key] = value;
      });
      return Object.keys(out).length ? out : undefined;
    }
    if (node.type === "object" && node.additionalProperties) {
      var posts = {};
      document.querySelectorAll('#filing-fields [name^="' + displayPath(path) + '."]').forEach(function (input) {
        var year = input.name.split(".").pop(), value = readControl(input.name, node.additionalProperties);
        if (value !== undefined) posts[year] = value;
      });
      return Object.keys(posts).length ? posts : undefined;
    }
    if (node.type === "array") {
      var list = [];
      var box = document.querySelector('#filing-fields fieldset[data-path="' + displayPath(path) + '"] .sg-items');
      Array.prototype.forEach.call(box ? box.children : [], function (_, i) {
        var item = read(node.items, path.concat([i]));
        if (item !== undefined) list.push(item);
      });
      return list.length ? list : undefined;
    }
    return readControl(displayPath(path), node);
  }

  function collect() {
    var data = {};
    Object.keys(SCHEMA.properties).forEach(function (key) {
      var value = read(SCHEMA.properties[key], [key]);
      if (value !== undefined) data[key] = value;
    });
    // A website and an app carry their block even when it is empty (the schema asks for it).
    branches(data).forEach(function (b) {
      (b.required || []).forEach(function (name) {
        if (!(name in data) && SCHEMA.properties[name].type === "object") data[name] = {};
      });
    });
    Object.keys(data).forEach(function (key) { if (forbidden(key, data)) delete data[key]; });
    if (state.keep) CONFIG.internal.forEach(function (key) { delete data[key]; });
    return data;
  }

  /* ---- checks: the messages of site-gen validate ---- */
  function problem(out, path, code, values) {
    var name = displayPath(path);
    if (!out.some(function (p) { return p.path === name; })) out.push({ path: name, code: code, message: format(MSG[code], values) });
  }

  function checkValue(node, value, path, out) {
    var base = { field: displayPath(path), title: title(path) };
    var type = node.type;
    if (type === "object") {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return problem(out, path, "E-SCHEMA-TYPE", Object.assign({ expected: EXPECTED_TYPE.object, value: shownAt(path, value) }, base));
      }
      var required = path.length === 0 ? requiredTop(value).filter(function (name) {
        return !(state.keep && CONFIG.internal.indexOf(name) >= 0);  // kept in the file as it is
      }) : (node.required || []);
      required.forEach(function (name) {
        if (!(name in value)) {
          problem(out, path.concat([name]), "E-SCHEMA-REQUIRED", {
            where: path.length ? "“" + displayPath(path) + "”中" : "", field: name, title: title(path.concat([name]))
          });
        }
      });
      Object.keys(value).forEach(function (key) {
        var child = childSchema(node, key);
        if (node.propertyNames && node.propertyNames.pattern && !new RegExp(node.propertyNames.pattern).test(key)) {
          return problem(out, path.concat([key]), "E-SCHEMA-FORMAT", Object.assign({}, base, {
            expected: (node.propertyNames.description || "").replace(/。$/, ""), value: shownValue(key) }));
        }
        if (child) checkValue(child, value[key], path.concat([key]), out);
      });
      if (node.maxProperties && Object.keys(value).length > node.maxProperties) {
        problem(out, path, "E-SCHEMA-LENGTH", Object.assign({ expected: "最多 " + node.maxProperties + " 项，现在有 " + Object.keys(value).length + " 项" }, base));
      }
      return;
    }
    if (type === "array") {
      if (node.maxItems && value.length > node.maxItems) {
        problem(out, path, "E-SCHEMA-LENGTH", Object.assign({ expected: "最多 " + node.maxItems + " 项，现在有 " + value.length + " 项" }, base));
      }
      value.forEach(function (item, i) { checkValue(node.items, item, path.concat([i]), out); });
      return;
    }
    if (node["enum"] && node["enum"].indexOf(value) < 0) {
      var choices = node["enum"].map(function (c) { return CONFIG.labels[c] ? c + "（" + CONFIG.labels[c] + "）" : String(c); }).join("、");
      return problem(out, path, "E-SCHEMA-ENUM", Object.assign({ choices: choices, value: shownAt(path, value), hint: "" }, base));
    }
    var ok = type === undefined || (type === "integer" ? typeof value === "number" && Math.floor(value) === value
      : type === "boolean" ? typeof value === "boolean" : typeof value === type);
    if (!ok) return problem(out, path, "E-SCHEMA-TYPE", Object.assign({ expected: EXPECTED_TYPE[type] || "类型不对", value: shownAt(path, value) }, base));
    if (typeof value === "string") {
      var invisible = refusedCharacter(value);
      if (invisible) return problem(out, path, "E-READ-CONTROL", { char: invisible });
      if (node.minLength && chars(value) < node.minLength) return problem(out, path, "E-SCHEMA-LENGTH", Object.assign({ expected: "至少要 " + node.minLength + " 个字" }, base));
      if (node.maxLength && chars(value) > node.maxLength) return problem(out, path, "E-SCHEMA-LENGTH", Object.assign({ expected: "最多 " + node.maxLength + " 个字，现在有 " + chars(value) + " 个字" }, base));
      if (node.pattern && !new RegExp(node.pattern, "u").test(value)) {
        var expected = (node["x-format"] || node.description || "请对照说明填写").replace(/。$/, "");
        return problem(out, path, "E-SCHEMA-FORMAT", Object.assign({ expected: expected, value: shownAt(path, value) }, base));
      }
    }
    if (typeof value === "number") {
      if (node.minimum !== undefined && value < node.minimum) return problem(out, path, "E-SCHEMA-RANGE", Object.assign({ expected: "不能小于 " + node.minimum, value: shownAt(path, value) }, base));
      if (node.maximum !== undefined && value > node.maximum) return problem(out, path, "E-SCHEMA-RANGE", Object.assign({ expected: "不能大于 " + node.maximum, value: shownAt(path, value) }, base));
    }
  }

  // site_gen/data/characters.json (site_gen/characters.py): the same characters as the check.
  function refusedCharacter(text) {
    var found = new RegExp("[" + CONFIG.characters.value + "]", "u").exec(text);
    if (!found) return null;
    var point = found[0].codePointAt(0), hex = point.toString(16).toUpperCase();
    while (hex.length < 4) hex = "0" + hex;
    var named = CONFIG.characters.classes.filter(function (c) {
      return c.ranges.some(function (r) { return parseInt(r[0], 16) <= point && point <= parseInt(r[1], 16); });
    })[0];
    return "U+" + hex + "，" + (named ? named.name : "控制字符");
  }

  function calendarDate(text) {
    if (typeof text !== "string" || text.length !== 10 || !new RegExp(DATE_PATTERN).test(text)) return null;
    var d = new Date(text + "T00:00:00Z");
    return isNaN(d) || d.toISOString().slice(0, 10) !== text ? null : text;
  }
  function getPath(data, path) {
    return path.reduce(function (v, k) { return v && typeof v === "object" ? v[k] : undefined; }, data);
  }

  // site_gen/platforms.py id_problem, with the verify page's link rules.
  function idProblem(platform, accountId) {
    var rule = CONFIG.ids[platform];
    if (!rule || new RegExp(rule.pattern, rule.flags).test(accountId.trim())) return null;
    var verify = window.siteGenVerify, suggestion = "";
    var found = verify ? verify.accountInText(accountId, platform) : null;
    if (found && new RegExp(rule.pattern, rule.flags).test(found)) {
      suggestion = "这里粘贴的是链接或分享文字，请改为其中的账号 ID：" + found + "。";
    } else if (platform === "website" && verify && verify.looksLikeLink(verify.fold(accountId))) {
      var host = verify.fold(accountId).replace(/^[a-z][a-z0-9+.-]*:\/\//, "").split("/")[0].split(":")[0];
      if (new RegExp(rule.pattern, rule.flags).test(host)) suggestion = "请只填域名：" + host + "。";
    }
    if (!suggestion) suggestion = "例如 " + rule.example + "。" + rule.find;
    var shown = chars(accountId) <= 60 ? accountId : Array.from(accountId).slice(0, 60).join("") + "…";
    return format(MSG["E-ACCOUNT-ID"], { platform_label: CONFIG.platforms[platform], rule: rule.rule, value: shown, suggestion: suggestion });
  }

  function check(data) {
    var out = [];
    if (typeof data.platform === "string" && typeof data.account_id === "string" && data.account_id.trim()) {
      var message = idProblem(data.platform, data.account_id);
      if (message) out.push({ path: "account_id", code: "E-ACCOUNT-ID", message: message });
    }
    checkValue(SCHEMA, data, [], out);
    var today = todayInBeijing();
    CONFIG.dates.forEach(function (path) {
      var value = getPath(data, path);
      if (typeof value !== "string" || value.length !== 10) return;
      var node = chain(path).slice(-1)[0] || {};
      var values = { field: displayPath(path), title: node.title || displayPath(path), value: value };
      if (!calendarDate(value)) problem(out, path, "E-DATE-INVALID", values);
      else if (value > today) problem(out, path, "E-DATE-FUTURE", Object.assign({ today: today }, values));
    });
    CONFIG.order.forEach(function (pair) {
      var late = calendarDate(data[pair[0]]), early = calendarDate(data[pair[1]]);
      if (late && early && late < early) {
        problem(out, [pair[0]], "E-DATE-ORDER", { field: pair[0], title: SCHEMA.properties[pair[0]].title, value: late,
          other_title: SCHEMA.properties[pair[1]].title, other_value: early });
      }
    });
    return out;
  }

  /* ---- the file: its YAML, its path, its forge address ---- */
  function scalar(value) { return typeof value === "string" ? JSON.stringify(value) : String(value); }
  function yamlLines(value, indent, lines) {
    Object.keys(value).forEach(function (key) {
      var v = value[key];
      if (Array.isArray(v)) {
        lines.push(indent + key + ":");
        v.forEach(function (item) {
          var sub = [];
          yamlLines(item, indent + "    ", sub);
          sub[0] = indent + "  - " + sub[0].slice(indent.length + 4);
          sub.forEach(function (l) { lines.push(l); });
        });
      } else if (v !== null && typeof v === "object") {
        lines.push(indent + key + ":" + (Object.keys(v).length ? "" : " {}"));
        yamlLines(v, indent + "  ", lines);
      } else {
        lines.push(indent + key + ": " + scalar(v));
      }
    });
  }
  // ``sealed``: the contacts as age ciphertext (a YAML literal block), when they are sealed.
  function yaml(data, sealed) {
    var pub = {}, internal = {};
    Object.keys(data).forEach(function (k) { (CONFIG.internal.indexOf(k) >= 0 ? internal : pub)[k] = data[k]; });
    var lines = [HEADER];
    yamlLines(pub, "", lines);
    lines.push(CONFIG.landmark);
    CONFIG.internal.forEach(function (k) {
      if (!(k in internal)) return;
      if (k === "contacts" && sealed) {
        lines.push("contacts: |");
        sealed.replace(/\s+$/, "").split("\n").forEach(function (l) { lines.push("  " + l); });
        return;
      }
      var one = {}; one[k] = internal[k]; yamlLines(one, "", lines);
    });
    return lines.join("\n") + "\n";
  }

  /* ---- sealed contacts (docs/contacts.md): encrypted here, to the unit tree's public keys ---- */
  var KEYS = null;  // file/keys.json: {"required": bool, "keys": {unit path: [age1…]}}
  // The age1… keys of the unit and every unit above it, the root's first (sealing.recipients).
  function recipientsFor(unit) {
    var parts = unit ? unit.split("/") : [], out = [];
    for (var i = 0; i <= parts.length; i++) {
      (KEYS.keys[parts.slice(0, i).join("/")] || []).forEach(function (k) { if (out.indexOf(k) < 0) out.push(k); });
    }
    return out;
  }
  function contactsText(contacts) {
    var lines = [];
    yamlLines(contacts, "", lines);
    return lines.join("\n") + "\n";
  }

  function sha1(text) {
    var bytes = Array.from(new TextEncoder().encode(text));
    var length = bytes.length * 8;
    bytes.push(0x80);
    while (bytes.length % 64 !== 56) bytes.push(0);
    for (var s = 56; s >= 0; s -= 8) bytes.push(s >= 32 ? Math.floor(length / Math.pow(2, s)) & 0xff : (length >>> s) & 0xff);
    var h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0], w = new Array(80);
    function rotl(x, n) { return (x << n) | (x >>> (32 - n)); }
    for (var i = 0; i < bytes.length; i += 64) {
      for (var t = 0; t < 80; t++) {
        w[t] = t < 16 ? (bytes[i + 4 * t] << 24) | (bytes[i + 4 * t + 1] << 16) | (bytes[i + 4 * t + 2] << 8) | bytes[i + 4 * t + 3]
          : rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
      for (t = 0; t < 80; t++) {
        var f = t < 20 ? (b & c) | (~b & d) : t < 40 ? b ^ c ^ d : t < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
        var k = t < 20 ? 0x5a827999 : t < 40 ? 0x6ed9eba1 : t < 60 ? 0x8f1bbcdc : 0xca62c1d6;
        var temp = (rotl(a, 5) + f + e + k + w[t]) | 0;
        e = d; d = c; c = rotl(b, 30); b = a; a = temp;
      }
      h = [(h[0] + a) | 0, (h[1] + b) | 0, (h[2] + c) | 0, (h[3] + d) | 0, (h[4] + e) | 0];
    }
    return h.map(function (x) { return ("00000000" + (x >>> 0).toString(16)).slice(-8); }).join("");
  }
  // site_gen/identity.py account_slug
  function accountSlug(accountId) {
    var lowered = accountId.trim().toLowerCase();
    if (/^[a-z0-9][a-z0-9._-]*$/.test(lowered) && lowered.length <= 100) return lowered;
    var cleaned = lowered.replace(/[^a-z0-9._-]+/g, "-").replace(/^[-._]+|[-._]+$/g, "").slice(0, 60);
    var digest = sha1(accountId).slice(0, 8);
    return cleaned ? cleaned + "-" + digest : digest;
  }
  function filePath(unit, data) {
    if (unit === null || !data.platform || !data.account_id) return null;
    var name = data.platform + "--" + accountSlug(data.account_id) + ".yaml";
    return "filings/" + (unit ? unit + "/" : "") + name;
  }
  function encodePath(path) { return path.split("/").map(encodeURIComponent).join("/"); }
  // The forge's new-file page with path and content filled in, or its edit page.
  function forgeAddress(forge, path, text, edit) {
    var base = forge.url + "/" + forge.repo, branch = encodeURIComponent(forge.branch);
    var slash = path.lastIndexOf("/"), dir = path.slice(0, slash), name = path.slice(slash + 1);
    if (forge.kind === "github") {
      return edit ? base + "/edit/" + branch + "/" + encodePath(path)
        : base + "/new/" + branch + "?filename=" + encodeURIComponent(path) + "&value=" + encodeURIComponent(text);
    }
    if (forge.kind === "gitlab") {
      return edit ? base + "/-/edit/" + branch + "/" + encodePath(path)
        : base + "/-/new/" + branch + "/" + encodePath(dir) + "?file_name=" + encodeURIComponent(name) + "&content=" + encodeURIComponent(text);
    }
    return edit ? base + "/_edit/" + branch + "/" + encodePath(path)  // gitea, forgejo
      : base + "/_new/" + branch + "/" + encodePath(dir) + "/?filename=" + encodeURIComponent(name) + "&value=" + encodeURIComponent(text);
  }

  /* ---- the page ---- */
  var duplicate = { key: null, message: null };
  function checkDuplicate(data) {
    var verify = window.siteGenVerify;
    if (state.mode !== "new" || !verify || !data.platform || !data.account_id) { duplicate = { key: null, message: null }; return; }
    // The verify index holds a website under its host without www. (site_gen/lookup.py).
    var key = (data.platform === "website" ? "host:" : "id:") + verify.accountKey(data.platform, data.account_id);
    var wanted = data.platform + " " + key;
    if (duplicate.key === wanted) return;
    duplicate = { key: wanted, message: null };
    var found = {};
    verify.fetchKeys([key], "../verify/index/", CONFIG.shards, found).then(function () {
      if (duplicate.key !== wanted) return;
      var same = (found[key] || []).filter(function (r) { return r.c === data.platform && r.s !== "counterfeit"; });
      duplicate.message = same.length ? CONFIG.platforms[data.platform] + "账号“" + data.account_id + "”已由" + same[0].u +
        "备案。同一账号只能备案一次：如需变更，请在单位目录中找到这个账号，点“变更”。" : null;
      update();
    }, function () {});
  }

  function update() {
    var data = collect();
    var unit = document.getElementById("filing-unit").value;
    var unitChosen = document.getElementById("filing-unit").getAttribute("data-chosen") === "1";
    var found = check(data);
    checkDuplicate(data);
    if (duplicate.message) found.unshift({ path: "account_id", code: "E-UNIQUE-ACCOUNT", message: duplicate.message });
    if (!unitChosen) found.unshift({ path: "unit", code: "", message: "请选择账号所属的单位。" });
    document.querySelectorAll("#filing-fields .sg-field-error").forEach(function (span) { span.textContent = ""; });
    found.forEach(function (p) {
      var span = document.querySelector('#filing-fields .sg-field-error[data-for="' + p.path + '"]');
      if (span) span.textContent = p.message;
    });
    var errors = document.getElementById("filing-errors");
    errors.textContent = "";
    found.forEach(function (p) { errors.appendChild(el("li", {}, [(p.code ? p.code + " " : "") + p.message])); });
    var path = filePath(unitChosen ? unit : null, data);
    document.getElementById("filing-path").textContent = path || "（请先选择单位并填写平台和账号 ID）";
    var ticket = ++sealing;
    var keys = data.contacts && !found.length && KEYS ? recipientsFor(unit) : [];
    if (data.contacts && !found.length && (!KEYS || KEYS.failed)) {
      // Never a file with plaintext contacts meanwhile.
      show("", path, KEYS ? "加密用的公钥加载失败，请刷新页面重试。" : "正在加载加密用的公钥……");
    } else if (data.contacts && !found.length && !keys.length && KEYS.required) {
      errors.appendChild(el("li", {}, ["这个登记库要求联系人加密，但所属单位和上级单位都没有公钥（contact_keys）：请联系上级单位。"]));
      show("", path);
    } else if (keys.length) {
      show("", path, "正在加密联系人……");
      window.siteGenAge.seal(contactsText(data.contacts), keys).then(function (armored) {
        if (ticket === sealing) show(yaml(data, armored), path);
      }, function () {
        if (ticket === sealing) show("", path, "联系人加密失败，请刷新页面后重试。");
      });
    } else {
      show(found.length ? "" : yaml(data), path);
    }
  }

  var sealing = 0;  // the latest update; an older sealing that finishes late is dropped
  function show(text, path, waiting) {
    var out = document.getElementById("filing-yaml");
    out.value = text;
    out.setAttribute("data-path", path || "");
    document.getElementById("filing-copy").disabled = !text;
    document.getElementById("filing-download").disabled = !text;
    var forgeLink = document.getElementById("filing-forge");
    var edit = state.mode !== "new";
    if (CONFIG.forge && text && path) {
      forgeLink.href = forgeAddress(CONFIG.forge, path, text, edit);
      forgeLink.hidden = false;
      forgeLink.removeAttribute("aria-disabled");
      forgeLink.textContent = edit ? "打开代码平台的编辑页" : "打开代码平台的新建文件页";
    } else {
      forgeLink.hidden = true;
    }
    document.getElementById("filing-steps").textContent = waiting || (text ? steps(edit) : "请按上面的提示把表格填完整，这里会生成备案文件。");
    document.getElementById("filing-form").setAttribute("data-sealed", /BEGIN AGE ENCRYPTED FILE/.test(text) ? "1" : "0");
  }

  function steps(edit) {
    if (!edit) {
      return "下一步：点“打开代码平台的新建文件页”（需要登录），文件名和内容已经填好；在页面下方选择“新建分支并发起合并请求”后提交，等待上级单位审核合并。也可以复制或下载文件，交给负责提交的同事。";
    }
    if (state.keep) {
      return "下一步：点“复制内容”，再点“打开代码平台的编辑页”；在编辑页中选中从第一行到“" + CONFIG.landmark +
        "”这一行（含）的全部内容，粘贴替换，这一行下面的自查情况、备注和联系人保持不动；然后新建分支并发起合并请求。";
    }
    return "下一步：点“复制内容”，再点“打开代码平台的编辑页”，选中文件的全部内容粘贴替换，然后新建分支并发起合并请求。";
  }

  function chooseUnit(path, name) {
    var hidden = document.getElementById("filing-unit");
    hidden.value = path;
    hidden.setAttribute("data-chosen", "1");
    document.getElementById("filing-unit-chosen").textContent = "已选择：" + name + "（filings/" + (path ? path + "/" : "") + "）";
    document.getElementById("filing-unit-options").textContent = "";
    update();
  }

  function searchUnits() {
    var box = document.getElementById("filing-unit-options");
    var words = document.getElementById("filing-unit-search").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    box.textContent = "";
    if (!words.length) return;
    var shown = 0;
    for (var i = 0; i < units.length && shown < 20; i++) {
      var text = (units[i][1] + " " + units[i][0]).toLowerCase();
      if (words.every(function (w) { return text.indexOf(w) >= 0; })) {
        (function (unit) {
          var button = el("button", { type: "button", role: "option", "class": "sg-option" }, [unit[1], el("small", {}, [" filings/" + unit[0]])]);
          button.addEventListener("click", function () { chooseUnit(unit[0], unit[1]); });
          box.appendChild(el("li", {}, [button]));
        })(units[i]);
        shown++;
      }
    }
    if (!shown) box.appendChild(el("li", {}, ["没有找到这个单位。单位还没有登记时，请先联系上级单位为它建立单位文件。"]));
  }

  function setValue(name, value) {
    var input = document.querySelector('#filing-fields [name="' + name + '"]');
    if (!input) {
      if (/^posts\.[0-9]{4}$/.test(name)) {  // a year not shown yet
        var box = document.querySelector('#filing-fields fieldset[data-path="posts"]');
        box.appendChild(control({ type: "integer", minimum: 0, title: name.slice(6) + " 年发布数量（条）" }, ["posts", name.slice(6)]));
        input = document.querySelector('#filing-fields [name="' + name + '"]');
      } else {
        return;
      }
    }
    input.value = typeof value === "boolean" ? String(value) : value;
  }
  function prefill(values, path) {
    Object.keys(values).forEach(function (key) {
      var value = values[key], name = path ? path + "." + key : key;
      if (Array.isArray(value)) {  // a list (proof): one item added per value, then filled
        var list = document.querySelector('#filing-fields fieldset[data-path="' + name + '"] .sg-add');
        value.forEach(function (item, i) {
          if (list) list.click();
          prefill(item, name + "[" + (i + 1) + "]");
        });
      } else if (value !== null && typeof value === "object") prefill(value, name);
      else setValue(name, value);
    });
  }

  function tops() { return Array.prototype.slice.call(document.querySelectorAll("#filing-fields [data-top]")); }

  function showOnly(names) {
    tops().forEach(function (node) {
      if (names.indexOf(node.getAttribute("data-top")) < 0) node.setAttribute("data-mode-hidden", "1");
    });
  }

  function applyVisibility() {
    var data = collect();
    tops().forEach(function (node) {
      var top = node.getAttribute("data-top");
      node.hidden = node.getAttribute("data-mode-hidden") === "1" || forbidden(top, data) ||
        (state.keep && CONFIG.internal.indexOf(top) >= 0);
    });
  }

  // The account's public part, published beside its unit page (u/<unit>/accounts.json).
  function loadAccount(params) {
    var unit = params.get("unit") || "", name = params.get("account") || "";
    var address = "../u/" + (unit ? unit.split("/").map(encodeURIComponent).join("/") + "/" : "") + "accounts.json";
    return fetch(address).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (accounts) {
      if (!Object.prototype.hasOwnProperty.call(accounts, name)) throw new Error("no such account");
      return accounts[name];
    });
  }

  function applyMode(today) {
    if (state.mode === "deregister") {
      setValue("status", "deregistered");
      setValue("deregistered_on", today);
      showOnly(["deregistered_on", "deregister_reason"]);
    } else if (state.mode === "review") {
      setValue("annual_review_on", today);
      showOnly(["followers", "posting_frequency", "last_post_on", "posts", "annual_review_on"]);
    }
    if (state.mode !== "change") document.querySelector(".sg-keep").hidden = true;
  }

  function start() {
    var config = document.getElementById("filing-config");
    if (!config) return;
    CONFIG = JSON.parse(config.textContent);
    SCHEMA = CONFIG.schema;
    MSG = CONFIG.messages;
    var params = new URLSearchParams(window.location.search);
    state.mode = MODES[params.get("mode")] ? params.get("mode") : "new";
    state.keep = state.mode !== "new";
    document.getElementById("filing-title").textContent = MODES[state.mode][0];
    document.getElementById("filing-intro").insertBefore(document.createTextNode(MODES[state.mode][1]), document.getElementById("filing-intro").firstChild);

    var fields = document.getElementById("filing-fields");
    var internal = el("fieldset", { "class": "sg-internal" }, [el("legend", {}, ["内部信息（不公开）：自查情况、备注和联系人"])]);
    Object.keys(SCHEMA.properties).forEach(function (key) {
      var node = build(SCHEMA.properties[key], [key]);
      node.setAttribute("data-top", key);
      if (CONFIG.internal.indexOf(key) >= 0) internal.appendChild(node); else fields.appendChild(node);
    });
    if (state.mode !== "new") {
      var keep = el("input", { type: "checkbox", id: "filing-keep", checked: true });
      var keepLabel = el("label", { "for": "filing-keep" }, ["不修改联系人、自查情况和备注（保留文件中“内部信息”那一行以下的内容）"]);
      keep.addEventListener("change", function () { state.keep = keep.checked; internal.hidden = state.keep; applyVisibility(); update(); });
      fields.appendChild(el("p", { "class": "sg-keep" }, [keep, keepLabel]));
      internal.hidden = true;
    }
    fields.appendChild(internal);

    var today = todayInBeijing();
    if (state.mode === "new") {
      setValue("filed_on", today);
      setValue("status", "active");
    } else {
      loadAccount(params).then(function (values) {
        prefill(values, "");
        applyMode(today);
        applyVisibility();
        update();
        document.getElementById("filing-form").setAttribute("data-ready", "1");
      }, function () {
        document.getElementById("filing-errors").textContent = "没有找到这个账号的备案，请回到单位页面重新点“变更”。";
      });
    }
    fields.addEventListener("input", function () { applyVisibility(); update(); });

    fields.addEventListener("change", function () { applyVisibility(); update(); });

    document.getElementById("filing-unit-search").addEventListener("input", searchUnits);
    fetch("keys.json").then(function (r) { return r.json(); }).then(function (found) { KEYS = found; update(); },
      function () { KEYS = { failed: true }; update(); });
    fetch("units.json").then(function (r) { return r.json(); }).then(function (list) {
      units = list;
      var wanted = params.get("unit");
      var match = units.filter(function (u) { return u[0] === wanted; })[0];
      if (wanted !== null && match) {  // from a unit page
        chooseUnit(match[0], match[1]);
        if (state.mode !== "new") document.querySelector(".sg-unit-picker").hidden = true;
      }
      searchUnits();
    }, function () {
      document.getElementById("filing-unit-options").textContent = "单位列表加载失败，请刷新页面重试。";
    });

    document.getElementById("filing-copy").addEventListener("click", function () {
      var out = document.getElementById("filing-yaml"), note = document.getElementById("filing-copied");
      function done() { note.hidden = false; note.textContent = "已复制。"; }
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(out.value).then(done, function () { out.select(); document.execCommand("copy"); done(); });
      else { out.select(); document.execCommand("copy"); done(); }
    });
    document.getElementById("filing-download").addEventListener("click", function () {
      var out = document.getElementById("filing-yaml");
      var link = el("a", { href: URL.createObjectURL(new Blob([out.value], { type: "text/yaml;charset=utf-8" })),
        download: out.getAttribute("data-path").split("/").pop() }, []);
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
    applyVisibility();
    update();
    if (state.mode === "new") document.getElementById("filing-form").setAttribute("data-ready", "1");
  }

  window.siteGenFiling = { accountSlug: accountSlug, forgeAddress: forgeAddress, sha1: sha1 };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
