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
  // mode: new, change, deregister or review; keep: the internal part left as it is;
  // touched: fields typed in (their problems are shown); source: the file being edited as it
  // is now (null until read); baseline: the form as filled from it; failed: why the page
  // cannot work (one sentence).
  var state = { mode: "new", keep: false, touched: {}, showAll: false, source: "", baseline: null,
    failed: null, path: null, account: null, copyOnOpen: false, sealedSource: false, today: null,
    shownUnit: "", plainContacts: false, wholeProblem: null };
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

  /* ---- what people type: dates, invisible characters, links for IDs ---- */
  // A date as people type it, whatever the browser's locale: 2024-05-01, 2024/5/1,
  // 2024.5.1, 2024年5月1日, 20240501, full-width digits too. The ISO date (not yet checked
  // against the calendar), or null. site_gen/dates.py normal_day, the same shapes.
  var SEPARATORS = { "-": "-", "/": "/", ".": ".", "年": "月" };  // the first gives the second
  function typedDate(text) {
    var t = String(text).normalize("NFKC").trim(), y, mo, d;
    var compact = /^([0-9]{4})([0-9]{2})([0-9]{2})$/.exec(t);
    var m = /^([0-9]{4})\s*([-/.年])\s*([0-9]{1,2})\s*([-/.月])\s*([0-9]{1,2})\s*([日号]?)$/.exec(t);
    if (compact) { y = compact[1]; mo = compact[2]; d = compact[3]; }
    else if (m && SEPARATORS[m[2]] === m[4] && (!m[6] || m[2] === "年")) { y = m[1]; mo = m[3]; d = m[5]; }
    else return null;
    return y + "-" + ("0" + parseInt(mo, 10)).slice(-2) + "-" + ("0" + parseInt(d, 10)).slice(-2);
  }
  // A count as people type it: 27000, 27,000, 2.7万 (full-width digits too). null: not one.
  function typedInteger(text) {
    var t = String(text).normalize("NFKC").replace(/[\s,]/g, "");
    if (/^(0|[1-9][0-9]{0,15})$/.test(t)) return parseInt(t, 10);
    var wan = /^([0-9]{1,8}(?:\.[0-9]{1,4})?)万$/.exec(t);
    return wan ? Math.round(parseFloat(wan[1]) * 10000) : null;
  }
  function inWords(iso) {
    return iso.slice(0, 4) + " 年 " + parseInt(iso.slice(5, 7), 10) + " 月 " + parseInt(iso.slice(8, 10), 10) + " 日";
  }
  // The check's characters (site_gen/data/characters.json) taken out of a field as the
  // clerk types, and said: what cannot be seen cannot be left in a name or a contact.
  function cleanField(input) {
    var refused = new RegExp("[" + CONFIG.characters.value + "]", "gu"), gone = [];
    var text = input.value.replace(refused, function (c) {
      var label = refusedCharacter(c);
      if (gone.indexOf(label) < 0) gone.push(label);
      return "";
    });
    if (input.tagName !== "TEXTAREA") text = text.replace(/[\t\r\n]+/g, " ");  // one line
    else text = text.replace(/\r\n?/g, "\n").replace(/\t/g, " ");
    if (text !== input.value) {
      input.value = text;
      var note = fieldNote(input);
      note.textContent = gone.length ? "已删去看不见的字符：" + gone.join("；") + "。" : "已把换行和制表符换成空格。";
      note.setAttribute("data-kind", "clean");
    }
  }
  // A note says what the page did to the value the clerk just gave: typing again clears it.
  function clearNote(input) {
    var note = fieldNote(input);
    note.textContent = "";
    note.removeAttribute("data-kind");
  }
  function fieldNote(input) {
    var box = input.closest(".sg-field");
    return box ? box.querySelector(".sg-field-note") : el("span", {}, []);
  }
  // A link or share text pasted for an ID: the ID it carries, taken in place, and said;
  // without a platform chosen, the platform the link is of too.
  function adoptId(input) {
    var verify = window.siteGenVerify, platform = document.querySelector('#filing-fields [name="platform"]');
    var text = input.value.trim(), note = fieldNote(input);
    if (!verify || !text) return;
    if (platform && platform.value === "website" && verify.looksLikeLink(verify.fold(text))) {
      var host = verify.fold(text).replace(/^[a-z][a-z0-9+.-]*:\/\//, "").split(/[/?#]/)[0].split(":")[0];
      var site = CONFIG.ids.website;
      if (host && host !== text && new RegExp(site.pattern, site.flags).test(host)) {
        input.setAttribute("data-pasted", text);
        input.value = host;
        note.textContent = "已从粘贴的网址中取出域名：" + host + "。请核对。";
      }
      return;
    }
    var chosen = platform && platform.value ? [platform.value] : Object.keys(CONFIG.ids);
    for (var i = 0; i < chosen.length; i++) {
      var rule = CONFIG.ids[chosen[i]];
      if (!rule || (platform && platform.value && new RegExp(rule.pattern, rule.flags).test(text))) return;
      var found = verify.accountInText(text, chosen[i]);
      if (found && found !== text && new RegExp(rule.pattern, rule.flags).test(found)) {
        input.setAttribute("data-pasted", text);
        input.value = found;
        if (platform && !platform.value) platform.value = chosen[i];
        note.setAttribute("data-kind", "id");
        note.textContent = "已从粘贴的" + (verify.looksLikeLink(verify.fold(text)) ? "链接" : "文字") + "中取出" +
          CONFIG.platforms[chosen[i]] + "账号 ID：" + found + "。请核对。";
        return;
      }
    }
  }

  // The allOf branches that apply to ``data`` (if/then/else on one top-level value: its
  // ``const`` or one of its ``enum``).
  function branches(data) {
    return (SCHEMA.allOf || []).map(function (cond) {
      var props = cond["if"].properties, hold = true;
      Object.keys(props).forEach(function (k) {
        var allowed = "enum" in props[k] ? props[k]["enum"] : [props[k]["const"]];
        if (!(k in data) || allowed.indexOf(data[k]) < 0) hold = false;
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
    } else if (node.type === "integer") {  // text: a number box drops what it cannot read (3万)
      input = el("input", { id: id, name: name, type: "text", inputmode: "numeric", "data-type": "integer", autocomplete: "off" });
    } else if (isDate(node)) {  // text, not type=date: a phone's locale shows mm/dd/yyyy there
      input = el("input", { id: id, name: name, type: "text", inputmode: "text", "data-type": "date",
        placeholder: "例如 2024-05-01 或 2024年5月1日", autocomplete: "off" });
    } else if ((node.maxLength || 0) >= 200) {
      input = el("textarea", { id: id, name: name, rows: "3" });  // too long: the check says so
    } else {
      input = el("input", { id: id, name: name, type: name.slice(-5) === "phone" ? "tel" : "text" });
    }
    var required = isRequired(path);
    var label = el("label", { "for": id }, [node.title || name].concat(required ? [el("span", { "class": "sg-required" }, [" *（必填）"])] : []));
    var help = node.description ? el("small", { "class": "sg-help", id: id + "-help" }, [node.description]) : null;
    var note = el("small", { "class": "sg-field-note", id: id + "-note", "aria-live": "polite" }, []);
    var error = el("span", { "class": "sg-field-error", "data-for": name, id: id + "-error" }, []);
    input.setAttribute("aria-describedby", [help ? id + "-help" : "", id + "-note", id + "-error"].filter(Boolean).join(" "));
    if (required) input.setAttribute("aria-required", "true");
    return el("div", { "class": "sg-field", "data-path": name }, [label, input].concat(help ? [help] : []).concat([note, error]));
  }
  // Required at the top (always, not by a condition) or inside a required block.
  function isRequired(path) {
    if (typeof path[path.length - 1] !== "string") return false;
    var parent = path.length === 1 ? SCHEMA : chain(path.slice(0, -1)).slice(-1)[0];
    return !!parent && (parent.required || []).indexOf(path[path.length - 1]) >= 0 &&
      (path.length === 1 || isRequired(path.slice(0, -1)) || typeof path[path.length - 2] === "number");
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
    if (input.getAttribute("data-type") === "integer") {
      var number = typedInteger(raw);
      return number === null ? raw : number;
    }
    if (input.getAttribute("data-type") === "date") return typedDate(raw) || raw;
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
        if (state.keep && CONFIG.internal.indexOf(name) >= 0) return false;  // kept in the file as it is
        return !(name === "contacts" && state.sealedSource);  // sealed in the file: kept unless re-entered
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
      else if (value < CONFIG.earliest_date && MSG[CONFIG.implausible]) problem(out, path, CONFIG.implausible, values);
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

  // Seed 002: names 简洁、直观、规范 (site_gen/data/names.json, as the validator reads it).
  // A warning: the file is still made.
  function nameWarnings(name) {
    var rules = CONFIG.names, found = [];
    if (!rules || typeof name !== "string" || !name) return found;
    var words = rules.marketing_words.filter(function (w) { return name.indexOf(w) >= 0; });
    if (words.length) found.push("含有营销用语“" + words.join("”“") + "”");
    var emoji = Array.from(name).some(function (c) {
      var point = c.codePointAt(0);
      return rules.emoji_ranges.some(function (r) { return parseInt(r[0], 16) <= point && point <= parseInt(r[1], 16); });
    });
    if (emoji) found.push("含有表情符号");
    var chars = Array.from(name);
    for (var i = 1; i < chars.length; i++) {
      if (chars[i] === chars[i - 1] && rules.punctuation.indexOf(chars[i]) >= 0) { found.push("有重复的标点“" + chars[i] + chars[i] + "”"); break; }
    }
    return found;
  }

  /* ---- the file: its YAML, its path, its forge address ---- */
  function yamlLines(value, indent, lines) { window.siteGenEdit.lines(value, indent, lines); }
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
  // The forge's address of a file as it is on the main branch, as plain text (to edit it).
  function rawAddress(forge, path) {
    var base = forge.url + "/" + forge.repo, branch = encodeURIComponent(forge.branch);
    if (forge.kind === "github") {
      return (/^https:\/\/github\.com\/?$/.test(forge.url) ? "https://raw.githubusercontent.com/" + forge.repo : base + "/raw") +
        "/" + branch + "/" + encodePath(path);
    }
    if (forge.kind === "gitlab") return base + "/-/raw/" + branch + "/" + encodePath(path);
    return base + "/raw/branch/" + branch + "/" + encodePath(path);  // gitea, forgejo
  }
  // The forge's page showing the file (where a clerk copies it from).
  function blobAddress(forge, path) {
    var base = forge.url + "/" + forge.repo, branch = encodeURIComponent(forge.branch);
    if (forge.kind === "github") return base + "/blob/" + branch + "/" + encodePath(path);
    if (forge.kind === "gitlab") return base + "/-/blob/" + branch + "/" + encodePath(path);
    return base + "/src/branch/" + branch + "/" + encodePath(path);
  }
  // A typical self-hosted forge's proxy refuses a request line over 8 KB: a longer prefilled
  // address opens the empty new-file page and the text is copied for pasting instead.
  var LINK_LIMIT = 8000;
  // The forge's new-file page with path and content filled in, or its edit page.
  function forgeAddress(forge, path, text, edit) {
    var base = forge.url + "/" + forge.repo, branch = encodeURIComponent(forge.branch);
    var slash = path.lastIndexOf("/"), dir = path.slice(0, slash), name = path.slice(slash + 1);
    var content = function (key) { return text ? "&" + key + "=" + encodeURIComponent(text) : ""; };
    if (forge.kind === "github") {
      return edit ? base + "/edit/" + branch + "/" + encodePath(path)
        : base + "/new/" + branch + "?filename=" + encodeURIComponent(path) + content("value");
    }
    if (forge.kind === "gitlab") {
      return edit ? base + "/-/edit/" + branch + "/" + encodePath(path)
        : base + "/-/new/" + branch + "/" + encodePath(dir) + "?file_name=" + encodeURIComponent(name) + content("content");
    }
    return edit ? base + "/_edit/" + branch + "/" + encodePath(path)  // gitea, forgejo
      : base + "/_new/" + branch + "/" + encodePath(dir) + "/?filename=" + encodeURIComponent(name) + content("value");
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

  // One sentence at the top when the page cannot do its work: what happened, what to do.
  // No file is offered meanwhile.
  function fail(sentence) {
    state.failed = sentence;
    var box = document.getElementById("filing-failure");
    box.textContent = sentence;
    box.hidden = false;
    update();
  }

  // Problems are shown at a field once it has been touched (or all of them, when asked),
  // so that nobody sees nine errors before typing anything.
  function visible(p) { return state.showAll || state.touched[p.path] || p.path === "unit" && state.touched.unit; }

  function update() {
    if (!CONFIG) return;
    var data = collect();
    var unit = document.getElementById("filing-unit").value;
    var unitChosen = document.getElementById("filing-unit").getAttribute("data-chosen") === "1";
    var found = check(data);
    checkDuplicate(data);
    if (duplicate.message) found.unshift({ path: "account_id", code: "E-UNIQUE-ACCOUNT", message: duplicate.message });
    if (state.mode !== "new" && state.baseline && data.platform && data.account_id && !sameAccount(state.baseline, data)) {
      var key = state.baseline.platform !== data.platform ? "platform" : "account_id";
      found.unshift({ path: key, code: "", message: (key === "platform" ? "平台" : "账号 ID") +
        "不同就是另一个账号：请注销原账号并新建备案。" });
    }
    if (!unitChosen) found.unshift({ path: "unit", code: "", message: "请选择账号所属的单位。" });
    var warnings = nameWarnings(data.name).map(function (why) {
      return { path: "name", code: CONFIG.name_rule || "", message: "名称" + why + "：通知要求名称简洁、直观、规范，请斟酌修改（不影响提交）。" };
    });
    document.querySelectorAll("#filing-fields .sg-field-error").forEach(function (span) { span.textContent = ""; });
    document.querySelectorAll("#filing-fields [aria-invalid]").forEach(function (input) { input.removeAttribute("aria-invalid"); });
    var shown = found.filter(visible);
    shown.concat(warnings).forEach(function (p) {
      var span = document.querySelector('#filing-fields .sg-field-error[data-for="' + p.path + '"]');
      if (!span) return;
      span.textContent = (span.textContent ? span.textContent + " " : "") + p.message;
      if (found.indexOf(p) >= 0) {
        var input = document.querySelector('#filing-fields [name="' + p.path + '"]');
        if (input) input.setAttribute("aria-invalid", "true");
      }
    });
    var errors = document.getElementById("filing-errors");
    var listed = JSON.stringify([shown.map(function (p) { return p.message; }), found.length - shown.length]);
    if (errors.getAttribute("data-listed") !== listed) {  // rebuilt only when it changes
      errors.setAttribute("data-listed", listed);
      errors.textContent = "";
      shown.forEach(function (p) { errors.appendChild(el("li", {}, [(p.code ? p.code + " " : "") + p.message])); });
      if (found.length > shown.length) {
        var all = el("button", { type: "button", "class": "sg-show-all" }, ["显示全部"]);
        all.addEventListener("click", function () {
          state.showAll = true;
          update();
          var first = document.querySelector('#filing-fields [aria-invalid="true"]') || document.getElementById("filing-unit-search");
          if (first) first.focus();
        });
        errors.appendChild(el("li", { "class": "sg-more" }, ["还有 " + (found.length - shown.length) + " 项需要填写或改正。", all]));
      }
    }
    var warned = document.getElementById("filing-warnings");
    warned.textContent = "";
    warnings.forEach(function (p) { warned.appendChild(el("li", {}, [(p.code ? p.code + " " : "") + p.message])); });
    var path = state.mode === "new" ? filePath(unitChosen ? unit : null, data) : state.path;
    document.getElementById("filing-path").textContent = path || "（请先选择单位并填写平台和账号 ID）";
    var ticket = ++sealing;
    if (state.failed) return show("", path, state.failed);
    if (state.mode !== "new" && state.source === null) return show("", path, "请先在上面提供现在的备案文件，页面据此生成修改后的文件。");
    var contacts = state.mode === "new" || contactsChanged(data) ? data.contacts : undefined;
    var keys = contacts && !found.length && KEYS && !KEYS.failed ? recipientsFor(unit) : [];
    if (contacts && !found.length && (!KEYS || KEYS.failed)) {
      // Never a file with plaintext contacts meanwhile.
      show("", path, KEYS ? KEYS_FAILED : "正在加载加密用的公钥……");
    } else if (contacts && !found.length && !keys.length && KEYS.required) {
      errors.setAttribute("data-listed", "");
      errors.appendChild(el("li", {}, ["这个登记库要求联系人加密，但所属单位和上级单位都没有公钥（contact_keys）：请联系上级单位。"]));
      show("", path);
    } else if (keys.length) {
      // Sealed once per content and keys: a page that only re-checks keeps its file (and the
      // buttons stay where the clerk is about to click).
      var sealingKey = JSON.stringify([contactsText(contacts), keys]);
      if (sealed.key === sealingKey) return show(output(data, sealed.text), path);
      show("", path, "正在加密联系人……");
      window.siteGenAge.seal(contactsText(contacts), keys).then(function (armored) {
        sealed = { key: sealingKey, text: armored };
        if (ticket === sealing) show(output(data, armored), path);
      }, function () {
        if (ticket === sealing) show("", path, "联系人加密失败，请刷新页面后重试。");
      });
    } else {
      show(found.length ? "" : output(data, null), path);
    }
  }
  // An edit keeps what the form does not show: the file as a whole must pass the form's
  // checks too, or nothing is offered (the file itself needs fixing by hand).
  function whole(text) {
    if (state.mode === "new" || !text) return text;
    var read = window.siteGenEdit.read(text), found = [];
    if (read.data) {
      var keep = state.keep, sealedSource = state.sealedSource;
      state.keep = false;
      // Sealed contacts are armour the form's schema does not describe (the check reads it).
      if (typeof read.data.contacts === "string") {
        delete read.data.contacts;
        state.sealedSource = true;
      }
      checkValue(SCHEMA, read.data, [], found);
      state.keep = keep;
      state.sealedSource = sealedSource;
    }
    if (read.data && !found.length) return text;
    state.wholeProblem = "现在的备案文件本身有问题，改过以后仍通不过检查：" + (read.problem || found[0].message) +
      " 请在代码平台上手工改正这个文件，或联系上级单位。";
    return "";
  }
  var KEYS_FAILED = "加密联系人用的公钥没有加载成功（网络中断或页面不完整）：请检查网络后刷新页面。加载成功前不会生成文件，联系人不会以明文写进文件。";

  // The file: a new one written whole; an edit written into the file as it is.
  function output(data, sealed) {
    if (state.mode === "new") return yaml(data, sealed);
    var before = managed(state.baseline), after = managed(data);
    if (sealed) after.contacts = sealed.replace(/\s+$/, "") + "\n";
    else if (!contactsChanged(data)) { delete before.contacts; delete after.contacts; }
    var text = window.siteGenEdit.edit(state.source, before, after, Object.keys(SCHEMA.properties), CONFIG.internal);
    return text === null ? "" : text;
  }
  // What the edit may touch: what the form shows, never the reviewers' proof, and with
  // "不修改…" ticked not the internal part.
  function managed(data) {
    var out = {};
    Object.keys(data).forEach(function (key) {
      if (CONFIG.reviewer_only.indexOf(key) >= 0) return;
      if (state.keep && CONFIG.internal.indexOf(key) >= 0) return;
      out[key] = data[key];
    });
    return out;
  }
  function contactsChanged(data) {
    return !state.keep && data.contacts !== undefined &&
      (state.plainContacts || !window.siteGenEdit.same(state.baseline.contacts, data.contacts));
  }
  // The same account as site_gen/identity.py account_key reads it (case, width, www.).
  function sameAccount(a, b) {
    var verify = window.siteGenVerify;
    if (a.platform !== b.platform) return false;
    return verify ? verify.accountKey(a.platform, String(a.account_id)) === verify.accountKey(b.platform, String(b.account_id))
      : String(a.account_id) === String(b.account_id);
  }

  var sealing = 0;  // the latest update; an older sealing that finishes late is dropped
  var sealed = { key: null, text: null };  // the last contacts sealed, and to which keys
  function show(text, path, waiting) {
    state.wholeProblem = null;
    text = whole(text);
    if (state.wholeProblem) waiting = state.wholeProblem;
    var out = document.getElementById("filing-yaml");
    out.value = text;
    out.setAttribute("data-path", path || "");
    document.getElementById("filing-copy").disabled = !text;
    document.getElementById("filing-download").disabled = !text;
    var forgeLink = document.getElementById("filing-forge");
    var edit = state.mode !== "new";
    state.copyOnOpen = false;
    if (CONFIG.forge && text && path) {
      var address = forgeAddress(CONFIG.forge, path, text, edit);
      if (address.length > LINK_LIMIT) {  // too long for the forge: the empty page, and paste
        address = forgeAddress(CONFIG.forge, path, "", false);
        state.copyOnOpen = true;
      }
      forgeLink.href = address;
      forgeLink.hidden = false;
      forgeLink.removeAttribute("aria-disabled");
      forgeLink.textContent = edit ? "打开代码平台的编辑页" : state.copyOnOpen ? "复制内容并打开代码平台的新建文件页" : "打开代码平台的新建文件页";
    } else {
      forgeLink.hidden = true;
    }
    document.getElementById("filing-steps").textContent = waiting || (text ? steps(edit) : "请按上面的提示把表格填完整，这里会生成备案文件。");
    document.getElementById("filing-form").setAttribute("data-sealed", /BEGIN AGE ENCRYPTED FILE/.test(text) ? "1" : "0");
  }

  // The next steps, in each forge's own words for its buttons.
  var COMMIT = {
    github: "点“Commit changes...”，选择“Create a new branch for this commit and start a pull request”，再点“Propose changes”",
    gitlab: "在页面下方的“Target Branch”填一个新分支名，勾选“Start a new merge request with these changes”，点“Commit changes”",
    gitea: "在页面下方选择“为此提交创建一个新的分支并发起合并请求”，再点“提交变更”",
    forgejo: "在页面下方选择“为此提交创建一个新的分支并发起合并请求”，再点“提交变更”"
  };
  function steps(edit) {
    var commit = CONFIG.forge ? COMMIT[CONFIG.forge.kind] || COMMIT.gitea : "新建分支并发起合并请求";
    if (!edit && state.copyOnOpen) {
      return "文件内容较长，无法直接带到代码平台：点“复制内容并打开代码平台的新建文件页”（需要登录），页面先复制文件内容，" +
        "再打开文件名已填好的新建文件页；在内容框里粘贴，然后" + commit + "，等待上级单位审核合并。";
    }
    if (!edit) {
      return "下一步：点“打开代码平台的新建文件页”（需要登录），文件名和内容已经填好；" + commit +
        "，等待上级单位审核合并。也可以复制或下载文件，交给负责提交的同事。";
    }
    return "下一步：点“复制内容”，再点“打开代码平台的编辑页”；在编辑框里全选原来的内容（Ctrl+A 或长按选择全部），" +
      "粘贴替换。生成的是整个文件：只有您修改的那几行变了，联系人、自查情况和备注原样保留。然后" + commit + "。";
  }

  function chooseUnit(path, name) {
    var hidden = document.getElementById("filing-unit");
    hidden.value = path;
    hidden.setAttribute("data-chosen", "1");
    state.touched.unit = true;
    document.getElementById("filing-unit-chosen").textContent = "已选择：" + name + "（filings/" + (path ? path + "/" : "") + "）";
    var search = document.getElementById("filing-unit-search");
    search.value = name;
    search.setAttribute("aria-expanded", "false");
    search.removeAttribute("aria-activedescendant");
    document.getElementById("filing-unit-options").textContent = "";
    update();
  }

  function searchUnits() {
    var box = document.getElementById("filing-unit-options"), search = document.getElementById("filing-unit-search");
    var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    box.textContent = "";
    search.removeAttribute("aria-activedescendant");
    search.setAttribute("aria-expanded", "false");
    if (!words.length) return;
    var shown = 0;
    for (var i = 0; i < units.length && shown < 20; i++) {
      var text = (units[i][1] + " " + units[i][0]).toLowerCase();
      if (words.every(function (w) { return text.indexOf(w) >= 0; })) {
        (function (unit, n) {
          var option = el("li", { id: "filing-unit-option-" + n, role: "option", "class": "sg-option", "aria-selected": "false" },
            [unit[1], el("small", {}, [" filings/" + unit[0]])]);
          option.addEventListener("click", function () { chooseUnit(unit[0], unit[1]); });
          box.appendChild(option);
        })(units[i], shown);
        shown++;
      }
    }
    if (!shown) box.appendChild(el("li", { "class": "sg-none" }, ["没有找到这个单位。单位还没有登记时，请先联系上级单位为它建立单位文件。"]));
    else search.setAttribute("aria-expanded", "true");
  }
  // The unit search as a combobox: arrow keys move through the units found, Enter chooses.
  function unitKeys(event) {
    var options = Array.prototype.slice.call(document.querySelectorAll("#filing-unit-options [role=option]"));
    if (!options.length) return;
    var search = event.target, current = options.map(function (o) { return o.id; }).indexOf(search.getAttribute("aria-activedescendant"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var next = event.key === "ArrowDown" ? Math.min(current + 1, options.length - 1) : Math.max(current - 1, 0);
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === next ? "true" : "false"); });
      search.setAttribute("aria-activedescendant", options[next].id);
      options[next].scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter") {
      event.preventDefault();
      (options[current] || (options.length === 1 ? options[0] : null) || { click: function () {} }).click();
    } else if (event.key === "Escape") {
      document.getElementById("filing-unit-options").textContent = "";
      search.setAttribute("aria-expanded", "false");
    }
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
      if (!path && CONFIG.reviewer_only.indexOf(key) >= 0) return;  // not the filer's to change
      if (Array.isArray(value)) {  // a list (staff): one item added per value, then filled
        var list = document.querySelector('#filing-fields fieldset[data-path="' + name + '"] .sg-add');
        value.forEach(function (item, i) {
          if (list) list.click();
          if (item !== null && typeof item === "object") prefill(item, name + "[" + (i + 1) + "]");
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

  // The account an edit is of, named at the top of the page.
  function showAccount(values, unitPath) {
    var named = units.filter(function (u) { return u[0] === unitPath; })[0];
    var unitName = named ? named[1] : unitPath;
    state.shownUnit = unitPath;
    var facts = document.getElementById("filing-account-facts");
    facts.textContent = "";
    [["名称", values.name], ["平台", CONFIG.platforms[values.platform] || values.platform], ["账号 ID", values.account_id],
      ["所属单位", unitName]].forEach(function (pair) {
      if (pair[1]) { facts.appendChild(el("dt", {}, [pair[0]])); facts.appendChild(el("dd", {}, [String(pair[1])])); }
    });
    document.getElementById("filing-account").hidden = false;
  }

  // The vendored YAML parser, loaded only for an edit.
  function loadParser() {
    if (window.siteGenYaml) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var me = document.querySelector("script[data-yaml]");
      var script = el("script", { src: me ? me.getAttribute("data-yaml") : "../assets/vendor/yaml/yaml.js" }, []);
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  // The file as it is now: from the forge when it can be read from here, else pasted or
  // chosen by the clerk. Only the file of this account is taken.
  function useSource(text, from) {
    var status = document.getElementById("filing-source-status");
    if (new TextEncoder().encode(text).length > CONFIG.size_limit) {
      status.textContent = "这段内容比登记库允许的备案文件（" + Math.round(CONFIG.size_limit / 1024) + " KB）还大，不是备案文件：请复制代码平台上这个文件的全部内容再粘贴。";
      return false;
    }
    var read = window.siteGenEdit.read(text), data = read.data;
    if (!data) {
      status.textContent = read.problem + "：请复制代码平台上这个文件的全部内容再粘贴；文件本身有错误时，请在代码平台上手工改正。";
      return false;
    }
    if (typeof data.platform !== "string" || data.account_id === undefined) {
      status.textContent = "这不是备案文件（没有平台和账号 ID）：请复制代码平台上这个文件的全部内容再粘贴。";
      return false;
    }
    if (!sameAccount(data, state.account)) {
      status.textContent = "这是另一个账号的文件（" + (CONFIG.platforms[data.platform] || data.platform) + "，" +
        data.account_id + "）：请提供“" + state.account.name + "”的备案文件。";
      return false;
    }
    state.source = text;
    state.sealedSource = typeof data.contacts === "string";
    // Contacts in the clear in a registry that seals them: they leave this page sealed.
    state.plainContacts = data.contacts !== null && typeof data.contacts === "object";
    status.textContent = from + (state.sealedSource ? "文件中的联系人是加密的，页面不能显示：不填写联系人就原样保留；要修改，" +
      "取消勾选“不修改联系人…”后把联系人全部重新填写，页面会重新加密。" : "");
    document.getElementById("filing-source-manual").hidden = true;
    clearFields();
    prefill(data, "");
    applyMode(todayInBeijing());
    state.baseline = baselineOf();
    // What the file holds is shown checked at once (it was filled in), what it lacks is not.
    document.querySelectorAll("#filing-fields [name]").forEach(function (input) {
      if (input.value !== "") state.touched[input.name] = true;
    });
    if (state.plainContacts) {  // through the sealing below, whenever the keys arrive
      var keep = document.getElementById("filing-keep");
      if (keep) { keep.checked = false; document.querySelector(".sg-internal").hidden = false; }
      state.keep = false;
      status.textContent += "文件中的联系人没有加密：登记库有加密公钥时，页面会把它们加密后写回文件。";
    }
    applyChanges();
    applyVisibility();
    update();
    document.getElementById("filing-form").setAttribute("data-ready", "1");
    return true;
  }
  function clearFields() {
    document.querySelectorAll("#filing-fields .sg-items").forEach(function (items) { items.textContent = ""; });
    document.querySelectorAll("#filing-fields .sg-add").forEach(function (add) { add.hidden = false; });
    document.querySelectorAll("#filing-fields [name]").forEach(function (input) { input.value = ""; });
  }
  // The form as filled from the file, before the mode's own changes: what the edit compares
  // with (fields the form cannot show are the same in both readings, so they stay as written).
  function baselineOf() {
    var keep = state.keep;
    state.keep = false;
    var data = collect();
    state.keep = keep;
    return data;
  }
  function loadSource(forge, path) {
    var manual = document.getElementById("filing-source-manual"), status = document.getElementById("filing-source-status");
    document.getElementById("filing-source").hidden = false;
    function ask(why) {
      status.textContent = why;
      manual.hidden = false;
      var link = document.getElementById("filing-source-link");
      if (forge) link.href = blobAddress(forge, path); else link.removeAttribute("href");
    }
    if (!forge) { ask("这个门户没有设置代码平台：请提供现在的文件。"); return; }
    status.textContent = "正在从代码平台读取现在的备案文件……";
    fetch(rawAddress(forge, path), { credentials: "omit" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    }).then(function (text) {
      if (!useSource(text, "已读取代码平台上现在的文件（" + path + "）。")) manual.hidden = false;
    }, function () {
      ask("无法直接从代码平台读取这个文件（可能需要登录，或网络不通）：请按下面的办法提供。");
    });
  }

  function applyMode(today) {
    if (state.mode === "deregister") {
      showOnly(["deregistered_on", "deregister_reason"]);
    } else if (state.mode === "review") {
      showOnly(["followers", "posting_frequency", "last_post_on", "posts", "annual_review_on"]);
    }
    if (state.mode !== "change") document.querySelector(".sg-keep").hidden = true;
    state.today = today;
  }
  // The mode's own changes, made after the baseline is read (so they are part of the edit).
  function applyChanges() {
    if (state.mode === "deregister") {
      setValue("status", "deregistered");
      setValue("deregistered_on", state.today);
    } else if (state.mode === "review") {
      setValue("annual_review_on", state.today);
    }
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
    state.touched = {};
    state.source = state.mode === "new" ? "" : null;
    document.getElementById("filing-title").textContent = MODES[state.mode][0];
    document.getElementById("filing-intro").insertBefore(document.createTextNode(MODES[state.mode][1]), document.getElementById("filing-intro").firstChild);

    var fields = document.getElementById("filing-fields");
    var internal = el("fieldset", { "class": "sg-internal" }, [el("legend", {}, ["内部信息（不公开）：自查情况、备注和联系人"])]);
    Object.keys(SCHEMA.properties).forEach(function (key) {
      if (CONFIG.reviewer_only.indexOf(key) >= 0) return;  // proof: the reviewers' record
      var node = build(SCHEMA.properties[key], [key]);
      node.setAttribute("data-top", key);
      if (CONFIG.internal.indexOf(key) >= 0) internal.appendChild(node); else fields.appendChild(node);
    });
    if (state.mode !== "new") {
      var keep = el("input", { type: "checkbox", id: "filing-keep", checked: true });
      var keepLabel = el("label", { "for": "filing-keep" }, ["不修改联系人、自查情况和备注（文件中这些内容原样保留）"]);
      keep.addEventListener("change", function () { state.keep = keep.checked; internal.hidden = state.keep; applyVisibility(); update(); });
      fields.appendChild(el("p", { "class": "sg-keep" }, [keep, keepLabel]));
      internal.hidden = true;
    }
    fields.appendChild(internal);

    if (state.mode === "new") {
      setValue("filed_on", todayInBeijing());
      setValue("status", "active");
    } else {
      var unitPath = params.get("unit") || "";
      Promise.all([loadAccount(params), loadParser()]).then(function (found) {
        state.account = found[0];
        state.path = "filings/" + (unitPath ? unitPath + "/" : "") + params.get("account");
        showAccount(state.account, unitPath);
        prefill(state.account, "");  // shown at once; replaced by the file's own values when read
        loadSource(CONFIG.forge, state.path);
      }, function () {
        fail("没有找到这个账号的备案（链接可能已过期，或网络中断）：请回到单位页面，重新点这个账号的“" + MODES[state.mode][0].replace("备案", "") + "”。");
      });
      var pasted = document.getElementById("filing-source-text");
      pasted.addEventListener("input", function () { if (pasted.value.trim()) useSource(pasted.value, "已读取您粘贴的文件。"); });
      document.getElementById("filing-source-file").addEventListener("change", function (event) {
        var file = event.target.files[0];
        if (!file) return;
        if (file.size > 1024 * 1024) { document.getElementById("filing-source-status").textContent = "这个文件太大，不是备案文件。"; return; }
        file.text().then(function (text) { useSource(text, "已读取您选择的文件（" + file.name + "）。"); });
      });
    }
    function touched(event) {
      var input = event.target;
      if (!input.name) return;
      state.touched[input.name] = true;
      if (event.type === "input" || input.tagName === "SELECT") clearNote(input);
      if (input.getAttribute("data-type") === "date") {
        var day = typedDate(input.value), note = fieldNote(input);
        note.textContent = day && calendarDate(day) ? "即 " + inWords(day) + (day !== input.value.trim() ? "，将写作 " + day : "") + "。" : "";
      } else if (input.getAttribute("data-type") === "integer") {
        var count = typedInteger(input.value);
        if (count !== null && String(count) !== input.value.trim()) fieldNote(input).textContent = "即 " + count + "。";
      } else if (input.tagName !== "SELECT") {
        cleanField(input);
        if (input.name === "account_id") {
          input.removeAttribute("data-pasted");
          adoptId(input);
        }
      } else if (input.name === "platform") {  // a link pasted before: read again for this platform
        var id = document.querySelector('#filing-fields [name="account_id"]');
        if (id && id.getAttribute("data-pasted")) {
          id.value = id.getAttribute("data-pasted");
          clearNote(id);
          adoptId(id);
        }
      }
    }
    fields.addEventListener("input", function (event) { touched(event); applyVisibility(); update(); });
    fields.addEventListener("change", function (event) { touched(event); applyVisibility(); update(); });
    fields.addEventListener("focusout", function (event) { if (event.target.name) { state.touched[event.target.name] = true; update(); } });

    var search = document.getElementById("filing-unit-search");
    search.addEventListener("input", function () {
      var hidden = document.getElementById("filing-unit");
      if (hidden.getAttribute("data-chosen") === "1") {  // looking for another unit: none chosen now
        hidden.setAttribute("data-chosen", "0");
        hidden.value = "";
        document.getElementById("filing-unit-chosen").textContent = "";
        update();
      }
      searchUnits();
    });
    search.addEventListener("keydown", unitKeys);
    fetch("keys.json").then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (found) {
      if (!found || typeof found.keys !== "object" || found.keys === null) throw new Error("not keys");
      return found;
    }).then(function (found) { KEYS = found; update(); },
      function () { KEYS = { failed: true, keys: {} }; update(); });
    fetch("units.json").then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (list) {
      if (!Array.isArray(list)) throw new Error("not units");
      return list;
    }).then(function (list) {
      units = list;
      if (state.account) showAccount(state.account, state.shownUnit);  // now with the unit's name
      var wanted = params.get("unit");
      var match = units.filter(function (u) { return u[0] === wanted; })[0];
      if (wanted !== null && match) {  // from a unit page
        chooseUnit(match[0], match[1]);
        if (state.mode !== "new") document.querySelector(".sg-unit-picker").hidden = true;
      } else if (wanted !== null && state.mode !== "new") {
        fail("登记库中没有找到单位“" + wanted + "”（它可能已改名或移动）：请回到单位目录，重新找到这个账号。");
      }
      searchUnits();
    }, function () {
      fail("单位列表没有加载成功（网络中断或页面不完整）：请检查网络后刷新页面。");
    });

    document.getElementById("filing-copy").addEventListener("click", function () {
      copyText(function () { var note = document.getElementById("filing-copied"); note.hidden = false; note.textContent = "已复制。"; });
    });
    document.getElementById("filing-forge").addEventListener("click", function () {
      if (state.copyOnOpen) copyText(function () {
        var note = document.getElementById("filing-copied");
        note.hidden = false;
        note.textContent = "已复制文件内容：在代码平台的新建文件页的内容框里粘贴。";
      });
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
  function copyText(done) {
    var out = document.getElementById("filing-yaml");
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(out.value).then(done, function () { out.select(); document.execCommand("copy"); done(); });
    else { out.select(); document.execCommand("copy"); done(); }
  }

  window.siteGenFiling = { accountSlug: accountSlug, forgeAddress: forgeAddress, rawAddress: rawAddress, sha1: sha1, typedDate: typedDate };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
