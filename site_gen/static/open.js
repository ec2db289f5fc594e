/* The page /open/: open a sealed report bundle (`site-gen report --seal`, a binary age
 * file of a zip) with the officer's private key file, and offer each workbook for saving.
 * Everything happens in this browser: the vendored age library (assets/vendor/age/age.js)
 * decrypts, a small zip reader below lists the members (Python's zipfile, ZIP_DEFLATED)
 * and the browser's own DecompressionStream inflates them. Nothing is sent anywhere; the
 * key is kept only in this page's memory. The same bundle opens with
 * `site-gen contacts open` and with `age -d`. */
(function () {
  "use strict";

  var NOT_FOR_KEY = "这个私钥打不开所选的报表包：报表包只加密给了该单位和各级上级单位的密钥。" +
    "请确认选择了本单位的私钥文件和本单位（或下级单位）的报表包。";
  var DAMAGED = "所选文件已损坏（被改动过或不完整），或者不是加密的报表包（.zip.age），无法解密。";
  var BAD_ZIP = "解密成功，但里面的压缩包已损坏，无法解开。请重新下载报表包。";

  function fail(message) {
    var error = new Error(message);
    error.shown = true;
    return error;
  }

  /* ---- the key file: AGE-SECRET-KEY-1… lines, # comments (sealing.parse_identities) ---- */
  function parseKeys(text) {
    var keys = [];
    var lines = text.split(/\r?\n/);
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i].trim();
      if (!line || line.charAt(0) === "#") continue;
      if (/^age1/.test(line)) {
        throw fail("私钥文件第 " + (i + 1) + " 行是公钥（age1…）。解密要用私钥（AGE-SECRET-KEY-1…），" +
          "也就是 site-gen contacts keygen 写下的密钥文件。");
      }
      if (!/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/.test(line)) {
        throw fail("私钥文件第 " + (i + 1) + " 行不是 age 私钥（应以 AGE-SECRET-KEY-1 开头）。" +
          "请确认选择的是私钥文件（.agekey）。");
      }
      keys.push(line);
    }
    if (!keys.length) throw fail("所选的私钥文件里没有私钥（AGE-SECRET-KEY-1…）。请确认选择的是私钥文件（.agekey）。");
    return keys;
  }

  /* ---- a small zip reader: the central directory, stored or deflated members ---- */
  var CRC_TABLE = (function () {
    var table = new Uint32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  })();

  function crc32(bytes) {
    var c = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  }

  async function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  // The last part of a member's path, or null when it is not a plain file name.
  function safeName(name) {
    if (!name || name.indexOf("\0") >= 0 || /^([\\/]|[A-Za-z]:)/.test(name)) return null;
    var parts = name.split(/[\\/]/);
    if (parts.some(function (p) { return p === ".."; })) return null;
    var last = parts[parts.length - 1];
    return last && last !== "." ? last : null;
  }

  // [{name, data: Uint8Array}] of a zip's files, in the zip's order.
  async function unzip(bytes) {
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var end = -1;
    for (var at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65535); at--) {
      if (view.getUint32(at, true) === 0x06054b50) { end = at; break; }
    }
    if (end < 0) throw fail(BAD_ZIP);
    var count = view.getUint16(end + 10, true);
    var offset = view.getUint32(end + 16, true);
    var utf8 = new TextDecoder("utf-8");
    var files = [];
    for (var i = 0; i < count; i++) {
      if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) throw fail(BAD_ZIP);
      var flags = view.getUint16(offset + 8, true);
      var method = view.getUint16(offset + 10, true);
      var crc = view.getUint32(offset + 16, true);
      var packed = view.getUint32(offset + 20, true);
      var size = view.getUint32(offset + 24, true);
      var nameLength = view.getUint16(offset + 28, true);
      var extraLength = view.getUint16(offset + 30, true);
      var commentLength = view.getUint16(offset + 32, true);
      var local = view.getUint32(offset + 42, true);
      var rawName = utf8.decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
      offset += 46 + nameLength + extraLength + commentLength;
      if (/\/$/.test(rawName)) continue;  // a folder entry
      var name = safeName(rawName);
      if (name === null) throw fail("报表包里有路径不安全的文件（绝对路径或含有 ..），没有解开。");
      if (flags & 1 || packed === 0xffffffff || size === 0xffffffff) throw fail(BAD_ZIP);
      if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) throw fail(BAD_ZIP);
      var start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      if (start + packed > bytes.length) throw fail(BAD_ZIP);
      var data = bytes.subarray(start, start + packed);
      if (method === 8) {
        try { data = await inflate(data); } catch (e) { throw fail(BAD_ZIP); }
      } else if (method !== 0) {
        throw fail("报表包里的压缩方式不受支持，请用命令行 site-gen contacts open 打开。");
      }
      if (data.length !== size || crc32(data) !== crc) throw fail(BAD_ZIP);
      files.push({ name: name, data: data });
    }
    return files;
  }

  /* ---- the page ---- */
  var links = [];  // blob: addresses offered for saving, revoked on the next run

  function show(status, message) {
    var node = document.getElementById("open-status");
    node.textContent = message;
    node.className = status === "error" ? "sg-errors" : "sg-note";
    node.setAttribute("data-status", status);
  }

  function readBytes(file) {
    return file.arrayBuffer().then(function (buffer) { return new Uint8Array(buffer); });
  }

  async function open(bundleFile, keyFile) {
    var keys = parseKeys(await keyFile.text());
    var sealed = await readBytes(bundleFile);
    var plain;
    try {
      plain = await window.siteGenAge.open(sealed, keys);
    } catch (e) {
      throw fail(/no identity matched/i.test(String(e && e.message)) ? NOT_FOR_KEY : DAMAGED);
    }
    return unzip(plain);
  }

  function offer(files) {
    var list = document.getElementById("open-files");
    files.forEach(function (file) {
      var url = URL.createObjectURL(new Blob([file.data], { type: "application/octet-stream" }));
      links.push(url);
      var link = document.createElement("a");
      link.className = "sg-button";
      link.href = url;
      link.download = file.name;
      link.textContent = "保存 " + file.name;
      list.appendChild(link);
    });
  }

  function reset() {
    links.forEach(function (url) { URL.revokeObjectURL(url); });
    links = [];
    document.getElementById("open-files").textContent = "";
  }

  async function run(event) {
    event.preventDefault();
    reset();
    var bundle = document.getElementById("open-bundle").files[0];
    var key = document.getElementById("open-key").files[0];
    if (!bundle || !key) {
      show("error", "请先选择加密的报表包（.zip.age）和本单位的私钥文件（.agekey）。");
      return;
    }
    if (typeof DecompressionStream === "undefined" || !window.siteGenAge || !window.siteGenAge.open) {
      show("error", "这个浏览器版本太旧，无法在页面上解密。请换用新版的浏览器，或用命令行 site-gen contacts open。");
      return;
    }
    show("working", "正在解密……");
    try {
      var files = await open(bundle, key);
      if (!files.length) throw fail("报表包里没有文件。");
      offer(files);
      show("ok", "已解密 " + bundle.name + "，其中有 " + files.length + " 个文件，请逐个保存。" +
        "表格里有联系人，只供工作使用，请勿外传，用完请删除。");
    } catch (e) {
      show("error", e && e.shown ? e.message : DAMAGED);
    }
  }

  function start() {
    var form = document.getElementById("open-form");
    if (!form) return;
    form.addEventListener("submit", run);
    ["open-bundle", "open-key"].forEach(function (id) {
      document.getElementById(id).addEventListener("change", function () {
        reset();
        show("", "");
        document.getElementById("open-status").removeAttribute("data-status");
      });
    });
  }

  window.siteGenOpen = { parseKeys: parseKeys, unzip: unzip };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
